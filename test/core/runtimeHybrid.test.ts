/**
 * Hybrid (float activations, int8 weights) CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED against tfjs-tflite,
 * whose builtin hybrid kernels our runtime follows (TFLite Micro refuses these models): the
 * MLPerf Tiny kws_ref_model_float32 (per-tensor hybrid CONV_2D) on seeded inputs, with and
 * without SIMD, and small generated hybrid FULLY_CONNECTED and CONV_2D models that cover
 * symmetric and asymmetric input quantization, per-tensor and per-channel weight scales,
 * several batches, depth multipliers 1–2, strides 1–2 and fused activations.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { quantizeAsymmetric, quantizeSymmetric } from '../../src/runtime/kernels/conv/hybrid';
import { prng } from '../../src/util/prng';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { oracleModel } from '../oracles/tfjsTflite';
import { relativeError } from '../helpers/floatError';

type Rand = () => number;

function floats(r: Rand, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + r() * (hi - lo));
}

function runOurs(bytes: Uint8Array, inputs: readonly Uint8Array[], simd: boolean): Float32Array {
  const it = new Interpreter(readModel(bytes), { rounding: 'tflm', simd });
  inputs.forEach((b, i) => it.setInputBytes(i, b));
  it.invoke();
  return new Float32Array(tensorBytes(it.outputs[0]!).slice().buffer);
}

interface HybridCase {
  readonly name: string;
  readonly graph: Graph;
  readonly input: Float32Array;
}

function hybridFc(r: Rand, i: number, perChannel = false): HybridCase {
  const batches = 1 + (i % 3);
  const accum = 3 + Math.floor(r() * 40);
  const units = 1 + Math.floor(r() * 12);
  const asymmetric = i % 2 === 1;
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const x = sg.tensor({ name: 'x', shape: [batches, accum], dtype: 'float32' });
  const wData = Int8Array.from({ length: units * accum }, () => Math.floor(r() * 255) - 127);
  const scales = perChannel ? Array.from({ length: units }, () => 0.001 + r() * 0.05) : 0.001 + r() * 0.05;
  const w = sg.tensor({ name: 'w', shape: [units, accum], dtype: 'int8', data: wData, quantization: quant(scales, 0) });
  const b = sg.tensor({ name: 'b', shape: [units], dtype: 'float32', data: floats(r, units, -0.5, 0.5) });
  const y = sg.tensor({ name: 'y', shape: [batches, units], dtype: 'float32' });
  const options = makeOptions('FullyConnectedOptions', { fusedActivationFunction: i % 3 === 0 ? 'RELU' : 'NONE', asymmetricQuantizeInputs: asymmetric });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [x, w, b], outputs: [y], options, version: perChannel ? 12 : asymmetric ? 9 : 3 }).io([x], [y]);
  // Shifted inputs make the asymmetric zero point matter.
  const input = floats(r, batches * accum, -0.3 - r(), 1 + r() * 3);
  return { name: `fc ${batches}×${accum}→${units}${perChannel ? ' per-channel' : ''}${asymmetric ? ' asymmetric' : ''}`, graph: g.build(), input };
}

function hybridConv(r: Rand, i: number): HybridCase {
  const [inH, inW, inC, outC, k] = [
    3 + Math.floor(r() * 6),
    3 + Math.floor(r() * 6),
    1 + Math.floor(r() * 5),
    1 + Math.floor(r() * 6),
    1 + Math.floor(r() * 3),
  ];
  const stride = 1 + (i % 2);
  const perChannel = i % 3 === 2;
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const x = sg.tensor({ name: 'x', shape: [1, inH, inW, inC], dtype: 'float32' });
  const wData = Int8Array.from({ length: outC * k * k * inC }, () => Math.floor(r() * 255) - 127);
  const scales = perChannel ? Array.from({ length: outC }, () => 0.001 + r() * 0.05) : 0.001 + r() * 0.05;
  const w = sg.tensor({ name: 'w', shape: [outC, k, k, inC], dtype: 'int8', data: wData, quantization: quant(scales, 0) });
  const b = sg.tensor({ name: 'b', shape: [outC], dtype: 'float32', data: floats(r, outC, -0.5, 0.5) });
  const outH = Math.ceil(inH / stride);
  const outW = Math.ceil(inW / stride);
  const y = sg.tensor({ name: 'y', shape: [1, outH, outW, outC], dtype: 'float32' });
  const options = makeOptions('Conv2DOptions', { padding: 'SAME', strideH: stride, strideW: stride, fusedActivationFunction: i % 2 === 0 ? 'RELU' : 'NONE' });
  sg.op({ op: 'CONV_2D', inputs: [x, w, b], outputs: [y], options, version: 2 }).io([x], [y]);
  const input = floats(r, inH * inW * inC, -0.2 - r(), 1 + r() * 2);
  return { name: `conv ${inH}×${inW}×${inC} k${k} s${stride}→${outC}${perChannel ? ' per-channel' : ''}`, graph: g.build(), input };
}

function hybridDepthwise(r: Rand, i: number): HybridCase {
  const [inH, inW, inC, k] = [3 + Math.floor(r() * 6), 3 + Math.floor(r() * 6), 1 + Math.floor(r() * 6), 1 + Math.floor(r() * 3)];
  const mult = 1 + (i % 3 === 2 ? 1 : 0);
  const outC = inC * mult;
  const stride = 1 + (i % 2);
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const x = sg.tensor({ name: 'x', shape: [1, inH, inW, inC], dtype: 'float32' });
  const wData = Int8Array.from({ length: k * k * outC }, () => Math.floor(r() * 255) - 127);
  const scales = Array.from({ length: outC }, () => 0.001 + r() * 0.05);
  const w = sg.tensor({ name: 'w', shape: [1, k, k, outC], dtype: 'int8', data: wData, quantization: quant(scales, 0, 3) });
  const b = sg.tensor({ name: 'b', shape: [outC], dtype: 'float32', data: floats(r, outC, -0.5, 0.5) });
  const y = sg.tensor({ name: 'y', shape: [1, Math.ceil(inH / stride), Math.ceil(inW / stride), outC], dtype: 'float32' });
  const options = makeOptions('DepthwiseConv2DOptions', {
    padding: 'SAME',
    strideH: stride,
    strideW: stride,
    depthMultiplier: mult,
    fusedActivationFunction: i % 2 === 0 ? 'RELU6' : 'NONE',
  });
  sg.op({ op: 'DEPTHWISE_CONV_2D', inputs: [x, w, b], outputs: [y], options, version: 4 }).io([x], [y]);
  const input = floats(r, inH * inW * inC, -0.2 - r(), 1 + r() * 2);
  return { name: `depthwise ${inH}×${inW}×${inC} k${k} s${stride} ×${mult}`, graph: g.build(), input };
}

describe('hybrid kernels: input quantization', () => {
  test('symmetric: max |x| maps to ±127, halves round away from zero', () => {
    const src = Float32Array.from([0.5, -1, 1 / 254, -1 / 254, 0]);
    const q = new Int8Array(5);
    const s = quantizeSymmetric(src, 0, 5, q);
    assert.equal(s, Math.fround(1 / 127));
    assert.deepEqual([...q], [64, -127, 1, -1, 0]);
    assert.equal(quantizeSymmetric(new Float32Array(3), 0, 3, q), 1, 'an all-zero row has scale 1');
  });
  test('asymmetric: the range holds 0, q − zp is stored', () => {
    const src = Float32Array.from([0.5, 1, 2]);
    const q = new Float32Array(3);
    const { scale, zeroPoint } = quantizeAsymmetric(src, 0, 3, q);
    assert.equal(scale, Math.fround(2 / 255));
    assert.equal(zeroPoint, -128);
    assert.deepEqual(
      [...q].map((v) => v + zeroPoint),
      // 1 · 127.5 − 128 = −0.5 rounds away from zero.
      [-64, -1, 127],
    );
  });
});

describe('hybrid kernels against tfjs-tflite', () => {
  test('generated hybrid FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D models equal the oracle bit for bit', async () => {
    const r = prng(15);
    const cases = [
      ...Array.from({ length: 24 }, (_, i) => hybridFc(r, i)),
      ...Array.from({ length: 12 }, (_, i) => hybridConv(r, i)),
      ...Array.from({ length: 12 }, (_, i) => hybridDepthwise(r, i)),
    ];
    const failures: string[] = [];
    for (const c of cases) {
      const bytes = writeModel(c.graph);
      const input = new Uint8Array(c.input.buffer);
      let oracle: Awaited<ReturnType<typeof oracleModel>>;
      try {
        oracle = await oracleModel(bytes);
      } catch (e) {
        failures.push(`${c.name}: oracle ${(e as Error).message}`);
        continue;
      }
      const theirs = new Float32Array(oracle.run([input])[0]!.slice().buffer);
      for (const simd of [true, false]) {
        const err = relativeError(runOurs(bytes, [input], simd), theirs);
        if (err !== 0) failures.push(`${c.name}${simd ? '' : ' (JS)'}: ${err.toExponential(2)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('per-channel FULLY_CONNECTED (version 12, newer than the oracle) scales channel c as a per-tensor layer of scale s_c', () => {
    const r = prng(3);
    for (let i = 0; i < 6; i++) {
      const c = hybridFc(r, i, true);
      const input = [new Uint8Array(c.input.buffer)];
      const ours = runOurs(writeModel(c.graph), input, true);
      const sg = c.graph.subgraphs[0]!;
      const w = sg.tensors[1]!;
      const scales = w.quantization!.scale;
      const units = scales.length;
      scales.forEach((s, ch) => {
        const tensors = sg.tensors.map((t, k) => (k === 1 ? { ...t, quantization: quant(s, 0) } : t));
        const single = { ...c.graph, subgraphs: [{ ...sg, tensors }] };
        const want = runOurs(writeModel(single), input, false);
        for (let k = ch; k < want.length; k += units) assert.equal(ours[k], want[k], `${c.name}, channel ${ch}`);
      });
    }
  });

  test('kws_ref_model_float32 (hybrid CONV_2D) equals the oracle', { skip: SKIP_SHARED }, async () => {
    const bytes = corpusModel('kws_ref_model_float32');
    const oracle = await oracleModel(bytes);
    const r = prng(7);
    const worst = { simd: 0, js: 0 };
    for (let k = 0; k < 4; k++) {
      const input = new Uint8Array(floats(r, 49 * 10, -3, 3).buffer);
      const theirs = new Float32Array(oracle.run([input])[0]!.slice().buffer);
      worst.simd = Math.max(worst.simd, relativeError(runOurs(bytes, [input], true), theirs));
      worst.js = Math.max(worst.js, relativeError(runOurs(bytes, [input], false), theirs));
    }
    console.log(`kws_ref_model_float32 vs tfjs-tflite, max relative error: simd ${worst.simd.toExponential(2)}, js ${worst.js.toExponential(2)}`);
    assert.ok(worst.simd <= 1e-6 && worst.js <= 1e-6, `simd ${worst.simd}, js ${worst.js}`);
  });
});
