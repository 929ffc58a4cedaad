/**
 * The WebAssembly SIMD path of the int8 convolution kernels (src/runtime/wasm) against their
 * JavaScript loops, which the oracle and golden tests pin down: identical bytes in every
 * rounding mode, on random models built to reach the corners of the arithmetic: accumulators
 * beyond 2^21 (the requantizer's int64 fallback), biases that wrap int32, multipliers above 1
 * and below 2^−22 (layers off the float64 form), per-tensor FULLY_CONNECTED weights with a zero
 * point, groups, dilations, strides, padding wider than the image, batches, and channel counts
 * that are not multiples of the vector widths.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import type { Graph } from '../../src/model/graph';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { computeOutSize } from '../../src/model/geometry';
import { planRequant } from '../../src/runtime/kernels/conv/wasmConv';
import { add8Params } from '../../src/runtime/kernels/elementwise/add';
import {
  makeChannelRequantizer,
  multiplyByQuantizedMultiplierTflm,
  quantizeMultiplier,
  requantizeChannels,
  ROUNDINGS,
  type RequantizeSpec,
} from '../../src/runtime/quant';
import { WasmArena, wasmSimdAvailable } from '../../src/runtime/wasm/simd';
import { corpusModel, REPO_ROOT, SKIP_SHARED } from '../helpers/corpus';
import { prng } from '../../src/util/prng';
import { readModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';

type Rand = () => number;

/**
 * An int32 x with x·m + addend ≡ t (mod 2^k), for the rule's k and addend (tflm: k = 31 + e,
 * addend 2^30 + 2^(e−1)·2^31, less 2^31 when x·m < −2^30; tflite: k = 31 − shift, addend
 * 2^(k−1)), if there is one; m odd.
 */
function nearBoundary(m: number, shift: number, rounding: string, t: number): number | undefined {
  const e = shift < 0 ? -shift : 0;
  const k = BigInt(rounding === 'tflite' ? 31 - shift : 31 + e);
  const modulus = 2n ** k;
  const positive = 2n ** 30n + (e > 0 ? 2n ** BigInt(e - 1) * 2n ** 31n : 0n);
  const variants: [bigint, (p: bigint) => boolean][] =
    rounding === 'tflite'
      ? [[2n ** (k - 1n), () => true]]
      : [
          [positive, (p) => p >= -(2n ** 30n)],
          [positive - (e > 0 ? 2n ** 31n : 0n), (p) => p < -(2n ** 30n)],
        ];
  const inv = modInverse(BigInt(m), modulus);
  for (const [addend, holds] of variants) {
    const x0 = ((((BigInt(t) - addend) * inv) % modulus) + modulus) % modulus;
    for (const x of [x0, x0 - modulus]) if (x >= -(2n ** 31n) && x < 2n ** 31n && holds(x * BigInt(m))) return Number(x);
  }
  return undefined;
}

/** a^-1 mod 2^k for odd a. */
function modInverse(a: bigint, modulus: bigint): bigint {
  let x = 1n;
  for (let i = 0; i < 64; i++) x = (x * (2n - a * x)) % modulus;
  return ((x % modulus) + modulus) % modulus;
}
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const logUniform = (r: Rand, lo: number, hi: number): number => Math.fround(lo * (hi / lo) ** r());
const ACTS = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'] as const;

/** How a case stresses the arithmetic. */
type Regime = 'typical' | 'saturated' | 'huge-multiplier' | 'tiny-multiplier' | 'wrapping-bias';
const REGIMES: readonly Regime[] = ['typical', 'saturated', 'huge-multiplier', 'tiny-multiplier', 'wrapping-bias'];

interface Case {
  readonly name: string;
  readonly graph: Graph;
  readonly input: Int8Array;
}

/** Weights, input, scales and bias for a regime: `macs` products per output. */
function arithmetic(r: Rand, regime: Regime, wCount: number, xCount: number, channels: number, macs: number) {
  const saturated = regime === 'saturated';
  // Saturated: one sign everywhere and extreme values, so that sums reach K · 255 · 127.
  const wSign = r() < 0.5 ? 1 : -1;
  const weights = Int8Array.from({ length: wCount }, () => (saturated ? wSign * int(r, 100, 127) : int(r, -128, 127)));
  const inputZp = saturated ? pick(r, [-128, 127]) : int(r, -128, 127);
  const xValue = inputZp === -128 ? 127 : -128;
  const input = Int8Array.from({ length: xCount }, () => (saturated && r() < 0.95 ? xValue : int(r, -128, 127)));
  const sIn = logUniform(r, 0.005, 0.1);
  const perChannel = r() < 0.6;
  const sW = Array.from({ length: perChannel ? channels : 1 }, () => logUniform(r, 0.002, 0.05));
  const meanW = sW.reduce((a, b) => a + b, 0) / sW.length;
  let sOut = Math.fround(sIn * meanW * Math.sqrt(Math.max(1, macs)) * 75 * logUniform(r, 0.3, 3));
  if (regime === 'saturated') sOut = Math.fround(sIn * meanW * macs * 255 * 127 * logUniform(r, 0.002, 0.02));
  if (regime === 'huge-multiplier') sOut = Math.fround(sIn * meanW * logUniform(r, 0.05, 0.9));
  if (regime === 'tiny-multiplier') sOut = Math.fround(sIn * meanW * logUniform(r, 2 ** 23, 2 ** 26));
  const biasRange = regime === 'wrapping-bias' ? 2 ** 31 - 1 : (sOut / (sIn * meanW)) * 40;
  const bias = Int32Array.from({ length: channels }, () => Math.round((r() * 2 - 1) * biasRange));
  return { weights, input, inputZp, sIn, sW, sOut, bias, perChannel };
}

function convCase(r: Rand, i: number, regime: Regime): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const batch = int(r, 1, 2);
  const depth = pick(r, [1, 2, 3, 4, 5, 8, 13, 16, 24, 40]);
  const groups = r() < 0.2 ? int(r, 2, 3) : 1;
  const inC = depth * groups;
  const outC = groups * int(r, 1, groups > 1 ? 6 : 40);
  const kH = int(r, 1, 4);
  const kW = r() < 0.5 ? kH : int(r, 1, 4);
  const strideH = int(r, 1, 3);
  const strideW = r() < 0.5 ? strideH : int(r, 1, 3);
  const dil = r() < 0.7 ? 1 : int(r, 2, 3);
  const padding = r() < 0.6 ? 'SAME' : 'VALID';
  const inH = int(r, (kH - 1) * dil + 1, 11);
  const inW = int(r, (kW - 1) * dil + 1, 11);
  const outH = computeOutSize(padding, inH, kH, strideH, dil);
  const outW = computeOutSize(padding, inW, kW, strideW, dil);
  const macs = kH * kW * depth;
  const a = arithmetic(r, regime, outC * kH * kW * depth, batch * inH * inW * inC, outC, macs);
  const x = sg.tensor({ name: 'x', shape: [batch, inH, inW, inC], dtype: 'int8', quantization: quant(a.sIn, a.inputZp) });
  const w = sg.tensor({ name: 'w', shape: [outC, kH, kW, depth], dtype: 'int8', data: a.weights, quantization: quant(a.sW, 0, 0) });
  const withBias = r() < 0.85;
  const b = withBias
    ? sg.tensor({
        name: 'b',
        shape: [outC],
        dtype: 'int32',
        data: a.bias,
        quantization: quant(
          a.sW.map((s) => a.sIn * s),
          0,
          0,
        ),
      })
    : -1;
  const y = sg.tensor({ name: 'y', shape: [batch, outH, outW, outC], dtype: 'int8', quantization: quant(a.sOut, int(r, -128, 127)) });
  const act = pick(r, ACTS);
  sg.op({
    op: 'CONV_2D',
    inputs: [x, w, b],
    outputs: [y],
    options: makeOptions('Conv2DOptions', { padding, strideW, strideH, fusedActivationFunction: act, dilationWFactor: dil, dilationHFactor: dil }),
    version: 3,
  }).io([x], [y]);
  const name = `conv#${i} ${regime} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} g${groups} s${strideH},${strideW} d${dil} ${padding} ${act} oc${outC}${a.perChannel ? ' pc' : ''}`;
  return { name, graph: g.build(), input: a.input };
}

function depthwiseCase(r: Rand, i: number, regime: Regime): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const batch = int(r, 1, 2);
  const inC = pick(r, [1, 3, 7, 8, 9, 16, 17, 33]);
  const mult = r() < 0.8 ? 1 : 2;
  const outC = inC * mult;
  const square = r() < 0.5;
  const kH = square ? 3 : int(r, 1, 5);
  const kW = square ? 3 : int(r, 1, 5);
  const strideH = int(r, 1, 2);
  const strideW = r() < 0.7 ? strideH : int(r, 1, 3);
  const dil = r() < 0.75 ? 1 : int(r, 2, 3);
  const padding = r() < 0.6 ? 'SAME' : 'VALID';
  const inH = int(r, (kH - 1) * dil + 1, 11);
  const inW = int(r, (kW - 1) * dil + 1, 11);
  const outH = computeOutSize(padding, inH, kH, strideH, dil);
  const outW = computeOutSize(padding, inW, kW, strideW, dil);
  const a = arithmetic(r, regime, kH * kW * outC, batch * inH * inW * inC, outC, kH * kW);
  const x = sg.tensor({ name: 'x', shape: [batch, inH, inW, inC], dtype: 'int8', quantization: quant(a.sIn, a.inputZp) });
  const w = sg.tensor({ name: 'w', shape: [1, kH, kW, outC], dtype: 'int8', data: a.weights, quantization: quant(a.sW, 0, 3) });
  const b =
    r() < 0.85
      ? sg.tensor({
          name: 'b',
          shape: [outC],
          dtype: 'int32',
          data: a.bias,
          quantization: quant(
            a.sW.map((s) => a.sIn * s),
            0,
            0,
          ),
        })
      : -1;
  const y = sg.tensor({ name: 'y', shape: [batch, outH, outW, outC], dtype: 'int8', quantization: quant(a.sOut, int(r, -128, 127)) });
  const act = pick(r, ACTS);
  sg.op({
    op: 'DEPTHWISE_CONV_2D',
    inputs: [x, w, b],
    outputs: [y],
    options: makeOptions('DepthwiseConv2DOptions', {
      padding,
      strideW,
      strideH,
      depthMultiplier: mult,
      fusedActivationFunction: act,
      dilationWFactor: dil,
      dilationHFactor: dil,
    }),
    version: 3,
  }).io([x], [y]);
  const name = `dw#${i} ${regime} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} m${mult} s${strideH},${strideW} d${dil} ${padding} ${act}${a.perChannel ? ' pc' : ''}`;
  return { name, graph: g.build(), input: a.input };
}

function fullyConnectedCase(r: Rand, i: number, regime: Regime): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const accum = int(r, 1, 300);
  const outD = int(r, 1, 40);
  const batches = int(r, 1, 6);
  const a = arithmetic(r, regime, outD * accum, batches * accum, outD, accum);
  // Per-tensor weights may carry a zero point, which FULLY_CONNECTED applies.
  const wZp = a.perChannel ? 0 : pick(r, [0, int(r, -128, 127)]);
  const x = sg.tensor({ name: 'x', shape: [batches, accum], dtype: 'int8', quantization: quant(a.sIn, a.inputZp) });
  const w = sg.tensor({ name: 'w', shape: [outD, accum], dtype: 'int8', data: a.weights, quantization: quant(a.sW, a.perChannel ? 0 : wZp, 0) });
  const b =
    r() < 0.8
      ? sg.tensor({
          name: 'b',
          shape: [outD],
          dtype: 'int32',
          data: a.bias,
          quantization: quant(
            a.sW.map((s) => a.sIn * s),
            0,
            0,
          ),
        })
      : -1;
  const y = sg.tensor({ name: 'y', shape: [batches, outD], dtype: 'int8', quantization: quant(a.sOut, int(r, -128, 127)) });
  const act = pick(r, ACTS);
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [x, w, b],
    outputs: [y],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: act, weightsFormat: 'DEFAULT', keepNumDims: false }),
    version: 4,
  }).io([x], [y]);
  const name = `fc#${i} ${regime} [${batches}x${accum}]→${outD} wzp${wZp} ${act}${a.perChannel ? ' pc' : ''}`;
  return { name, graph: g.build(), input: a.input };
}

function run(graph: Graph, inputs: readonly Uint8Array[], rounding: (typeof ROUNDINGS)[number], simd: boolean): Uint8Array[] {
  const it = new Interpreter(graph, { rounding, simd });
  inputs.forEach((b, i) => it.setInputBytes(i, b));
  // Twice: the second run must not depend on what the first left in the scratch memory.
  it.invoke();
  it.invoke();
  return it.outputs.map(tensorBytes);
}

describe('WebAssembly SIMD kernels equal the JavaScript loops', () => {
  test('this Node runs WebAssembly SIMD (else the cases below compare the JavaScript loops with themselves)', () => {
    assert.ok(wasmSimdAvailable());
  });

  test('kernelsWasm.ts is kernels.wat compiled (npm run build-wasm after editing the .wat)', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr || r.stdout);
  });

  const families: readonly [string, (r: Rand, i: number, regime: Regime) => Case][] = [
    ['CONV_2D', convCase],
    ['DEPTHWISE_CONV_2D', depthwiseCase],
    ['FULLY_CONNECTED', fullyConnectedCase],
  ];
  families.forEach(([kind, make], f) => {
    test(`${kind}: 250 random int8 models, every regime and rounding mode, identical bytes`, () => {
      const r = prng(4200 + f);
      const failures: string[] = [];
      let regimes = 0;
      for (let i = 0; i < 250; i++) {
        const c = make(r, i, REGIMES[i % REGIMES.length]!);
        regimes++;
        const bytes = [new Uint8Array(c.input.buffer, c.input.byteOffset, c.input.byteLength)];
        for (const rounding of ROUNDINGS) {
          const js = run(c.graph, bytes, rounding, false);
          const simd = run(c.graph, bytes, rounding, true);
          const a = simd[0]!;
          const e = js[0]!;
          let diff = 0;
          for (let k = 0; k < e.length; k++) if (a[k] !== e[k]) diff++;
          if (diff > 0 || a.length !== e.length) failures.push(`${c.name} (${rounding}): ${diff} of ${e.length} bytes differ`);
        }
      }
      assert.equal(regimes, 250);
      assert.deepStrictEqual(failures, []);
    });
  });

  test('requant equals requantizeChannels on crafted accumulators: ties, wide products, every shift', () => {
    const arena = WasmArena.create()!;
    const r = prng(31);
    for (const rounding of ROUNDINGS) {
      for (let trial = 0; trial < 60; trial++) {
        const channels = int(r, 1, 40);
        // Real multipliers from 2^-40 to 2^12, or (half the trials) only those the float64 form
        // takes, 2^-22 to 2^-1; a third of them exact powers of two (Q31 m = 2^30).
        const fastOnly = trial % 2 === 0;
        const specs: RequantizeSpec[] = Array.from({ length: channels }, () => {
          const exponent = fastOnly ? int(r, -22, -2) : int(r, -40, 12);
          const real = r() < 0.35 ? 2 ** exponent : logUniform(r, 2 ** exponent, 2 ** (exponent + 1));
          const inputScale = logUniform(r, 1e-3, 1);
          return { real, inputScale, weightScale: Math.fround(real / inputScale), outputScale: 1 };
        });
        const rq = makeChannelRequantizer(specs, rounding, channels);
        const pixels = 24;
        const bias = r() < 0.5 ? Int32Array.from({ length: channels }, () => int(r, -(2 ** 31), 2 ** 31 - 1)) : null;
        const acc = new Int32Array(pixels * channels);
        for (let p = 0; p < pixels; p++) {
          for (let c = 0; c < channels; c++) {
            const { multiplier: m, shift } = quantizeMultiplier(specs[c]!.real);
            let x: number;
            const kind = (p + c) % 6;
            if (kind === 0) x = int(r, -(2 ** 21) + 1, 2 ** 21 - 1);
            else if (kind === 1) x = pick(r, [0, 1, -1, 2 ** 21 - 1, -(2 ** 21) + 1, 2 ** 21, -(2 ** 21), 2 ** 31 - 1, -(2 ** 31)]);
            else if (kind === 2) x = Math.round((r() * 2 - 1) * 2 ** int(r, 0, 31));
            else if (kind === 3 && m % 2 === 1) {
              // x·m + addend just below or at a multiple of 2^k: where an inexact product would round across.
              x = nearBoundary(m, shift, rounding, pick(r, [-1, 0, 1, -2, -256])) ?? int(r, -(2 ** 31), 2 ** 31 - 1);
            } else x = pick(r, [-1, 1, 3, -3]) * 2 ** int(r, 0, 20) + pick(r, [0, 1, -1]);
            acc[p * channels + c] = bias ? (x - bias[c]!) | 0 : x;
          }
        }
        const zp = int(r, -128, 127);
        const lo = int(r, -128, 0);
        const hi = int(r, Math.max(lo, 0), 127);
        const expected = new Int8Array(pixels * channels);
        const withBias = Int32Array.from(acc, (v, i) => (v + (bias ? bias[i % channels]! : 0)) | 0);
        for (let p = 0; p < pixels; p++) requantizeChannels(rq, withBias, p * channels, expected, p * channels, channels, 0, zp, lo, hi);
        // Half the trials say the sums cannot move from the bias (spread 0), which sends every
        // group with a bias beyond its bound through the exact vector route for all pixels.
        const spread = trial % 4 < 2 ? new Float64Array(channels) : undefined;
        const plan = planRequant(arena, rq, channels, bias, channels, spread)!;
        const accAt = arena.alloc(acc.byteLength);
        const outAt = arena.alloc(expected.length);
        // The kernels start their sums from the bias; requant takes them whole.
        arena.i32.set(withBias, accAt >> 2);
        arena.kernels.requant(accAt, channels * 4, pixels, channels, plan.prm, plan.cp, outAt, plan.mode, zp, lo, hi);
        const got = arena.i8.slice(outAt, outAt + expected.length);
        for (let i = 0; i < expected.length; i++) {
          if (got[i] !== expected[i])
            assert.fail(`${rounding} channel ${i % channels} real ${specs[i % channels]!.real} acc ${withBias[i]}: ${got[i]} vs ${expected[i]}`);
        }
      }
    }
  });

  test('add8 (int8 ADD / SUB, TFLM rounding) equals MultiplyByQuantizedMultiplier on crafted sums: ties, left shifts', () => {
    const arena = WasmArena.create()!;
    const r = prng(57);
    const n = 4099;
    for (let trial = 0; trial < 200; trial++) {
      // Output multipliers from 2^-24 to 2^6 (left shifts above 1), a third exact powers of two,
      // whose RoundingDivideByPOT meets exact halves often.
      const exponent = int(r, -24, 6);
      const real = r() < 0.35 ? 2 ** exponent : logUniform(r, 2 ** exponent, 2 ** (exponent + 1));
      const mo = quantizeMultiplier(real);
      // Scaled inputs by byte: small near zero (ties, unsaturated outputs) or anywhere in ±2^28.
      const spread = 2 ** int(r, 2, 28);
      const table = (): Int32Array => Int32Array.from({ length: 256 }, () => int(r, -spread, spread));
      const t1 = table();
      const t2 = table();
      const zp = int(r, -128, 127);
      const lo = int(r, -128, 0);
      const hi = int(r, Math.max(lo, 0), 127);
      const params = add8Params({ mode: 0, mo, t1, t2, lowZ: lo - zp, highZ: hi - zp, zp });
      const prm = arena.alloc(params.byteLength);
      const aAt = arena.alloc(n);
      const bAt = arena.alloc(n);
      const outAt = arena.alloc(n);
      const a = Int8Array.from({ length: n }, () => int(r, -128, 127));
      const b = Int8Array.from({ length: n }, () => int(r, -128, 127));
      arena.i32.set(params, prm >> 2);
      arena.i8.set(a, aAt);
      arena.i8.set(b, bAt);
      arena.kernels.add8(aAt, bAt, outAt, n, prm);
      const got = arena.i8.slice(outAt, outAt + n);
      for (let i = 0; i < n; i++) {
        const sum = (t1[a[i]! & 0xff]! + t2[b[i]! & 0xff]!) | 0;
        const expected = Math.max(lo, Math.min(hi, multiplyByQuantizedMultiplierTflm(sum, mo.multiplier, mo.shift) + zp));
        if (got[i] !== expected) assert.fail(`real ${real} (m ${mo.multiplier}, shift ${mo.shift}) sum ${sum}: ${got[i]} vs ${expected}`);
      }
    }
  });

  test('the benchmark models give identical bytes in every rounding mode', { skip: SKIP_SHARED }, () => {
    for (const name of ['vww_96_int8', 'kws_ref_model', 'pretrainedResnet_quant', 'person_detect']) {
      const graph = readModel(corpusModel(name));
      const probe = new Interpreter(graph, { simd: false });
      const r = prng(77);
      const inputs = probe.inputs.map((t) => Uint8Array.from({ length: t.data.byteLength }, () => int(r, 0, 255)));
      for (const rounding of ROUNDINGS)
        assert.deepStrictEqual(run(graph, inputs, rounding, true), run(graph, inputs, rounding, false), `${name} (${rounding})`);
    }
  });

  test('an interpreter per model shares nothing: two of them interleaved give their own results', () => {
    const r = prng(99);
    const a = convCase(r, 0, 'typical');
    const b = convCase(r, 1, 'typical');
    const ia = new Interpreter(a.graph, { rounding: 'tflm' });
    const ib = new Interpreter(b.graph, { rounding: 'tflm' });
    ia.setInputBytes(0, new Uint8Array(a.input.buffer));
    ib.setInputBytes(0, new Uint8Array(b.input.buffer));
    ia.invoke();
    ib.invoke();
    assert.deepStrictEqual(ia.outputs.map(tensorBytes), run(a.graph, [new Uint8Array(a.input.buffer)], 'tflm', false));
    assert.deepStrictEqual(ib.outputs.map(tensorBytes), run(b.graph, [new Uint8Array(b.input.buffer)], 'tflm', false));
  });
});
