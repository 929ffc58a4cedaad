/**
 * Random TFLite models for property tests, built with our own writer (GraphBuilder +
 * writeModel) from a seeded generator, so a failing case is the same bytes on every machine.
 *
 * The unit is a *fragment*: one operator (or a short chain) with its own input and output
 * tensors, added to a subgraph being built. `OP_CASES` lists, per op and dtype, a fragment
 * generator covering the options and quantizations the runtime supports (per-channel and
 * per-tensor weights, SAME/VALID padding on odd sizes, strides, dilation, broadcasting, zero
 * points at the extremes, rescale multipliers below and above 1). `randomModel` puts one or
 * several fragments side by side in one model (independent graphs in one subgraph: TFLM runs
 * them in order), so one runner call checks several cases; each output names its fragment.
 *
 * Every generated model is meant to be one TFLM accepts: the generators keep to the dtype
 * signatures and constraints of TFLM's Prepare (same scale in and out of pools, the fixed
 * output scales of SOFTMAX, LOGISTIC and TANH, zero points of 0 for int16, …).
 */
import type { DType } from '../../src/model/dtype';
import type { Graph, QuantParams } from '../../src/model/graph';
import { GraphBuilder, quant, type SubgraphBuilder, type TensorData } from '../../src/model/graphBuilder';
import { computeOutSize } from '../../src/model/geometry';
import { makeOptions, type ActivationFunction, type OpOptions, type Padding } from '../../src/model/ops';
import { prng } from '../../src/util/prng';

export type Rand = () => number;
export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Log-uniform in [lo, hi], rounded to float32 as a .tflite file stores it. */
export const logUniform = (r: Rand, lo: number, hi: number): number => Math.fround(lo * (hi / lo) ** r());

/** The activations the runtime's kernels fuse (TFLM has no kernel for the others). */
const ACTS: readonly ActivationFunction[] = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'];

export type Flavor = 'float32' | 'int8' | 'int16' | 'int32';

/** What a fragment added: its model inputs (tensor and bytes) and outputs, and a description. */
export interface Fragment {
  readonly name: string;
  readonly inputs: readonly { readonly tensor: number; readonly bytes: Uint8Array }[];
  readonly outputs: readonly number[];
}

export type FragmentMaker = (r: Rand, sg: SubgraphBuilder, g: GraphBuilder) => Fragment;

export interface RandomModel {
  readonly graph: Graph;
  /** Raw bytes of each model input, in input order. */
  readonly inputs: readonly Uint8Array[];
  /** Per model output, the fragment it belongs to. */
  readonly outputNames: readonly string[];
  readonly fragments: readonly string[];
}

function bytesOf(a: TensorData): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Values of a dtype over its whole range (floats in [−range, range]). */
export function randomValues(r: Rand, dtype: Flavor, n: number, range = 1): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, () => (r() * 2 - 1) * range);
    case 'int8':
      return Int8Array.from({ length: n }, () => int(r, -128, 127));
    case 'int16':
      return Int16Array.from({ length: n }, () => int(r, -32768, 32767));
    case 'int32':
      return Int32Array.from({ length: n }, () => int(r, -1000, 1000));
  }
}

/** An int8 zero point: often at an extreme, where clamping and offsets are hardest. */
function zeroPoint(r: Rand): number {
  const u = r();
  return u < 0.15 ? -128 : u < 0.25 ? 127 : u < 0.35 ? 0 : int(r, -128, 127);
}

/** Quantization of an activation: int8 any zero point, int16 symmetric (TFLM demands zp 0). */
function actQuant(r: Rand, dtype: Flavor, scale = logUniform(r, 0.002, 0.2)) {
  if (dtype === 'int8') return quant(scale, zeroPoint(r));
  if (dtype === 'int16') return quant(scale / 256, 0);
  return undefined;
}

/** A scale `ratio` times `scale`, the ratio between 1/8 and 8: multipliers of both sides of 1. */
function relatedScale(r: Rand, scale: number): number {
  return Math.fround(scale * logUniform(r, 0.125, 8));
}

/** Adds an activation tensor that is a model input, with random bytes. */
function inputTensor(r: Rand, sg: SubgraphBuilder, name: string, dtype: Flavor, shape: readonly number[], q = actQuant(r, dtype), range = 1) {
  const tensor = sg.tensor({ name, shape, dtype, quantization: q });
  return { tensor, bytes: bytesOf(randomValues(r, dtype, count(shape), range)) };
}

function randomShape(r: Rand, rank: number, max = 5): number[] {
  return Array.from({ length: rank }, () => int(r, 1, max));
}

// ── convolutions ────────────────────────────────────────────────────────────────────────────

interface ConvQuant {
  readonly x: number;
  readonly w: number;
  readonly b: number;
  readonly y: number;
}

/** Input, weights, bias and output of a conv-like op, quantized as TFLite's converter would. */
function convTensors(
  r: Rand,
  sg: SubgraphBuilder,
  dtype: 'float32' | 'int8',
  shapes: { x: readonly number[]; w: readonly number[]; y: readonly number[] },
  channels: number,
  axis: number,
  macs: number,
  opts: { perChannel: boolean; bias: boolean },
): { t: ConvQuant; input: Fragment['inputs'][number] } {
  if (dtype === 'float32') {
    const x = inputTensor(r, sg, 'x', dtype, shapes.x);
    const w = sg.tensor({ name: 'w', shape: shapes.w, dtype, data: randomValues(r, dtype, count(shapes.w)) });
    const b = opts.bias ? sg.tensor({ name: 'b', shape: [channels], dtype, data: randomValues(r, dtype, channels) }) : -1;
    const y = sg.tensor({ name: 'y', shape: shapes.y, dtype });
    return { t: { x: x.tensor, w, b, y }, input: x };
  }
  const sIn = logUniform(r, 0.005, 0.1);
  const sW = Array.from({ length: opts.perChannel ? channels : 1 }, () => logUniform(r, 0.002, 0.05));
  const meanW = sW.reduce((a, b) => a + b, 0) / sW.length;
  // An output scale that keeps most sums inside int8 (|acc| grows like sqrt(macs)·70²), times a
  // factor that puts the effective multiplier on either side of 1 for small ops.
  const sOut = Math.fround(sIn * meanW * Math.sqrt(Math.max(1, macs)) * 75 * logUniform(r, 0.1, 3));
  const x = inputTensor(r, sg, 'x', dtype, shapes.x, quant(sIn, zeroPoint(r)));
  const w = sg.tensor({ name: 'w', shape: shapes.w, dtype, data: randomValues(r, 'int8', count(shapes.w)), quantization: quant(sW, 0, axis) });
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
  const y = sg.tensor({ name: 'y', shape: shapes.y, dtype, quantization: quant(sOut, zeroPoint(r)) });
  return { t: { x: x.tensor, w, b, y }, input: x };
}

function conv2d(dtype: 'float32' | 'int8'): FragmentMaker {
  return (r, sg) => {
    const batch = int(r, 1, 2);
    const inC = int(r, 1, 8);
    const outC = int(r, 1, 8);
    const kH = int(r, 1, 4);
    const kW = r() < 0.3 ? kH : int(r, 1, 4);
    const sH = int(r, 1, 3);
    const sW = r() < 0.5 ? sH : int(r, 1, 3);
    const dil = r() < 0.7 ? 1 : int(r, 2, 3);
    const padding: Padding = r() < 0.5 ? 'SAME' : 'VALID';
    const inH = int(r, (kH - 1) * dil + 1, 11);
    const inW = int(r, (kW - 1) * dil + 1, 11);
    const outH = computeOutSize(padding, inH, kH, sH, dil);
    const outW = computeOutSize(padding, inW, kW, sW, dil);
    const act = pick(r, ACTS);
    const perChannel = dtype === 'int8' && r() < 0.7;
    const bias = r() < 0.85;
    const { t, input } = convTensors(
      r,
      sg,
      dtype,
      { x: [batch, inH, inW, inC], w: [outC, kH, kW, inC], y: [batch, outH, outW, outC] },
      outC,
      0,
      kH * kW * inC,
      { perChannel, bias },
    );
    sg.op({
      op: 'CONV_2D',
      inputs: [t.x, t.w, t.b],
      outputs: [t.y],
      options: makeOptions('Conv2DOptions', { padding, strideW: sW, strideH: sH, fusedActivationFunction: act, dilationWFactor: dil, dilationHFactor: dil }),
      version: 3,
    });
    const name = `CONV_2D ${dtype} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} s${sH},${sW} d${dil} ${padding} ${act} oc${outC}${perChannel ? ' pc' : ''}${bias ? '' : ' nobias'}`;
    return { name, inputs: [input], outputs: [t.y] };
  };
}

function depthwise(dtype: 'float32' | 'int8'): FragmentMaker {
  return (r, sg) => {
    const batch = int(r, 1, 2);
    const inC = int(r, 1, 8);
    const mult = r() < 0.6 ? 1 : int(r, 2, 3);
    const outC = inC * mult;
    const kH = r() < 0.5 ? 3 : int(r, 1, 4);
    const kW = r() < 0.5 ? kH : int(r, 1, 4);
    const sH = int(r, 1, 3);
    const sW = r() < 0.7 ? sH : int(r, 1, 3);
    const dil = r() < 0.75 ? 1 : int(r, 2, 3);
    const padding: Padding = r() < 0.6 ? 'SAME' : 'VALID';
    const inH = int(r, (kH - 1) * dil + 1, 11);
    const inW = int(r, (kW - 1) * dil + 1, 11);
    const outH = computeOutSize(padding, inH, kH, sH, dil);
    const outW = computeOutSize(padding, inW, kW, sW, dil);
    const act = pick(r, ACTS);
    const perChannel = dtype === 'int8' && r() < 0.6;
    // TFLM's depthwise aborts (SIGABRT in Eval) on a missing bias, float32 and int8 alike, so
    // the generated ones always have one.
    const bias = true;
    const { t, input } = convTensors(r, sg, dtype, { x: [batch, inH, inW, inC], w: [1, kH, kW, outC], y: [batch, outH, outW, outC] }, outC, 3, kH * kW, {
      perChannel,
      bias,
    });
    sg.op({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [t.x, t.w, t.b],
      outputs: [t.y],
      options: makeOptions('DepthwiseConv2DOptions', {
        padding,
        strideW: sW,
        strideH: sH,
        depthMultiplier: mult,
        fusedActivationFunction: act,
        dilationWFactor: dil,
        dilationHFactor: dil,
      }),
      version: 3,
    });
    const name = `DEPTHWISE_CONV_2D ${dtype} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} m${mult} s${sH},${sW} d${dil} ${padding} ${act}${perChannel ? ' pc' : ''}${bias ? '' : ' nobias'}`;
    return { name, inputs: [input], outputs: [t.y] };
  };
}

function fullyConnected(dtype: 'float32' | 'int8'): FragmentMaker {
  return (r, sg) => {
    const accum = int(r, 1, 48);
    const outD = int(r, 1, 16);
    const keep = r() < 0.3;
    const lead = r() < 0.5 ? [int(r, 1, 4)] : [int(r, 1, 3), int(r, 1, 3)];
    const batches = count(lead);
    const xShape = [...lead, accum];
    const yShape = keep ? [...lead, outD] : [batches, outD];
    const act = pick(r, ACTS);
    const perChannel = dtype === 'int8' && r() < 0.4;
    const bias = r() < 0.8;
    const { t, input } = convTensors(r, sg, dtype, { x: xShape, w: [outD, accum], y: yShape }, outD, 0, accum, { perChannel, bias });
    sg.op({
      op: 'FULLY_CONNECTED',
      inputs: [t.x, t.w, t.b],
      outputs: [t.y],
      options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: act, weightsFormat: 'DEFAULT', keepNumDims: keep }),
      version: dtype === 'int8' ? 4 : 1,
    });
    const name = `FULLY_CONNECTED ${dtype} [${xShape.join('x')}]→${outD}${keep ? ' keep' : ''} ${act}${perChannel ? ' pc' : ''}${bias ? '' : ' nobias'}`;
    return { name, inputs: [input], outputs: [t.y] };
  };
}

function transposeConv(dtype: 'float32' | 'int8'): FragmentMaker {
  return (r, sg) => {
    const batch = int(r, 1, 2);
    const inC = int(r, 1, 6);
    const outC = int(r, 1, 6);
    const kH = int(r, 1, 4);
    const kW = r() < 0.5 ? kH : int(r, 1, 4);
    const sH = int(r, 1, 3);
    const sW = r() < 0.6 ? sH : int(r, 1, 3);
    const padding: Padding = r() < 0.5 ? 'SAME' : 'VALID';
    const inH = int(r, 1, 7);
    const inW = int(r, 1, 7);
    // The output size TFLite's converter writes: SAME gives in·stride, VALID (in−1)·stride + k.
    const outH = padding === 'SAME' ? inH * sH : (inH - 1) * sH + kH;
    const outW = padding === 'SAME' ? inW * sW : (inW - 1) * sW + kW;
    const perChannel = dtype === 'int8' && r() < 0.6;
    const bias = r() < 0.6;
    const { t, input } = convTensors(
      r,
      sg,
      dtype,
      { x: [batch, inH, inW, inC], w: [outC, kH, kW, inC], y: [batch, outH, outW, outC] },
      outC,
      0,
      Math.ceil((kH * kW * inC) / (sH * sW)),
      { perChannel, bias },
    );
    const shape = sg.tensor({ name: 'output_shape', shape: [4], dtype: 'int32', data: Int32Array.from([batch, outH, outW, outC]) });
    sg.op({
      op: 'TRANSPOSE_CONV',
      inputs: [shape, t.w, t.x, ...(bias ? [t.b] : [])],
      outputs: [t.y],
      options: makeOptions('TransposeConvOptions', { padding, strideW: sW, strideH: sH }),
      version: 3,
    });
    const name = `TRANSPOSE_CONV ${dtype} ${batch}x${inH}x${inW}x${inC} k${kH}x${kW} s${sH},${sW} ${padding} oc${outC}${perChannel ? ' pc' : ''}${bias ? '' : ' nobias'}`;
    return { name, inputs: [input], outputs: [t.y] };
  };
}

/**
 * BATCH_MATMUL: ranks 2 to 5 on either side, batch dimensions that broadcast (a 1 on one side,
 * or a missing leading dimension), adj_x and adj_y, the RHS sometimes a constant (which TFLM
 * transposes once). int8 takes any zero points; int16 is symmetric on all three tensors.
 */
function batchMatmul(dtype: 'float32' | 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 2, 5);
    const batch = Array.from({ length: rank - 2 }, () => int(r, 1, 3));
    const side = (): number[] => {
      const keep = int(r, 0, rank - 2);
      return batch.slice(rank - 2 - keep).map((b) => (r() < 0.3 ? 1 : b));
    };
    // Every batch dimension > 1 of the output comes from at least one side.
    const lb = side();
    const rb = side();
    const outBatch = batch.map((_, d) => {
      const l = lb[d - (rank - 2 - lb.length)] ?? 1;
      const q = rb[d - (rank - 2 - rb.length)] ?? 1;
      return Math.max(l, q);
    });
    const rows = int(r, 1, 5);
    const cols = int(r, 1, 5);
    const depth = int(r, 1, 12);
    const adjX = r() < 0.4;
    const adjY = r() < 0.4;
    const lShape = [...lb, ...(adjX ? [depth, rows] : [rows, depth])];
    const rShape = [...rb, ...(adjY ? [cols, depth] : [depth, cols])];
    const yShape = [...outBatch, rows, cols];
    const constRhs = r() < 0.35;
    let lq: QuantParams | undefined;
    let rq: QuantParams | undefined;
    let yq: QuantParams | undefined;
    if (dtype !== 'float32') {
      const sL = logUniform(r, 0.002, 0.1);
      const sR = logUniform(r, 0.002, 0.1);
      // Sums grow like sqrt(depth)·(range²/3); the output scale keeps most of them in range.
      const typical = dtype === 'int8' ? 100 : 36000;
      const sOut = Math.fround(sL * sR * Math.sqrt(depth) * typical * logUniform(r, 0.1, 3));
      lq = dtype === 'int8' ? quant(sL, zeroPoint(r)) : quant(sL, 0);
      rq = dtype === 'int8' ? quant(sR, zeroPoint(r)) : quant(sR, 0);
      yq = dtype === 'int8' ? quant(sOut, zeroPoint(r)) : quant(sOut, 0);
    }
    const lhs = inputTensor(r, sg, 'lhs', dtype, lShape, lq);
    const inputs: Fragment['inputs'][number][] = [lhs];
    let rhs: number;
    if (constRhs) {
      rhs = sg.tensor({ name: 'rhs', shape: rShape, dtype, data: randomValues(r, dtype, count(rShape)), ...(rq ? { quantization: rq } : {}) });
    } else {
      const t = inputTensor(r, sg, 'rhs', dtype, rShape, rq);
      inputs.push(t);
      rhs = t.tensor;
    }
    const y = sg.tensor({ name: 'y', shape: yShape, dtype, quantization: yq });
    sg.op({
      op: 'BATCH_MATMUL',
      inputs: [lhs.tensor, rhs],
      outputs: [y],
      options: makeOptions('BatchMatMulOptions', { adjX, adjY }),
      version: dtype === 'int16' ? 3 : dtype === 'int8' ? 2 : 1,
    });
    const name = `BATCH_MATMUL ${dtype} [${lShape.join('x')}]·[${rShape.join('x')}]${adjX ? ' adj_x' : ''}${adjY ? ' adj_y' : ''}${constRhs ? ' const' : ''}`;
    return { name, inputs, outputs: [y] };
  };
}

function pool(op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', dtype: 'float32' | 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const batch = int(r, 1, 2);
    const c = int(r, 1, 6);
    const fH = int(r, 1, 4);
    const fW = r() < 0.5 ? fH : int(r, 1, 4);
    const sH = int(r, 1, 3);
    const sW = r() < 0.6 ? sH : int(r, 1, 3);
    const padding: Padding = r() < 0.5 ? 'SAME' : 'VALID';
    const inH = int(r, fH, 11);
    const inW = int(r, fW, 11);
    const outH = computeOutSize(padding, inH, fH, sH, 1);
    const outW = computeOutSize(padding, inW, fW, sW, 1);
    const act = pick(r, ACTS);
    // TFLM's pools require the same scale and zero point in and out.
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, [batch, inH, inW, c], q);
    const y = sg.tensor({ name: 'y', shape: [batch, outH, outW, c], dtype, quantization: q });
    sg.op({
      op,
      inputs: [x.tensor],
      outputs: [y],
      options: makeOptions('Pool2DOptions', { padding, strideW: sW, strideH: sH, filterWidth: fW, filterHeight: fH, fusedActivationFunction: act }),
    });
    return { name: `${op} ${dtype} ${batch}x${inH}x${inW}x${c} f${fH}x${fW} s${sH},${sW} ${padding} ${act}`, inputs: [x], outputs: [y] };
  };
}

// ── elementwise ─────────────────────────────────────────────────────────────────────────────

/** Two shapes that broadcast against each other (ranks up to 4, some dimensions 1). */
function broadcastShapes(r: Rand): { a: number[]; b: number[]; out: number[] } {
  const rank = int(r, 1, 4);
  const full = randomShape(r, rank, 5);
  if (r() < 0.3) return { a: [...full], b: [...full], out: full };
  const thin = () => full.map((d) => (r() < 0.4 ? 1 : d));
  const a = thin();
  // Sometimes of lower rank: TFLite broadcasts from the right.
  const b = r() < 0.25 ? thin().slice(int(r, 0, rank)) : thin();
  const out = a.map((d, i) => Math.max(d, b[i - (rank - b.length)] ?? 1));
  return r() < 0.5 ? { a, b, out } : { a: b, b: a, out };
}

function binary(op: 'ADD' | 'SUB' | 'MUL', dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const { a, b, out } = broadcastShapes(r);
    const act = dtype === 'int32' ? 'NONE' : pick(r, ACTS);
    const scale = logUniform(r, 0.002, 0.2);
    const qa = actQuant(r, dtype, scale);
    const qb = actQuant(r, dtype, r() < 0.3 ? scale : relatedScale(r, scale));
    const qy = actQuant(r, dtype, op === 'MUL' ? Math.fround(scale * logUniform(r, 0.002, 0.5)) : relatedScale(r, scale * 1.5));
    const x1 = inputTensor(r, sg, 'a', dtype, a, qa);
    const constant = r() < 0.3;
    const x2 = constant
      ? { tensor: sg.tensor({ name: 'b', shape: b, dtype, data: randomValues(r, dtype, count(b)), quantization: qb }), bytes: undefined }
      : inputTensor(r, sg, 'b', dtype, b, qb);
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: qy });
    const options =
      op === 'ADD'
        ? makeOptions('AddOptions', { fusedActivationFunction: act, potScaleInt16: false })
        : op === 'SUB'
          ? makeOptions('SubOptions', { fusedActivationFunction: act, potScaleInt16: false })
          : makeOptions('MulOptions', { fusedActivationFunction: act });
    sg.op({ op, inputs: [x1.tensor, x2.tensor], outputs: [y], options, version: dtype === 'float32' ? 1 : 2 });
    const inputs = x2.bytes ? [x1, { tensor: x2.tensor, bytes: x2.bytes }] : [x1];
    return { name: `${op} ${dtype} [${a}]·[${b}]${constant ? ' const' : ''} ${act}`, inputs, outputs: [y] };
  };
}

/** SQUARED_DIFFERENCE: broadcasting as ADD; the output scale near (2·range)² so that few results clamp. */
function squaredDifference(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const { a, b, out } = broadcastShapes(r);
    const scale = logUniform(r, 0.002, 0.2);
    const other = r() < 0.3 ? scale : relatedScale(r, scale);
    const qa = actQuant(r, dtype, scale);
    const qb = actQuant(r, dtype, other);
    const big = Math.max(scale, other);
    const qy = actQuant(r, dtype, Math.fround(512 * big * big * logUniform(r, 0.02, 2)));
    const x1 = inputTensor(r, sg, 'a', dtype, a, qa);
    const constant = r() < 0.3;
    const x2 = constant
      ? { tensor: sg.tensor({ name: 'b', shape: b, dtype, data: randomValues(r, dtype, count(b)), quantization: qb }), bytes: undefined }
      : inputTensor(r, sg, 'b', dtype, b, qb);
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: qy });
    sg.op({ op: 'SQUARED_DIFFERENCE', inputs: [x1.tensor, x2.tensor], outputs: [y], version: dtype === 'int8' ? 2 : 1 });
    const inputs = x2.bytes ? [x1, { tensor: x2.tensor, bytes: x2.bytes }] : [x1];
    return { name: `SQUARED_DIFFERENCE ${dtype} [${a}]·[${b}]${constant ? ' const' : ''}`, inputs, outputs: [y] };
  };
}

function mean(dtype: 'float32' | 'int8' | 'int16', op: 'MEAN' | 'SUM' = 'MEAN'): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 2, 4);
    const shape = randomShape(r, rank, 7);
    const all = Array.from({ length: rank }, (_, i) => i);
    const axes = rank === 4 && r() < 0.5 ? [1, 2] : all.filter(() => r() < 0.5).map((a) => (r() < 0.2 ? a - rank : a));
    if (axes.length === 0) axes.push(int(r, 0, rank - 1));
    const resolved = axes.map((a) => (a < 0 ? a + rank : a));
    const keepDims = r() < 0.5;
    const outShape = keepDims ? shape.map((d, i) => (resolved.includes(i) ? 1 : d)) : shape.filter((_, i) => !resolved.includes(i));
    const base = logUniform(r, 0.002, 0.2);
    const qx = actQuant(r, dtype, base);
    // Same quantization in and out a quarter of the time: TFLM's plain integer mean path.
    const same = r() < 0.25;
    // A sum of `count` values grows like sqrt(count) (random signs) up to count.
    const summed = resolved.reduce((a, d) => a * shape[d]!, 1);
    const qy =
      same || !qx ? qx : op === 'SUM' ? actQuant(r, dtype, relatedScale(r, base * Math.sqrt(summed))) : actQuant(r, dtype, relatedScale(r, qx.scale[0]!));
    const x = inputTensor(r, sg, 'x', dtype, shape, qx);
    const axis = sg.tensor({ name: 'axis', shape: [axes.length], dtype: 'int32', data: Int32Array.from(axes) });
    const y = sg.tensor({ name: 'y', shape: outShape, dtype, quantization: qy });
    sg.op({ op, inputs: [x.tensor, axis], outputs: [y], options: makeOptions('ReducerOptions', { keepDims }), version: dtype === 'float32' ? 1 : 2 });
    return { name: `${op} ${dtype} [${shape}] axes [${axes}]${keepDims ? ' keep' : ''}${same ? ' same-q' : ''}`, inputs: [x], outputs: [y] };
  };
}

/** A unary op with the output quantization TFLM requires (or any, where `out` is undefined). */
function unary(
  op: 'SOFTMAX' | 'LOGISTIC' | 'TANH' | 'RELU' | 'RELU6' | 'LEAKY_RELU' | 'HARD_SWISH',
  dtype: 'float32' | 'int8' | 'int16',
  outDtype: 'float32' | 'int8' | 'int16' = dtype,
): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 4);
    const shape = randomShape(r, rank, 6);
    const qx = actQuant(r, dtype, dtype === 'int16' ? logUniform(r, 0.2, 2) : logUniform(r, 0.01, 0.2));
    const fixed: Record<string, ReturnType<typeof quant> | undefined> = {
      'SOFTMAX int8': quant(1 / 256, -128),
      'SOFTMAX int16': quant(1 / 65536, -32768),
      'LOGISTIC int8': quant(1 / 256, -128),
      'LOGISTIC int16': quant(1 / 32768, 0),
      'TANH int8': quant(1 / 128, 0),
      'TANH int16': quant(1 / 32768, 0),
    };
    const key = `${op} ${outDtype}`;
    const qy =
      key in fixed ? fixed[key] : qx && r() < 0.3 ? qx : qx ? actQuant(r, outDtype, relatedScale(r, qx.scale[0]! * (dtype === 'int16' ? 256 : 1))) : undefined;
    const x = inputTensor(r, sg, 'x', dtype, shape, qx, 4);
    const y = sg.tensor({ name: 'y', shape, dtype: outDtype, quantization: qy });
    let options: OpOptions | undefined;
    if (op === 'SOFTMAX') options = makeOptions('SoftmaxOptions', { beta: pick(r, [1, 1, 0.5, 2, logUniform(r, 0.1, 4)]) });
    if (op === 'LEAKY_RELU') options = makeOptions('LeakyReluOptions', { alpha: Math.fround(pick(r, [0.1, 0.2, 0.01, r(), 1 + r()])) });
    sg.op({ op, inputs: [x.tensor], outputs: [y], ...(options ? { options } : {}), version: dtype === 'float32' ? 1 : 2 });
    return {
      name: `${op} ${dtype}${outDtype !== dtype ? `→${outDtype}` : ''} [${shape}]${options ? ` ${JSON.stringify(options)}` : ''}`,
      inputs: [x],
      outputs: [y],
    };
  };
}

function prelu(dtype: 'float32' | 'int8'): FragmentMaker {
  return (r, sg) => {
    const { a, b, out } = broadcastShapes(r);
    const qx = actQuant(r, dtype);
    const qa = actQuant(r, dtype, logUniform(r, 0.001, 0.02));
    const qy = qx ? actQuant(r, dtype, relatedScale(r, qx.scale[0]!)) : undefined;
    const x = inputTensor(r, sg, 'x', dtype, a, qx);
    const alpha = sg.tensor({ name: 'alpha', shape: b, dtype, data: randomValues(r, dtype, count(b)), quantization: qa });
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: qy });
    sg.op({ op: 'PRELU', inputs: [x.tensor, alpha], outputs: [y] });
    return { name: `PRELU ${dtype} [${a}]·[${b}]`, inputs: [x], outputs: [y] };
  };
}

function quantize(from: 'float32' | 'int8' | 'int16', to: 'int8' | 'int16' | 'int32'): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 4), 6);
    const qx = actQuant(r, from);
    const base = qx ? qx.scale[0]! : logUniform(r, 0.002, 0.2);
    const qy = to === 'int32' ? quant(relatedScale(r, base), 0) : actQuant(r, to, relatedScale(r, to === 'int16' ? base * 256 : base));
    const x = inputTensor(r, sg, 'x', from, shape, qx, 2);
    const y = sg.tensor({ name: 'y', shape, dtype: to, quantization: qy });
    sg.op({ op: 'QUANTIZE', inputs: [x.tensor], outputs: [y] });
    return { name: `QUANTIZE ${from}→${to} [${shape}]`, inputs: [x], outputs: [y] };
  };
}

function dequantize(from: 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 4), 6);
    const x = inputTensor(r, sg, 'x', from, shape);
    const y = sg.tensor({ name: 'y', shape, dtype: 'float32' });
    sg.op({ op: 'DEQUANTIZE', inputs: [x.tensor], outputs: [y] });
    return { name: `DEQUANTIZE ${from} [${shape}]`, inputs: [x], outputs: [y] };
  };
}

// ── shape ops ───────────────────────────────────────────────────────────────────────────────

function pad(op: 'PAD' | 'PADV2', dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 4);
    const shape = randomShape(r, rank, 5);
    const pads = Array.from({ length: rank * 2 }, () => (r() < 0.4 ? 0 : int(r, 1, 3)));
    const out = shape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const p = sg.tensor({ name: 'paddings', shape: [rank, 2], dtype: 'int32', data: Int32Array.from(pads) });
    const inputs = [x.tensor, p];
    if (op === 'PADV2') inputs.push(sg.tensor({ name: 'value', shape: [], dtype, data: randomValues(r, dtype, 1), quantization: q }));
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: q });
    sg.op({ op, inputs, outputs: [y] });
    return { name: `${op} ${dtype} [${shape}] pads [${pads}]`, inputs: [x], outputs: [y] };
  };
}

/** MAXIMUM and MINIMUM: one shared quantization (TFLM compares the stored values). */
function extremum(op: 'MAXIMUM' | 'MINIMUM', dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const { a, b, out } = broadcastShapes(r);
    const q = actQuant(r, dtype);
    const x1 = inputTensor(r, sg, 'a', dtype, a, q);
    const x2 = inputTensor(r, sg, 'b', dtype, b, q);
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: q });
    sg.op({ op, inputs: [x1.tensor, x2.tensor], outputs: [y], version: dtype === 'int16' ? 4 : dtype === 'int8' ? 2 : 1 });
    return { name: `${op} ${dtype} [${a}]·[${b}]`, inputs: [x1, x2], outputs: [y] };
  };
}

function expandDims(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 3), 4);
    const axis = int(r, -shape.length - 1, shape.length);
    const at = axis < 0 ? axis + shape.length + 1 : axis;
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const ax = sg.tensor({ name: 'axis', shape: [1], dtype: 'int32', data: Int32Array.from([axis]) });
    const y = sg.tensor({ name: 'y', shape: [...shape.slice(0, at), 1, ...shape.slice(at)], dtype, quantization: q });
    sg.op({ op: 'EXPAND_DIMS', inputs: [x.tensor, ax], outputs: [y] });
    return { name: `EXPAND_DIMS ${dtype} [${shape}] axis ${axis}`, inputs: [x], outputs: [y] };
  };
}

/** PACK of 1 to 3 inputs, or UNPACK into its outputs, along a random (sometimes negative) axis. */
function packing(op: 'PACK' | 'UNPACK', dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const part = randomShape(r, int(r, 1, 3), 4);
    const n = int(r, 1, 3);
    const rank = part.length + 1;
    const axis = int(r, -rank, rank - 1);
    const at = axis < 0 ? axis + rank : axis;
    const whole = [...part.slice(0, at), n, ...part.slice(at)];
    const q = actQuant(r, dtype);
    if (op === 'PACK') {
      const xs = Array.from({ length: n }, (_, k) => inputTensor(r, sg, `x${k}`, dtype, part, q));
      const y = sg.tensor({ name: 'y', shape: whole, dtype, quantization: q });
      sg.op({
        op,
        inputs: xs.map((x) => x.tensor),
        outputs: [y],
        options: makeOptions('PackOptions', { valuesCount: n, axis }),
        version: dtype === 'int16' ? 3 : 1,
      });
      return { name: `PACK ${dtype} ${n}×[${part}] axis ${axis}`, inputs: xs, outputs: [y] };
    }
    const x = inputTensor(r, sg, 'x', dtype, whole, q);
    const ys = Array.from({ length: n }, (_, k) => sg.tensor({ name: `y${k}`, shape: part, dtype, quantization: q }));
    sg.op({ op, inputs: [x.tensor], outputs: ys, options: makeOptions('UnpackOptions', { num: n, axis }), version: dtype === 'int16' ? 4 : 1 });
    return { name: `UNPACK ${dtype} [${whole}] axis ${axis}`, inputs: [x], outputs: ys };
  };
}

/** SPLIT into equal parts or SPLIT_V into given sizes (the last sometimes −1), along a random axis. */
function split(op: 'SPLIT' | 'SPLIT_V', dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const n = int(r, 1, 3);
    const shape = randomShape(r, int(r, 1, 4), 4);
    const axis = int(r, -shape.length, shape.length - 1);
    const at = axis < 0 ? axis + shape.length : axis;
    const part = shape[at]!;
    const sizes = op === 'SPLIT' ? Array.from({ length: n }, () => part) : Array.from({ length: n }, () => int(r, 1, 3));
    shape[at] = sizes.reduce((a, b) => a + b, 0);
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const ax = sg.tensor({ name: 'axis', shape: [1], dtype: 'int32', data: Int32Array.from([axis]) });
    const ys = sizes.map((d, k) => sg.tensor({ name: `y${k}`, shape: shape.map((s, i) => (i === at ? d : s)), dtype, quantization: q }));
    if (op === 'SPLIT') {
      sg.op({ op, inputs: [ax, x.tensor], outputs: ys, options: makeOptions('SplitOptions', { numSplits: n }) });
    } else {
      const given = sizes.map((d, k) => (k === n - 1 && n > 1 && r() < 0.3 ? -1 : d));
      const sz = sg.tensor({ name: 'sizes', shape: [n], dtype: 'int32', data: Int32Array.from(given) });
      sg.op({ op, inputs: [x.tensor, sz, ax], outputs: ys, options: makeOptions('SplitVOptions', { numSplits: n }) });
    }
    return { name: `${op} ${dtype} [${shape}] axis ${axis} into [${sizes}]`, inputs: [x], outputs: ys };
  };
}

function reshape(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 4), 5);
    const n = count(shape);
    const out = r() < 0.5 ? [n] : [1, n];
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const s = sg.tensor({
      name: 'shape',
      shape: [out.length],
      dtype: 'int32',
      data: Int32Array.from(out.map((d, i) => (i === out.length - 1 && r() < 0.5 ? -1 : d))),
    });
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: q });
    sg.op({ op: 'RESHAPE', inputs: [x.tensor, s], outputs: [y] });
    return { name: `RESHAPE ${dtype} [${shape}]→[${out}]`, inputs: [x], outputs: [y] };
  };
}

function transpose(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 5);
    const shape = randomShape(r, rank, 4);
    const perm = Array.from({ length: rank }, (_, i) => i);
    for (let i = rank - 1; i > 0; i--) {
      const j = int(r, 0, i);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const p = sg.tensor({ name: 'perm', shape: [rank], dtype: 'int32', data: Int32Array.from(perm) });
    const y = sg.tensor({ name: 'y', shape: perm.map((d) => shape[d]!), dtype, quantization: q });
    sg.op({ op: 'TRANSPOSE', inputs: [x.tensor, p], outputs: [y] });
    return { name: `TRANSPOSE ${dtype} [${shape}] perm [${perm}]`, inputs: [x], outputs: [y] };
  };
}

function concatenation(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 4);
    const shape = randomShape(r, rank, 4);
    const axis = int(r, 0, rank - 1);
    const n = int(r, 2, 4);
    const q = actQuant(r, dtype);
    const parts = Array.from({ length: n }, (_, k) => {
      const s = shape.map((d, i) => (i === axis ? int(r, 1, 3) : d));
      return { s, ...inputTensor(r, sg, `x${k}`, dtype, s, q) };
    });
    const out = shape.map((d, i) => (i === axis ? parts.reduce((a, p) => a + p.s[i]!, 0) : d));
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: q });
    const negative = r() < 0.3;
    sg.op({
      op: 'CONCATENATION',
      inputs: parts.map((p) => p.tensor),
      outputs: [y],
      options: makeOptions('ConcatenationOptions', { axis: negative ? axis - rank : axis }),
    });
    return {
      name: `CONCATENATION ${dtype} ${n}×[${shape}] axis ${negative ? axis - rank : axis}`,
      inputs: parts.map(({ tensor, bytes }) => ({ tensor, bytes })),
      outputs: [y],
    };
  };
}

function stridedSlice(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 4);
    const shape = randomShape(r, rank, 6);
    const begin: number[] = [];
    const end: number[] = [];
    const strides: number[] = [];
    let beginMask = 0;
    let endMask = 0;
    let shrinkMask = 0;
    const out: number[] = [];
    for (let d = 0; d < rank; d++) {
      const n = shape[d]!;
      const bit = 1 << d;
      if (r() < 0.15) {
        // Shrink: one index, stride 1, the dimension dropped from the output.
        const b = int(r, 0, n - 1);
        shrinkMask |= bit;
        begin.push(r() < 0.3 ? b - n : b);
        end.push(b + 1);
        strides.push(1);
        continue;
      }
      const stride = r() < 0.25 ? -int(r, 1, 2) : int(r, 1, 3);
      let b = int(r, 0, n - 1);
      // A negative stride runs from b down to just above e; e = −1 (through index 0) can only
      // be said with the end mask, since −1 as a value means the last index.
      let e = stride > 0 ? int(r, b + 1, n) : int(r, -1, b - 1);
      if (r() < 0.2) {
        beginMask |= bit;
        b = stride > 0 ? 0 : n - 1;
      }
      if (r() < 0.2 || e < 0) {
        endMask |= bit;
        e = stride > 0 ? n : -1;
      }
      out.push(Math.max(0, Math.ceil((e - b) / stride)));
      begin.push(!(beginMask & bit) && r() < 0.3 ? b - n : b);
      end.push(endMask & bit ? 0 : e);
      strides.push(stride);
    }
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const t = (name: string, v: number[]) => sg.tensor({ name, shape: [rank], dtype: 'int32', data: Int32Array.from(v) });
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: q });
    sg.op({
      op: 'STRIDED_SLICE',
      inputs: [x.tensor, t('begin', begin), t('end', end), t('strides', strides)],
      outputs: [y],
      options: makeOptions('StridedSliceOptions', { beginMask, endMask, shrinkAxisMask: shrinkMask }),
      version: dtype === 'int16' ? 4 : 1,
    });
    return {
      name: `STRIDED_SLICE ${dtype} [${shape}] b[${begin}] e[${end}] s[${strides}] masks ${beginMask},${endMask},${shrinkMask}`,
      inputs: [x],
      outputs: [y],
    };
  };
}

/** SLICE: rank 1 to 5, begin anywhere in the axis, a size of −1 (to the end) now and then, int32 or int64 indices. */
function slice(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 5);
    const shape = randomShape(r, rank, rank > 3 ? 3 : 6);
    const begin = shape.map((n) => int(r, 0, n - 1));
    const size = shape.map((n, d) => (r() < 0.2 ? -1 : int(r, 1, n - begin[d]!)));
    const out = size.map((s, d) => (s === -1 ? shape[d]! - begin[d]! : s));
    const wide = r() < 0.3;
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const t = (name: string, v: number[]) =>
      wide
        ? sg.tensor({ name, shape: [rank], dtype: 'int64', data: BigInt64Array.from(v, (k) => BigInt(k)) })
        : sg.tensor({ name, shape: [rank], dtype: 'int32', data: Int32Array.from(v) });
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: q });
    sg.op({ op: 'SLICE', inputs: [x.tensor, t('begin', begin), t('size', size)], outputs: [y], version: dtype === 'int16' ? 4 : dtype === 'int8' ? 2 : 1 });
    return { name: `SLICE ${dtype} [${shape}] b[${begin}] s[${size}]${wide ? ' int64' : ''}`, inputs: [x], outputs: [y] };
  };
}

function resize(op: 'RESIZE_BILINEAR' | 'RESIZE_NEAREST_NEIGHBOR', dtype: 'float32' | 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const shape = [int(r, 1, 2), int(r, 1, 6), int(r, 1, 6), int(r, 1, 4)];
    const outH = int(r, 1, 12);
    const outW = int(r, 1, 12);
    const alignCorners = r() < 0.3;
    const halfPixelCenters = !alignCorners && r() < 0.5;
    const q = actQuant(r, dtype);
    const x = inputTensor(r, sg, 'x', dtype, shape, q);
    const size = sg.tensor({ name: 'size', shape: [2], dtype: 'int32', data: Int32Array.from([outH, outW]) });
    const y = sg.tensor({ name: 'y', shape: [shape[0]!, outH, outW, shape[3]!], dtype, quantization: q });
    const options =
      op === 'RESIZE_BILINEAR'
        ? makeOptions('ResizeBilinearOptions', { alignCorners, halfPixelCenters })
        : makeOptions('ResizeNearestNeighborOptions', { alignCorners, halfPixelCenters });
    sg.op({ op, inputs: [x.tensor, size], outputs: [y], options, version: 3 });
    return { name: `${op} ${dtype} [${shape}]→${outH}x${outW}${alignCorners ? ' align' : ''}${halfPixelCenters ? ' half' : ''}`, inputs: [x], outputs: [y] };
  };
}

// ── comparisons, SELECT_V2, ABS, CAST ───────────────────────────────────────────────────────

/** The element types these ops add to `Flavor`. */
type Wide = Flavor | 'int64' | 'bool' | 'uint32';

/** Values of `dtype`; `narrow` draws from a few small values, so that ties and equalities occur. */
function wideValues(r: Rand, dtype: Wide, n: number, narrow: boolean): TensorData {
  const small = () => int(r, -3, 3);
  switch (dtype) {
    case 'bool':
      return Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    case 'int64':
      return BigInt64Array.from({ length: n }, () => BigInt(narrow ? small() : int(r, -(2 ** 40), 2 ** 40)));
    case 'uint32':
      return Int32Array.from({ length: n }, () => (narrow ? int(r, 0, 6) : int(r, 0, 2 ** 31 - 1) * 2 + int(r, 0, 1)) | 0);
    case 'float32':
      return narrow ? Float32Array.from({ length: n }, () => small() / 2) : randomValues(r, dtype, n, 4);
    case 'int8':
      return narrow ? Int8Array.from({ length: n }, small) : randomValues(r, dtype, n);
    case 'int16':
      return narrow ? Int16Array.from({ length: n }, small) : randomValues(r, dtype, n);
    case 'int32':
      return narrow ? Int32Array.from({ length: n }, small) : Int32Array.from({ length: n }, () => int(r, -(2 ** 31), 2 ** 31 - 1));
  }
}

function wideInput(r: Rand, sg: SubgraphBuilder, name: string, dtype: Wide, shape: readonly number[], q: QuantParams | undefined, narrow: boolean) {
  const tensor = sg.tensor({ name, shape, dtype, quantization: q });
  return { tensor, bytes: bytesOf(wideValues(r, dtype, count(shape), narrow)) };
}

type Comparison = 'EQUAL' | 'NOT_EQUAL' | 'GREATER' | 'GREATER_EQUAL' | 'LESS' | 'LESS_EQUAL';

/**
 * A comparison of two broadcast inputs into a bool output. Quantized inputs get scales of their
 * own (a third of the time the same), which TFLM rescales before comparing; half the cases
 * draw from a few small values so that equal inputs occur.
 */
function comparison(op: Comparison, dtype: Wide): FragmentMaker {
  return (r, sg) => {
    const { a, b, out } = broadcastShapes(r);
    const narrow = r() < 0.5;
    const quantized = dtype === 'int8' || dtype === 'int16';
    // Scales below 1 (times relatedScale's 8 at most): TFLM aborts on larger ones.
    const scale = logUniform(r, 0.002, 0.12);
    const qa = quantized ? actQuant(r, dtype, scale) : undefined;
    const qb = quantized ? actQuant(r, dtype, r() < 0.3 ? scale : relatedScale(r, scale)) : undefined;
    const x1 = wideInput(r, sg, 'a', dtype, a, qa, narrow);
    const constant = r() < 0.25;
    const x2 = constant
      ? { tensor: sg.tensor({ name: 'b', shape: b, dtype, data: wideValues(r, dtype, count(b), narrow), quantization: qb }), bytes: undefined }
      : wideInput(r, sg, 'b', dtype, b, qb, narrow);
    const y = sg.tensor({ name: 'y', shape: out, dtype: 'bool' });
    sg.op({ op, inputs: [x1.tensor, x2.tensor], outputs: [y], version: dtype === 'int8' ? 2 : 1 });
    const inputs = x2.bytes ? [x1, { tensor: x2.tensor, bytes: x2.bytes }] : [x1];
    return { name: `${op} ${dtype} [${a}]·[${b}]${constant ? ' const' : ''}${narrow ? ' narrow' : ''}`, inputs, outputs: [y] };
  };
}

/** Three shapes that broadcast to a fourth (ranks up to 4), or one shape for all. */
function selectShapes(r: Rand): { c: number[]; x: number[]; y: number[]; out: number[] } {
  const rank = int(r, 1, 4);
  const full = randomShape(r, rank, 4);
  if (r() < 0.3) return { c: [...full], x: [...full], y: [...full], out: full };
  const thin = (): number[] => {
    const t = full.map((d) => (r() < 0.4 ? 1 : d));
    return r() < 0.25 ? t.slice(int(r, 0, rank)) : t;
  };
  const c = thin();
  // TFLM's Prepare wants the output of the largest input rank: x keeps it.
  const x = full.map((d) => (r() < 0.4 ? 1 : d));
  const y = thin();
  const at = (s: readonly number[], i: number) => s[i - (rank - s.length)] ?? 1;
  const out = full.map((_, i) => Math.max(at(c, i), at(x, i), at(y, i)));
  return { c, x, y, out };
}

/** SELECT_V2: a bool condition, x, y and the output of one type and one quantization. */
function selectV2(dtype: 'float32' | 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const { c, x, y, out } = selectShapes(r);
    const q = actQuant(r, dtype);
    const cond = wideInput(r, sg, 'condition', 'bool', c, undefined, false);
    const xs = inputTensor(r, sg, 'x', dtype, x, q);
    const ys = inputTensor(r, sg, 'y', dtype, y, q);
    const o = sg.tensor({ name: 'out', shape: out, dtype, quantization: q });
    sg.op({ op: 'SELECT_V2', inputs: [cond.tensor, xs.tensor, ys.tensor], outputs: [o] });
    return { name: `SELECT_V2 ${dtype} [${c}]?[${x}]:[${y}]`, inputs: [cond, xs, ys], outputs: [o] };
  };
}

/**
 * ABS: int8 any zero points and scales, the output scale a third of the time the input's (no
 * rescale); int16 zero points 0, and a quarter of the time without quantization at all.
 */
function abs(dtype: 'float32' | 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 4), 6);
    const plain = dtype === 'int16' && r() < 0.25;
    const qx = plain ? undefined : actQuant(r, dtype);
    const qy = !qx ? undefined : r() < 0.3 ? qx : actQuant(r, dtype, relatedScale(r, qx.scale[0]! * (dtype === 'int16' ? 256 : 1)));
    // Not inputTensor's default quantization: `plain` has none.
    const x = { tensor: sg.tensor({ name: 'x', shape, dtype, quantization: qx }), bytes: bytesOf(randomValues(r, dtype, count(shape), 4)) };
    const y = sg.tensor({ name: 'y', shape, dtype, quantization: qy });
    sg.op({ op: 'ABS', inputs: [x.tensor], outputs: [y], version: dtype === 'int16' ? 3 : dtype === 'int8' ? 2 : 1 });
    return { name: `ABS ${dtype}${plain ? ' unquantized' : ''} [${shape}]`, inputs: [x], outputs: [y] };
  };
}

/** CAST from one type to another, values in the output's range half the time (else wrapped). */
function cast(from: Wide, to: Wide): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 4), 6);
    const narrow = r() < 0.5;
    const tensor = sg.tensor({ name: 'x', shape, dtype: from });
    let values = wideValues(r, from, count(shape), narrow);
    // Floats inside int32 (C++ leaves the rest undefined), and not negative for uint32.
    if (from === 'float32') values = Float32Array.from(values as Float32Array, (v) => (to === 'uint32' ? Math.abs(v) : v) * (narrow ? 1 : 1e5 * r()));
    const y = sg.tensor({ name: 'y', shape, dtype: to });
    sg.op({
      op: 'CAST',
      inputs: [tensor],
      outputs: [y],
      options: makeOptions('CastOptions', { inDataType: from.toUpperCase() as Uppercase<Wide>, outDataType: to.toUpperCase() as Uppercase<Wide> }),
    });
    return { name: `CAST ${from}→${to} [${shape}]`, inputs: [{ tensor, bytes: bytesOf(values) }], outputs: [y] };
  };
}

/** Every signature TFLM's comparisons.cc takes, per op. */
const COMPARISON_TYPES: Readonly<Record<Comparison, readonly Wide[]>> = {
  EQUAL: ['float32', 'int8', 'int32', 'int64', 'bool'],
  NOT_EQUAL: ['float32', 'int8', 'int32', 'int64', 'bool'],
  GREATER: ['float32', 'int8', 'int16', 'int32', 'int64'],
  GREATER_EQUAL: ['float32', 'int8', 'int32', 'int64'],
  LESS: ['float32', 'int8', 'int32', 'int64'],
  LESS_EQUAL: ['float32', 'int8', 'int32', 'int64'],
};

const CAST_FROM: readonly Wide[] = ['float32', 'int8', 'int16', 'int32', 'uint32', 'bool'];
const CAST_TO: readonly Wide[] = ['float32', 'int8', 'int16', 'int32', 'uint32'];
// ── ops whose int16 form TFLM runs (the audit in docs/runtime.md), in every type it takes ─────

/** Types the raw-copy ops take beyond the usual four: their bytes are drawn directly. */
export type RawFlavor = Flavor | 'uint8' | 'int64' | 'bool';

/** An input tensor of any raw flavor with random contents (bool: 0 or 1; others over their range), and its quantization. */
function rawInput(r: Rand, sg: SubgraphBuilder, name: string, dtype: RawFlavor, shape: readonly number[], given?: QuantParams) {
  const n = count(shape);
  if (dtype === 'uint8' || dtype === 'bool' || dtype === 'int64') {
    const q = dtype === 'uint8' ? (given ?? quant(logUniform(r, 0.002, 0.2), int(r, 0, 255))) : undefined;
    const tensor = sg.tensor({ name, shape, dtype, quantization: q });
    const bytes =
      dtype === 'int64'
        ? new Uint8Array(BigInt64Array.from({ length: n }, () => BigInt(int(r, -1e6, 1e6)) * BigInt(int(r, 1, 1e6))).buffer)
        : Uint8Array.from({ length: n }, () => (dtype === 'bool' ? int(r, 0, 1) : int(r, 0, 255)));
    return { tensor, bytes, q };
  }
  const q = given ?? actQuant(r, dtype);
  return { ...inputTensor(r, sg, name, dtype, shape, q), q };
}

/**
 * RSQRT: inputs at or above the zero point (TFLM fails the invoke below it), the zero point
 * itself among them (the type's maximum); int16 symmetric. Output scales around the largest
 * result 1/√s_in, wide enough to clamp now and then.
 */
function rsqrt(dtype: 'float32' | 'int8' | 'int16'): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 4), 5);
    const n = count(shape);
    if (dtype === 'float32') {
      const tensor = sg.tensor({ name: 'x', shape, dtype });
      const values = Float32Array.from({ length: n }, () => Math.fround(logUniform(r, 1e-4, 100)));
      const y = sg.tensor({ name: 'y', shape, dtype });
      sg.op({ op: 'RSQRT', inputs: [tensor], outputs: [y] });
      return { name: `RSQRT float32 [${shape}]`, inputs: [{ tensor, bytes: bytesOf(values) }], outputs: [y] };
    }
    const inScale = dtype === 'int8' ? logUniform(r, 0.005, 0.5) : logUniform(r, 1e-5, 1e-2);
    const zpIn = dtype === 'int8' ? int(r, -128, 100) : 0;
    const top = dtype === 'int8' ? 127 : 32767;
    const largest = 1 / Math.sqrt(inScale);
    const outScale = Math.fround((largest / top) * logUniform(r, 0.25, 4));
    const zpOut = dtype === 'int8' ? int(r, -128, 0) : 0;
    const tensor = sg.tensor({ name: 'x', shape, dtype, quantization: quant(Math.fround(inScale), zpIn) });
    const values = Array.from({ length: n }, () => (r() < 0.1 ? zpIn : int(r, zpIn, top)));
    const data = dtype === 'int8' ? Int8Array.from(values) : Int16Array.from(values);
    const y = sg.tensor({ name: 'y', shape, dtype, quantization: quant(outScale, zpOut) });
    sg.op({ op: 'RSQRT', inputs: [tensor], outputs: [y], version: dtype === 'int8' ? 2 : 3 });
    return {
      name: `RSQRT ${dtype} [${shape}] s ${inScale.toPrecision(3)}→${outScale.toPrecision(3)} zp ${zpIn}→${zpOut}`,
      inputs: [{ tensor, bytes: bytesOf(data) }],
      outputs: [y],
    };
  };
}

/** BROADCAST_TO: an output of rank 1 to 5, the input the same with some dimensions 1 and maybe fewer leading ones. */
function broadcastTo(dtype: RawFlavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 5);
    const out = randomShape(r, rank, rank > 3 ? 3 : 4);
    const dropped = int(r, 0, rank - 1);
    const shape = out.slice(dropped).map((d) => (r() < 0.5 ? 1 : d));
    const x = rawInput(r, sg, 'x', dtype, shape);
    const wide = r() < 0.3;
    const s = wide
      ? sg.tensor({ name: 'shape', shape: [rank], dtype: 'int64', data: BigInt64Array.from(out, (d) => BigInt(d)) })
      : sg.tensor({ name: 'shape', shape: [rank], dtype: 'int32', data: Int32Array.from(out) });
    const y = sg.tensor({ name: 'y', shape: out, dtype, quantization: x.q });
    sg.op({ op: 'BROADCAST_TO', inputs: [x.tensor, s], outputs: [y], version: 2 });
    return { name: `BROADCAST_TO ${dtype} [${shape}]→[${out}]${wide ? ' int64' : ''}`, inputs: [x], outputs: [y] };
  };
}

/** SHAPE of an input of rank 0 to 5 (TFLM writes int32 only). */
function shapeOp(dtype: RawFlavor): FragmentMaker {
  return (r, sg) => {
    const shape = randomShape(r, int(r, 1, 5), 4);
    const x = rawInput(r, sg, 'x', dtype, shape);
    const y = sg.tensor({ name: 'y', shape: [shape.length], dtype: 'int32' });
    sg.op({ op: 'SHAPE', inputs: [x.tensor], outputs: [y], options: makeOptions('ShapeOptions', { outType: 'INT32' }) });
    return { name: `SHAPE ${dtype} [${shape}]`, inputs: [x], outputs: [y] };
  };
}

/** REVERSE_V2 along a contiguous run of axes, given in any order, some negative. */
function reverseV2(dtype: RawFlavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 5);
    const shape = randomShape(r, rank, rank > 3 ? 3 : 5);
    const first = int(r, 0, rank - 1);
    const last = int(r, first, rank - 1);
    const axes = Array.from({ length: last - first + 1 }, (_, k) => first + k).map((a) => (r() < 0.3 ? a - rank : a));
    if (r() < 0.5) axes.reverse();
    const x = rawInput(r, sg, 'x', dtype, shape);
    const a = sg.tensor({ name: 'axis', shape: [axes.length], dtype: 'int32', data: Int32Array.from(axes) });
    const y = sg.tensor({ name: 'y', shape, dtype, quantization: x.q });
    sg.op({ op: 'REVERSE_V2', inputs: [x.tensor, a], outputs: [y] });
    return { name: `REVERSE_V2 ${dtype} [${shape}] axes [${axes}]`, inputs: [x], outputs: [y] };
  };
}

/**
 * DYNAMIC_UPDATE_SLICE: an update no larger than the operand, start indices int32 or int64,
 * constant or a model input, some past either end (TFLM clamps them); now and then an update
 * as large as the operand. The update's quantization may differ: TFLM copies raw values.
 */
function dynamicUpdateSlice(dtype: Flavor): FragmentMaker {
  return (r, sg) => {
    const rank = int(r, 1, 4);
    const shape = randomShape(r, rank, 5);
    const whole = r() < 0.1;
    const upd = shape.map((d) => (whole ? d : int(r, 1, d)));
    const starts = shape.map((d, k) => int(r, -2, d - upd[k]! + 2));
    const x = rawInput(r, sg, 'x', dtype, shape);
    const u = rawInput(r, sg, 'u', dtype, upd, r() < 0.5 ? x.q : actQuant(r, dtype));
    const wide = r() < 0.3;
    const values = wide ? new Uint8Array(BigInt64Array.from(starts, (v) => BigInt(v)).buffer) : new Uint8Array(Int32Array.from(starts).buffer);
    const asInput = r() < 0.5;
    const indexType = wide ? 'int64' : 'int32';
    const s = asInput
      ? sg.tensor({ name: 'start', shape: [rank], dtype: indexType })
      : sg.tensor({ name: 'start', shape: [rank], dtype: indexType, data: values });
    const y = sg.tensor({ name: 'y', shape, dtype, quantization: x.q });
    sg.op({ op: 'DYNAMIC_UPDATE_SLICE', inputs: [x.tensor, u.tensor, s], outputs: [y] });
    return {
      name: `DYNAMIC_UPDATE_SLICE ${dtype} [${shape}] ← [${upd}] at [${starts}]${wide ? ' int64' : ''}${asInput ? ' (input)' : ''}`,
      inputs: asInput ? [x, u, { tensor: s, bytes: values }] : [x, u],
      outputs: [y],
    };
  };
}

/** Every op, dtype and variant the property tests cover, by a stable name. */
export const OP_CASES: Readonly<Record<string, FragmentMaker>> = {
  'CONV_2D float32': conv2d('float32'),
  'CONV_2D int8': conv2d('int8'),
  'DEPTHWISE_CONV_2D float32': depthwise('float32'),
  'DEPTHWISE_CONV_2D int8': depthwise('int8'),
  'FULLY_CONNECTED float32': fullyConnected('float32'),
  'FULLY_CONNECTED int8': fullyConnected('int8'),
  'TRANSPOSE_CONV float32': transposeConv('float32'),
  'TRANSPOSE_CONV int8': transposeConv('int8'),
  'BATCH_MATMUL float32': batchMatmul('float32'),
  'BATCH_MATMUL int8': batchMatmul('int8'),
  'BATCH_MATMUL int16': batchMatmul('int16'),
  ...Object.fromEntries(
    (['AVERAGE_POOL_2D', 'MAX_POOL_2D'] as const).flatMap((op) => (['float32', 'int8', 'int16'] as const).map((d) => [`${op} ${d}`, pool(op, d)])),
  ),
  ...Object.fromEntries(
    (['ADD', 'SUB', 'MUL'] as const).flatMap((op) => (['float32', 'int8', 'int16', 'int32'] as const).map((d) => [`${op} ${d}`, binary(op, d)])),
  ),
  ...Object.fromEntries((['float32', 'int8', 'int16', 'int32'] as const).map((d) => [`SQUARED_DIFFERENCE ${d}`, squaredDifference(d)])),
  ...Object.fromEntries((['float32', 'int8', 'int16'] as const).map((d) => [`MEAN ${d}`, mean(d)])),
  ...Object.fromEntries((['float32', 'int8', 'int16'] as const).map((d) => [`SUM ${d}`, mean(d, 'SUM')])),
  // int16 SOFTMAX, LOGISTIC and TANH need TFLM's fixed output scales: test/core/runtime16x8.test.ts has them.
  ...Object.fromEntries(
    (['SOFTMAX', 'LOGISTIC', 'TANH', 'RELU', 'RELU6', 'LEAKY_RELU'] as const).flatMap((op) =>
      (['RELU', 'RELU6', 'LEAKY_RELU'].includes(op) ? (['float32', 'int8', 'int16'] as const) : (['float32', 'int8'] as const)).map((d) => [
        `${op} ${d}`,
        unary(op, d),
      ]),
    ),
  ),
  'SOFTMAX int8→int16': unary('SOFTMAX', 'int8', 'int16'),
  'HARD_SWISH float32': unary('HARD_SWISH', 'float32'),
  'HARD_SWISH int8': unary('HARD_SWISH', 'int8'),
  'PRELU float32': prelu('float32'),
  'PRELU int8': prelu('int8'),
  ...Object.fromEntries(
    (
      [
        ['float32', 'int8'],
        ['float32', 'int16'],
        ['int8', 'int8'],
        ['int8', 'int16'],
        ['int8', 'int32'],
        ['int16', 'int8'],
        ['int16', 'int16'],
        ['int16', 'int32'],
      ] as const
    ).map(([a, b]) => [`QUANTIZE ${a}→${b}`, quantize(a, b)]),
  ),
  'DEQUANTIZE int8': dequantize('int8'),
  'DEQUANTIZE int16': dequantize('int16'),
  ...Object.fromEntries(
    (['float32', 'int8', 'int16', 'int32'] as const).flatMap((d) => [
      [`PAD ${d}`, pad('PAD', d)],
      [`PADV2 ${d}`, pad('PADV2', d)],
      [`RESHAPE ${d}`, reshape(d)],
      // TFLM's TRANSPOSE refuses int32 (at Invoke); the runtime accepts it.
      ...(d === 'int32' ? [] : [[`TRANSPOSE ${d}`, transpose(d)]]),
      [`CONCATENATION ${d}`, concatenation(d)],
      [`STRIDED_SLICE ${d}`, stridedSlice(d)],
      [`SLICE ${d}`, slice(d)],
      [`MAXIMUM ${d}`, extremum('MAXIMUM', d)],
      [`MINIMUM ${d}`, extremum('MINIMUM', d)],
      // TFLM's EXPAND_DIMS takes float32, int8 and int16.
      ...(d === 'int32' ? [] : [[`EXPAND_DIMS ${d}`, expandDims(d)]]),
      [`PACK ${d}`, packing('PACK', d)],
      [`UNPACK ${d}`, packing('UNPACK', d)],
      [`SPLIT ${d}`, split('SPLIT', d)],
      [`SPLIT_V ${d}`, split('SPLIT_V', d)],
    ]),
  ),
  ...Object.fromEntries(
    (['RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR'] as const).flatMap((op) =>
      // TFLM's RESIZE_BILINEAR takes float32 and int8 only.
      (op === 'RESIZE_BILINEAR' ? (['float32', 'int8'] as const) : (['float32', 'int8', 'int16'] as const)).map((d) => [`${op} ${d}`, resize(op, d)]),
    ),
  ),
  ...Object.fromEntries(
    (Object.entries(COMPARISON_TYPES) as [Comparison, readonly Wide[]][]).flatMap(([op, types]) => types.map((d) => [`${op} ${d}`, comparison(op, d)])),
  ),
  ...Object.fromEntries(
    (['float32', 'int8', 'int16'] as const).flatMap((d) => [
      [`SELECT_V2 ${d}`, selectV2(d)],
      [`ABS ${d}`, abs(d)],
    ]),
  ),
  ...Object.fromEntries(CAST_FROM.flatMap((a) => CAST_TO.filter((b) => b !== a).map((b) => [`CAST ${a}→${b}`, cast(a, b)]))),
  ...Object.fromEntries((['float32', 'int8', 'int16'] as const).map((d) => [`RSQRT ${d}`, rsqrt(d)])),
  ...Object.fromEntries(
    (['float32', 'int8', 'int16', 'int32', 'uint8', 'int64', 'bool'] as const).flatMap((d) => [
      [`BROADCAST_TO ${d}`, broadcastTo(d)],
      [`REVERSE_V2 ${d}`, reverseV2(d)],
    ]),
  ),
  ...Object.fromEntries((['float32', 'int8', 'int16', 'int32', 'bool'] as const).map((d) => [`SHAPE ${d}`, shapeOp(d)])),
  ...Object.fromEntries((['float32', 'int8', 'int16', 'int32'] as const).map((d) => [`DYNAMIC_UPDATE_SLICE ${d}`, dynamicUpdateSlice(d)])),
};

/**
 * A model of `fragments` side by side, drawn from `seed`: each fragment's inputs become model
 * inputs and its outputs model outputs, in order.
 */
export function randomModel(seed: number, makers: readonly FragmentMaker[]): RandomModel {
  const r = prng(seed);
  const g = new GraphBuilder('random model for property tests');
  const sg = g.subgraph('main');
  const frags = makers.map((make) => make(r, sg, g));
  const inputs = frags.flatMap((f) => f.inputs);
  const outputs = frags.flatMap((f) => f.outputs);
  sg.io(
    inputs.map((i) => i.tensor),
    outputs,
  );
  return {
    graph: g.build(),
    inputs: inputs.map((i) => i.bytes),
    outputNames: frags.flatMap((f) => f.outputs.map(() => f.name)),
    fragments: frags.map((f) => f.name),
  };
}

export type { DType };

/**
 * An int8 model of a common mobile architecture, as TFLite's converter writes a small
 * MobileNetV2: an explicit PAD before each stride-2 convolution (Keras' ZeroPadding2D), 1×1
 * expansion, 3×3 depthwise and 1×1 projection convolutions with per-channel weights, residual
 * ADDs, MEAN over H and W that keeps the input's quantization (as the converter gives a global
 * average pool), a TRANSPOSE and RESHAPE of the pooled features and a FULLY_CONNECTED of
 * `classes` outputs. Activation quantization is realistic: RELU6 outputs at 6/255 with zero
 * point −128, other tensors at their own scales and zero points.
 */
export function mobileNetLike(seed: number, options: { readonly size?: number; readonly classes?: number } = {}): RandomModel {
  const r = prng(seed);
  const size = options.size ?? 32;
  const classes = options.classes ?? 1000;
  const g = new GraphBuilder('MobileNet-like int8 model for the TFLM property tests');
  const sg = g.subgraph('main');
  const relu6 = quant(6 / 255, -128);
  const act = (name: string, shape: readonly number[], q = quant(logUniform(r, 0.03, 0.15), int(r, -20, 20))) => ({
    t: sg.tensor({ name, shape, dtype: 'int8', quantization: q }),
    shape,
    q,
  });
  type Act = ReturnType<typeof act>;
  const sIn = (a: Act) => a.q.scale[0]!;

  const conv = (x: Act, name: string, outC: number, k: number, stride: number, padding: Padding, out: QuantParams | 'relu6', depthwise = false): Act => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const outH = computeOutSize(padding, h, k, stride, 1);
    const outW = computeOutSize(padding, w, k, stride, 1);
    const channels = depthwise ? c : outC;
    const y = act(`${name}/out`, [n, outH, outW, channels], out === 'relu6' ? relu6 : out);
    const sW = Array.from({ length: channels }, () => logUniform(r, 0.002, 0.03));
    const wShape = depthwise ? [1, k, k, c] : [outC, k, k, c];
    const wt = sg.tensor({
      name: `${name}/w`,
      shape: wShape,
      dtype: 'int8',
      data: randomValues(r, 'int8', count(wShape)),
      quantization: quant(sW, 0, depthwise ? 3 : 0),
    });
    const bias = sg.tensor({
      name: `${name}/b`,
      shape: [channels],
      dtype: 'int32',
      data: Int32Array.from({ length: channels }, (_, i) => Math.round(((r() * 2 - 1) * 0.5) / (sIn(x) * sW[i]!))),
      quantization: quant(
        sW.map((s) => sIn(x) * s),
        0,
      ),
    });
    const fused = out === 'relu6' ? 'RELU6' : 'NONE';
    sg.op(
      depthwise
        ? {
            op: 'DEPTHWISE_CONV_2D',
            inputs: [x.t, wt, bias],
            outputs: [y.t],
            options: makeOptions('DepthwiseConv2DOptions', {
              padding,
              strideW: stride,
              strideH: stride,
              depthMultiplier: 1,
              fusedActivationFunction: fused,
              dilationWFactor: 1,
              dilationHFactor: 1,
            }),
            version: 3,
          }
        : {
            op: 'CONV_2D',
            inputs: [x.t, wt, bias],
            outputs: [y.t],
            options: makeOptions('Conv2DOptions', {
              padding,
              strideW: stride,
              strideH: stride,
              fusedActivationFunction: fused,
              dilationWFactor: 1,
              dilationHFactor: 1,
            }),
            version: 3,
          },
    );
    return y;
  };
  const pad = (x: Act, name: string): Act => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    // Keras' "correct_pad" for a stride-2 3×3 on even sizes: one row/column before, one after.
    const paddings = sg.tensor({ name: `${name}/paddings`, shape: [4, 2], dtype: 'int32', data: Int32Array.from([0, 0, 0, 1, 0, 1, 0, 0]) });
    const y = act(`${name}/out`, [n, h + 1, w + 1, c], x.q);
    sg.op({ op: 'PAD', inputs: [x.t, paddings], outputs: [y.t] });
    return y;
  };
  const add = (a: Act, b: Act, name: string): Act => {
    const y = act(`${name}/out`, a.shape, quant(Math.fround((sIn(a) + sIn(b)) * logUniform(r, 0.6, 1)), int(r, -10, 10)));
    sg.op({
      op: 'ADD',
      inputs: [a.t, b.t],
      outputs: [y.t],
      options: makeOptions('AddOptions', { fusedActivationFunction: 'NONE', potScaleInt16: false }),
      version: 2,
    });
    return y;
  };
  const block = (x: Act, name: string, expand: number, outC: number, stride: number): Act => {
    const c = x.shape[3]!;
    let h = expand === 1 ? x : conv(x, `${name}/expand`, c * expand, 1, 1, 'VALID', 'relu6');
    h = stride === 2 ? conv(pad(h, `${name}/pad`), `${name}/dw`, 0, 3, 2, 'VALID', 'relu6', true) : conv(h, `${name}/dw`, 0, 3, 1, 'SAME', 'relu6', true);
    const projected = conv(h, `${name}/project`, outC, 1, 1, 'VALID', quant(logUniform(r, 0.03, 0.15), int(r, -20, 20)));
    return stride === 1 && c === outC ? add(x, projected, `${name}/add`) : projected;
  };

  const input = act('input', [1, size, size, 3], quant(1 / 128, 0));
  let x = conv(pad(input, 'stem/pad'), 'stem', 16, 3, 2, 'VALID', 'relu6');
  x = block(x, 'b1', 1, 8, 1);
  x = block(x, 'b2', 6, 12, 2);
  x = block(x, 'b3', 6, 12, 1);
  x = block(x, 'b4', 6, 16, 2);
  x = block(x, 'b5', 6, 16, 1);
  x = conv(x, 'head', 64, 1, 1, 'VALID', 'relu6');
  const channels = x.shape[3]!;
  const axes = sg.tensor({ name: 'pool/axes', shape: [2], dtype: 'int32', data: Int32Array.from([1, 2]) });
  const pooled = act('pool/out', [1, 1, 1, channels], x.q);
  sg.op({ op: 'MEAN', inputs: [x.t, axes], outputs: [pooled.t], options: makeOptions('ReducerOptions', { keepDims: true }), version: 2 });
  const perm = sg.tensor({ name: 'transpose/perm', shape: [4], dtype: 'int32', data: Int32Array.from([0, 3, 1, 2]) });
  const transposed = act('transpose/out', [1, channels, 1, 1], x.q);
  sg.op({ op: 'TRANSPOSE', inputs: [pooled.t, perm], outputs: [transposed.t] });
  const shape = sg.tensor({ name: 'reshape/shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, channels]) });
  const flat = act('reshape/out', [1, channels], x.q);
  sg.op({ op: 'RESHAPE', inputs: [transposed.t, shape], outputs: [flat.t] });
  const sW = logUniform(r, 0.002, 0.01);
  const fcW = sg.tensor({
    name: 'logits/w',
    shape: [classes, channels],
    dtype: 'int8',
    data: randomValues(r, 'int8', classes * channels),
    quantization: quant(sW, 0),
  });
  const fcB = sg.tensor({
    name: 'logits/b',
    shape: [classes],
    dtype: 'int32',
    data: Int32Array.from({ length: classes }, () => int(r, -2000, 2000)),
    quantization: quant(Math.fround(sIn(flat) * sW), 0),
  });
  const logits = act('logits', [1, classes], quant(0.08, int(r, -10, 10)));
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [flat.t, fcW, fcB],
    outputs: [logits.t],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'NONE', weightsFormat: 'DEFAULT', keepNumDims: false }),
    version: 4,
  });
  sg.io([input.t], [logits.t]);
  return {
    graph: g.build(),
    inputs: [bytesOf(randomValues(r, 'int8', size * size * 3))],
    outputNames: ['logits'],
    fragments: ['MobileNet-like'],
  };
}

/** An activation flowing through a chain: its tensor, shape and quantization. */
interface Flow {
  readonly t: number;
  readonly shape: readonly number[];
  readonly q: QuantParams | undefined;
}

type ChainStep = (r: Rand, sg: SubgraphBuilder, x: Flow, dtype: 'float32' | 'int8', history: readonly Flow[]) => Flow;

const nextQuant = (r: Rand, dtype: 'float32' | 'int8', x: Flow): QuantParams | undefined =>
  dtype === 'int8' && x.q ? quant(relatedScale(r, x.q.scale[0]!), zeroPoint(r)) : undefined;

const CHAIN_STEPS: readonly ChainStep[] = [
  // CONV_2D, any kernel size, stride and padding, per-channel weights when int8.
  (r, sg, x, dtype) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const k = Math.min(int(r, 1, 3), h, w);
    const stride = int(r, 1, 2);
    const padding: Padding = r() < 0.5 ? 'SAME' : 'VALID';
    const outC = int(r, 1, 8);
    const shape = [n, computeOutSize(padding, h, k, stride, 1), computeOutSize(padding, w, k, stride, 1), outC];
    const sW = Array.from({ length: outC }, () => logUniform(r, 0.005, 0.05));
    const wShape = [outC, k, k, c];
    const wt = sg.tensor({
      name: 'w',
      shape: wShape,
      dtype,
      data: randomValues(r, dtype, count(wShape)),
      quantization: dtype === 'int8' ? quant(sW, 0, 0) : undefined,
    });
    const q =
      dtype === 'int8' && x.q ? quant(Math.fround(x.q.scale[0]! * sW[0]! * Math.sqrt(k * k * c) * 60 * logUniform(r, 0.3, 3)), zeroPoint(r)) : undefined;
    const y = sg.tensor({ name: 'conv', shape, dtype, quantization: q });
    const b =
      dtype === 'int8'
        ? sg.tensor({
            name: 'b',
            shape: [outC],
            dtype: 'int32',
            data: Int32Array.from({ length: outC }, () => int(r, -500, 500)),
            quantization: quant(sW.map((s) => x.q!.scale[0]! * s)),
          })
        : sg.tensor({ name: 'b', shape: [outC], dtype, data: randomValues(r, dtype, outC) });
    sg.op({
      op: 'CONV_2D',
      inputs: [x.t, wt, b],
      outputs: [y],
      options: makeOptions('Conv2DOptions', {
        padding,
        strideW: stride,
        strideH: stride,
        fusedActivationFunction: pick(r, ACTS),
        dilationWFactor: 1,
        dilationHFactor: 1,
      }),
      version: 3,
    });
    return { t: y, shape, q };
  },
  // Pools keep the quantization.
  (r, sg, x, dtype) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const f = Math.min(int(r, 1, 3), h, w);
    const stride = int(r, 1, 2);
    const padding: Padding = r() < 0.5 ? 'SAME' : 'VALID';
    const shape = [n, computeOutSize(padding, h, f, stride, 1), computeOutSize(padding, w, f, stride, 1), c];
    const y = sg.tensor({ name: 'pool', shape, dtype, quantization: x.q });
    const op = r() < 0.5 ? 'AVERAGE_POOL_2D' : 'MAX_POOL_2D';
    sg.op({
      op,
      inputs: [x.t],
      outputs: [y],
      options: makeOptions('Pool2DOptions', { padding, strideW: stride, strideH: stride, filterWidth: f, filterHeight: f, fusedActivationFunction: 'NONE' }),
    });
    return { t: y, shape, q: x.q };
  },
  // An activation.
  (r, sg, x, dtype) => {
    const op = pick(r, ['RELU', 'RELU6', 'LEAKY_RELU'] as const);
    const q = op === 'RELU6' && dtype === 'int8' ? x.q : nextQuant(r, dtype, x);
    const y = sg.tensor({ name: op.toLowerCase(), shape: x.shape, dtype, quantization: q });
    sg.op({ op, inputs: [x.t], outputs: [y], ...(op === 'LEAKY_RELU' ? { options: makeOptions('LeakyReluOptions', { alpha: Math.fround(0.2) }) } : {}) });
    return { t: y, shape: x.shape, q };
  },
  // ADD with an earlier activation of the same shape (a residual), else with itself.
  (r, sg, x, dtype, history) => {
    const same = history.filter((h) => h.shape.join() === x.shape.join() && h.t !== x.t);
    const other = same.length > 0 ? pick(r, same) : x;
    const q = nextQuant(r, dtype, x);
    const y = sg.tensor({ name: 'add', shape: x.shape, dtype, quantization: q });
    sg.op({
      op: 'ADD',
      inputs: [x.t, other.t],
      outputs: [y],
      options: makeOptions('AddOptions', { fusedActivationFunction: pick(r, ACTS), potScaleInt16: false }),
    });
    return { t: y, shape: x.shape, q };
  },
  // PAD around H and W.
  (r, sg, x, dtype) => {
    const pads = [0, 0, int(r, 0, 2), int(r, 0, 2), int(r, 0, 2), int(r, 0, 2), 0, 0];
    const shape = x.shape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
    const p = sg.tensor({ name: 'paddings', shape: [4, 2], dtype: 'int32', data: Int32Array.from(pads) });
    const y = sg.tensor({ name: 'pad', shape, dtype, quantization: x.q });
    sg.op({ op: 'PAD', inputs: [x.t, p], outputs: [y] });
    return { t: y, shape, q: x.q };
  },
  // TRANSPOSE that swaps H and W.
  (_r, sg, x, dtype) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const p = sg.tensor({ name: 'perm', shape: [4], dtype: 'int32', data: Int32Array.from([0, 2, 1, 3]) });
    const shape = [n, w, h, c];
    const y = sg.tensor({ name: 'transpose', shape, dtype, quantization: x.q });
    sg.op({ op: 'TRANSPOSE', inputs: [x.t, p], outputs: [y] });
    return { t: y, shape, q: x.q };
  },
  // CONCATENATION with itself along the channels.
  (_r, sg, x, dtype) => {
    const shape = [...x.shape.slice(0, 3), 2 * x.shape[3]!];
    const y = sg.tensor({ name: 'concat', shape, dtype, quantization: x.q });
    sg.op({ op: 'CONCATENATION', inputs: [x.t, x.t], outputs: [y], options: makeOptions('ConcatenationOptions', { axis: 3 }) });
    return { t: y, shape, q: x.q };
  },
];

/**
 * A chain of 2 to 6 random ops over a 4-D activation (convolution, pools, activations,
 * residual ADD, PAD, TRANSPOSE, CONCATENATION), ending in MEAN over H and W or in the last
 * op: tensors live across several operators, so the arena plan is exercised beyond one op.
 */
export function randomChain(seed: number, dtype: 'float32' | 'int8'): RandomModel {
  const r = prng(seed);
  const g = new GraphBuilder('random chain for property tests');
  const sg = g.subgraph('main');
  const shape = [1, int(r, 3, 12), int(r, 3, 12), int(r, 1, 6)];
  const x = inputTensor(r, sg, 'input', dtype, shape, dtype === 'int8' ? quant(logUniform(r, 0.01, 0.1), zeroPoint(r)) : undefined);
  const history: Flow[] = [{ t: x.tensor, shape, q: dtype === 'int8' ? sg.build().tensors[x.tensor]!.quantization : undefined }];
  const names: string[] = [];
  const steps = int(r, 2, 6);
  for (let i = 0; i < steps; i++) {
    const k = int(r, 0, CHAIN_STEPS.length - 1);
    history.push(CHAIN_STEPS[k]!(r, sg, history[history.length - 1]!, dtype, history));
    names.push(String(k));
  }
  let last = history[history.length - 1]!;
  if (r() < 0.5) {
    const axes = sg.tensor({ name: 'axes', shape: [2], dtype: 'int32', data: Int32Array.from([1, 2]) });
    const out = [last.shape[0]!, 1, 1, last.shape[3]!];
    const y = sg.tensor({ name: 'mean', shape: out, dtype, quantization: last.q });
    sg.op({ op: 'MEAN', inputs: [last.t, axes], outputs: [y], options: makeOptions('ReducerOptions', { keepDims: true }) });
    last = { t: y, shape: out, q: last.q };
    names.push('mean');
  }
  sg.io([x.tensor], [last.t]);
  const name = `chain ${dtype} [${shape}] steps ${names.join(',')}`;
  return { graph: g.build(), inputs: [x.bytes], outputNames: [name], fragments: [name] };
}
