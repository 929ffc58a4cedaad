/**
 * The convolution family (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV,
 * AVERAGE_POOL_2D, MAX_POOL_2D), float32 and int8:
 * - on the golden models made only of these ops, bit-exact with a real TFLite Micro build;
 * - on hundreds of random single-op models, against tfjs-tflite (TFLite in WASM, one thread).
 *   The oracle runs most configurations through XNNPACK, which requantizes in float (our
 *   'xnnpack' rounding); a few it does not delegate (per-channel int8 depthwise, fully
 *   connected and transpose conv, int8 average pooling in this build, and any op whose
 *   weights are not constant) and then runs TFLite's builtin kernel, which rounds once in
 *   CONV_2D and FULLY_CONNECTED (our 'tflite' rounding) and twice in DEPTHWISE_CONV_2D and
 *   TRANSPOSE_CONV (our 'tflm' rounding). Each model's profile says which one ran, and the
 *   comparison uses that mode: int8 must be identical, float32 within 1e-5 of the output's
 *   largest magnitude.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DType } from '../../src/model/dtype';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { KERNELS as CONV_KERNELS } from '../../src/runtime/kernels/conv';
import { computeOutSize, computePaddingHeightWidth } from '../../src/model/geometry';
import { makeChannelRequantizer, makeRequantize, requantizeChannels, type Rounding } from '../../src/runtime/quant';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { goldenRuns } from '../helpers/golden';
import { loadOracle } from '../oracles/tfjsTflite';
import { prng } from '../../src/util/prng';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions, type Padding } from '../../src/model/ops';
import { relativeErrorOfBytes } from '../helpers/floatError';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Log-uniform in [lo, hi], rounded to float32 as a .tflite file stores it. */
const logUniform = (r: Rand, lo: number, hi: number): number => Math.fround(lo * (hi / lo) ** r());
const ACTS = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'] as const;

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly inputs: readonly Uint8Array[];
  readonly dtype: 'int8' | 'int16' | 'float32';
}

function bytesOf(a: Int8Array | Int16Array | Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function randomData(r: Rand, dtype: 'int8' | 'int16' | 'float32', n: number): Int8Array | Int16Array | Float32Array {
  if (dtype === 'int16') return Int16Array.from({ length: n }, () => int(r, -32768, 32767));
  return dtype === 'int8' ? Int8Array.from({ length: n }, () => int(r, -128, 127)) : Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** Activation, weights and bias tensors of a random conv-like op, quantized as TFLite's converter would. */
interface ConvTensors {
  readonly x: number;
  readonly w: number;
  readonly b: number;
  readonly y: number;
  /** The model's inputs: x, and w when the weights are not constant. */
  readonly io: readonly number[];
  readonly weightBytes?: Uint8Array;
}

function convTensors(
  r: Rand,
  sg: ReturnType<GraphBuilder['subgraph']>,
  dtype: 'int8' | 'float32',
  xShape: readonly number[],
  wShape: readonly number[],
  yShape: readonly number[],
  channels: number,
  axis: number,
  macs: number,
  opts: { perChannel: boolean; bias: boolean; dynamic?: boolean },
): ConvTensors {
  const wCount = wShape.reduce((a, b) => a * b, 1);
  const wData = randomData(r, dtype, wCount);
  const weightData = opts.dynamic ? { weightBytes: bytesOf(wData) } : {};
  const withData = opts.dynamic ? {} : { data: wData };
  if (dtype === 'float32') {
    const x = sg.tensor({ name: 'x', shape: xShape, dtype });
    const w = sg.tensor({ name: 'w', shape: wShape, dtype, ...withData });
    const b = opts.bias ? sg.tensor({ name: 'b', shape: [channels], dtype, data: randomData(r, dtype, channels) }) : -1;
    const y = sg.tensor({ name: 'y', shape: yShape, dtype });
    return { x, w, b, y, io: opts.dynamic ? [x, w] : [x], ...weightData };
  }
  const sIn = logUniform(r, 0.005, 0.1);
  const sW = Array.from({ length: opts.perChannel ? channels : 1 }, () => logUniform(r, 0.002, 0.05));
  const meanW = sW.reduce((a, b) => a + b, 0) / sW.length;
  // An output scale that keeps most sums inside int8: |acc| grows like sqrt(macs) · 70².
  const sOut = Math.fround(sIn * meanW * Math.sqrt(Math.max(1, macs)) * 75 * logUniform(r, 0.3, 3));
  const x = sg.tensor({ name: 'x', shape: xShape, dtype, quantization: quant(sIn, int(r, -128, 127)) });
  const w = sg.tensor({ name: 'w', shape: wShape, dtype, ...withData, quantization: quant(sW, 0, axis) });
  const biasRange = (sOut / (sIn * meanW)) * 40;
  const b = opts.bias
    ? sg.tensor({
        name: 'b',
        shape: [channels],
        dtype: 'int32',
        data: Int32Array.from({ length: channels }, () => Math.round((r() * 2 - 1) * biasRange)),
        quantization: quant(
          sW.map((s) => sIn * s),
          0,
          0,
        ),
      })
    : -1;
  const y = sg.tensor({ name: 'y', shape: yShape, dtype, quantization: quant(sOut, int(r, -128, 127)) });
  return { x, w, b, y, io: opts.dynamic ? [x, w] : [x], ...weightData };
}

function finish(g: GraphBuilder, name: string, r: Rand, dtype: 'int8' | 'int16' | 'float32', inputShape: readonly number[], weightBytes?: Uint8Array): Case {
  const n = inputShape.reduce((a, b) => a * b, 1);
  const x = bytesOf(randomData(r, dtype, n));
  return { name: weightBytes ? `${name} dynamic-weights` : name, bytes: writeModel(g.build()), inputs: weightBytes ? [x, weightBytes] : [x], dtype };
}

/**
 * This XNNPACK mishandles SAME padding whose total would be negative (a stride larger than
 * the window leaves input rows unread: (out − 1)·stride + window < in); TFLite's builtin
 * kernels and TFLM clamp it to 0. Such models get non-constant weights, which XNNPACK does
 * not take, so that the builtin kernel answers; so do a quarter of the others, to check the
 * 'tflite' rounding on every op.
 */
function negativeSamePadding(padding: Padding, inSize: number, filter: number, stride: number, dilation: number, outSize: number): boolean {
  return padding === 'SAME' && (outSize - 1) * stride + (filter - 1) * dilation + 1 - inSize < 0;
}

function convCase(r: Rand, i: number, dtype: 'int8' | 'float32'): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const batch = int(r, 1, 2);
  const inC = int(r, 1, 12);
  const outC = int(r, 1, 12);
  const kH = int(r, 1, 4);
  const kW = r() < 0.3 ? kH : int(r, 1, 4);
  const strideH = int(r, 1, 3);
  const strideW = r() < 0.5 ? strideH : int(r, 1, 3);
  const dil = r() < 0.7 ? 1 : int(r, 2, 3);
  const padding = r() < 0.5 ? 'SAME' : 'VALID';
  const inH = int(r, (kH - 1) * dil + 1, 12);
  const inW = int(r, (kW - 1) * dil + 1, 12);
  const outH = computeOutSize(padding, inH, kH, strideH, dil);
  const outW = computeOutSize(padding, inW, kW, strideW, dil);
  const act = pick(r, ACTS);
  const perChannel = r() < 0.7;
  const dynamic = r() < 0.25 || negativeSamePadding(padding, inH, kH, strideH, dil, outH) || negativeSamePadding(padding, inW, kW, strideW, dil, outW);
  // The oracle's TFLite requires the bias of CONV_2D and DEPTHWISE_CONV_2D (TFLM does not: see 'kernel details').
  const t = convTensors(r, sg, dtype, [batch, inH, inW, inC], [outC, kH, kW, inC], [batch, outH, outW, outC], outC, 0, kH * kW * inC, {
    perChannel,
    bias: true,
    dynamic,
  });
  sg.op({
    op: 'CONV_2D',
    inputs: [t.x, t.w, t.b],
    outputs: [t.y],
    options: makeOptions('Conv2DOptions', { padding, strideW, strideH, fusedActivationFunction: act, dilationWFactor: dil, dilationHFactor: dil }),
    version: 3,
  }).io(t.io, [t.y]);
  return finish(
    g,
    `conv#${i} ${dtype} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} s${strideH},${strideW} d${dil} ${padding} ${act} oc${outC}${perChannel ? ' pc' : ''}`,
    r,
    dtype,
    [batch, inH, inW, inC],
    t.weightBytes,
  );
}

function depthwiseCase(r: Rand, i: number, dtype: 'int8' | 'float32'): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const batch = int(r, 1, 2);
  const inC = int(r, 1, 12);
  const mult = r() < 0.6 ? 1 : int(r, 2, 3);
  const outC = inC * mult;
  const square = r() < 0.5;
  const kH = square ? 3 : int(r, 1, 4);
  const kW = square ? 3 : int(r, 1, 4);
  const strideH = int(r, 1, 2);
  const strideW = r() < 0.7 ? strideH : int(r, 1, 3);
  const dil = r() < 0.75 ? 1 : int(r, 2, 3);
  const padding = r() < 0.6 ? 'SAME' : 'VALID';
  const inH = int(r, (kH - 1) * dil + 1, 12);
  const inW = int(r, (kW - 1) * dil + 1, 12);
  const outH = computeOutSize(padding, inH, kH, strideH, dil);
  const outW = computeOutSize(padding, inW, kW, strideW, dil);
  const act = pick(r, ACTS);
  const perChannel = r() < 0.6;
  const dynamic = r() < 0.25 || negativeSamePadding(padding, inH, kH, strideH, dil, outH) || negativeSamePadding(padding, inW, kW, strideW, dil, outW);
  const t = convTensors(r, sg, dtype, [batch, inH, inW, inC], [1, kH, kW, outC], [batch, outH, outW, outC], outC, 3, kH * kW, {
    perChannel,
    bias: true,
    dynamic,
  });
  sg.op({
    op: 'DEPTHWISE_CONV_2D',
    inputs: [t.x, t.w, t.b],
    outputs: [t.y],
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
  }).io(t.io, [t.y]);
  return finish(
    g,
    `dw#${i} ${dtype} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} m${mult} s${strideH},${strideW} d${dil} ${padding} ${act}${perChannel ? ' pc' : ''}`,
    r,
    dtype,
    [batch, inH, inW, inC],
    t.weightBytes,
  );
}

function fullyConnectedCase(r: Rand, i: number, dtype: 'int8' | 'float32'): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const accum = int(r, 1, 64);
  const outD = int(r, 1, 16);
  const keep = r() < 0.3;
  const lead = r() < 0.5 ? [int(r, 1, 4)] : [int(r, 1, 3), int(r, 1, 3)];
  const batches = lead.reduce((a, b) => a * b, 1);
  const xShape = [...lead, accum];
  const yShape = keep ? [...lead, outD] : [batches, outD];
  const act = pick(r, ACTS);
  const perChannel = r() < 0.4;
  const t = convTensors(r, sg, dtype, xShape, [outD, accum], yShape, outD, 0, accum, { perChannel, bias: r() < 0.8, dynamic: r() < 0.25 });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [t.x, t.w, t.b],
    outputs: [t.y],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: act, weightsFormat: 'DEFAULT', keepNumDims: keep }),
    version: dtype === 'int8' ? 4 : 1,
  }).io(t.io, [t.y]);
  return finish(g, `fc#${i} ${dtype} [${xShape.join('x')}]→${outD}${keep ? ' keep' : ''} ${act}${perChannel ? ' pc' : ''}`, r, dtype, xShape, t.weightBytes);
}

function transposeConvCase(r: Rand, i: number, dtype: 'int8' | 'float32'): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const batch = int(r, 1, 2);
  const inC = int(r, 1, 8);
  const outC = int(r, 1, 8);
  const kH = int(r, 1, 4);
  const kW = int(r, 1, 4);
  const strideH = int(r, 1, 3);
  const strideW = int(r, 1, 3);
  const padding = r() < 0.5 ? 'SAME' : 'VALID';
  const inH = int(r, 1, 7);
  const inW = int(r, 1, 7);
  const outH = padding === 'SAME' ? inH * strideH : (inH - 1) * strideH + kH;
  const outW = padding === 'SAME' ? inW * strideW : (inW - 1) * strideW + kW;
  // The oracle's TFLite predates TRANSPOSE_CONV's fused activation (op version 4): test NONE against it.
  const act = 'NONE';
  const perChannel = r() < 0.4;
  const shape = sg.tensor({ name: 'output_shape', shape: [4], dtype: 'int32', data: Int32Array.from([batch, outH, outW, outC]) });
  // The padding is that of a forward convolution from the output back to the input.
  const dynamic = r() < 0.25 || negativeSamePadding(padding, outH, kH, strideH, 1, inH) || negativeSamePadding(padding, outW, kW, strideW, 1, inW);
  const t = convTensors(
    r,
    sg,
    dtype,
    [batch, inH, inW, inC],
    [outC, kH, kW, inC],
    [batch, outH, outW, outC],
    outC,
    0,
    Math.ceil((kH * kW) / (strideH * strideW)) * inC,
    { perChannel, bias: r() < 0.8, dynamic },
  );
  sg.op({
    op: 'TRANSPOSE_CONV',
    inputs: [shape, t.w, t.x, ...(t.b >= 0 ? [t.b] : [])],
    outputs: [t.y],
    options: makeOptions('TransposeConvOptions', { padding, strideW, strideH, fusedActivationFunction: act }),
    version: 3,
  }).io(t.io, [t.y]);
  return finish(
    g,
    `tconv#${i} ${dtype} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} s${strideH},${strideW} ${padding} ${act} oc${outC}${perChannel ? ' pc' : ''}`,
    r,
    dtype,
    [batch, inH, inW, inC],
    t.weightBytes,
  );
}

function poolCase(r: Rand, i: number, dtype: 'int8' | 'int16' | 'float32', op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D'): Case {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const batch = int(r, 1, 2);
  const c = int(r, 1, 10);
  const kH = int(r, 1, 5);
  const kW = r() < 0.5 ? kH : int(r, 1, 5);
  const strideH = int(r, 1, 3);
  const strideW = r() < 0.5 ? strideH : int(r, 1, 3);
  const padding = r() < 0.5 ? 'SAME' : 'VALID';
  const inH = int(r, kH, 12);
  const inW = int(r, kW, 12);
  const outH = computeOutSize(padding, inH, kH, strideH);
  const outW = computeOutSize(padding, inW, kW, strideW);
  const act = pick(r, ACTS);
  // int16 is symmetric (zero point 0), as TFLite's 16x8 quantization.
  const q = dtype === 'float32' ? undefined : quant(logUniform(r, 0.005, 0.2), dtype === 'int8' ? int(r, -128, 127) : 0);
  const x = sg.tensor({ name: 'x', shape: [batch, inH, inW, c], dtype, ...(q ? { quantization: q } : {}) });
  const y = sg.tensor({ name: 'y', shape: [batch, outH, outW, c], dtype, ...(q ? { quantization: q } : {}) });
  sg.op({
    op,
    inputs: [x],
    outputs: [y],
    options: makeOptions('Pool2DOptions', { padding, strideW, strideH, filterWidth: kW, filterHeight: kH, fusedActivationFunction: act }),
    version: 2,
  }).io([x], [y]);
  const name = op === 'AVERAGE_POOL_2D' ? 'avgpool' : 'maxpool';
  return finish(g, `${name}#${i} ${dtype} ${batch}x${inH}x${inW}x${c} k${kH}x${kW} s${strideH},${strideW} ${padding} ${act}`, r, dtype, [batch, inH, inW, c]);
}

function runOurs(bytes: Uint8Array, inputs: readonly Uint8Array[], rounding: Rounding): Uint8Array[] {
  const interpreter = new Interpreter(readModel(bytes), { rounding, kernels: CONV_KERNELS });
  inputs.forEach((b, i) => interpreter.setInputBytes(i, b));
  interpreter.invoke();
  return interpreter.outputs.map(tensorBytes);
}

function assertFloatClose(ours: Uint8Array, expected: Uint8Array, what: string): void {
  const err = relativeErrorOfBytes(ours, expected);
  assert.ok(err <= 1e-5, `${what}: relative error ${err}`);
}

describe('conv kernels reproduce TFLite Micro on the golden models made only of their ops', { skip: SKIP_SHARED }, () => {
  for (const name of ['ad01_int8', 'ad01_fp32', 'hello_world_int8', 'hello_world_float']) {
    test(name, () => {
      const run = goldenRuns().find((g) => g.name === name);
      assert.ok(run, `no golden data for ${name}`);
      const outputs = runOurs(corpusModel(name), run.inputs, 'tflm');
      assert.equal(outputs.length, run.outputs.length);
      outputs.forEach((ours, i) => {
        if (name.includes('int8')) assert.deepStrictEqual(ours, run.outputs[i], `output ${i}`);
        else assertFloatClose(ours, run.outputs[i]!, `output ${i}`);
      });
    });
  }
});

/**
 * The rounding of the oracle's builtin int8 kernels, measured: CONV_2D and FULLY_CONNECTED
 * round once (TFLITE_SINGLE_ROUNDING, our 'tflite'), while its optimized DEPTHWISE_CONV_2D
 * and TRANSPOSE_CONV paths keep the classic double rounding (our 'tflm'); each differs from
 * the other mode on about 0.1% of outputs.
 */
const BUILTIN_ROUNDING: Readonly<Record<string, Rounding>> = { DEPTHWISE_CONV_2D: 'tflm', TRANSPOSE_CONV: 'tflm' };

interface OracleRunner {
  getInputs(): { data(): ArrayBufferView }[];
  getOutputs(): { data(): ArrayBufferView }[];
  infer(): boolean;
  getProfilingResults(): { nodeType: string }[];
  cleanUp(): void;
}

describe('random single-op models against tfjs-tflite (TFLite WASM, one thread)', () => {
  let tflite: { loadTFLiteModel(model: ArrayBuffer, options: object): Promise<{ modelRunner: OracleRunner }> };
  const tally = new Map<string, { cases: number; xnnpack: number; builtin: number }>();
  before(async () => {
    tflite = (await loadOracle()) as unknown as typeof tflite;
  });
  after(() => {
    for (const [k, v] of tally)
      console.log(
        `  ${k}: ${v.cases} models, ${v.xnnpack} through XNNPACK ('xnnpack' rounding), ${v.builtin} through the builtin kernel ('${BUILTIN_ROUNDING[k.split(' ')[0]!] ?? 'tflite'}' rounding)`,
      );
  });

  /** Runs a case in the oracle and in our runtime in the oracle's rounding mode; returns a failure message or undefined. */
  async function check(kind: string, c: Case): Promise<string | undefined> {
    const copy = new Uint8Array(c.bytes.byteLength);
    copy.set(c.bytes);
    const model = await tflite.loadTFLiteModel(copy.buffer, { numThreads: 1, enableProfiling: true });
    const runner = model.modelRunner;
    try {
      runner.getInputs().forEach((t, i) => {
        const view = t.data();
        new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(c.inputs[i]!);
      });
      if (!runner.infer()) return `${c.name}: the oracle failed`;
      const theirs = runner.getOutputs().map((t) => {
        const v = t.data();
        return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
      });
      const delegated = runner.getProfilingResults().every((p) => p.nodeType === 'TfLiteXNNPackDelegate');
      const entry = tally.get(kind) ?? { cases: 0, xnnpack: 0, builtin: 0 };
      entry.cases++;
      if (delegated) entry.xnnpack++;
      else entry.builtin++;
      tally.set(kind, entry);
      const builtin = BUILTIN_ROUNDING[kind.split(' ')[0]!] ?? 'tflite';
      const ours = runOurs(c.bytes, c.inputs, delegated ? 'xnnpack' : builtin);
      if (c.dtype === 'float32') {
        const err = relativeErrorOfBytes(ours[0]!, theirs[0]!);
        return err <= 1e-5 ? undefined : `${c.name}: relative error ${err}`;
      }
      const a = ours[0]!;
      const e = theirs[0]!;
      let diff = 0;
      for (let i = 0; i < e.length; i++) if (a[i] !== e[i]) diff++;
      return diff === 0 && a.length === e.length ? undefined : `${c.name} (${delegated ? 'xnnpack' : builtin}): ${diff} of ${e.length} bytes differ`;
    } finally {
      runner.cleanUp();
    }
  }

  type Make = (r: Rand, i: number, d: 'int8' | 'int16' | 'float32') => Case;
  const families: readonly [string, number, Make, number][] = [
    ['CONV_2D', 300, convCase as Make, 0],
    ['DEPTHWISE_CONV_2D', 300, depthwiseCase as Make, 0],
    ['FULLY_CONNECTED', 300, fullyConnectedCase as Make, 0],
    ['TRANSPOSE_CONV', 150, transposeConvCase as Make, 0],
    ['AVERAGE_POOL_2D', 150, (r, i, d) => poolCase(r, i, d, 'AVERAGE_POOL_2D'), 60],
    ['MAX_POOL_2D', 150, (r, i, d) => poolCase(r, i, d, 'MAX_POOL_2D'), 60],
  ];
  families.forEach(([kind, count, make, int16], f) => {
    test(`${kind}: ${count} random int8 models bit-exact, ${count / 2} float32 within 1e-5${int16 ? `, ${int16} int16 bit-exact` : ''}`, async () => {
      const r = prng(1000 + f);
      const failures: string[] = [];
      for (let i = 0; i < count + count / 2 + int16; i++) {
        const dtype = i < count ? 'int8' : i < count + count / 2 ? 'float32' : 'int16';
        const failure = await check(`${kind} ${dtype}`, make(r, i, dtype));
        if (failure) failures.push(failure);
      }
      assert.deepStrictEqual(failures, []);
    });
  });
});

describe('the three rounding modes', () => {
  test('differ by at most 1 on a random int8 conv, and do differ', () => {
    const r = prng(7);
    let differing = 0;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const c = convCase(r, i, 'int8');
      const [tflm, tflite, xnnpack] = (['tflm', 'tflite', 'xnnpack'] as const).map((m) => new Int8Array(runOurs(c.bytes, c.inputs, m)[0]!.buffer));
      for (let k = 0; k < tflm!.length; k++) {
        const values = [tflm![k]!, tflite![k]!, xnnpack![k]!];
        assert.ok(Math.max(...values) - Math.min(...values) <= 1, `${c.name}[${k}]: ${values.join(', ')}`);
        if (Math.max(...values) !== Math.min(...values)) differing++;
        total++;
      }
    }
    assert.ok(differing > 0, `no difference in ${total} outputs`);
  });

  test('the batch requantizer equals makeRequantize, accumulator by accumulator', () => {
    const r = prng(11);
    for (const rounding of ['tflm', 'tflite', 'xnnpack'] as const) {
      for (let trial = 0; trial < 200; trial++) {
        const spec = { real: 0, inputScale: logUniform(r, 1e-4, 1), weightScale: logUniform(r, 1e-4, 1), outputScale: logUniform(r, 1e-4, 1) };
        const s = { ...spec, real: (spec.inputScale * spec.weightScale) / spec.outputScale };
        const one = makeRequantize(s, rounding);
        const rq = makeChannelRequantizer([s], rounding, 1);
        const acc = Int32Array.from({ length: 64 }, (_, k) =>
          k < 8 ? [0, 1, -1, 2147483647, -2147483648, 2097151, -2097152, 2097152][k]! : Math.round((r() * 2 - 1) * 2 ** int(r, 0, 31)),
        );
        const out = new Int32Array(1);
        for (const a of acc) {
          const wide = new Int16Array(1);
          requantizeChannels(rq, Int32Array.of(a), 0, wide, 0, 1, 0, 0, -32768, 32767);
          const expected = Math.max(-32768, Math.min(32767, one(a))) || 0;
          out[0] = wide[0]!;
          assert.equal(out[0], expected, `${rounding} acc ${a} scale ${s.real}`);
        }
      }
    }
  });
});

describe('kernel details', () => {
  test('SAME/VALID sizes and padding as TFLite ComputePaddingHeightWidth', () => {
    assert.equal(computeOutSize('SAME', 7, 3, 2), 4);
    assert.equal(computeOutSize('VALID', 7, 3, 2), 3);
    assert.equal(computeOutSize('VALID', 7, 3, 1, 3), 1);
    assert.equal(computeOutSize('VALID', 2, 3, 1), 0);
    const g = computePaddingHeightWidth({
      padding: 'SAME',
      strideH: 2,
      strideW: 1,
      dilationH: 1,
      dilationW: 2,
      inHeight: 8,
      inWidth: 5,
      filterHeight: 3,
      filterWidth: 3,
    });
    // height: out 4, total (4−1)·2 + 3 − 8 = 1 → 0 before, 1 after; width: out 5, total 4 + 5 − 5 = 4 → 2 and 2.
    assert.deepStrictEqual(g, { outHeight: 4, outWidth: 5, padTop: 0, padLeft: 2, padBottomExtra: 1, padRightExtra: 0 });
  });

  test('int8 average pooling rounds halves away from zero, as TFLM', () => {
    const g = new GraphBuilder();
    const sg = g.subgraph('main');
    const x = sg.tensor({ name: 'x', shape: [1, 1, 4, 2], dtype: 'int8', quantization: quant(0.1, 0) });
    const y = sg.tensor({ name: 'y', shape: [1, 1, 2, 2], dtype: 'int8', quantization: quant(0.1, 0) });
    sg.op({
      op: 'AVERAGE_POOL_2D',
      inputs: [x],
      outputs: [y],
      options: makeOptions('Pool2DOptions', { padding: 'VALID', strideW: 2, strideH: 1, filterWidth: 2, filterHeight: 1 }),
      version: 2,
    }).io([x], [y]);
    // Pairs (1, 2) → 1.5 → 2; (−1, −2) → −1.5 → −2; (3, 4) → 3.5 → 4; (−3, −3) → −3.
    const out = runOurs(writeModel(g.build()), [bytesOf(Int8Array.from([1, -1, 2, -2, 3, -3, 4, -3]))], 'tflm');
    assert.deepStrictEqual(Array.from(new Int8Array(out[0]!.buffer)), [2, -2, 4, -3]);
  });

  test('grouped CONV_2D equals one convolution per group', () => {
    const r = prng(5);
    for (const dtype of ['int8', 'float32'] as const) {
      const groups = 3;
      const depth = 2;
      const perGroup = 2;
      const build = (inC: number, outC: number, w: Int8Array | Float32Array, b: Int32Array | Float32Array): Uint8Array => {
        const g = new GraphBuilder();
        const sg = g.subgraph('main');
        const q = (s: number, z: number): { quantization?: ReturnType<typeof quant> } => (dtype === 'int8' ? { quantization: quant(s, z) } : {});
        const x = sg.tensor({ name: 'x', shape: [1, 5, 5, inC], dtype, ...q(0.05, 7) });
        const wt = sg.tensor({ name: 'w', shape: [outC, 3, 3, depth], dtype, data: w, ...q(0.02, 0) });
        const bt = sg.tensor({ name: 'b', shape: [outC], dtype: dtype === 'int8' ? 'int32' : 'float32', data: b, ...q(0.001, 0) });
        const y = sg.tensor({ name: 'y', shape: [1, 5, 5, outC], dtype, ...q(0.2, -3) });
        sg.op({
          op: 'CONV_2D',
          inputs: [x, wt, bt],
          outputs: [y],
          options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'NONE' }),
          version: 3,
        }).io([x], [y]);
        return writeModel(g.build());
      };
      const w = randomData(r, dtype, groups * perGroup * 9 * depth) as Int8Array | Float32Array;
      const b =
        dtype === 'int8' ? Int32Array.from({ length: groups * perGroup }, () => int(r, -500, 500)) : (randomData(r, dtype, groups * perGroup) as Float32Array);
      const xData = randomData(r, dtype, 25 * groups * depth);
      const whole = runOurs(build(groups * depth, groups * perGroup, w, b), [bytesOf(xData)], 'tflm')[0]!;
      const size = dtype === 'int8' ? 1 : 4;
      for (let gi = 0; gi < groups; gi++) {
        const xs = (dtype === 'int8' ? new Int8Array(25 * depth) : new Float32Array(25 * depth)) as Int8Array | Float32Array;
        for (let p = 0; p < 25; p++) for (let c = 0; c < depth; c++) xs[p * depth + c] = xData[p * groups * depth + gi * depth + c]!;
        const part = runOurs(
          build(depth, perGroup, w.slice(gi * perGroup * 9 * depth, (gi + 1) * perGroup * 9 * depth), b.slice(gi * perGroup, (gi + 1) * perGroup)),
          [bytesOf(xs)],
          'tflm',
        )[0]!;
        for (let p = 0; p < 25; p++) {
          const got = whole.subarray((p * groups * perGroup + gi * perGroup) * size, (p * groups * perGroup + (gi + 1) * perGroup) * size);
          assert.deepStrictEqual(got, part.subarray(p * perGroup * size, (p + 1) * perGroup * size), `${dtype} group ${gi} pixel ${p}`);
        }
      }
    }
  });

  test('an absent optional bias (TFLM allows it; the oracle does not) equals a zero bias', () => {
    const r = prng(9);
    for (const op of ['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV', 'FULLY_CONNECTED'] as const) {
      for (const dtype of ['int8', 'float32'] as const) {
        const build = (withBias: boolean): Uint8Array => {
          const g = new GraphBuilder();
          const sg = g.subgraph('main');
          const q = (s: number, z: number, axis = 0): { quantization?: ReturnType<typeof quant> } =>
            dtype === 'int8' ? { quantization: quant(s, z, axis) } : {};
          const fc = op === 'FULLY_CONNECTED';
          const xShape = fc ? [2, 12] : [1, 5, 5, 3];
          const wShape = fc ? [4, 12] : op === 'DEPTHWISE_CONV_2D' ? [1, 3, 3, 3] : [4, 3, 3, 3];
          const channels = wShape[op === 'DEPTHWISE_CONV_2D' ? 3 : 0]!;
          const yShape = fc ? [2, 4] : [1, 5, 5, channels];
          const x = sg.tensor({ name: 'x', shape: xShape, dtype, ...q(0.05, 3) });
          const w = sg.tensor({
            name: 'w',
            shape: wShape,
            dtype,
            data: randomData(
              prng(3),
              dtype,
              wShape.reduce((a, b) => a * b, 1),
            ),
            ...q(0.02, 0, op === 'DEPTHWISE_CONV_2D' ? 3 : 0),
          });
          const b = withBias
            ? sg.tensor({
                name: 'b',
                shape: [channels],
                dtype: dtype === 'int8' ? 'int32' : 'float32',
                data: dtype === 'int8' ? new Int32Array(channels) : new Float32Array(channels),
                ...q(0.001, 0),
              })
            : -1;
          const y = sg.tensor({ name: 'y', shape: yShape, dtype, ...q(0.1, -4) });
          if (op === 'TRANSPOSE_CONV') {
            const shape = sg.tensor({ name: 'shape', shape: [4], dtype: 'int32', data: Int32Array.from(yShape) });
            sg.op({
              op,
              inputs: [shape, w, x, ...(withBias ? [b] : [])],
              outputs: [y],
              options: makeOptions('TransposeConvOptions', { padding: 'SAME', strideW: 1, strideH: 1 }),
              version: 3,
            });
          } else if (op === 'DEPTHWISE_CONV_2D') {
            sg.op({
              op,
              inputs: [x, w, b],
              outputs: [y],
              options: makeOptions('DepthwiseConv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 'RELU' }),
              version: 3,
            });
          } else if (op === 'CONV_2D') {
            sg.op({
              op,
              inputs: [x, w, b],
              outputs: [y],
              options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' }),
              version: 3,
            });
          } else {
            sg.op({ op, inputs: [x, w, b], outputs: [y], options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'RELU' }), version: 4 });
          }
          sg.io([x], [y]);
          return writeModel(g.build());
        };
        const xs = [bytesOf(randomData(r, dtype, op === 'FULLY_CONNECTED' ? 24 : 75))];
        assert.deepStrictEqual(runOurs(build(false), xs, 'tflm'), runOurs(build(true), xs, 'tflm'), `${op} ${dtype}`);
      }
    }
  });

  test('int8 TRANSPOSE_CONV applies its fused activation (current TFLM, TFLite and XNNPACK)', () => {
    const g = new GraphBuilder();
    const sg = g.subgraph('main');
    const x = sg.tensor({ name: 'x', shape: [1, 2, 2, 1], dtype: 'int8', quantization: quant(0.1, 0) });
    const w = sg.tensor({ name: 'w', shape: [1, 1, 1, 1], dtype: 'int8', data: Int8Array.of(-10), quantization: quant(0.1) });
    const shape = sg.tensor({ name: 'shape', shape: [4], dtype: 'int32', data: Int32Array.of(1, 2, 2, 1) });
    const y = sg.tensor({ name: 'y', shape: [1, 2, 2, 1], dtype: 'int8', quantization: quant(0.1, 0) });
    sg.op({
      op: 'TRANSPOSE_CONV',
      inputs: [shape, w, x],
      outputs: [y],
      options: makeOptions('TransposeConvOptions', { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' }),
      version: 4,
    }).io([x], [y]);
    // x · (−1.0): 1, −2, 3, −4 → −1, 2, −3, 4 → RELU → 0, 2, 0, 4 (in units of 0.1).
    const out = runOurs(writeModel(g.build()), [bytesOf(Int8Array.of(10, -20, 30, -40))], 'tflm')[0]!;
    assert.deepStrictEqual(Array.from(new Int8Array(out.buffer)), [0, 20, 0, 40]);
  });

  test('hybrid and unsupported types fail at prepare, naming the layer', () => {
    // Hybrid layers run (runtimeHybrid.test.ts), but not a per-tensor hybrid depthwise layer, which TFLite refuses too.
    const g = new GraphBuilder();
    const sg = g.subgraph('main');
    const x = sg.tensor({ name: 'x', shape: [1, 2, 2, 4], dtype: 'float32' });
    const w = sg.tensor({ name: 'w', shape: [1, 1, 1, 4], dtype: 'int8' as DType, data: new Int8Array(4), quantization: quant(0.1) });
    const b = sg.tensor({ name: 'b', shape: [4], dtype: 'float32', data: new Float32Array(4) });
    const y = sg.tensor({ name: 'y', shape: [1, 2, 2, 4], dtype: 'float32' });
    const options = makeOptions('DepthwiseConv2DOptions', { padding: 'VALID', strideW: 1, strideH: 1, depthMultiplier: 1 });
    sg.op({ op: 'DEPTHWISE_CONV_2D', inputs: [x, w, b], outputs: [y], options }).io([x], [y]);
    assert.throws(() => new Interpreter(readModel(writeModel(g.build())), { kernels: CONV_KERNELS }), /DEPTHWISE_CONV_2D \(layer 0\).*hybrid/);
  });
});
