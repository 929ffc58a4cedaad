/**
 * SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM against tfjs-tflite, over several invokes so that
 * the variable state carries from one to the next, plus hand-computed TFLM cases.
 *
 * What the oracle can and cannot check:
 * - float SVDF and float LSTM: TFLite computes the same thing; within 1e-5 of the output's
 *   largest magnitude, in every mode.
 * - int8 SVDF: TFLite only runs int16 state with RELU (svdf.cc Prepare) and its integer
 *   SVDF is TFLM's algorithm with double rounding: bit-exact in `tflm` and `xnnpack` modes.
 *   int8 state (TFLM only) is pinned down by a hand-computed case.
 * - int8 LSTM: TFLite's integer LSTM is a different algorithm (gemmlowp sigmoid/tanh instead
 *   of TFLM's LUTs, CwiseMul instead of MulElementwise, and it subtracts the hidden zero point
 *   where TFLM adds it). With a zero hidden zero point they agree exactly on ~97% of
 *   outputs and within ±1 per step otherwise, which is all that is asserted; TFLM's exact
 *   arithmetic is checked by the golden data (runtimeGolden) and the hand-computed case below.
 *
 * tfjs-tflite's WASM heap is corrupted once it has RUN an SVDF model (later loads crash):
 * every model is loaded first, the LSTM tests run, and the SVDF tests come last.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { DType } from '../../src/model/dtype';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { logisticInt16, tanhInt16, type Rounding } from '../../src/runtime/quant';
import { prng } from '../../src/util/prng';
import { oracleModel, type OracleModel } from '../oracles/tfjsTflite';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions, type ActivationFunction } from '../../src/model/ops';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const INVOKES = 3;

interface Case {
  readonly name: string;
  readonly graph: Graph;
  readonly dtype: DType;
  /** The input of each invoke. */
  readonly steps: readonly Uint8Array[];
  readonly modes: readonly Rounding[];
}

function randomBytes(r: Rand, dtype: DType, n: number): Uint8Array {
  const data = dtype === 'float32' ? Float32Array.from({ length: n }, () => r() * 2 - 1) : Int8Array.from({ length: n }, () => int(r, -128, 127));
  return new Uint8Array(data.buffer);
}

const randomFloats = (r: Rand, n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
const randomInt8s = (r: Rand, n: number): Int8Array => Int8Array.from({ length: n }, () => int(r, -127, 127));

function svdfCase(r: Rand, k: number, dtype: 'float32' | 'int8'): Case {
  const batch = int(r, 1, 3);
  const inputSize = int(r, 1, 10);
  const rank = int(r, 1, 3);
  const units = int(r, 1, 6);
  const memory = int(r, 1, 8);
  const filters = units * rank;
  const g = new GraphBuilder();
  const sg = g.subgraph();
  let act: ActivationFunction;
  if (dtype === 'float32') {
    act = pick(r, ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'TANH']);
    const x = sg.tensor({ name: 'x', shape: [batch, inputSize], dtype });
    const wf = sg.tensor({ name: 'wf', shape: [filters, inputSize], dtype, data: randomFloats(r, filters * inputSize, 1) });
    const wt = sg.tensor({ name: 'wt', shape: [filters, memory], dtype, data: randomFloats(r, filters * memory, 1) });
    const withBias = r() < 0.8;
    const b = withBias ? sg.tensor({ name: 'b', shape: [units], dtype, data: randomFloats(r, units, 1) }) : -1;
    const st = sg.tensor({ name: 'state', shape: [batch, memory * filters], dtype, isVariable: true });
    const y = sg.tensor({ name: 'y', shape: [batch, units], dtype });
    sg.op({ op: 'SVDF', inputs: [x, wf, wt, b, st], outputs: [y], options: makeOptions('SVDFOptions', { rank, fusedActivationFunction: act }), version: 1 }).io(
      [x],
      [y],
    );
  } else {
    // What TFLite runs: int16 weights_time and state (zero point 0) and RELU.
    act = 'RELU';
    const sx = 0.01 + r() * 0.05;
    const swf = 0.004 + r() * 0.02;
    const sst = 0.0003 + r() * 0.003;
    const swt = 0.00005 + r() * 0.0005;
    const x = sg.tensor({ name: 'x', shape: [batch, inputSize], dtype, quantization: quant(sx, int(r, -20, 20)) });
    const wf = sg.tensor({ name: 'wf', shape: [filters, inputSize], dtype, data: randomInt8s(r, filters * inputSize), quantization: quant(swf) });
    const wt = sg.tensor({
      name: 'wt',
      shape: [filters, memory],
      dtype: 'int16',
      data: Int16Array.from({ length: filters * memory }, () => int(r, -32767, 32767)),
      quantization: quant(swt),
    });
    const b = sg.tensor({
      name: 'b',
      shape: [units],
      dtype: 'int32',
      data: Int32Array.from({ length: units }, () => int(r, -5000, 5000)),
      quantization: quant(Math.fround(sst) * Math.fround(swt)),
    });
    const st = sg.tensor({ name: 'state', shape: [batch, memory * filters], dtype: 'int16', quantization: quant(sst, 0), isVariable: true });
    const y = sg.tensor({ name: 'y', shape: [batch, units], dtype, quantization: quant(0.01 + r() * 0.1, int(r, -30, 30)) });
    sg.op({ op: 'SVDF', inputs: [x, wf, wt, b, st], outputs: [y], options: makeOptions('SVDFOptions', { rank, fusedActivationFunction: act }), version: 3 }).io(
      [x],
      [y],
    );
  }
  return {
    name: `svdf#${k} ${dtype} batch ${batch} input ${inputSize} rank ${rank} units ${units} memory ${memory} ${act}`,
    graph: g.build(),
    dtype,
    steps: Array.from({ length: INVOKES }, () => randomBytes(r, dtype, batch * inputSize)),
    modes: dtype === 'float32' ? ['tflm', 'tflite', 'xnnpack'] : ['tflm', 'xnnpack'],
  };
}

function lstmCase(r: Rand, k: number, dtype: 'float32' | 'int8'): Case {
  const B = int(r, 1, 3);
  const T = int(r, 1, 6);
  const I = int(r, 1, 6);
  const S = int(r, 1, 6);
  const timeMajor = r() < 0.5;
  const clip = r() < 0.5 ? 0 : 0.5 + r() * 4;
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const inShape = timeMajor ? [T, B, I] : [B, T, I];
  const outShape = timeMajor ? [T, B, S] : [B, T, S];
  let inputs: number[];
  let intermediates: number[] = [];
  let x: number;
  let y: number;
  if (dtype === 'float32') {
    x = sg.tensor({ name: 'x', shape: inShape, dtype });
    const w = [0, 1, 2, 3].map((i) => sg.tensor({ name: `w${i}`, shape: [S, I], dtype, data: randomFloats(r, S * I, 1) }));
    const rw = [0, 1, 2, 3].map((i) => sg.tensor({ name: `r${i}`, shape: [S, S], dtype, data: randomFloats(r, S * S, 1) }));
    const b = [0, 1, 2, 3].map((i) => sg.tensor({ name: `b${i}`, shape: [S], dtype, data: randomFloats(r, S, 1) }));
    const h = sg.tensor({ name: 'h', shape: [B, S], dtype, isVariable: true });
    const c = sg.tensor({ name: 'c', shape: [B, S], dtype, isVariable: true });
    y = sg.tensor({ name: 'y', shape: outShape, dtype });
    inputs = [x, ...w, ...rw, -1, -1, -1, ...b, -1, -1, h, c, -1, -1, -1, -1];
  } else {
    const sx = 0.004 + r() * 0.02;
    const sh = 0.004 + r() * 0.01;
    const scale = (): number => 0.004 + r() * 0.02;
    x = sg.tensor({ name: 'x', shape: inShape, dtype, quantization: quant(sx, int(r, -20, 20)) });
    const w = [0, 1, 2, 3].map((i) => sg.tensor({ name: `w${i}`, shape: [S, I], dtype, data: randomInt8s(r, S * I), quantization: quant(scale()) }));
    const rw = [0, 1, 2, 3].map((i) => sg.tensor({ name: `r${i}`, shape: [S, S], dtype, data: randomInt8s(r, S * S), quantization: quant(scale()) }));
    const b = [0, 1, 2, 3].map((i) =>
      sg.tensor({ name: `b${i}`, shape: [S], dtype: 'int32', data: Int32Array.from({ length: S }, () => int(r, -3000, 3000)), quantization: quant(sx * 0.01) }),
    );
    // A zero hidden zero point: there TFLite's int8 LSTM and TFLM's agree (see above).
    const h = sg.tensor({ name: 'h', shape: [B, S], dtype, quantization: quant(sh, 0), isVariable: true });
    const c = sg.tensor({ name: 'c', shape: [B, S], dtype: 'int16', quantization: quant(2 ** int(r, -15, -11)), isVariable: true });
    intermediates = [0, 1, 2, 3].map((i) => sg.tensor({ name: `intermediate${i}`, shape: [0], dtype: 'float32' }));
    intermediates.push(sg.tensor({ name: 'effective_hidden_scale', shape: [0], dtype, quantization: quant(sh, 0) }));
    y = sg.tensor({ name: 'y', shape: outShape, dtype, quantization: quant(sh, 0) });
    inputs = [x, ...w, ...rw, -1, -1, -1, ...b, -1, -1, h, c, -1, -1, -1, -1];
  }
  const options = makeOptions('UnidirectionalSequenceLSTMOptions', {
    fusedActivationFunction: 'TANH',
    cellClip: clip,
    projClip: 0,
    timeMajor,
    asymmetricQuantizeInputs: false,
    diagonalRecurrentTensors: false,
  });
  sg.op({ op: 'UNIDIRECTIONAL_SEQUENCE_LSTM', inputs, outputs: [y], intermediates, options, version: 1 }).io([x], [y]);
  return {
    name: `lstm#${k} ${dtype} ${timeMajor ? 'time-major ' : ''}[${inShape}] state ${S} clip ${clip.toFixed(2)}`,
    graph: g.build(),
    dtype,
    steps: Array.from({ length: INVOKES }, () => randomBytes(r, dtype, B * T * I)),
    modes: dtype === 'float32' ? ['tflm', 'tflite', 'xnnpack'] : ['tflm'],
  };
}

function floatClose(ours: Uint8Array, want: Uint8Array): string | undefined {
  if (ours.length !== want.length) return `${ours.length} bytes vs ${want.length}`;
  const a = new Float32Array(ours.slice().buffer);
  const e = new Float32Array(want.slice().buffer);
  let scale = 1e-30;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < e.length; i++) if (!(Math.abs(a[i]! - e[i]!) <= 1e-5 * scale)) return `[${i}]: ${a[i]} vs ${e[i]}`;
  return undefined;
}

/** Runs every invoke of a case in the oracle and in one interpreter per mode. */
function compare(c: Case, oracle: OracleModel, onStep: (mode: Rounding, step: number, ours: Uint8Array, want: Uint8Array) => void): void {
  const ours = c.modes.map((rounding) => ({ rounding, it: new Interpreter(readModel(writeModel(c.graph)), { rounding }) }));
  c.steps.forEach((input, step) => {
    const want = oracle.run([input])[0]!;
    for (const { rounding, it } of ours) {
      it.setInputBytes(0, input);
      it.invoke();
      onStep(rounding, step, tensorBytes(it.outputs[0]!), want);
    }
  });
}

const N_SVDF = 60;
const N_LSTM = 60;

describe('recurrent kernels against tfjs-tflite (SVDF last)', () => {
  const r = prng(2024);
  const lstmFloat = Array.from({ length: N_LSTM }, (_, k) => lstmCase(r, k, 'float32'));
  const lstmInt8 = Array.from({ length: N_LSTM }, (_, k) => lstmCase(r, k, 'int8'));
  const svdfFloat = Array.from({ length: N_SVDF }, (_, k) => svdfCase(r, k, 'float32'));
  const svdfInt8 = Array.from({ length: N_SVDF }, (_, k) => svdfCase(r, k, 'int8'));
  const oracles = new Map<Case, OracleModel>();

  before(async () => {
    for (const c of [...lstmFloat, ...lstmInt8, ...svdfFloat, ...svdfInt8]) oracles.set(c, await oracleModel(writeModel(c.graph)));
  });

  function expectFloat(cases: readonly Case[]): void {
    const failures: string[] = [];
    for (const c of cases) {
      compare(c, oracles.get(c)!, (mode, step, ours, want) => {
        const problem = floatClose(ours, want);
        if (problem) failures.push(`${c.name} [${mode}] invoke ${step}: ${problem}`);
      });
    }
    assert.deepEqual(failures.slice(0, 6), [], `${failures.length} float mismatches`);
  }

  test('float UNIDIRECTIONAL_SEQUENCE_LSTM (batch- and time-major, cell clip)', () => expectFloat(lstmFloat));

  test('int8 UNIDIRECTIONAL_SEQUENCE_LSTM (tflm) close to TFLite’s different integer LSTM', () => {
    let exact = 0;
    let total = 0;
    let worst = 0;
    for (const c of lstmInt8) {
      compare(c, oracles.get(c)!, (_, _step, ours, want) => {
        const a = new Int8Array(ours.buffer);
        const b = new Int8Array(want.buffer);
        assert.equal(a.length, b.length, c.name);
        for (let i = 0; i < a.length; i++) {
          const d = Math.abs(a[i]! - b[i]!);
          worst = Math.max(worst, d);
          if (d === 0) exact++;
          total++;
        }
      });
    }
    // ±1 per step; over up to 18 recurrent steps (6 per invoke, 3 invokes) a few reach 3.
    assert.ok(worst <= 3, `largest difference ${worst}`);
    assert.ok(exact / total > 0.9, `only ${exact} of ${total} outputs agree exactly`);
  });

  test('float SVDF (ranks, activations, optional bias)', () => expectFloat(svdfFloat));

  test('int8 SVDF with int16 state: bit-exact in tflm and xnnpack modes', () => {
    const failures: string[] = [];
    for (const c of svdfInt8) {
      compare(c, oracles.get(c)!, (mode, step, ours, want) => {
        if (ours.length !== want.length || ours.some((v, i) => v !== want[i]))
          failures.push(`${c.name} [${mode}] invoke ${step}: ${Array.from(new Int8Array(ours.buffer))} vs ${Array.from(new Int8Array(want.buffer))}`);
      });
    }
    assert.deepEqual(failures.slice(0, 6), [], `${failures.length} int8 mismatches`);
  });
});

describe('TFLM integer arithmetic, computed by hand from the TFLM sources', () => {
  test('int16 LUT sigmoid and tanh (Q3.12 in, Q0.15 out): within 1.5 LSB of the real functions, monotone', () => {
    let previous = [-Infinity, -Infinity];
    for (let x = -32768; x <= 32767; x++) {
      const s = logisticInt16(x, 0, 0);
      const t = tanhInt16(x, 0, 0);
      assert.ok(Math.abs(s - Math.min(32767, 32768 / (1 + Math.exp(-x / 4096)))) <= 1.5, `sigmoid(${x}) = ${s}`);
      assert.ok(Math.abs(t - Math.max(-32767, Math.min(32767, 32768 * Math.tanh(x / 4096)))) <= 1.5, `tanh(${x}) = ${t}`);
      assert.ok(s >= previous[0]! && t >= previous[1]!, `not monotone at ${x}`);
      previous = [s, t];
    }
    assert.deepEqual(
      [logisticInt16(0, 0, 0), logisticInt16(-32768, 0, 0), tanhInt16(0, 0, 0), tanhInt16(4096, 0, 0), tanhInt16(-32768, 0, 0)],
      [16384, 11, 0, 24956, -32767],
    );
    // A cell state in Q2.13 (scale 2^-13) enters tanh with left shift 15 − 13 − 3 < 0, i.e.
    // multiplier 3 and a rounding right shift of 1: tanh(1.0) again.
    assert.equal(tanhInt16(8192, 3, 1), 24956);
  });

  test('int8 SVDF with int8 state: zero point added before the clamp; state reset to the zero point', () => {
    // One input, one filter, memory 2, rank 1. s1 = 1·0.5/1 = 0.5, s2 = 1·1/1 = 1.
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const x = sg.tensor({ name: 'x', shape: [1, 1], dtype: 'int8', quantization: quant(1, 0) });
    const wf = sg.tensor({ name: 'wf', shape: [1, 1], dtype: 'int8', data: Int8Array.from([1]), quantization: quant(0.5) });
    const wt = sg.tensor({ name: 'wt', shape: [1, 2], dtype: 'int8', data: Int8Array.from([1, 2]), quantization: quant(1) });
    const st = sg.tensor({ name: 'state', shape: [1, 2], dtype: 'int8', quantization: quant(1, 100), isVariable: true });
    const y = sg.tensor({ name: 'y', shape: [1, 1], dtype: 'int8', quantization: quant(1, 0) });
    sg.op({
      op: 'SVDF',
      inputs: [x, wf, wt, -1, st],
      outputs: [y],
      options: makeOptions('SVDFOptions', { rank: 1, fusedActivationFunction: 'RELU' }),
      version: 3,
    }).io([x], [y]);
    const it = new Interpreter(g.build(), { rounding: 'tflm' });
    assert.deepEqual(Array.from(it.tensors[st]!.data as Int8Array), [100, 100]);
    const invoke = (v: number): number => {
      it.setInputBytes(0, new Uint8Array(Int8Array.from([v]).buffer));
      it.invoke();
      return (it.outputs[0]!.data as Int8Array)[0]!;
    };
    // x = 60: feature = round(60·0.5) = 30, + 100 = 130 → clamped to 127 (not wrapped to -126).
    // time: 1·(100−100) + 2·(127−100) = 54 → output 54 (no RELU in the integer path either).
    assert.equal(invoke(60), 54);
    assert.deepEqual(Array.from(it.tensors[st]!.data as Int8Array), [100, 127]);
    // x = -120: feature = -60 + 100 = 40; state [127, 40]; time: 1·27 + 2·(−60) = −93.
    assert.equal(invoke(-120), -93);
    it.resetState();
    assert.deepEqual(Array.from(it.tensors[st]!.data as Int8Array), [100, 100]);
  });

  test('int8 LSTM step: Q3.12 gates, LUT sigmoid/tanh, MulElementwise, hidden zero point added', () => {
    // All weights 0: f = i = o = sigmoid(0) = 16384 (Q0.15). Cell gate: bias 4096 with
    // s_x·s_W / 2^-12 = 1 gives 4096 (1.0 in Q3.12), tanh LUT → 24956.
    // c = MulElementwise(16384, 24956; 2^-30 / 2^-12) = 1560; tanh(c) (power −12, shift 0) = 11909;
    // h = MulElementwise(11909, 16384; 2^-30 / 2^-7) + zp 5 = 23 + 5 = 28.
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const x = sg.tensor({ name: 'x', shape: [1, 1, 1], dtype: 'int8', quantization: quant(2 ** -4, 0) });
    const zeros = (shape: number[]): number =>
      sg.tensor({ name: `w${shape}`, shape, dtype: 'int8', data: new Int8Array(shape[0]! * shape[1]!), quantization: quant(2 ** -8) });
    const w = [0, 1, 2, 3].map(() => zeros([1, 1]));
    const rw = [0, 1, 2, 3].map(() => zeros([1, 1]));
    const bias = (v: number): number => sg.tensor({ name: `b${v}`, shape: [1], dtype: 'int32', data: Int32Array.from([v]), quantization: quant(2 ** -12) });
    const b = [bias(0), bias(0), bias(4096), bias(0)]; // input, forget, cell, output gate biases
    const h = sg.tensor({ name: 'h', shape: [1, 1], dtype: 'int8', quantization: quant(2 ** -7, 5), isVariable: true });
    const c = sg.tensor({ name: 'c', shape: [1, 1], dtype: 'int16', quantization: quant(2 ** -12), isVariable: true });
    const y = sg.tensor({ name: 'y', shape: [1, 1, 1], dtype: 'int8', quantization: quant(2 ** -7, 5) });
    const inputs = [x, ...w, ...rw, -1, -1, -1, ...b, -1, -1, h, c, -1, -1, -1, -1];
    sg.op({
      op: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
      inputs,
      outputs: [y],
      options: makeOptions('UnidirectionalSequenceLSTMOptions', {
        fusedActivationFunction: 'TANH',
        cellClip: 0,
        projClip: 0,
        timeMajor: false,
        asymmetricQuantizeInputs: false,
        diagonalRecurrentTensors: false,
      }),
    }).io([x], [y]);
    const it = new Interpreter(g.build(), { rounding: 'tflm' });
    it.setInputBytes(0, Uint8Array.from([7]));
    it.invoke();
    assert.equal((it.tensors[c]!.data as Int16Array)[0], 1560);
    assert.equal((it.outputs[0]!.data as Int8Array)[0], 28);
    assert.equal((it.tensors[h]!.data as Int8Array)[0], 28);
  });
});
