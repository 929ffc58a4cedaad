/**
 * The PTQ methods of src/quantize/ptq on a small generated model (conv 3×3 → depthwise 3×3 →
 * FC): fitted on some samples, each lowers the output error against the float model on other
 * samples; the rounding never raises its own objective; both stop when asked; and quantizeModel
 * reports what it decided and why. Seconds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cancelled } from '../../src/errors';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions } from '../../src/model/ops';
import { biasCorrect, biasTargets } from '../../src/quantize/ptq/biasCorrection';
import { expectationFromQuantized, inputRangeWarnings } from '../../src/quantize/ptq/inputRange';
import { roundChannel, roundingTargets, roundWeights } from '../../src/quantize/ptq/weightRounding';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { prng } from '../../src/util/prng';
import { pooledSqnr, runOutputs } from './quantizeData';

const f32 = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** input [1, 8, 8, 4] → CONV_2D 3×3 (8) → DEPTHWISE_CONV_2D 3×3 → FULLY_CONNECTED (10). Coarse weights: a few large ones set each scale. */
function smallCnn(): Graph {
  const r = prng(5);
  const weights = (n: number, big: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (r() * 2 - 1) * (i % big === 0 ? 1 : 0.05));
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, 8, 8, 4], dtype: 'float32' });
  const w1 = sg.tensor({ name: 'w1', shape: [8, 3, 3, 4], dtype: 'float32', data: weights(8 * 36, 17) });
  const b1 = sg.tensor({ name: 'b1', shape: [8], dtype: 'float32', data: new Float32Array(8) });
  const h1 = sg.tensor({ name: 'h1', shape: [1, 8, 8, 8], dtype: 'float32' });
  const w2 = sg.tensor({ name: 'w2', shape: [1, 3, 3, 8], dtype: 'float32', data: weights(72, 7) });
  const b2 = sg.tensor({ name: 'b2', shape: [8], dtype: 'float32', data: new Float32Array(8) });
  const h2 = sg.tensor({ name: 'h2', shape: [1, 8, 8, 8], dtype: 'float32' });
  const w3 = sg.tensor({ name: 'w3', shape: [10, 512], dtype: 'float32', data: weights(5120, 97) });
  const b3 = sg.tensor({ name: 'b3', shape: [10], dtype: 'float32', data: new Float32Array(10) });
  const out = sg.tensor({ name: 'output', shape: [1, 10], dtype: 'float32' });
  sg.op({ op: 'CONV_2D', inputs: [input, w1, b1], outputs: [h1], options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }) });
  sg.op({
    op: 'DEPTHWISE_CONV_2D',
    inputs: [h1, w2, b2],
    outputs: [h2],
    options: makeOptions('DepthwiseConv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, depthMultiplier: 1 }),
  });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [h2, w3, b3], outputs: [out], options: makeOptions('FullyConnectedOptions', {}) });
  sg.io([input], [out]);
  return g.build();
}

/** Inputs with a non-zero mean (where a weight's rounding error shifts the output's mean). */
function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [f32(Float32Array.from({ length: 256 }, () => 0.5 + r()))]);
}

const model = smallCnn();
const fit = samples(24, 1);
const heldOut = samples(24, 2);

async function plain(): Promise<{ floatGraph: Graph; graph: Graph }> {
  const r = await quantizeModel(model, fit, { method: 'minmax', weightRounding: false, biasCorrection: false });
  return { floatGraph: r.floatGraph, graph: r.graph };
}

const sqnr = (floatGraph: Graph, g: Graph): number => pooledSqnr(runOutputs(floatGraph, heldOut), runOutputs(g, heldOut));

describe('PTQ methods on a small CNN', () => {
  test('bias correction moves the int32 biases and lowers the error on samples it did not fit', async () => {
    const { floatGraph, graph } = await plain();
    assert.equal(biasTargets(floatGraph, graph).length, 3);
    const corrected = biasCorrect(floatGraph, graph, fit, { rounding: 'tflm' });
    assert.ok(corrected.layers > 0);
    const before = sqnr(floatGraph, graph);
    const after = sqnr(floatGraph, corrected.graph);
    assert.ok(after > before + 0.1, `bias correction: ${before.toFixed(2)} → ${after.toFixed(2)} dB`);
  });

  test('data-driven rounding flips weights and lowers the error on samples it did not fit', async () => {
    const { floatGraph, graph } = await plain();
    assert.equal(roundingTargets(floatGraph, graph).length, 3);
    const rounded = roundWeights(floatGraph, graph, fit, { rounding: 'tflm' });
    assert.ok(rounded.flipped > 0 && rounded.layers > 0);
    const before = sqnr(floatGraph, graph);
    const after = sqnr(floatGraph, rounded.graph);
    assert.ok(after > before + 0.1, `weight rounding: ${before.toFixed(2)} → ${after.toFixed(2)} dB`);
  });

  test("the rounding never raises its objective dᵀHd above round-to-nearest's, and moves each weight by at most one step", () => {
    const r = prng(3);
    const n = 12;
    const rows = Array.from({ length: 40 }, () => Float64Array.from({ length: n }, () => r() * 2 - 1 + 0.3));
    const h = new Float64Array(n * n);
    for (const x of rows) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j]! += x[i]! * x[j]!;
    const v = Float64Array.from({ length: n }, () => (r() * 2 - 1) * 20);
    const objective = (q: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += (q[i]! - v[i]!) * h[i * n + j]! * (q[j]! - v[j]!);
      return s;
    };
    const { q } = roundChannel(v, h);
    assert.ok(objective(q) <= objective(Array.from(v, Math.round)) + 1e-9);
    for (let i = 0; i < n; i++) assert.ok(q[i] === Math.floor(v[i]!) || q[i] === Math.ceil(v[i]!));
  });

  test('both stop when asked', async () => {
    const { floatGraph, graph } = await plain();
    const stop = { rounding: 'tflm' as const, shouldStop: () => true };
    assert.throws(() => biasCorrect(floatGraph, graph, fit, stop), Cancelled);
    assert.throws(() => roundWeights(floatGraph, graph, fit, stop), Cancelled);
    await assert.rejects(quantizeModel(model, fit, {}, { shouldStop: () => true }), Cancelled);
  });

  test('quantizeModel: the report says what each method did and why; the figures come from calibration data unless evaluation data is given', async () => {
    const r = await quantizeModel(model, fit);
    const o = r.report.options;
    assert.equal(o.weightRounding.by, 'option');
    assert.equal(o.weightRounding.applied, true);
    assert.deepEqual(o.biasCorrection, { applied: false, by: 'option' });
    const measured = (await quantizeModel(model, fit, { biasCorrection: 'auto' })).report.options.biasCorrection;
    assert.equal(measured.by, 'measured');
    assert.ok(measured.withoutDb !== undefined && measured.withDb !== undefined);
    assert.equal(o.evaluatedOn, 'calibration-data');
    assert.ok(r.report.warningCodes.some((w) => w.code === 'evaluation-on-calibration'));
    assert.equal(o.calibrationSamples, 24);
    const e = await quantizeModel(model, fit, { heldOut });
    assert.equal(e.report.options.evaluatedOn, 'evaluation-data');
    assert.ok(!e.report.warningCodes.some((w) => w.code === 'evaluation-on-calibration'));
    const off = await quantizeModel(model, fit, { weightRounding: false, biasCorrection: false });
    assert.equal(off.report.options.weightRounding.applied, false);
    assert.equal(off.report.options.biasCorrection.applied, false);
  });
});

describe('input range check', () => {
  test('an int8 sibling says [0, 1]: pixels up to 255 are warned about, [0, 1] data are not', async () => {
    const { graph } = await plain();
    const expected = expectationFromQuantized(graph, 'model_int8.tflite');
    assert.ok(expected[0] && expected[0].min <= 0.5 && expected[0].max >= 1.45);
    const unit = [{ input: 'input', min: 0.5, max: 1.5 }];
    assert.deepEqual(inputRangeWarnings(unit, expected), []);
    const pixels = [{ input: 'input', min: 0, max: 255 }];
    const w = inputRangeWarnings(pixels, expected);
    assert.equal(w.length, 1);
    assert.equal(w[0]!.code, 'input-range');
  });

  test('the report carries each input range', async () => {
    const r = await quantizeModel(model, fit, { weightRounding: false, biasCorrection: false, method: 'minmax' });
    const [range] = r.report.options.inputRanges;
    assert.ok(range && range.min >= 0.5 && range.max <= 1.5 && range.max > 1.4);
  });
});
