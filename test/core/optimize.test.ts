import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planArena } from '../../src/analysis/arenaPlan';
import { planGreedy } from '../../src/analysis/memoryPlanner';
import { TFLM_KERNELS } from '../../src/analysis/tflmKernels';
import { Cancelled } from '../../src/errors';
import { readModel, writeModel } from '../../src/model/io';
import { liveBytesByScope, lowerBound } from '../../src/optimize/lowerBound';
import { decodeOfflinePlan, encodeOfflinePlan, fixableBuffers, offlineTable, withOfflinePlan } from '../../src/optimize/offlinePlan';
import { optimizeModel } from '../../src/optimize/optimizeModel';
import { exactPlacement, firstFit, searchPlacement, tflmHead, type PlacementBuffer } from '../../src/optimize/placement';
import { dependencies, peakOfOrder, searchOrder } from '../../src/optimize/reorder';
import { runModel } from '../../src/runtime/runModel';
import { branchModel } from '../helpers/branchModel';
import { chainModel, controlFlowModel } from '../helpers/fixtures';

const fixed = (size: number, first: number, last: number): PlacementBuffer => ({ size, first, last, fixable: true });
/** A clock that never moves: the search ends on the bound or on stalling, never on time. */
const frozen = { now: () => 0, deadline: 1 };

// TFLM's greedy puts the two 48s at 0 and the 32s above them (112 bytes); at most 80 are ever alive.
const GREEDY_LOSES = [fixed(48, 0, 0), fixed(32, 0, 2), fixed(32, 2, 4), fixed(48, 3, 4)];
// Here no starting order reaches the bound (96): only the local search does.
const SEEDS_LOSE = [fixed(32, 2, 4), fixed(64, 1, 1), fixed(48, 3, 4), fixed(32, 0, 2)];

describe('lower bound', () => {
  test('is the largest sum of sizes alive at one scope', () => {
    assert.deepStrictEqual(liveBytesByScope(GREEDY_LOSES), [80, 32, 64, 80, 80]);
    assert.equal(lowerBound(GREEDY_LOSES), 80);
    assert.equal(lowerBound([]), 0);
  });
});

describe('placement search', () => {
  test('first fit places each buffer in the lowest gap among the ones it meets', () => {
    assert.deepStrictEqual(firstFit(GREEDY_LOSES, [0, 1, 2, 3]), [0, 48, 0, 32]);
    assert.deepStrictEqual(firstFit(GREEDY_LOSES, [3, 0, 2, 1]), [0, 80, 48, 0]);
  });

  test('beats TFLM greedy and reaches the bound, with exact offsets', () => {
    assert.equal(planGreedy(GREEDY_LOSES).headBytes, 112);
    const r = searchPlacement(GREEDY_LOSES, frozen);
    assert.deepStrictEqual(r.offsets, [0, 48, 0, 32]);
    assert.equal(r.headBytes, 80);
    assert.equal(r.lowerBoundBytes, 80);
    assert.equal(r.optimal, true);
    assert.equal(r.timedOut, false);
  });

  test('local search finds what the starting orders miss', () => {
    assert.equal(planGreedy(SEEDS_LOSE).headBytes, 128);
    const r = searchPlacement(SEEDS_LOSE, { ...frozen, seed: 1 });
    assert.equal(r.headBytes, 96);
    assert.equal(r.optimal, true);
    assert.deepStrictEqual(r.offsets, [48, 32, 0, 0]);
  });

  test('a time limit returns the best placement found so far', () => {
    const r = searchPlacement(SEEDS_LOSE, { now: () => 5, deadline: 0 });
    assert.equal(r.timedOut, true);
    assert.equal(r.headBytes, 112, 'the best of the starting orders');
    assert.equal(r.optimal, false);
  });

  test('cancellation stops the search', () => {
    assert.throws(
      () =>
        searchPlacement(SEEDS_LOSE, {
          ...frozen,
          checkStop: () => {
            throw new Cancelled();
          },
        }),
      Cancelled,
    );
  });

  test('the exhaustive search finds the optimum and proves nothing lower exists', () => {
    const r = exactPlacement(SEEDS_LOSE, 1 << 30);
    assert.ok(r.offsets);
    assert.equal(Math.max(...SEEDS_LOSE.map((b, i) => r.offsets![i]! + b.size)), 96);
    // Given 96 as the incumbent, every order is tried or pruned and none does better.
    assert.equal(exactPlacement(SEEDS_LOSE, 96).offsets, undefined);
  });

  test('scratch buffers stay online and TFLM fits them around the fixed offsets', () => {
    const buffers: PlacementBuffer[] = [fixed(64, 0, 2), fixed(64, 2, 4), { size: 32, first: 1, last: 1, fixable: false }];
    const r = tflmHead(buffers, [0, 64, 0]);
    // The scratch buffer meets only the first tensor, so TFLM puts it in the free gap at 64.
    assert.deepStrictEqual(r.offsets, [0, 64, 64]);
    assert.equal(r.headBytes, 128);
  });
});

describe('OfflineMemoryAllocation', () => {
  test('is [version, subgraph, count, offsets…] as little-endian int32', () => {
    const bytes = encodeOfflinePlan([0, -1, 4096]);
    assert.deepStrictEqual([...new Int32Array(bytes.buffer)], [1, 0, 3, 0, -1, 4096]);
    assert.deepStrictEqual([...decodeOfflinePlan(bytes)!], [0, -1, 4096]);
    assert.equal(decodeOfflinePlan(new Uint8Array(10)), undefined);
  });

  test('a written plan is what our analysis of the file reads back', () => {
    const g = chainModel();
    const plan = planArena(g);
    const table = offlineTable(g, plan.buffers, [8192, 0, 4096, 0, 4096]);
    const back = planArena(readModel(writeModel(withOfflinePlan(g, table))));
    assert.deepStrictEqual(
      back.buffers.map((b) => b.offset),
      [8192, 0, 4096, 0, 4096],
    );
    assert.equal(back.headBytes, 12288);
    assert.deepStrictEqual(back.warnings, []);
  });

  test('replacing a plan reuses its buffer instead of leaving a dead copy', () => {
    const g = chainModel([0, 4096, 0, 4096, 0]);
    const again = withOfflinePlan(g, [4096, 0, 4096, 0, 4096]);
    assert.equal(again.buffers.length, g.buffers.length);
    assert.equal(again.metadata.filter((m) => m.name === 'OfflineMemoryAllocation').length, 1);
  });

  test('with several subgraphs, an index planned in two of them stays online', () => {
    // TFLM looks offsets up by the index within each subgraph, so entry i is shared.
    const g = controlFlowModel();
    const plan = planArena(g);
    const fixable = fixableBuffers(plan.buffers);
    plan.buffers.forEach((b, k) => {
      if (b.kind !== 'tensor') return assert.equal(fixable[k], false);
      const sharers = plan.buffers.filter((o) => o.kind === 'tensor' && o.tensor === b.tensor).length;
      assert.equal(fixable[k], sharers === 1, `${b.name} (subgraph ${b.subgraph}, tensor ${b.tensor})`);
    });
    assert.ok(fixable.some((f) => !f) && fixable.some((f) => f));
  });

  test('an overlapping, negative or misaligned existing plan gets a clear warning', () => {
    const overlapping = planArena(chainModel([0, 0, 8192, 4096, 0]));
    assert.match(
      overlapping.warnings.join('\n'),
      /puts "input" \(subgraph 0, tensor 0\) at 0 and "a" \(subgraph 0, tensor 1\) at 0: they share bytes while both are alive/,
    );
    assert.match(planArena(chainModel([-16, 4096, 0, 4096, 0])).warnings.join('\n'), /offset -16, outside the arena/);
    assert.match(planArena(chainModel([8, 4112, 0, 4096, 0])).warnings.join('\n'), /offset 8, not a multiple of 16/);
  });
});

describe('operator reordering', () => {
  const g = branchModel();
  const sizes = (): { tensorBytes: number[]; scratchBytes: number[] } => {
    const plan = planArena(g);
    const tensorBytes = new Array<number>(g.subgraphs[0]!.tensors.length).fill(0);
    for (const b of plan.buffers) if (b.kind === 'tensor') tensorBytes[b.tensor!] = b.size;
    return { tensorBytes, scratchBytes: [0, 0, 0, 0, 0] };
  };

  test('dependencies follow the data', () => {
    assert.deepStrictEqual(dependencies(g), [[], [], [0], [1], [2, 3]]);
  });

  test('running one branch to its end first halves the peak', () => {
    const input = { graph: g, ...sizes() };
    // x (64) + a1 (2048) + b1 (2048) at the second op.
    assert.equal(peakOfOrder(input, [0, 1, 2, 3, 4]), 4160);
    const r = searchOrder(input);
    assert.deepStrictEqual(r.order, [0, 2, 1, 3, 4]);
    assert.equal(r.peakBytes, 2176);
    assert.equal(r.originalPeakBytes, 4160);
    assert.equal(r.exact, true);
  });

  test('a beam too narrow for every set says the order is not proven best', () => {
    assert.equal(searchOrder({ graph: g, ...sizes() }, { width: 1 }).exact, false);
  });

  test('variable tensors keep their users in order', () => {
    const b = chainModel();
    const withVariable = {
      ...b,
      subgraphs: b.subgraphs.map((sg) => ({ ...sg, tensors: sg.tensors.map((t, i) => (i === 2 ? { ...t, isVariable: true } : t)) })),
    };
    // Ops 1 and 2 touch the variable tensor 2: op 2 depends on op 1 by data anyway, and both are chained.
    assert.deepStrictEqual(dependencies(withVariable), [[], [0], [1], [2]]);
  });
});

describe('optimizeModel', () => {
  test('reorders the branches, writes the plan, and the file predicts what it promises', () => {
    const g = branchModel();
    const { graph, summary } = optimizeModel(g, { abi: 'x86_64', kernels: TFLM_KERNELS, reorder: true, control: frozen });
    assert.equal(summary.greedyHeadBytes, planArena(g, 'x86_64').headBytes);
    assert.deepStrictEqual(
      summary.reordered.map((r) => [r.op, r.from, r.to]),
      [
        ['FULLY_CONNECTED', 2, 1],
        ['FULLY_CONNECTED', 1, 2],
      ],
    );
    assert.ok(summary.optimizedHeadBytes < summary.greedyHeadBytes);
    assert.equal(summary.optimizedHeadBytes, summary.lowerBoundBytes);
    assert.equal(summary.optimal, true);
    const reread = readModel(writeModel(graph));
    assert.equal(planArena(reread, 'x86_64').headBytes, summary.optimizedHeadBytes);
    assert.equal(summary.totalBytesBefore - summary.totalBytesAfter, summary.greedyHeadBytes - summary.optimizedHeadBytes);
    assert.equal(summary.timeline.optimizedTop.length, 5);
    // Bit for bit the same outputs in our runtime.
    const x = new Uint8Array(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)).buffer);
    assert.deepStrictEqual(runModel(reread, [x]).outputs[0]!.bytes, runModel(g, [x]).outputs[0]!.bytes);
  });

  test('without --reorder the operators stay where they are', () => {
    const { summary } = optimizeModel(branchModel(), { abi: 'x86_64', kernels: TFLM_KERNELS, reorder: false, control: frozen });
    assert.deepStrictEqual(summary.reordered, []);
  });

  test('with subgraphs (WHILE, IF), the written table covers every tensor and predicts exactly', () => {
    const g = controlFlowModel();
    const r = optimizeModel(g, { abi: 'arm32', kernels: TFLM_KERNELS, reorder: true, alwaysWritePlan: true, control: frozen });
    const reread = readModel(writeModel(r.graph));
    const meta = reread.metadata.find((m) => m.name === 'OfflineMemoryAllocation')!;
    const table = decodeOfflinePlan(reread.buffers[meta.buffer]!.data)!;
    assert.equal(
      table.length,
      g.subgraphs.reduce((n, sg) => n + sg.tensors.length, 0),
    );
    assert.ok(r.summary.optimizedHeadBytes <= r.summary.greedyHeadBytes);
    assert.equal(planArena(reread).headBytes, r.summary.optimizedHeadBytes);
    assert.deepStrictEqual(planArena(reread).warnings, []);
  });

  test('a broken offline plan is replaced by a sound one, and the warning is passed on', () => {
    // Input and a share bytes; the head (8 KB) is already what a sound plan needs.
    const g = chainModel([0, 0, 4096, 0, 4096]);
    const r = optimizeModel(g, { abi: 'arm32', kernels: TFLM_KERNELS, reorder: false, control: frozen });
    assert.equal(r.summary.greedyHeadBytes, 8192);
    assert.notEqual(r.graph, g);
    assert.match(r.summary.warnings!.join('\n'), /share bytes while both are alive/);
    assert.deepStrictEqual(planArena(readModel(writeModel(r.graph))).warnings, []);
    assert.equal(r.summary.optimizedHeadBytes, 8192);
  });

  test('a model TFLM already plans at the bound comes back unchanged', () => {
    const g = chainModel();
    const r = optimizeModel(g, { abi: 'arm32', kernels: TFLM_KERNELS, reorder: true, control: frozen });
    assert.equal(r.graph, g);
    assert.equal(r.summary.optimizedHeadBytes, r.summary.greedyHeadBytes);
    assert.equal(r.summary.optimal, true);
    assert.deepStrictEqual(r.summary.moved, []);
  });
});
