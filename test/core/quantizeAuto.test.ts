/**
 * `auto` ranges (the default): the validation split, the candidates, the choice among them
 * (pickBest), histograms and statistics that merge exactly, and on small models built here:
 * the model kept is the winner rebuilt from every calibration sample, the report lists every
 * candidate's validation score, the held-out samples play no part in the choice, a calibration
 * sample with an outlier makes auto clip, and cancellation reaches the candidates.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import {
  candidateLabel,
  candidatesFor,
  foldPlan,
  isClassifier,
  MAX_VALIDATION_SAMPLES,
  pickBest,
  SQNR_TIE_DB,
  validationIndices,
  type CandidateScore,
} from '../../src/quantize/autoSelect';
import { Cancelled } from '../../src/errors';
import { Histogram } from '../../src/quantize/histogram';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { mergeStats, type TensorStats } from '../../src/quantize/ranges';
import { prng } from '../../src/util/prng';
import { float16WeightsModel } from '../helpers/fixtures';
import { pooledSqnr, runOutputs } from './quantizeData';
import { makeOptions } from '../../src/model/ops';

const f32 = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** input [1, 512] → FULLY_CONNECTED (RELU) → [1, 16] → FULLY_CONNECTED → [1, 8], then SOFTMAX if asked. */
function mlp(softmax: boolean): Graph {
  const r = prng(11);
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, 512], dtype: 'float32' });
  const w1 = sg.tensor({ name: 'w1', shape: [16, 512], dtype: 'float32', data: Float32Array.from({ length: 16 * 512 }, () => (r() * 2 - 1) * 0.1) });
  // Rows of very different magnitude: per-channel FC weights matter.
  const w2 = sg.tensor({
    name: 'w2',
    shape: [8, 16],
    dtype: 'float32',
    data: Float32Array.from({ length: 128 }, (_, i) => (r() * 2 - 1) * (i < 16 ? 4 : 0.2)),
  });
  const b1 = sg.tensor({ name: 'b1', shape: [16], dtype: 'float32', data: Float32Array.from({ length: 16 }, () => r() * 0.2 - 0.1) });
  const b2 = sg.tensor({ name: 'b2', shape: [8], dtype: 'float32', data: Float32Array.from({ length: 8 }, () => r() * 0.2 - 0.1) });
  const hidden = sg.tensor({ name: 'hidden', shape: [1, 16], dtype: 'float32' });
  const logits = sg.tensor({ name: softmax ? 'logits' : 'output', shape: [1, 8], dtype: 'float32' });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [input, w1, b1],
    outputs: [hidden],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'RELU' }),
  });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [hidden, w2, b2],
    outputs: [logits],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'NONE' }),
  });
  if (softmax) {
    const probs = sg.tensor({ name: 'output', shape: [1, 8], dtype: 'float32' });
    sg.op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) });
    sg.io([input], [probs]);
  } else sg.io([input], [logits]);
  return g.build();
}

/** Gaussian inputs; sample `outlier` (if any) has one value of 400 (a glitch in the calibration data): 1 value in 20 000, beyond the 99.99th percentile. */
function gaussianSamples(count: number, seed: number, outlier?: number): Uint8Array[][] {
  const r = prng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Array.from({ length: count }, (_, s) => {
    const x = Float32Array.from({ length: 512 }, gauss);
    if (s === outlier) x[5] = 400;
    return [f32(x)];
  });
}

const score = (label: string, sqnrDb: number | undefined, top1Agreement?: number, extra: Partial<CandidateScore> = {}): CandidateScore => ({
  method: 'minmax',
  perChannelFullyConnected: false,
  label,
  ...(sqnrDb !== undefined ? { sqnrDb } : {}),
  ...(top1Agreement !== undefined ? { top1Agreement } : {}),
  ...extra,
});

describe('auto: the pieces', () => {
  test('validation split: min(16, ⌊N/4⌋) distinct samples spread over the calibration data, none below 4', () => {
    for (const n of [0, 1, 3]) assert.deepEqual(validationIndices(n), []);
    assert.deepEqual(validationIndices(4), [2]);
    assert.deepEqual(validationIndices(8), [2, 6]);
    for (const n of [5, 17, 60, 63, 64, 65, 100, 131, 1000]) {
      const v = validationIndices(n);
      assert.equal(v.length, Math.min(MAX_VALIDATION_SAMPLES, Math.floor(n / 4)), `N = ${n}`);
      assert.equal(new Set(v).size, v.length);
      assert.ok(v.every((i, k) => i >= 0 && i < n && (k === 0 || i > v[k - 1]!)));
      // Spread: no gap between neighbours much larger than N / count.
      const gaps = v.slice(1).map((i, k) => i - v[k]!);
      assert.ok(
        gaps.every((g) => g <= Math.ceil(n / v.length)),
        `N = ${n}: gaps ${gaps.join(',')}`,
      );
    }
  });

  test('candidates: min/max and percentile ranges (MSE is explicit only), × per-channel FULLY_CONNECTED where there is FULLY_CONNECTED and the caller did not fix it', () => {
    const labels = (g: Graph, pc?: boolean) => candidatesFor(g, 99.9, pc).map(candidateLabel);
    assert.deepEqual(labels(mlp(false)), ['minmax', 'percentile 99.9', 'minmax + per-channel FC', 'percentile 99.9 + per-channel FC']);
    assert.deepEqual(labels(mlp(false), true), ['minmax + per-channel FC', 'percentile 99.9 + per-channel FC']);
    assert.deepEqual(labels(mlp(false), false), ['minmax', 'percentile 99.9']);
    assert.deepEqual(labels(float16WeightsModel()), ['minmax', 'percentile 99.9'], 'no FULLY_CONNECTED: nothing to vary');
    assert.equal(isClassifier(mlp(true)), true);
    assert.equal(isClassifier(mlp(false)), false);
  });

  test('pickBest: highest SQNR; an earlier candidate keeps a tie; unscored candidates never win', () => {
    const plain = { classifier: false, samples: 16 };
    assert.equal(pickBest([score('a', 20), score('b', 25), score('c', 22)], plain), 1);
    assert.equal(pickBest([score('a', 20), score('b', 20 + SQNR_TIE_DB / 2)], plain), 0, 'within the tie margin the earlier stays');
    assert.equal(pickBest([score('a', 20), score('b', 20 + 2 * SQNR_TIE_DB)], plain), 1);
    assert.equal(pickBest([score('a', 20), score('b', 99, undefined, { skipped: 'runtime' }), score('c', undefined)], plain), 0);
    assert.equal(pickBest([score('a', undefined, undefined, { skipped: 'runtime' })], plain), -1);
    assert.equal(pickBest([], plain), -1);
    assert.equal(pickBest([score('a', -Infinity), score('b', 3)], plain), 1);
  });

  test('pickBest, classifiers: top-1 agreement guards (one sample of slack), SQNR decides', () => {
    const cls = { classifier: true, samples: 16 };
    // b has the best SQNR and agrees on one sample fewer than a: allowed.
    assert.equal(pickBest([score('a', 20, 16 / 16), score('b', 25, 15 / 16)], cls), 1);
    // Two samples fewer: out, however good its SQNR.
    assert.equal(pickBest([score('a', 20, 16 / 16), score('b', 30, 14 / 16)], cls), 0);
    // The guard is relative to the best agreement among scored candidates only.
    assert.equal(pickBest([score('a', 20, 10 / 16), score('b', 25, 9 / 16), score('c', 50, 1, { skipped: 'runtime' })], cls), 1);
    // Without the classifier flag, top-1 is ignored.
    assert.equal(pickBest([score('a', 20, 16 / 16), score('b', 30, 14 / 16)], { classifier: false, samples: 16 }), 1);
  });

  test('histograms and statistics of two sample sets merge into those of all the samples, exactly', () => {
    const r = prng(4);
    const a = Float32Array.from({ length: 5000 }, () => (r() - 0.5) * 3);
    const b = Float32Array.from({ length: 3000 }, () => (r() - 0.5) * 40);
    b[7] = 0;
    const absMax = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const whole = new Histogram();
    whole.add(a, absMax(a));
    whole.add(b, absMax(b));
    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      const h1 = new Histogram();
      h1.add(first, absMax(first));
      const h2 = new Histogram();
      h2.add(second, absMax(second));
      h1.merge(h2);
      assert.equal(h1.range, whole.range);
      assert.equal(h1.total, whole.total);
      assert.equal(h1.zeros, whole.zeros);
      assert.deepEqual(h1.counts, whole.counts);
    }
    const empty = new Histogram();
    empty.merge(whole);
    assert.deepEqual(empty.counts, whole.counts);
    const s1: TensorStats = { min: -1, max: 2, count: 10, nonFinite: 1 };
    const s2: TensorStats = { min: -3, max: 1, count: 5, nonFinite: 0, histogram: whole };
    const m = mergeStats(s1, s2)!;
    assert.deepEqual([m.min, m.max, m.count, m.nonFinite, m.histogram!.total], [-3, 2, 15, 1, whole.total]);
    assert.equal(mergeStats(s1, undefined), s1);
  });
});

describe('auto: the quantizer', () => {
  test('the default: every candidate scored in the report, the winner rebuilt from every calibration sample', async () => {
    const model = mlp(true);
    const calibration = gaussianSamples(40, 1);
    const result = await quantizeModel(model, calibration, { heldOut: gaussianSamples(8, 2) });
    const r = result.report;
    const sel = r.selection!;
    assert.equal(r.options.requestedMethod, 'auto');
    // Both folds' kept samples (16 of each fold's 20) are measured on.
    assert.equal(sel.validationSamples, foldPlan(40)!.kept.length);
    assert.equal(sel.validationSamples, 32);
    assert.equal(sel.inSample, false);
    assert.equal(sel.classifier, true);
    assert.deepEqual(
      sel.candidates.map((c) => c.label),
      candidatesFor(model, 99.99).map(candidateLabel),
    );
    assert.ok(sel.candidates.every((c) => typeof c.sqnrDb === 'number' && typeof c.top1Agreement === 'number'));
    const best = pickBest(sel.candidates, { classifier: true, samples: sel.validationSamples });
    assert.equal(sel.chosen, sel.candidates[best]!.label);
    const winner = sel.candidates[best]!;
    assert.equal(r.options.method, winner.method);
    assert.equal(r.options.perChannelFullyConnected, winner.perChannelFullyConnected);
    assert.equal(r.options.percentile, winner.method === 'percentile' ? 99.99 : undefined);
    assert.ok(r.timing.selectionMs > 0 && r.timing.quantizeMs >= r.timing.selectionMs);
    // The same model as asking for the winner explicitly, calibrated on all 40 samples.
    const explicit = await quantizeModel(model, calibration, { method: winner.method, perChannelFullyConnected: winner.perChannelFullyConnected });
    assert.deepEqual(result.bytes, explicit.bytes);
    assert.equal(explicit.report.selection, undefined);
    assert.equal(explicit.report.options.requestedMethod, winner.method);
  });

  test('the held-out samples play no part in the choice', async () => {
    const model = mlp(true);
    const calibration = gaussianSamples(32, 3);
    const strip = (s: NonNullable<Awaited<ReturnType<typeof quantizeModel>>['report']['selection']>) => ({ ...s, ms: 0 });
    const a = await quantizeModel(model, calibration, { heldOut: gaussianSamples(6, 4) });
    const b = await quantizeModel(model, calibration, {
      heldOut: gaussianSamples(12, 5).map(([x]) => [f32(new Float32Array(x!.slice().buffer).map((v) => v * 3))]),
    });
    const c = await quantizeModel(model, calibration);
    assert.deepEqual(strip(a.report.selection!), strip(b.report.selection!));
    assert.deepEqual(strip(a.report.selection!), strip(c.report.selection!));
    assert.deepEqual(a.bytes, b.bytes);
    assert.deepEqual(a.bytes, c.bytes);
  });

  test('an outlier in the calibration data: auto clips it, and beats min/max on held-out data', async (t) => {
    const model = mlp(false);
    const calibration = gaussianSamples(40, 6, 1); // sample 1 is not a validation sample
    assert.ok(!validationIndices(40).includes(1));
    const heldOut = gaussianSamples(20, 7);
    const auto = await quantizeModel(model, calibration);
    const minmax = await quantizeModel(model, calibration, { method: 'minmax' });
    const sel = auto.report.selection!;
    assert.notEqual(auto.report.options.method, 'minmax', `kept ${sel.chosen}: ${JSON.stringify(sel.candidates.map((c) => [c.label, c.sqnrDb]))}`);
    const reference = runOutputs(auto.floatGraph, heldOut);
    const ours = pooledSqnr(reference, runOutputs(auto.graph, heldOut));
    const plain = pooledSqnr(reference, runOutputs(minmax.graph, heldOut));
    t.diagnostic(`auto kept ${sel.chosen}: held-out output SQNR ${ours.toFixed(2)} dB, min/max ${plain.toFixed(2)} dB`);
    assert.ok(ours > plain + 3, `auto ${ours.toFixed(2)} dB vs min/max ${plain.toFixed(2)} dB`);
    const input = auto.report.ranges.find((p) => p.name === 'input')!;
    assert.ok(input.max < 100 && input.calibratedMax === 400, `input range ${input.min}..${input.max}`);
  });

  test('candidates that give the same scales and zero points are run once', async () => {
    // A RELU of inputs that are 0 or 1: no tail to clip, so percentile and MSE keep min/max's [0, 1].
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const input = sg.tensor({ name: 'input', shape: [1, 8], dtype: 'float32' });
    const out = sg.tensor({ name: 'output', shape: [1, 8], dtype: 'float32' });
    sg.op({ op: 'RELU', inputs: [input], outputs: [out] }).io([input], [out]);
    const r = prng(8);
    const samples = Array.from({ length: 16 }, () => [f32(Float32Array.from({ length: 8 }, () => (r() < 0.5 ? 0 : 1)))]);
    const sel = (await quantizeModel(g.build(), samples)).report.selection!;
    assert.deepEqual(
      sel.candidates.map((c) => [c.label, c.sameAs]),
      [
        ['minmax', undefined],
        ['percentile 99.99', 'minmax'],
      ],
    );
    assert.ok(sel.candidates.every((c) => c.sqnrDb === sel.candidates[0]!.sqnrDb));
    assert.equal(sel.chosen, 'minmax');
  });

  test('fewer than 4 calibration samples: the candidates are compared on the calibration samples themselves, and the report says so', async () => {
    const result = await quantizeModel(mlp(false), gaussianSamples(3, 9));
    const sel = result.report.selection!;
    assert.equal(sel.inSample, true);
    assert.equal(sel.validationSamples, 3);
    assert.ok(result.report.warnings.some((w) => /compared on the calibration samples themselves/.test(w)));
  });

  test('a fixed per-channel FC choice is kept; an explicit method selects nothing', async () => {
    const fixed = await quantizeModel(mlp(false), gaussianSamples(20, 10), { perChannelFullyConnected: false });
    assert.ok(fixed.report.selection!.candidates.every((c) => !c.perChannelFullyConnected));
    assert.equal(fixed.report.options.perChannelFullyConnected, false);
    const explicit = await quantizeModel(mlp(false), gaussianSamples(20, 10), { method: 'mse' });
    assert.equal(explicit.report.selection, undefined);
    assert.deepEqual(
      [explicit.report.options.requestedMethod, explicit.report.options.method, explicit.report.options.perChannelFullyConnected],
      ['mse', 'mse', false],
    );
    assert.equal(explicit.report.timing.selectionMs, 0);
  });

  test('cancellation reaches the candidates; progress rises to 1 through calibration, selection and evaluation', async () => {
    let selecting = false;
    await assert.rejects(
      quantizeModel(mlp(true), gaussianSamples(20, 12), {}, { progress: (_f, m) => (selecting ||= /range candidate/.test(m)), shouldStop: () => selecting }),
      (e: unknown) => e instanceof Cancelled && e.code === 'cancelled',
    );
    assert.ok(selecting);
    const seen: { f: number; m: string }[] = [];
    await quantizeModel(mlp(true), gaussianSamples(20, 12), { heldOut: gaussianSamples(4, 13) }, { progress: (f, m) => seen.push({ f, m }) });
    assert.ok(seen.every((s, i) => i === 0 || s.f >= seen[i - 1]!.f));
    assert.ok(seen.some((s) => /range candidate 4 of 4/.test(s.m)));
    assert.equal(seen[seen.length - 1]!.f, 1);
  });
});
