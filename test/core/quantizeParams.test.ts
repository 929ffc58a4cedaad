/**
 * The quantizer's arithmetic against the TFLite converter's own output: the official int8
 * models in ../shared record each activation's calibrated min/max, and were converted from
 * the float models beside them, so the same ranges must give the same scales and zero points,
 * and the same float weights (with the official input scales) the same int8 weights, weight
 * scales, int32 biases and bias scales, bit for bit. Plus the histogram and range methods.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph, Tensor } from '../../src/model/graph';
import { Histogram } from '../../src/quantize/histogram';
import { asymmetricParams, biasScaleAdjustments, quantizeAffine, quantizeBias, symmetricWeights } from '../../src/quantize/params';
import { chooseRange, quantizationMse, type TensorStats } from '../../src/quantize/ranges';
import { prng } from '../../src/util/prng';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';

const floats = (g: Graph, t: Tensor): Float32Array => new Float32Array(g.buffers[t.buffer]!.data.slice().buffer);

describe('activation parameters equal the converter’s (GetAsymmetricQuantizationParams / DownCastScale)', { skip: SKIP_SHARED }, () => {
  test('every int8 activation with a recorded min/max in the shared int8 models', () => {
    let checked = 0;
    for (const m of corpusModels()) {
      const g = readModel(corpusModel(m.name));
      for (const sg of g.subgraphs) {
        for (const t of sg.tensors) {
          const q = t.quantization;
          if (t.dtype !== 'int8' || !q?.min || q.min.length !== 1 || q.scale.length !== 1 || (t.buffer > 0 && g.buffers[t.buffer]!.data.length > 0)) continue;
          const p = asymmetricParams(q.min[0]!, q.max![0]!);
          assert.equal(p.scale, q.scale[0], `${m.name} "${t.name}" scale`);
          assert.equal(p.zeroPoint, q.zeroPoint[0], `${m.name} "${t.name}" zero point`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 137, `only ${checked} tensors checked`);
  });

  test('edge cases: all zeros, one-sided ranges, a range that must be widened to 0', () => {
    assert.deepEqual([asymmetricParams(0, 0).scale, asymmetricParams(0, 0).zeroPoint], [1, -128]);
    assert.equal(asymmetricParams(0, 6).zeroPoint, -128);
    assert.equal(asymmetricParams(-3, 0).zeroPoint, 127);
    const widened = asymmetricParams(2, 5);
    assert.equal(widened.min, 0);
    assert.equal(widened.scale, Math.fround(5 / 255));
    assert.deepEqual(Array.from(quantizeAffine([0, 5, 10, -1], widened)), [-128, 127, 127, -128]);
  });
});

const PAIRS: readonly [string, string][] = [
  ['vww_96_float', 'vww_96_int8'],
  ['pretrainedResnet', 'pretrainedResnet_quant'],
  ['ad01_fp32', 'ad01_int8'],
];

describe('weights and biases equal the converter’s, bit for bit', { skip: SKIP_SHARED }, () => {
  for (const [floatName, int8Name] of PAIRS) {
    test(`${floatName} → ${int8Name}`, () => {
      const F = readModel(corpusModel(floatName));
      const Q = readModel(corpusModel(int8Name));
      const affine = (g: Graph) => g.subgraphs[0]!.operators.filter((o) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(opName(g, o)));
      const fops = affine(F);
      const qops = affine(Q);
      assert.equal(fops.length, qops.length);
      let adjusted = 0;
      qops.forEach((qo, k) => {
        const fo = fops[k]!;
        const fs = F.subgraphs[0]!.tensors;
        const qs = Q.subgraphs[0]!.tensors;
        const qw = qs[qo.inputs[1]!]!;
        const fw = fs[fo.inputs[1]!]!;
        const axis = qw.quantization!.scale.length > 1 ? qw.quantization!.quantizedDimension : undefined;
        const inputScale = qs[qo.inputs[0]!]!.quantization!.scale[0]!;
        const bias = floats(F, fs[fo.inputs[2]!]!);
        let w = symmetricWeights(floats(F, fw), fw.shape, axis);
        const adjust = biasScaleAdjustments(bias, inputScale, w.scales);
        adjusted += adjust.size;
        if (adjust.size > 0) w = symmetricWeights(floats(F, fw), fw.shape, axis, adjust);
        const where = `${int8Name} ${opName(Q, qo)} #${k}`;
        assert.deepEqual(w.scales, qw.quantization!.scale, `${where} weight scales`);
        assert.deepEqual(w.values, new Int8Array(Q.buffers[qw.buffer]!.data.slice().buffer), `${where} weights`);
        const qb = qs[qo.inputs[2]!]!;
        const b = quantizeBias(bias, inputScale, w.scales);
        assert.deepEqual(b.scales, qb.quantization!.scale, `${where} bias scales`);
        assert.deepEqual(b.values, new Int32Array(Q.buffers[qb.buffer]!.data.slice().buffer), `${where} biases`);
      });
      // vww has dead channels (≈1e-30 weights, real biases) that the converter widens.
      if (floatName === 'vww_96_float') assert.ok(adjusted > 0);
    });
  }
});

describe('histogram and range methods', () => {
  test('growing the range merges bins exactly', () => {
    const h = new Histogram();
    h.add(Float32Array.from([0.1, -0.2, 0.3]), 0.3);
    const before = h.total;
    h.add(Float32Array.from([100, 0, -50]), 100);
    assert.equal(h.total, before + 3);
    assert.equal(h.zeros, 1);
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      5,
    );
    assert.ok(h.range > 100 && h.range <= 256);
  });

  test('quantiles of a uniform distribution', () => {
    const r = prng(4);
    const h = new Histogram();
    const v = Float32Array.from({ length: 100000 }, () => r() * 2 - 1);
    h.add(v, 1);
    assert.ok(Math.abs(h.quantile(0.5)) < 0.02);
    assert.ok(Math.abs(h.quantile(0.9) - 0.8) < 0.02);
  });

  function statsOf(values: Float32Array): TensorStats {
    const h = new Histogram();
    let min = Infinity;
    let max = -Infinity;
    for (const x of values) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    h.add(values, Math.max(-min, max));
    return { min, max, count: values.length, nonFinite: 0, histogram: h };
  }

  test('percentile clips rare outliers; min/max keeps them', () => {
    const r = prng(9);
    const stats = statsOf(
      Float32Array.from({ length: 50000 }, (_, i) => (i % 5000 === 0 ? 60 * (r() - 0.5) : Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()))),
    );
    assert.deepEqual(chooseRange(stats, 'minmax'), { min: stats.min, max: stats.max });
    const pc = chooseRange(stats, 'percentile', 99.9);
    assert.ok(pc.min >= stats.min && pc.max <= stats.max);
    assert.ok(pc.max < 5 && pc.min > -5, JSON.stringify(pc));
  });

  test('MSE: never worse than min/max on its own measure, and clips a heavy-tailed (Laplace) distribution', () => {
    const r = prng(10);
    const stats = statsOf(Float32Array.from({ length: 50000 }, () => (r() < 0.5 ? 1 : -1) * -Math.log(1 - r())));
    const mm = chooseRange(stats, 'minmax');
    const mse = chooseRange(stats, 'mse');
    const h = stats.histogram!;
    assert.ok(mse.min >= stats.min && mse.max <= stats.max);
    assert.ok(quantizationMse(h, mse.min, mse.max) < quantizationMse(h, mm.min, mm.max));
    assert.ok(mse.max - mse.min < 0.95 * (mm.max - mm.min), JSON.stringify({ mse, mm }));
  });
});
