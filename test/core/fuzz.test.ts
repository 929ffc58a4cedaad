/**
 * Mutation fuzzing of readTflite. Seed models (the project's fixtures, written with
 * writeTflite, and every shared corpus model when /work/shared is there) are corrupted in
 * deterministic, seeded ways aimed at the flatbuffer structure: bit flips, interesting bytes
 * and int32s, truncation, corrupted offsets, vtables and vector lengths. Every mutant must
 * either parse or be refused with a ModelFormatError, quickly; a mutant that parses must
 * survive write → read unchanged.
 *
 * The campaign runs in a worker thread so that a hang (a synchronous loop no timer can
 * interrupt) or a crash (out of memory) is caught: the worker publishes which mutant it is
 * on in shared memory, and the test terminates it and names that mutant when one step takes
 * longer than HANG_MS. A failure prints the seed model, the mutant's index and its byte
 * edits, which are enough to rebuild the file by hand (see `applyOps`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as flatbuffers from 'flatbuffers';
import { ModelFormatError, type ModelErrorCode } from '../../src/model/errors';
import type { Graph } from '../../src/model/graph';
import { CheckedByteBuffer } from '../../src/model/tflite/checkedByteBuffer';
import { readTflite } from '../../src/model/tflite/reader';
import { writeTflite } from '../../src/model/tflite/writer';
import { corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { chainModel, controlFlowModel, customOpModel, float16WeightsModel, hybridModel, prng, tinyInt8ConvNet } from '../helpers/fixtures';

/** One parse (or write) taking longer than this is treated as a hang. Not a performance bar. */
const HANG_MS = 2000;
/** Mutants per fixture, and per corpus model by size: large models cost more per mutant. */
const FIXTURE_MUTANTS = 700;
function corpusMutants(bytes: number): number {
  return bytes <= 64 * 1024 ? 300 : bytes <= 400 * 1024 ? 150 : 60;
}
/**
 * For longer hunts: TINYML_FUZZ_SCALE multiplies the mutant counts and TINYML_FUZZ_SALT
 * picks a different deterministic set of mutants. The defaults are what CI runs.
 */
const SCALE = Math.max(0, Number(process.env.TINYML_FUZZ_SCALE ?? 1) || 1);
const SALT = Number.parseInt(process.env.TINYML_FUZZ_SALT ?? '0', 10) || 0;

// ---------------------------------------------------------------------------------------
// Seeds and their structure

interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mutants: number;
  /** Byte positions of table starts, as the reader visited them. */
  readonly tables: readonly number[];
  /** Positions of the uoffsets the reader followed (root, table and vector fields, elements). */
  readonly uoffsets: readonly number[];
  /** Positions of the length words of the vectors and strings the reader read. */
  readonly vectorLengths: readonly number[];
  /** All of the above plus the vtables: where corruption is most interesting. */
  readonly structural: readonly number[];
}

type SeedSet = 'fixtures' | 'corpus';

function seedFiles(set: SeedSet): { name: string; bytes: Uint8Array; mutants: number }[] {
  if (set === 'fixtures') {
    const fixtures: [string, Graph][] = [
      ['tinyInt8ConvNet', tinyInt8ConvNet()],
      ['float16WeightsModel', float16WeightsModel()],
      ['hybridModel', hybridModel()],
      ['customOpModel', customOpModel()],
      ['controlFlowModel', controlFlowModel()],
      ['chainModel', chainModel()],
      ['chainModel+offlinePlan', chainModel([0, 4096, 0, 4096, 0])],
    ];
    return fixtures.map(([name, g]) => ({ name, bytes: writeTflite(g), mutants: Math.round(FIXTURE_MUTANTS * SCALE) }));
  }
  return corpusModels().map((m) => {
    const bytes = new Uint8Array(readFileSync(m.path));
    return { name: m.name, bytes, mutants: Math.round(corpusMutants(bytes.length) * SCALE) };
  });
}

type Method = (this: flatbuffers.ByteBuffer, ...args: never[]) => unknown;

/**
 * Parses the seed once with the ByteBuffer methods wrapped, to learn where its tables,
 * offsets and vector lengths are. The wrappers only record; they are removed afterwards.
 */
function traceStructure(bytes: Uint8Array): Pick<Seed, 'tables' | 'uoffsets' | 'vectorLengths' | 'structural'> {
  const tables = new Set<number>();
  const uoffsets = new Set<number>([0]);
  const vectorLengths = new Set<number>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i32 = (p: number): number | undefined => (p >= 0 && p + 4 <= bytes.length ? dv.getInt32(p, true) : undefined);
  const lengthAt = (field: number): void => {
    const rel = i32(field);
    if (rel !== undefined) vectorLengths.add(field + rel);
  };
  const hooks: [object, string, (args: number[]) => void][] = [
    [flatbuffers.ByteBuffer.prototype, '__offset', (a) => tables.add(a[0]!)],
    [flatbuffers.ByteBuffer.prototype, '__indirect', (a) => uoffsets.add(a[0]!)],
    [flatbuffers.ByteBuffer.prototype, '__vector', (a) => uoffsets.add(a[0]!)],
    [flatbuffers.ByteBuffer.prototype, '__union', (a) => uoffsets.add(a[1]!)],
    [CheckedByteBuffer.prototype, '__vector_len', (a) => lengthAt(a[0]!)],
    [CheckedByteBuffer.prototype, '__string', (a) => lengthAt(a[0]!)],
  ];
  const saved = hooks.map(([proto, name]) => [proto, name, Object.getOwnPropertyDescriptor(proto, name)!] as const);
  try {
    for (const [proto, name, record] of hooks) {
      const original = (proto as Record<string, Method>)[name]!;
      Object.defineProperty(proto, name, {
        configurable: true,
        writable: true,
        value: function (this: flatbuffers.ByteBuffer, ...args: never[]) {
          record(args as unknown as number[]);
          return original.apply(this, args);
        },
      });
    }
    readTflite(bytes);
  } finally {
    for (const [proto, name, descriptor] of saved) Object.defineProperty(proto, name, descriptor);
  }
  const structural = new Set<number>([...tables, ...uoffsets, ...vectorLengths]);
  for (const t of tables) {
    const rel = i32(t);
    if (rel !== undefined) structural.add(t - rel); // the table's vtable
  }
  const sorted = (s: Set<number>): number[] => [...s].filter((p) => p >= 0 && p < bytes.length).sort((a, b) => a - b);
  return { tables: sorted(tables), uoffsets: sorted(uoffsets), vectorLengths: sorted(vectorLengths), structural: sorted(structural) };
}

function loadSeeds(set: SeedSet): Seed[] {
  return seedFiles(set).map((f) => {
    const structure = traceStructure(f.bytes);
    // The trace hooks flatbuffers internals by name; if they change, say so rather than fuzz blind.
    if (structure.tables.length === 0 || structure.vectorLengths.length === 0) throw new Error(`tracing ${f.name} found no tables or vectors`);
    return { ...f, ...structure };
  });
}

// ---------------------------------------------------------------------------------------
// Mutations: plain byte edits, so that a failure can be reproduced from its printout alone

type Op =
  | { readonly op: 'xor'; readonly at: number; readonly mask: number }
  | { readonly op: 'u8'; readonly at: number; readonly value: number }
  | { readonly op: 'u16'; readonly at: number; readonly value: number }
  | { readonly op: 'i32'; readonly at: number; readonly value: number }
  | { readonly op: 'cut'; readonly length: number };

interface Mutant {
  readonly strategy: string;
  readonly ops: readonly Op[];
}

/** Applies the edits to a copy; writes that fall past the (possibly cut) end are skipped. */
function applyOps(seed: Uint8Array, ops: readonly Op[]): Uint8Array {
  let out = seed.slice();
  for (const o of ops) {
    if (o.op === 'cut') {
      out = out.slice(0, o.length);
      continue;
    }
    const size = o.op === 'i32' ? 4 : o.op === 'u16' ? 2 : 1;
    if (o.at < 0 || o.at + size > out.length) continue;
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    if (o.op === 'xor') out[o.at]! ^= o.mask;
    else if (o.op === 'u8') dv.setUint8(o.at, o.value);
    else if (o.op === 'u16') dv.setUint16(o.at, o.value, true);
    else dv.setInt32(o.at, o.value, true);
  }
  return out;
}

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];
const INTERESTING_I32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0x7ffffffc, 0x40000000, 0x10000, 0xffff, 0x8000];
const INTERESTING_U16 = [0, 1, 2, 3, 4, 0x7fff, 0x8000, 0xfffe, 0xffff];
const SMALL_DELTAS = [1, 2, 3, 4, 8, 12, 16, 64, 256];

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const align4 = (p: number): number => p & ~3;

/** A byte position: most often on or just around the flatbuffer structure, else anywhere. */
function position(r: Rand, s: Seed): number {
  if (r() < 0.7 && s.structural.length > 0) return Math.max(0, Math.min(s.bytes.length - 1, pick(r, s.structural) + int(r, -4, 7)));
  return int(r, 0, s.bytes.length - 1);
}

function i32At(s: Seed, p: number): number {
  return p >= 0 && p + 4 <= s.bytes.length ? new DataView(s.bytes.buffer, s.bytes.byteOffset).getInt32(p, true) : 0;
}

/** Positions (4-aligned) holding a small forward offset that lands inside the file. */
function plausibleOffsets(s: Seed): number[] {
  const out: number[] = [];
  for (let p = 0; p + 4 <= s.bytes.length; p += 4) {
    const v = i32At(s, p);
    if (v > 0 && v < 65536 && (v & 3) === 0 && p + v < s.bytes.length) out.push(p);
  }
  return out;
}
const plausibleCache = new WeakMap<Seed, number[]>();

function offsetValue(r: Rand, s: Seed, at: number, old: number): number {
  const len = s.bytes.length;
  switch (int(r, 0, 3)) {
    case 0:
      return (old + pick(r, SMALL_DELTAS)) | 0;
    case 1:
      return (old - pick(r, SMALL_DELTAS)) | 0;
    case 2:
      return pick(r, [0x7fffffff, -0x80000000, -4, -at, len - at, len - at - 4, len, 0x7ffffffc]) | 0;
    default:
      return (old + int(r, -len, len)) | 0;
  }
}

const STRATEGIES: readonly [string, number, (r: Rand, s: Seed) => Op[]][] = [
  ['bitflip', 3, (r, s) => Array.from({ length: int(r, 1, 8) }, () => ({ op: 'xor', at: position(r, s), mask: 1 << int(r, 0, 7) }))],
  ['byte', 2, (r, s) => Array.from({ length: int(r, 1, 4) }, () => ({ op: 'u8', at: position(r, s), value: pick(r, INTERESTING_BYTES) }))],
  ['int32', 2, (r, s) => Array.from({ length: int(r, 1, 2) }, () => ({ op: 'i32', at: align4(position(r, s)), value: pick(r, INTERESTING_I32) }))],
  ['truncate', 1, (r, s) => [{ op: 'cut', length: r() < 0.5 ? int(r, 0, s.bytes.length - 1) : Math.min(s.bytes.length - 1, position(r, s)) }]],
  [
    'offset',
    3,
    (r, s) => {
      // Offsets the reader follows, or any aligned word that looks like one.
      let pool = s.uoffsets;
      if (r() < 0.3) {
        if (!plausibleCache.has(s)) plausibleCache.set(s, plausibleOffsets(s));
        pool = plausibleCache.get(s)!;
      }
      if (pool.length === 0) pool = s.uoffsets;
      return Array.from({ length: int(r, 1, 2) }, () => {
        const at = pick(r, pool);
        return { op: 'i32', at, value: offsetValue(r, s, at, i32At(s, at)) };
      });
    },
  ],
  [
    'vtable',
    3,
    (r, s) => {
      const table = pick(r, s.tables);
      const vtable = table - i32At(s, table);
      switch (int(r, 0, 3)) {
        case 0: // the table's soffset to its vtable
          return [{ op: 'i32', at: table, value: offsetValue(r, s, table, i32At(s, table)) }];
        case 1: // the vtable's own size
          return [{ op: 'u16', at: vtable, value: pick(r, INTERESTING_U16) }];
        case 2: // the table's inline size
          return [{ op: 'u16', at: vtable + 2, value: pick(r, INTERESTING_U16) }];
        default: {
          // a field slot: a wild, zeroed or shifted field offset
          const vtSize = vtable >= 0 && vtable + 2 <= s.bytes.length ? s.bytes[vtable]! | (s.bytes[vtable + 1]! << 8) : 4;
          const slot = vtable + 4 + 2 * int(r, 0, Math.max(0, (vtSize - 4) / 2 - 1));
          const old = slot >= 0 && slot + 2 <= s.bytes.length ? s.bytes[slot]! | (s.bytes[slot + 1]! << 8) : 0;
          const value = r() < 0.5 ? pick(r, INTERESTING_U16) : (old + pick(r, [-8, -4, -1, 1, 4, 8])) & 0xffff;
          return [{ op: 'u16', at: slot, value }];
        }
      }
    },
  ],
  [
    'veclen',
    3,
    (r, s) => {
      const at = pick(r, s.vectorLengths);
      const old = i32At(s, at);
      const len = s.bytes.length;
      const value = pick(r, [
        old + 1,
        old * 2,
        old * 4 + 3,
        0x7fffffff,
        0x40000000,
        0x3fffffff,
        -1,
        -0x80000000,
        len >> 2,
        (len - at) >> 2,
        len - at - 4,
        len - at - 3,
        len,
      ]);
      return [{ op: 'i32', at, value: value | 0 }];
    },
  ],
];
const TOTAL_WEIGHT = STRATEGIES.reduce((a, [, w]) => a + w, 0);

function oneStrategy(r: Rand, s: Seed): Mutant {
  let x = r() * TOTAL_WEIGHT;
  for (const [strategy, weight, make] of STRATEGIES) {
    x -= weight;
    if (x < 0) return { strategy, ops: make(r, s) };
  }
  throw new Error('unreachable');
}

/** Mutant `index` of seed number `seedIndex`: a pure function of the two numbers. */
function makeMutant(seed: Seed, seedIndex: number, index: number): Mutant {
  const r = prng(Math.imul(seedIndex + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(SALT, 0xc2b2ae35));
  if (r() < 0.1) {
    // Stack two to four edits of any kinds.
    const parts = Array.from({ length: int(r, 2, 4) }, () => oneStrategy(r, seed));
    return { strategy: 'stacked', ops: parts.flatMap((p) => p.ops) };
  }
  return oneStrategy(r, seed);
}

// ---------------------------------------------------------------------------------------
// The campaign (runs in the worker)

interface Failure {
  readonly seed: string;
  readonly index: number;
  readonly strategy: string;
  readonly ops: readonly Op[];
  readonly problem: string;
}

interface Report {
  readonly mutants: number;
  readonly seeds: number;
  readonly parsed: number;
  readonly rejected: Partial<Record<ModelErrorCode, number>>;
  /** Parsed mutants whose graph the writer refused with a ModelFormatError. */
  readonly writerRefused: number;
  readonly roundTrips: number;
  readonly slowestMs: number;
  readonly slowest: string;
  readonly elapsedMs: number;
  readonly failures: readonly Failure[];
}

/** Shared with the watchdog: [seed index, mutant index, phase, heartbeat]. */
const PHASES = ['setup', 'read', 'write', 're-read', 'embedded read'] as const;

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `non-Error value ${String(e)}`;
}

/** Error codes a ModelFormatError may carry. */
const CODES: readonly ModelErrorCode[] = ['truncated', 'bad-identifier', 'out-of-range', 'bad-reference', 'bad-shape', 'bad-value', 'too-large', 'unsupported'];

/** readTflite's last-resort wrapper; an error with this prefix is a check the reader lacks. */
const WRAPPED = 'malformed model: ';

type Outcome = { readonly graph: Graph } | { readonly error: unknown };

function outcome(run: () => Graph): Outcome {
  try {
    return { graph: run() };
  } catch (error) {
    return { error };
  }
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('graph' in a && 'graph' in b) {
    try {
      assert.deepStrictEqual(b.graph, a.graph);
      return true;
    } catch {
      return false;
    }
  }
  if ('error' in a && 'error' in b) {
    return a.error instanceof ModelFormatError && b.error instanceof ModelFormatError && a.error.message === b.error.message;
  }
  return false;
}

const describeOutcome = (o: Outcome): string => ('error' in o ? describeError(o.error) : 'a graph');

function campaign(set: SeedSet, progress: Int32Array): Report {
  const started = performance.now();
  const mark = (seed: number, index: number, phase: (typeof PHASES)[number]): void => {
    progress[0] = seed;
    progress[1] = index;
    progress[2] = PHASES.indexOf(phase);
    Atomics.add(progress, 3, 1);
  };
  mark(-1, -1, 'setup');
  const seeds = loadSeeds(set);
  const failures: Failure[] = [];
  const rejected: Partial<Record<ModelErrorCode, number>> = {};
  let mutants = 0;
  let parsed = 0;
  let writerRefused = 0;
  let roundTrips = 0;
  let slowestMs = 0;
  let slowest = '';

  seeds.forEach((seed, s) => {
    for (let i = 0; i < seed.mutants; i++) {
      mark(s, i, 'setup');
      const mutant = makeMutant(seed, s, i);
      const bytes = applyOps(seed.bytes, mutant.ops);
      const fail = (problem: string): void => {
        failures.push({ seed: seed.name, index: i, strategy: mutant.strategy, ops: mutant.ops, problem });
      };
      mutants++;

      mark(s, i, 'read');
      const t0 = performance.now();
      const first = outcome(() => readTflite(bytes));
      const ms = performance.now() - t0;
      if (ms > slowestMs) {
        slowestMs = ms;
        slowest = `${seed.name}#${i} (${mutant.strategy}, ${bytes.length} bytes)`;
      }
      if (ms > HANG_MS) fail(`readTflite took ${ms.toFixed(0)} ms`);

      if ('error' in first) {
        const e = first.error;
        if (!(e instanceof ModelFormatError)) fail(`readTflite threw ${describeError(e)}`);
        else if (!CODES.includes(e.code)) fail(`ModelFormatError with unknown code ${String(e.code)}: ${e.message}`);
        else if (e.message.startsWith(WRAPPED)) fail(`readTflite's catch-all wrapped an unexpected error: ${e.message}`);
        else rejected[e.code] = (rejected[e.code] ?? 0) + 1;
      } else {
        parsed++;
        const graph = first.graph;
        mark(s, i, 'write');
        let written: Uint8Array | undefined;
        try {
          written = writeTflite(graph);
        } catch (e) {
          if (e instanceof ModelFormatError) writerRefused++;
          else fail(`writeTflite threw ${describeError(e)} on a graph readTflite accepted`);
        }
        if (written) {
          mark(s, i, 're-read');
          const again = outcome(() => readTflite(written));
          if ('error' in again) {
            fail(`readTflite refused what writeTflite wrote for a graph it had accepted: ${describeError(again.error)}`);
          } else {
            try {
              assert.deepStrictEqual(again.graph, graph);
              roundTrips++;
            } catch (e) {
              fail(`write → read did not give the same graph: ${describeError(e).slice(0, 2000)}`);
            }
          }
        }
      }

      // Every fourth mutant is also read from the middle of a larger, junk-filled buffer:
      // the reader must see only its view, so the outcome must be the same.
      if (i % 4 === 0) {
        mark(s, i, 'embedded read');
        const host = new Uint8Array(bytes.length + 64).fill(0xa5);
        host.set(bytes, 16);
        const embedded = outcome(() => readTflite(host.subarray(16, 16 + bytes.length)));
        if (!sameOutcome(first, embedded)) {
          fail(`the same bytes read from inside a larger buffer gave ${describeOutcome(embedded)} instead of ${describeOutcome(first)}`);
        }
      }
    }
  });
  return {
    mutants,
    seeds: seeds.length,
    parsed,
    rejected,
    writerRefused,
    roundTrips,
    slowestMs,
    slowest,
    elapsedMs: performance.now() - started,
    failures,
  };
}

// ---------------------------------------------------------------------------------------
// The tests (main thread): run the campaign in a worker under a watchdog

function formatMutant(seed: string, index: number, m: Mutant): string {
  const ops = m.ops.map((o) =>
    o.op === 'cut'
      ? `cut to ${o.length} bytes`
      : o.op === 'xor'
        ? `xor byte ${o.at} with 0x${o.mask.toString(16)}`
        : `${o.op} at ${o.at} = 0x${(o.value >>> 0).toString(16)}`,
  );
  return `${seed} mutant #${index} (${m.strategy}: ${ops.join('; ')})`;
}

function formatFailure(f: Failure): string {
  return `${formatMutant(f.seed, f.index, f)}: ${f.problem}`;
}

function runCampaign(set: SeedSet): Promise<Report> {
  const progress = new Int32Array(new SharedArrayBuffer(16));
  const worker = new Worker(__filename, {
    workerData: { fuzzCampaign: set, progress },
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  return new Promise<Report>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      finish();
    };
    let beat = -1;
    let since = performance.now();
    const where = (): string => {
      const [s, i, phase] = [progress[0]!, progress[1]!, PHASES[progress[2]!] ?? '?'];
      if (s < 0) return `during ${phase} of the seeds`;
      const seed = loadSeeds(set)[s]!;
      return `${phase} of ${formatMutant(seed.name, i, makeMutant(seed, s, i))}`;
    };
    const watchdog = setInterval(() => {
      const now = performance.now();
      if (Atomics.load(progress, 3) !== beat) {
        beat = Atomics.load(progress, 3);
        since = now;
        return;
      }
      // Loading and tracing the seeds gets more time than one parse.
      const limit = progress[0]! < 0 ? 30_000 : HANG_MS;
      if (now - since > limit) {
        settle(() => {
          const at = where();
          void worker.terminate();
          reject(new Error(`no progress for ${(now - since).toFixed(0)} ms: hung in ${at}`));
        });
      }
    }, 100);
    worker.once('message', (report: Report) => settle(() => resolve(report)));
    worker.once('error', (e) => settle(() => reject(new Error(`the fuzz worker crashed (${describeError(e)}) in ${where()}`))));
    worker.once('exit', (code) => settle(() => reject(new Error(`the fuzz worker exited with code ${code} in ${where()}`))));
  });
}

function check(report: Report, diagnostic: (msg: string) => void): void {
  const codes = Object.entries(report.rejected)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  diagnostic(
    `${report.mutants} mutants of ${report.seeds} seeds in ${(report.elapsedMs / 1000).toFixed(1)} s: ` +
      `${report.parsed} parsed (${report.roundTrips} round-tripped, ${report.writerRefused} refused by the writer), ` +
      `rejected: ${codes}; slowest parse ${report.slowestMs.toFixed(1)} ms (${report.slowest})`,
  );
  const shown = report.failures.slice(0, 15).map(formatFailure);
  assert.equal(report.failures.length, 0, `${report.failures.length} failing mutants:\n${shown.join('\n')}`);
  assert.ok(report.slowestMs < HANG_MS, `the slowest parse took ${report.slowestMs.toFixed(0)} ms: ${report.slowest}`);
  // The fuzzer must exercise both sides, or it tests nothing.
  assert.ok(report.parsed > 0, 'no mutant parsed');
  assert.ok(Object.keys(report.rejected).length >= 3, `only ${codes} among the rejections`);
}

if (isMainThread) {
  describe('readTflite under mutation fuzzing', { concurrency: true }, () => {
    test('mutants of the project fixtures parse or fail with ModelFormatError', async (t) => {
      check(await runCampaign('fixtures'), (m) => t.diagnostic(m));
    });
    test('mutants of the corpus models parse or fail with ModelFormatError', { skip: SKIP_SHARED }, async (t) => {
      check(await runCampaign('corpus'), (m) => t.diagnostic(m));
    });
  });
} else if (workerData?.fuzzCampaign) {
  const data = workerData as { fuzzCampaign: SeedSet; progress: Int32Array };
  parentPort!.postMessage(campaign(data.fuzzCampaign, data.progress));
}
