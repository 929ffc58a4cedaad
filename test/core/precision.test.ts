/**
 * Per-layer precision: the search on a synthetic cost model (greedy order, Pareto front, time
 * limit, cancel), the precision job on shared models (its numbers are analyzeModel's,
 * estimateModel's and checkFit's for the model it returns; the second call reuses the
 * calibration and gives the same bytes; a reachable SQNR target takes fewer promotions than
 * promoting everything, an unreachable one is said), and quantize's precision flags end to end.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { parseArgs, UsageError } from '../../src/cli/args';
import { parsePrecisionList, precisionRequest } from '../../src/cli/precisionOptions';
import { Cancelled } from '../../src/errors';
import { boardTarget, CALIBRATION, estimateModel } from '../../src/estimate';
import { clearPrecisionCache, PRECISION_CANCELLED, precisionJob } from '../../src/jobs/precision';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';
import { writeNpy } from '../../src/runtime/inputs/npy';
import { markPareto } from '../../src/quantize/precision/pareto';
import { searchPrecision } from '../../src/quantize/precision/search';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import type { PrecisionBoard, PrecisionParams, PrecisionPoint } from '../../src/shared/protocol';
import { checkFit, DEFAULT_RESERVE, findBoard } from '../../src/targets/fit';
import { cli } from '../helpers/cli';
import { MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';

const NO_CTX = { shouldStop: () => false, progress: () => undefined };
const AD = join(MODELS_DIR, 'mlperf_tiny', 'ad', 'ad01_fp32.tflite');
const HELLO = join(MODELS_DIR, 'tflm', 'hello_world', 'hello_world_float.tflite');
const LSTM = join(MODELS_DIR, 'tflm', 'other', 'trained_lstm.tflite');
const BOARD: PrecisionBoard = {
  targetId: 'nucleo-l4r5zi',
  sramBytes: 640 * 1024,
  flashBytes: 2048 * 1024,
  reserve: DEFAULT_RESERVE,
  abi: 'arm32',
  kernels: 'cmsis-nn',
  core: 'cortex-m4',
};
const params = (modelPath: string, extra: Partial<PrecisionParams> = {}): PrecisionParams => ({
  quantize: { modelPath, randomCalibration: true, samples: 24, heldOut: 12, threads: 1 },
  precision: [],
  board: BOARD,
  ...extra,
});

/**
 * A model of 6 layers where layer k promoted to float buys gains[k] dB and costs costs[k]
 * bytes of arena; int16 buys half for a third of the cost. SQNR adds up, as a first guess.
 */
function synthetic(gains: readonly number[], costs: readonly number[]) {
  const choices = gains.map((): LayerPrecision[] => ['int8', 'int16', 'float']);
  const measured: string[] = [];
  const measure = async (a: readonly LayerPrecision[]): Promise<PrecisionPoint> => {
    measured.push(a.join());
    let db = 20;
    let arena = 1000;
    a.forEach((p, k) => {
      if (p === 'int16') {
        db += gains[k]! / 2;
        arena += costs[k]! / 3;
      }
      if (p === 'float') {
        db += gains[k]!;
        arena += costs[k]!;
      }
    });
    return { precision: [], outputSqnrDb: db, modelBytes: 100, arenaBytes: arena, fits: arena <= 1500 };
  };
  return { choices, measure, measured, start: gains.map((): LayerPrecision => 'int8') };
}

describe('the search', () => {
  test('reaches a target by the promotions that buy most per byte, not by promoting everything', async () => {
    const s = synthetic([1, 8, 0.5, 6, 0, 2], [100, 200, 100, 600, 50, 400]);
    const r = await searchPrecision(s.start, s.choices, { kind: 'sqnr', db: 30 }, s.measure, { timeLimitMs: 10_000 });
    assert.equal(r.stop, 'reached');
    const chosen = r.explored[r.chosen]!;
    assert.ok(chosen.point.outputSqnrDb >= 30);
    // Layer 1 (8 dB for 200 B) first; layer 3 (6 dB for 600 B) only if needed.
    assert.equal(chosen.assignment[1], 'float');
    const promoted = chosen.assignment.filter((p) => p !== 'int8').length;
    assert.ok(promoted < 6, `promoted ${promoted} of 6`);
    // The cheapest measured point that meets the goal is the one chosen.
    for (const e of r.explored) if (e.point.outputSqnrDb >= 30) assert.ok(e.point.arenaBytes >= chosen.point.arenaBytes);
  });

  test('says at once when not even every layer in float reaches the target', async () => {
    const s = synthetic([1, 1, 1, 1, 1, 1], [10, 10, 10, 10, 10, 10]);
    const r = await searchPrecision(s.start, s.choices, { kind: 'sqnr', db: 40 }, s.measure, { timeLimitMs: 10_000 });
    assert.equal(r.stop, 'unreachable');
    assert.equal(r.explored.length, 2, 'the start and the ceiling');
    assert.equal(r.explored[r.chosen]!.point.outputSqnrDb, 26, 'the most accurate point measured');
  });

  test('fit: the most accurate assignment within the budget', async () => {
    const s = synthetic([1, 8, 0.5, 6, 0, 2], [100, 200, 100, 600, 50, 400]);
    const r = await searchPrecision(s.start, s.choices, { kind: 'fit' }, s.measure, { timeLimitMs: 10_000 });
    const chosen = r.explored[r.chosen]!.point;
    assert.ok(chosen.fits);
    for (const e of r.explored) if (e.point.fits) assert.ok(e.point.outputSqnrDb <= chosen.outputSqnrDb);
    assert.ok(chosen.outputSqnrDb > 20 + 8, 'more than the best single promotion');
  });

  test('stops at the time limit and on cancel', async () => {
    const s = synthetic([1, 2, 3, 4, 5, 6], [10, 10, 10, 10, 10, 10]);
    let clock = 0;
    const r = await searchPrecision(s.start, s.choices, { kind: 'sqnr', db: 38 }, s.measure, {
      timeLimitMs: 5,
      now: () => clock++,
    });
    assert.equal(r.stop, 'time-limit');
    let calls = 0;
    await assert.rejects(
      searchPrecision(s.start, s.choices, { kind: 'sqnr', db: 38 }, s.measure, { timeLimitMs: 10_000, shouldStop: () => ++calls > 3 }),
      Cancelled,
    );
  });

  test('the Pareto front: no point on it is beaten in accuracy, arena and latency at once', () => {
    const p = (db: number, arena: number, latencyMs: number): PrecisionPoint => ({
      precision: [],
      outputSqnrDb: db,
      modelBytes: 1,
      arenaBytes: arena,
      latencyMs,
      fits: true,
    });
    const marked = markPareto([p(20, 100, 5), p(25, 150, 5), p(24, 160, 6), p(25, 150, 5), p(30, 300, 9)]);
    assert.deepEqual(
      marked.map((m) => m.pareto),
      [true, true, false, false, true],
    );
  });
});

describe('the precision job', { skip: SKIP_SHARED }, () => {
  test('its numbers are those of analyzeModel, estimateModel and checkFit for the model it returns; the second call reuses the calibration', async () => {
    clearPrecisionCache();
    const first = await precisionJob(params(AD), NO_CTX);
    const again = await precisionJob(params(AD), NO_CTX);
    // Reuse is what the job says and what the report's timing shows, never a wall-clock comparison.
    assert.equal(first.reusedCalibration, false);
    assert.equal(again.reusedCalibration, true);
    assert.deepEqual(again.bytes, first.bytes);
    assert.equal(again.report.timing.calibrationMs, 0);

    const graph = readModel(first.bytes);
    const analysis = analyzeModel(graph, first.bytes.length, { abi: BOARD.abi, kernels: kernelLibrary(BOARD.kernels, BOARD.core) });
    const a = first.assessment;
    assert.equal(a.arenaBytes, analysis.arena.totalBytes);
    assert.equal(a.modelBytes, analysis.totals.modelBytes);
    assert.equal(a.latencyMs, estimateModel(analysis, boardTarget(CALIBRATION, BOARD.targetId, BOARD.kernels)).total.ms);
    assert.equal(a.fits, checkFit(analysis, findBoard(BOARD.targetId)!, BOARD.reserve).fits);
    assert.equal(a.timeline.length, graph.subgraphs[0]!.operators.length);
    assert.equal(Math.max(...a.timeline), a.arenaBytes);
    assert.equal(a.outputSqnrDb, 'skipped' in first.report.evaluation ? Number.NEGATIVE_INFINITY : first.report.evaluation.output.sqnrDb);
    assert.equal(a.layers.length, readModel(readFileSync(AD)).subgraphs[0]!.operators.length);
    assert.ok(a.layers.every((l) => l.choices.includes(l.precision)));
    assert.ok(first.float.modelBytes > a.modelBytes, 'the float model is larger');
  });

  test('a layer kept in float changes the model; a precision the layer cannot take is refused', async () => {
    const base = await precisionJob(params(AD), NO_CTX);
    const mixed = await precisionJob(params(AD, { precision: [{ layer: 3, precision: 'float' }] }), NO_CTX);
    assert.deepEqual(mixed.assessment.precision, [{ layer: 3, precision: 'float' }]);
    assert.ok(mixed.assessment.modelBytes > base.assessment.modelBytes, 'float weights take more flash');
    await assert.rejects(precisionJob(params(AD, { precision: [{ layer: 99, precision: 'float' }] }), NO_CTX), /no layer 99/);
  });

  test('Suggest reaches a reachable SQNR target with fewer promotions than promoting every layer, and says when a target is out of reach', async () => {
    const start = (await precisionJob(params(AD), NO_CTX)).assessment.outputSqnrDb;
    const db = start + 3;
    // A limit no loaded machine reaches: the test is about where the search goes, not how fast.
    const r = await precisionJob(params(AD, { suggest: { kind: 'sqnr', db }, timeLimitMs: 600_000 }), NO_CTX);
    assert.ok(r.search && r.explored);
    assert.equal(r.search.reached, true);
    assert.ok(r.assessment.outputSqnrDb >= db);
    assert.ok(r.search.promotions < r.search.promotable, `${r.search.promotions} of ${r.search.promotable}`);
    assert.ok(r.explored.some((p) => p.pareto));
    assert.ok(r.explored.some((p) => p.outputSqnrDb === r.assessment.outputSqnrDb && p.arenaBytes === r.assessment.arenaBytes));

    const out = await precisionJob(params(AD, { suggest: { kind: 'sqnr', db: 200 } }), NO_CTX);
    assert.equal(out.search?.reached, false);
    assert.equal(out.search?.stop, 'unreachable');
  });

  test('cancel: nothing is returned, the job says so', async () => {
    clearPrecisionCache();
    let calls = 0;
    await assert.rejects(
      precisionJob(params(AD, { suggest: { kind: 'sqnr', db: 200 } }), { shouldStop: () => ++calls > 20, progress: () => undefined }),
      (e: unknown) => e instanceof Cancelled && e.message === PRECISION_CANCELLED,
    );
  });
});

describe('the precision job on an LSTM (layer 0 of trained_lstm)', { skip: SKIP_SHARED }, () => {
  test('an int16 LSTM is measured like any layer, and Suggest can promote it', async (t) => {
    const lstm = (extra: Partial<PrecisionParams> = {}) => params(LSTM, { quantize: { ...params(LSTM).quantize, samples: 16, heldOut: 8 }, ...extra });
    const base = await precisionJob(lstm(), NO_CTX);
    const promoted = await precisionJob(lstm({ precision: [{ layer: 0, precision: 'int16' }] }), NO_CTX);
    const [b, p] = [base.assessment, promoted.assessment];
    assert.equal(p.layers[0]?.op, 'UNIDIRECTIONAL_SEQUENCE_LSTM');
    assert.ok(Number.isFinite(p.outputSqnrDb), `output SQNR ${p.outputSqnrDb}`);
    assert.ok(Number.isFinite(p.layers[0]?.sqnrDb ?? Number.NaN), 'the int16 LSTM has its SQNR');
    assert.ok(p.outputSqnrDb > b.outputSqnrDb, `int16 LSTM ${p.outputSqnrDb} dB beats int8 ${b.outputSqnrDb} dB`);
    // A target only the LSTM's promotion reaches (within 0.01 dB of the measured figure).
    // A limit no loaded machine reaches: the search must end by reaching the target.
    const r = await precisionJob(lstm({ suggest: { kind: 'sqnr', db: p.outputSqnrDb - 0.01 }, timeLimitMs: 600_000 }), NO_CTX);
    assert.equal(r.search?.reached, true);
    const lstmPoints = r.explored?.filter((x) => x.precision.some((o) => o.layer === 0 && o.precision === 'int16')) ?? [];
    assert.ok(lstmPoints.length > 0 && lstmPoints.every((x) => Number.isFinite(x.outputSqnrDb)), 'explored with a real score');
    t.diagnostic(
      `int8 ${b.outputSqnrDb.toFixed(2)} dB, LSTM int16 ${p.outputSqnrDb.toFixed(2)} dB (layer ${p.layers[0]?.sqnrDb?.toFixed(2)} dB); Suggest chose ${JSON.stringify(r.assessment.precision)} at ${r.assessment.outputSqnrDb.toFixed(2)} dB`,
    );
  });
});

describe('quantize --precision / --target-sqnr / --fit', { skip: SKIP_SHARED }, () => {
  test('bad values are usage errors', () => {
    const parse = (...a: string[]) => precisionRequest(parseArgs(['m.tflite', ...a]));
    assert.equal(parse(), undefined);
    assert.deepEqual(parsePrecisionList('3=int16, 7=float'), [
      { layer: 3, precision: 'int16' },
      { layer: 7, precision: 'float' },
    ]);
    for (const bad of [
      ['--precision', '3=int4'],
      ['--precision', 'x=float'],
      ['--precision', '1=float,1=int8'],
      ['--target-sqnr', 'high'],
      ['--fit', 'nowhere'],
      ['--target-sqnr', '30', '--fit', 'rpi-pico'],
    ])
      assert.throws(() => parse(...bad), UsageError, bad.join(' '));
  });

  test('a search writes the chosen model and its report, prints the Pareto front, and --json carries the explored points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precision-'));
    const model = join(dir, 'hello_world_float.tflite');
    copyFileSync(HELLO, model);
    const common = ['quantize', model, '--random-calibration', '--samples', '16', '--held-out', '8', '--threads', '1'];
    const run = await cli(...common, '--target-sqnr', '15', '--target', 'rpi-pico');
    assert.equal(run.code, 0, run.err);
    assert.ok(existsSync(join(dir, 'hello_world_float_mixed.tflite')));
    assert.ok(existsSync(join(dir, 'hello_world_float_mixed.report.json')));
    assert.match(run.out, /search for output SQNR ≥ 15 dB: met/);
    assert.match(run.out, /Pareto front/);
    const written = JSON.parse(readFileSync(join(dir, 'hello_world_float_mixed.report.json'), 'utf8')) as { precision: { search: { reached: boolean } } };
    assert.equal(written.precision.search.reached, true, 'the report on disk carries the search');

    const again = await cli(...common, '--target-sqnr', '15');
    assert.equal(again.code, 2, 'never over an existing file');
    const json = await cli(...common, '--precision', '1=float', '--fit', 'rpi-pico', '--json', '--out', join(dir, 'mixed.tflite'));
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out) as { precision: { explored: { pareto: boolean }[]; search: { goal: { kind: string } } } };
    assert.equal(parsed.precision.search.goal.kind, 'fit');
    assert.ok(parsed.precision.explored.length >= 1);
    readModel(readFileSync(join(dir, 'mixed.tflite')));
    const bad = await cli(...common, '--precision', '9=float', '--out', join(dir, 'bad.tflite'));
    assert.equal(bad.code, 2);
    assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
  });
});

/** input [1, 4] → FULLY_CONNECTED (identity) → SOFTMAX: the class is the largest input. */
function identityClassifier(): Uint8Array {
  const k = 4;
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, k], dtype: 'float32' });
  const weights = new Float32Array(k * k);
  for (let j = 0; j < k; j++) weights[j * k + j] = 1;
  const w = sg.tensor({ name: 'w', shape: [k, k], dtype: 'float32', data: weights });
  const b = sg.tensor({ name: 'b', shape: [k], dtype: 'float32', data: new Float32Array(k) });
  const logits = sg.tensor({ name: 'logits', shape: [1, k], dtype: 'float32' });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [input, w, b],
    outputs: [logits],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'NONE' }),
  });
  const probs = sg.tensor({ name: 'output', shape: [1, k], dtype: 'float32' });
  sg.op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) });
  sg.io([input], [probs]);
  return writeModel(g.build());
}

describe('the precision job on labeled data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'precision-data-'));
  const model = join(dir, 'classifier.tflite');
  writeFileSync(model, identityClassifier());
  // Near-ties (a few thousandths apart): int8 steps can flip them, float cannot.
  const samples: [string, number[]][] = [];
  for (let i = 0; i < 12; i++) {
    const c = i % 4;
    const values = [0.5, 0.5, 0.5, 0.5].map((v, j) => v + (j === c ? 0.002 : -0.001 * ((i + j) % 3)));
    samples.push([`c${c}`, values]);
  }
  samples.forEach(([label, values], i) => {
    mkdirSync(join(dir, 'data', label), { recursive: true });
    writeFileSync(join(dir, 'data', label, `s${i}.npy`), writeNpy({ dtype: 'float32', shape: [1, 4], data: Float32Array.from(values) }));
  });
  const labeled = (extra: Partial<PrecisionParams> = {}): PrecisionParams => ({
    quantize: { modelPath: model, randomCalibration: true, samples: 16, heldOut: 8, io: 'float', threads: 1 },
    precision: [],
    board: BOARD,
    data: join(dir, 'data'),
    ...extra,
  });

  test('top-1 on the data beside the float model, and a search for accuracy within 0 points of float', async () => {
    const r = await precisionJob(labeled(), NO_CTX);
    assert.equal(r.assessment.accuracy?.samples, 12);
    assert.equal(r.assessment.accuracy?.floatTop1, 1);
    assert.equal(r.float.accuracy?.top1, 1);
    const s = await precisionJob(labeled({ suggest: { kind: 'accuracy', points: 0 } }), NO_CTX);
    assert.equal(s.search?.reached, true);
    assert.equal(s.assessment.accuracy?.top1, 1);
    if (r.assessment.accuracy!.top1 < 1) assert.ok(s.search!.promotions > 0, 'int8 lost samples: something was promoted');
    const { data: _data, ...noData } = labeled({ suggest: { kind: 'accuracy', points: 1 } });
    await assert.rejects(precisionJob(noData, NO_CTX), /needs labeled data/);
  });
});
