import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { liveAt, planArena } from '../../src/analysis/arenaPlan';
import { planGreedy } from '../../src/analysis/memoryPlanner';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import { corpusModel, corpusModels, GOLDEN_DIR, SKIP_SHARED } from '../helpers/corpus';
import { chainModel, controlFlowModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { readModel, writeModel } from '../../src/model/io';

describe('GreedyMemoryPlanner', () => {
  test('places buffers alive at once side by side and reuses the space of dead ones', () => {
    // a: [0,1], b: [1,2], c: [2,3]: a and c never meet, so c reuses a's bytes.
    const r = planGreedy([
      { size: 64, first: 0, last: 1 },
      { size: 32, first: 1, last: 2 },
      { size: 64, first: 2, last: 3 },
    ]);
    // Equal sizes: the later buffer (c) goes first, at 0; a does not meet c and also sits at 0.
    assert.deepStrictEqual(r.offsets, [0, 64, 0]);
    assert.equal(r.headBytes, 96);
  });

  test('lifetimes that touch overlap', () => {
    const r = planGreedy([
      { size: 16, first: 0, last: 1 },
      { size: 16, first: 1, last: 1 },
    ]);
    assert.deepStrictEqual(r.offsets, [16, 0]);
  });

  test('first fit fills the lowest gap that is large enough', () => {
    const r = planGreedy([
      { size: 128, first: 0, last: 4 }, // placed first, at 0
      { size: 96, first: 0, last: 1 }, // next largest: at 128
      { size: 80, first: 3, last: 4 }, // meets only the first: 128, where the 96 is no longer alive
      { size: 48, first: 0, last: 4 }, // meets all: above the 96, at 224
    ]);
    assert.deepStrictEqual(r.offsets, [0, 128, 128, 224]);
    assert.equal(r.headBytes, 272);
  });

  test('offline-planned buffers keep their offsets and are placed before the rest', () => {
    const r = planGreedy([
      { size: 32, first: 0, last: 2, offlineOffset: 64 },
      { size: 64, first: 0, last: 2 },
      { size: 32, first: 0, last: 2 },
    ]);
    assert.equal(r.offsets[0], 64);
    // The first online buffer goes to 0 regardless; the next finds the gap after the offline one.
    assert.equal(r.offsets[1], 0);
    assert.equal(r.offsets[2], 96);
  });

  test('no buffers, no arena', () => assert.equal(planGreedy([]).headBytes, 0));
});

describe('arena plan of the project models', () => {
  test('a chain keeps two activations alive at a time', () => {
    const plan = planArena(chainModel());
    assert.equal(plan.headBytes, 8192);
    for (let op = 0; op < 4; op++) assert.equal(liveAt(plan, op).liveBytes, 8192);
  });

  test('OfflineMemoryAllocation offsets are used as given', () => {
    const plan = planArena(readModel(writeModel(chainModel([0, 4096, 8192, 4096, 0]))));
    assert.deepStrictEqual(
      plan.buffers.map((b) => b.offset),
      [0, 4096, 8192, 4096, 0],
    );
    assert.ok(plan.buffers.every((b) => b.offline));
    assert.equal(plan.headBytes, 12288);
  });

  test('an offline table of the wrong length is refused as TFLM would, with a warning', () => {
    const plan = planArena(chainModel([0, 4096]));
    assert.equal(
      plan.buffers.some((b) => b.offline),
      false,
    );
    assert.match(plan.warnings[0]!, /lists 2 offsets but the model has 5 tensors/);
  });

  test('subgraphs called by WHILE and IF are planned inside the calling op', () => {
    const g = controlFlowModel();
    const plan = planArena(g);
    const byName = (sg: number, name: string) => plan.buffers.find((b) => b.subgraph === sg && b.name === name)!;
    const whileScope = plan.opScopes[0]!;
    assert.ok(whileScope.end > whileScope.start, 'WHILE spans its condition and body');
    for (const [sg, name] of [
      [1, 'cx'],
      [2, 'bx'],
      [2, 'by'],
    ] as const) {
      const b = byName(sg, name);
      assert.ok(b.first >= whileScope.start && b.last <= whileScope.end, `${name} lives inside the WHILE`);
    }
    const ifScope = plan.opScopes[1]!;
    assert.ok(byName(3, 'out').first >= ifScope.start && byName(4, 'out').last <= ifScope.end);
    // Constants are never planned.
    assert.equal(
      plan.buffers.some((b) => b.name === 'one' || b.name === 'limit'),
      false,
    );
  });

  test('variable tensors are persistent, not planned', () => {
    const plan = planArena(readModel(writeModel(tinyInt8ConvNet())));
    assert.ok(plan.buffers.every((b) => b.kind === 'tensor'));
    assert.equal(
      plan.buffers.some((b) => b.name.endsWith('/w') || b.name.endsWith('/b')),
      false,
    );
  });
});

interface Golden {
  readonly arena_32bit: { readonly recording: { readonly head: number }; readonly plain_arena_used_bytes: number };
  readonly arena_64bit: { readonly recording: { readonly head: number }; readonly plain_arena_used_bytes: number };
}

function golden(name: string): Golden | undefined {
  const p = join(GOLDEN_DIR, name, 'golden.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Golden) : undefined;
}

/** kTensorArenaSize that public code uses for these models (../shared/models/README.md). */
const PUBLIC_ARENA_SIZES: Readonly<Record<string, number>> = {
  hello_world_float: 3000,
  hello_world_int8: 3000,
  micro_speech_quantized: 28584,
  person_detect: 136 * 1024,
  keyword_scrambled_8bit: 21 * 1024,
  kws_ref_model: 200 * 1024,
  vww_96_int8: 200 * 1024,
  pretrainedResnet_quant: 100 * 1024,
  ad01_int8: 10 * 1024,
};

describe('the arena TFLite Micro really allocates (golden data from a real build)', { skip: SKIP_SHARED }, () => {
  const withGolden = corpusModels().filter((m) => golden(m.name));
  test('there is golden data to check against', () => assert.ok(withGolden.length >= 16));
  for (const m of withGolden) {
    const g = golden(m.name)!;
    test(`${m.name}: head to the byte, arena_used_bytes exact on 32 and 64-bit builds`, () => {
      const graph = readModel(corpusModel(m.name));
      const plan = planArena(graph, 'i386');
      assert.equal(plan.headBytes, g.arena_32bit.recording.head);
      assert.equal(plan.headBytes + estimatePersistent(graph, { abi: 'i386', scratchCount: plan.scratchCount }).bytes, g.arena_32bit.plain_arena_used_bytes);
      const plan64 = planArena(graph, 'x86_64');
      assert.equal(plan64.headBytes, g.arena_64bit.recording.head);
      assert.equal(
        plan64.headBytes + estimatePersistent(graph, { abi: 'x86_64', scratchCount: plan64.scratchCount }).bytes,
        g.arena_64bit.plain_arena_used_bytes,
      );
    });
    test(`${m.name}: the Cortex-M (arm32) prediction is within 2% (or 128 bytes) of the 32-bit build`, () => {
      const bytes = corpusModel(m.name);
      const a = analyzeModel(readModel(bytes), bytes.length);
      assert.equal(a.arena.nonPersistentBytes, g.arena_32bit.recording.head);
      // Only struct layouts differ (1-byte enums on arm-none-eabi): −120 to +24 bytes on these
      // models, which is more than 2% of the smallest arenas (arenaRunners.test.ts has the exact figures).
      const close = Math.max(0.02 * g.arena_32bit.plain_arena_used_bytes, 128);
      assert.ok(Math.abs(a.arena.totalBytes - g.arena_32bit.plain_arena_used_bytes) <= close);
      const limit = PUBLIC_ARENA_SIZES[m.name];
      if (limit !== undefined) assert.ok(a.arena.totalBytes <= limit, `${a.arena.totalBytes} > kTensorArenaSize ${limit}`);
    });
  }

  test('person_detect peaks where its largest activations meet, and names them', () => {
    const bytes = corpusModel('person_detect');
    const a = analyzeModel(readModel(bytes), bytes.length);
    const peak = a.layers[a.arena.peakLayer!]!;
    assert.equal(peak.arenaHighWaterBytes, a.arena.nonPersistentBytes);
    assert.ok(a.arena.peakTensors.length >= 2);
    assert.deepStrictEqual(a.arena.peakTensors, peak.liveTensors);
  });
});

describe('CMSIS-NN kernels (exact against the emulated builds: arenaRunners.test.ts)', { skip: SKIP_SHARED }, () => {
  test('person_detect on a Cortex-M55: head 55,296 and the 84,436-byte arena of an older TFLM within 3%', () => {
    // TFLM's benchmarking README: Corstone-300 (M55, so CMSIS-NN's MVE path), measured with
    // the RecordingMicroAllocator: 55,296 non-persistent + 29,140 persistent.
    const graph = readModel(corpusModel('person_detect'));
    const kernels = kernelLibrary('cmsis-nn', 'cortex-m55');
    const plan = planArena(graph, 'arm32', kernels.table);
    assert.equal(plan.headBytes, 55_296);
    assert.ok(plan.scratchCount > 0, 'MVE depthwise kernels request scratch buffers');
    const tail = estimatePersistent(graph, { abi: 'arm32', scratchCount: plan.scratchCount, kernels: kernels.table, allocator: 'recording' });
    // Our tail is 1,968 bytes (6.8%) short of the measured one, which was taken with an older
    // TFLM than the golden build; the README reports this. The total is within 3%.
    const measured = 84_436;
    const predicted = plan.headBytes + tail.bytes;
    assert.ok(Math.abs(predicted - measured) <= 0.03 * measured, `${predicted} vs ${measured}`);
    // What users see: no error band any more, since the M55 build of the pinned TFLM reports
    // this model's arena to the byte (27,172 recorded tail, checked in arenaRunners.test.ts).
    const bytes = corpusModel('person_detect');
    const a = analyzeModel(readModel(bytes), bytes.length, { kernels });
    assert.equal(a.arena.persistentErrorBytes, 0);
    assert.equal(tail.bytes, 27_172);
  });

  test('float convolutions skip the per-channel arrays the reference kernels always allocate', () => {
    const bytes = corpusModel('vww_96_float');
    const reference = analyzeModel(readModel(bytes), bytes.length);
    const cmsis = analyzeModel(readModel(bytes), bytes.length, { kernels: kernelLibrary('cmsis-nn', 'cortex-m4f') });
    assert.ok(cmsis.arena.persistentBytes < reference.arena.persistentBytes / 2);
    assert.equal(cmsis.arena.kernels, 'cmsis-nn (dsp)');
  });
});
