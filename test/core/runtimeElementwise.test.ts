/**
 * Elementwise kernels (ADD, SUB, MUL, SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU,
 * HARD_SWISH, PRELU, QUANTIZE, DEQUANTIZE, MEAN).
 *
 * 1. TFLM golden: simple_add_model (a lone int8 ADD) through an interpreter holding only these
 *    kernels, bit for bit in 'tflm' mode. (The corpus models with SOFTMAX, QUANTIZE and
 *    DEQUANTIZE are in runtimeGolden.test.ts.)
 * 2. Random single-op models against tfjs-tflite. Each model's profile says which path the
 *    oracle took: XNNPACK (our 'xnnpack' mode) or its builtin kernel (our 'tflite' mode). Every
 *    quantized output must be identical, every float32 output within 1e-5 of the largest
 *    magnitude among the op's inputs and output. Half of the quantized models relate their
 *    scales by powers of two, so that many results fall exactly on a half and the rounding
 *    rules are actually exercised; the printed tally says on how many values one of our other
 *    modes would have answered differently (what the check can tell apart). What was learned
 *    about the oracle, per path:
 *    - builtin kernels round twice (TFLite is built without TFLITE_SINGLE_ROUNDING): RELU, RELU6,
 *      PRELU, LEAKY_RELU and integer QUANTIZE match double rounding on every value and single
 *      rounding misses hundreds, so 'tflite' uses double rounding in these kernels;
 *    - its int8 SOFTMAX, LOGISTIC and TANH are float32 tables (TFLite's LUT kernels, XNNPACK's
 *      sigmoid table), which 'tflite'/'xnnpack' build the same way: bit-exact, although those
 *      tables use the WASM libm's expf/tanhf and we use JavaScript's exp/tanh rounded to float32;
 *    - TFLite's SUB computes its multipliers in double where TFLM's current sub_common.cc uses
 *      float32 quotients (float32 misses about one int16 output in 6000), so 'tflite' divides in
 *      double;
 *    - int16 ADD, SUB and MUL (general path, pot_scale_int16 off) run TFLite's builtin kernel;
 *    - XNNPACK takes ADD, SUB, MUL, LOGISTIC, LEAKY_RELU, QUANTIZE (float → int8/uint8,
 *      int8 → int8, uint8 → uint8), DEQUANTIZE and MEAN over axes {1, 2} of 4-D inputs, with
 *      its own fixed-point or float32 requantization (see each kernel's header);
 *    - the oracle cannot run int8 → int16 QUANTIZE or HARD_SWISH version 2 (its TFLite is older),
 *      and its XNNPACK delegate mishandles a one-element float PRELU slope, so the generators
 *      avoid those.
 * 3. TFLM's fixed-point algorithms (SOFTMAX, LOGISTIC, TANH int8), which the oracle never runs,
 *    against float math within a quantization step, and TFLM-only semantics on hand-made cases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DType } from '../../src/model/dtype';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant, type TensorData } from '../../src/model/graphBuilder';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { KERNELS } from '../../src/runtime/kernels/elementwise';
import { tflmLogisticTable } from '../../src/runtime/kernels/elementwise/logistic';
import { tflmTanhTable } from '../../src/runtime/kernels/elementwise/tanh';
import { halfToFloat } from '../../src/runtime/kernels/elementwise/dequantize';
import { expOnNegativeValues, fixedLogistic, fixedTanh, getReciprocal, quantizeMultiplier, type Rounding } from '../../src/runtime/quant';
import { RuntimeError } from '../../src/runtime/types';
import { prng } from '../../src/util/prng';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { goldenRuns } from '../helpers/golden';
import { loadOracle } from '../oracles/tfjsTflite';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions, type BuiltinName, type OpOptions } from '../../src/model/ops';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const logUniform = (r: Rand, lo: number, hi: number): number => Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));
const countOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const randomShape = (r: Rand, rank: number, max = 5): number[] => Array.from({ length: rank }, () => int(r, 1, max));

function runOurs(bytes: Uint8Array, inputs: readonly Uint8Array[], rounding: Rounding): Uint8Array[] {
  const interpreter = new Interpreter(readModel(bytes), { rounding, kernels: KERNELS });
  inputs.forEach((b, i) => interpreter.setInputBytes(i, b));
  interpreter.invoke();
  return interpreter.outputs.map(tensorBytes);
}

describe('elementwise kernels on TFLite Micro golden data', { skip: SKIP_SHARED }, () => {
  test('simple_add_model (int8 ADD) is bit-exact with only these kernels', () => {
    const run = goldenRuns().find((g) => g.name === 'simple_add_model');
    assert.ok(run, 'golden data for simple_add_model');
    const ours = runOurs(corpusModel('simple_add_model'), run.inputs, 'tflm');
    assert.deepStrictEqual(ours, run.outputs);
  });
});

// ---------------------------------------------------------------------------------------
// Random single-op models.

interface Case {
  readonly name: string;
  readonly info?: string;
  readonly bytes: Uint8Array;
  readonly inputs: readonly Uint8Array[];
  /** Magnitudes the float tolerance is relative to (inputs and output). */
  readonly floatRef: number;
  readonly outDtype: DType;
}

type OpKind =
  | 'ADD'
  | 'SUB'
  | 'MUL'
  | 'SOFTMAX'
  | 'LOGISTIC'
  | 'TANH'
  | 'RELU'
  | 'RELU6'
  | 'LEAKY_RELU'
  | 'HARD_SWISH'
  | 'PRELU'
  | 'QUANTIZE'
  | 'DEQUANTIZE'
  | 'MEAN';
type Flavor = 'float32' | 'int8' | 'int16';

function randomQuant(r: Rand, dtype: DType): ReturnType<typeof quant> {
  const scale = logUniform(r, 0.002, 0.5);
  if (dtype === 'int16') return quant(scale / 256, 0);
  if (dtype === 'uint8') return quant(scale, int(r, 0, 255));
  return quant(scale, int(r, -128, 127));
}

/**
 * Half the time a scale related to `base` by a power of two: then many results land exactly on
 * a half, where the rounding rules of the runtimes part (half away from zero, half up, half to
 * even), which random scales almost never exercise.
 */
function relatedQuant(r: Rand, base: ReturnType<typeof quant>, dtype: DType): ReturnType<typeof quant> {
  if (r() < 0.5) return randomQuant(r, dtype);
  const zp = dtype === 'uint8' ? int(r, 0, 255) : dtype === 'int16' ? 0 : int(r, -128, 127);
  return quant(base.scale[0]! * pick(r, [1, 2, 0.5, 4, 0.25]), zp);
}

function randomData(r: Rand, dtype: DType, n: number, floatRange = 3): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, () => (r() * 2 - 1) * floatRange);
    case 'int8':
      return Int8Array.from({ length: n }, () => int(r, -128, 127));
    case 'uint8':
      return Uint8Array.from({ length: n }, () => int(r, 0, 255));
    case 'int16':
      return Int16Array.from({ length: n }, () => int(r, -32768, 32767));
    default:
      throw new Error(dtype);
  }
}

const bytesOf = (d: TensorData): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
const maxAbs = (d: TensorData): number => (d instanceof Float32Array ? d.reduce((m, v) => Math.max(m, Math.abs(v)), 0) : 0);

/** A shape that broadcasts against `shape`: some dimensions set to 1, maybe fewer leading dimensions. */
function broadcastPartner(r: Rand, shape: readonly number[]): number[] {
  const kind = r();
  if (kind < 0.3) return [...shape];
  if (kind < 0.4) return [1];
  let s = shape.map((d) => (r() < 0.5 ? 1 : d));
  const drop = int(r, 0, Math.max(0, s.length - 1));
  if (r() < 0.4) s = s.slice(drop);
  return s.length === 0 ? [1] : s;
}

interface Built {
  /** Parameters worth printing when the case fails. */
  readonly info?: string;
  readonly graph: Graph;
  readonly inputs: TensorData[];
  readonly outDtype: DType;
  readonly floatRef: number;
}

function finish(name: string, b: Built): Case {
  const bytes = writeModel(b.graph);
  return { name, bytes, inputs: b.inputs.map(bytesOf), floatRef: b.floatRef, outDtype: b.outDtype, ...(b.info ? { info: b.info } : {}) };
}

const FUSED = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'] as const;

function binaryCase(r: Rand, op: 'ADD' | 'SUB' | 'MUL', flavor: Flavor): Built {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  let sa = randomShape(r, int(r, 1, 4), 8);
  let sb = broadcastPartner(r, sa);
  if (r() < 0.5) [sa, sb] = [sb, sa];
  const rank = Math.max(sa.length, sb.length);
  const ea = [...new Array<number>(rank - sa.length).fill(1), ...sa];
  const eb = [...new Array<number>(rank - sb.length).fill(1), ...sb];
  const so = ea.map((d, i) => Math.max(d, eb[i]!));
  const act = pick(r, FUSED);
  const base = randomQuant(r, flavor);
  const q = (): ReturnType<typeof quant> | undefined => (flavor === 'float32' ? undefined : relatedQuant(r, base, flavor));
  const a = sg.tensor({ name: 'a', shape: sa, dtype: flavor, quantization: q() });
  const b = sg.tensor({ name: 'b', shape: sb, dtype: flavor, quantization: q() });
  const o = sg.tensor({ name: 'o', shape: so, dtype: flavor, quantization: q() });
  // int16: TFLite's general int16 path (pot_scale_int16 false), the one TFLM runs.
  const options: OpOptions =
    op === 'ADD'
      ? makeOptions('AddOptions', { fusedActivationFunction: act, potScaleInt16: false })
      : op === 'SUB'
        ? makeOptions('SubOptions', { fusedActivationFunction: act, potScaleInt16: false })
        : makeOptions('MulOptions', { fusedActivationFunction: act });
  sg.op({ op, inputs: [a, b], outputs: [o], options, version: flavor === 'int16' ? 3 : flavor === 'int8' ? 2 : 1 }).io([a, b], [o]);
  const da = randomData(r, flavor, countOf(sa));
  const db = randomData(r, flavor, countOf(sb));
  return { graph: g.build(), inputs: [da, db], outDtype: flavor, floatRef: Math.max(maxAbs(da), maxAbs(db)) ** (op === 'MUL' ? 2 : 1) * 2 };
}

function unaryGraph(
  inDtype: DType,
  outDtype: DType,
  shape: readonly number[],
  op: BuiltinName,
  inQ: ReturnType<typeof quant> | undefined,
  outQ: ReturnType<typeof quant> | undefined,
  options?: OpOptions,
  version = 1,
): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const x = sg.tensor({ name: 'x', shape, dtype: inDtype, quantization: inQ });
  const y = sg.tensor({ name: 'y', shape, dtype: outDtype, quantization: outQ });
  sg.op({ op, inputs: [x], outputs: [y], ...(options ? { options } : {}), version }).io([x], [y]);
  return g.build();
}

/** A unary op whose int8 output quantization is fixed (LOGISTIC, TANH) or random. */
function unaryCase(r: Rand, op: BuiltinName, flavor: Flavor, fixedOut?: ReturnType<typeof quant>, options?: OpOptions, floatRange = 3): Built {
  const shape = randomShape(r, int(r, 1, 4), 8);
  const inQ = flavor === 'int8' ? randomQuant(r, 'int8') : undefined;
  const outQ = inQ ? (fixedOut ?? relatedQuant(r, inQ, 'int8')) : undefined;
  const d = randomData(r, flavor, countOf(shape), floatRange);
  const info =
    inQ && outQ
      ? `in ${inQ.scale[0]}/${inQ.zeroPoint[0]}, out ${outQ.scale[0]}/${outQ.zeroPoint[0]}${options?.kind === 'LeakyReluOptions' ? `, alpha ${options.alpha}` : ''}`
      : '';
  return {
    graph: unaryGraph(flavor, flavor, shape, op, inQ, outQ, options, op === 'HARD_SWISH' ? 1 : flavor === 'int8' ? 2 : 1),
    inputs: [d],
    outDtype: flavor,
    floatRef: Math.max(1, maxAbs(d)),
    info,
  };
}

function softmaxCase(r: Rand, flavor: Flavor): Built {
  const shape = randomShape(r, int(r, 1, 4), 4);
  shape[shape.length - 1] = int(r, 1, 24);
  const beta = pick(r, [1, 1, 1, 0.5, 2, logUniform(r, 0.1, 4)]);
  const int16Out = flavor === 'int8' && r() < 0.25;
  const inQ = flavor === 'int8' ? quant(logUniform(r, 0.01, 0.5), int(r, -128, 127)) : undefined;
  const outQ = flavor === 'int8' ? (int16Out ? quant(1 / 65536, -32768) : quant(1 / 256, -128)) : undefined;
  const d = randomData(r, flavor, countOf(shape), 5);
  return {
    graph: unaryGraph(flavor, int16Out ? 'int16' : flavor, shape, 'SOFTMAX', inQ, outQ, makeOptions('SoftmaxOptions', { beta }), flavor === 'int8' ? 2 : 1),
    inputs: [d],
    outDtype: int16Out ? 'int16' : flavor,
    floatRef: 1,
  };
}

function preluCase(r: Rand, flavor: Flavor): Built {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const shape = randomShape(r, int(r, 1, 4), 5);
  let alphaShape = r() < 0.5 ? [shape[shape.length - 1]!] : shape.map((d, i) => (i === 0 || r() < 0.5 ? 1 : d));
  // The oracle's XNNPACK delegate takes a one-element float slope as if it held one slope per
  // channel (it reads past it): give float models a full channel dimension instead.
  if (flavor === 'float32' && countOf(alphaShape) === 1) alphaShape = [shape[shape.length - 1]!];
  const base = randomQuant(r, 'int8');
  const q = (): ReturnType<typeof quant> | undefined => (flavor === 'int8' ? relatedQuant(r, base, 'int8') : undefined);
  const alphaData =
    flavor === 'float32' ? Float32Array.from({ length: countOf(alphaShape) }, () => r() * 1.5 - 0.25) : randomData(r, 'int8', countOf(alphaShape));
  const x = sg.tensor({ name: 'x', shape, dtype: flavor, quantization: q() });
  const alpha = sg.tensor({ name: 'alpha', shape: alphaShape, dtype: flavor, data: alphaData, quantization: q() });
  const y = sg.tensor({ name: 'y', shape, dtype: flavor, quantization: q() });
  sg.op({ op: 'PRELU', inputs: [x, alpha], outputs: [y], version: 1 }).io([x], [y]);
  const d = randomData(r, flavor, countOf(shape));
  return {
    graph: g.build(),
    inputs: [d],
    outDtype: flavor,
    floatRef: Math.max(1, maxAbs(d)) * 1.5,
    info: `x [${shape.join(',')}], alpha [${alphaShape.join(',')}]`,
  };
}

function quantizeCase(r: Rand): Built {
  const [inDtype, outDtype] = pick<readonly [DType, DType]>(r, [
    ['float32', 'int8'],
    ['float32', 'int8'],
    ['float32', 'uint8'],
    ['float32', 'int16'],
    ['int8', 'int8'],
    ['int8', 'int8'],
    ['uint8', 'uint8'],
    ['int8', 'uint8'],
    ['uint8', 'int8'],
    ['int16', 'int8'],
  ]);
  const shape = randomShape(r, int(r, 1, 4), 6);
  const inQ = inDtype === 'float32' ? undefined : randomQuant(r, inDtype);
  let outQ = randomQuant(r, outDtype);
  // Requantizations between 8-bit types: keep the scale ratio where converters put it.
  if (inQ && outDtype !== 'int16' && inDtype !== 'int16' && r() < 0.8)
    outQ = quant(inQ.scale[0]! * (r() < 0.5 ? pick(r, [1, 2, 0.5, 4, 0.25]) : logUniform(r, 0.25, 4)), outQ.zeroPoint[0]!);
  // float → int: some inputs exactly on halves of the output scale.
  if (!inQ && r() < 0.5) {
    const d = Float32Array.from({ length: countOf(shape) }, () => Math.fround(outQ.scale[0]! * (int(r, -300, 300) + pick(r, [0, 0.5, -0.5]))));
    return {
      graph: unaryGraph(inDtype, outDtype, shape, 'QUANTIZE', inQ, outQ, undefined, 1),
      inputs: [d],
      outDtype,
      floatRef: 1,
      info: `${inDtype} → ${outDtype}, halves`,
    };
  }
  const d = randomData(r, inDtype, countOf(shape), 4);
  return {
    graph: unaryGraph(inDtype, outDtype, shape, 'QUANTIZE', inQ, outQ, undefined, 1),
    inputs: [d],
    outDtype,
    floatRef: 1,
    info: `${inDtype} → ${outDtype}`,
  };
}

function dequantizeCase(r: Rand): Built {
  const kind = pick(r, ['int8', 'int8', 'uint8', 'int16', 'float16', 'per-channel int8'] as const);
  const shape = randomShape(r, int(r, 1, 4), 6);
  if (kind === 'per-channel int8') {
    // Per-channel int8 weights behind DEQUANTIZE, added to the input.
    const axis = int(r, 0, shape.length - 1);
    const scales = Array.from({ length: shape[axis]! }, () => logUniform(r, 0.001, 0.1));
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const w8 = sg.tensor({ name: 'w8', shape, dtype: 'int8', data: randomData(r, 'int8', countOf(shape)), quantization: quant(scales, 0, axis) });
    const w32 = sg.tensor({ name: 'w32', shape, dtype: 'float32' });
    const x = sg.tensor({ name: 'x', shape, dtype: 'float32' });
    const y = sg.tensor({ name: 'y', shape, dtype: 'float32' });
    sg.op({ op: 'DEQUANTIZE', inputs: [w8], outputs: [w32], version: 2 })
      .op({ op: 'ADD', inputs: [x, w32], outputs: [y], options: makeOptions('AddOptions') })
      .io([x], [y]);
    const d = randomData(r, 'float32', countOf(shape));
    return { graph: g.build(), inputs: [d], outDtype: 'float32', floatRef: 16, info: `per-channel along ${axis} of [${shape.join(',')}]` };
  }
  if (kind !== 'float16') {
    const q = randomQuant(r, kind);
    const d = randomData(r, kind, countOf(shape));
    return {
      graph: unaryGraph(kind, 'float32', shape, 'DEQUANTIZE', q, undefined, undefined, kind === 'int8' ? 2 : 1),
      inputs: [d],
      outDtype: 'float32',
      floatRef: 1e-3,
    };
  }
  // fp16 weights: DEQUANTIZE of a constant feeding ADD with the input.
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const half = Uint16Array.from({ length: countOf(shape) }, () => (r() < 0.5 ? 0x8000 : 0) | (int(r, 5, 17) << 10) | int(r, 0, 1023));
  const w16 = sg.tensor({ name: 'w16', shape, dtype: 'float16', data: half });
  const w32 = sg.tensor({ name: 'w32', shape, dtype: 'float32' });
  const x = sg.tensor({ name: 'x', shape, dtype: 'float32' });
  const y = sg.tensor({ name: 'y', shape, dtype: 'float32' });
  sg.op({ op: 'DEQUANTIZE', inputs: [w16], outputs: [w32], version: 3 })
    .op({ op: 'ADD', inputs: [x, w32], outputs: [y], options: makeOptions('AddOptions') })
    .io([x], [y]);
  const d = randomData(r, 'float32', countOf(shape));
  return { graph: g.build(), inputs: [d], outDtype: 'float32', floatRef: 8 };
}

function meanCase(r: Rand, flavor: Flavor): Built {
  const rank = int(r, 1, 4);
  const shape = randomShape(r, rank, 6);
  let axes: number[];
  if (rank === 4 && r() < 0.4) axes = r() < 0.5 ? [1, 2] : [2, 1];
  else {
    axes = [...new Set(Array.from({ length: int(r, 1, rank) }, () => int(r, 0, rank - 1)))];
    if (r() < 0.3) axes = axes.map((a) => a - rank);
  }
  const keepDims = r() < 0.5;
  const resolved = axes.map((a) => (a < 0 ? a + rank : a));
  const outShape = keepDims ? shape.map((d, i) => (resolved.includes(i) ? 1 : d)) : shape.filter((_, i) => !resolved.includes(i));
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const sameQ = flavor === 'int8' && r() < 0.3;
  const inQ = flavor === 'int8' ? randomQuant(r, 'int8') : undefined;
  const outQ = inQ ? (sameQ ? inQ : r() < 0.5 ? relatedQuant(r, inQ, 'int8') : quant(inQ.scale[0]! * logUniform(r, 0.3, 3), int(r, -128, 127))) : undefined;
  const x = sg.tensor({ name: 'x', shape, dtype: flavor, quantization: inQ });
  const axis = sg.tensor({ name: 'axis', shape: [axes.length], dtype: 'int32', data: Int32Array.from(axes) });
  const y = sg.tensor({ name: 'y', shape: outShape, dtype: flavor, quantization: outQ });
  sg.op({ op: 'MEAN', inputs: [x, axis], outputs: [y], options: makeOptions('ReducerOptions', { keepDims }), version: flavor === 'int8' ? 2 : 1 }).io([x], [y]);
  const d = randomData(r, flavor, countOf(shape));
  return { graph: g.build(), inputs: [d], outDtype: flavor, floatRef: Math.max(1, maxAbs(d)) };
}

function makeCase(kind: OpKind, r: Rand, i: number, flavor: Flavor): Built {
  // A quarter of the quantized ADD, SUB and MUL models are int16.
  const binaryFlavor: Flavor = flavor === 'int8' && i % 4 === 3 ? 'int16' : flavor;
  switch (kind) {
    case 'ADD':
      return binaryCase(r, 'ADD', binaryFlavor);
    case 'SUB':
      return binaryCase(r, 'SUB', binaryFlavor);
    case 'MUL':
      return binaryCase(r, 'MUL', binaryFlavor);
    case 'SOFTMAX':
      return softmaxCase(r, flavor);
    case 'LOGISTIC':
      return unaryCase(r, 'LOGISTIC', flavor, quant(1 / 256, -128), undefined, 10);
    case 'TANH':
      return unaryCase(r, 'TANH', flavor, quant(1 / 128, 0), undefined, 5);
    case 'RELU':
      return unaryCase(r, 'RELU', flavor);
    case 'RELU6':
      return unaryCase(r, 'RELU6', flavor, undefined, undefined, 9);
    case 'LEAKY_RELU':
      return unaryCase(r, 'LEAKY_RELU', flavor, undefined, makeOptions('LeakyReluOptions', { alpha: pick(r, [0.1, 0.2, 0.01, r(), 1 + r()]) }));
    case 'HARD_SWISH':
      return unaryCase(r, 'HARD_SWISH', flavor, flavor === 'int8' ? quant(logUniform(r, 0.01, 0.1), int(r, -128, 127)) : undefined, undefined, 5);
    case 'PRELU':
      return preluCase(r, flavor);
    case 'QUANTIZE':
      return quantizeCase(r);
    case 'DEQUANTIZE':
      return dequantizeCase(r);
    case 'MEAN':
      return meanCase(r, flavor);
  }
}

interface OracleRunner {
  getInputs(): { data(): ArrayBufferView }[];
  getOutputs(): { data(): ArrayBufferView }[];
  infer(): boolean;
  getProfilingResults(): { nodeType: string }[];
  cleanUp(): void;
}
interface OracleModule {
  loadTFLiteModel(model: ArrayBuffer, options: object): Promise<{ modelRunner: OracleRunner }>;
}

interface Tally {
  cases: number;
  xnnpack: number;
  builtin: number;
  values: number;
  /** int8 values where one of our other modes gives a different answer: what the check can tell apart. */
  discriminating: number;
}

function compare(c: Case, ours: Uint8Array, theirs: Uint8Array): { differ: number; maxDiff: number; values: number } {
  if (c.outDtype === 'float32') {
    const a = new Float32Array(ours.slice().buffer);
    const e = new Float32Array(theirs.slice().buffer);
    const ref = Math.max(c.floatRef, ...Array.from(e, Math.abs));
    let differ = 0;
    let maxDiff = 0;
    for (let i = 0; i < e.length; i++) {
      const d = Math.abs(a[i]! - e[i]!);
      if (!(d <= 1e-5 * ref)) differ++;
      maxDiff = Math.max(maxDiff, d / ref);
    }
    return { differ: differ + Math.abs(a.length - e.length), maxDiff, values: e.length };
  }
  const view = (b: Uint8Array): Int8Array | Uint8Array | Int16Array =>
    c.outDtype === 'int16' ? new Int16Array(b.slice().buffer) : c.outDtype === 'uint8' ? b : new Int8Array(b.slice().buffer);
  const a = view(ours);
  const e = view(theirs);
  let differ = 0;
  let maxDiff = 0;
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) differ++;
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - e[i]!));
  }
  return { differ: differ + Math.abs(a.length - e.length), maxDiff, values: e.length };
}

const OPS: readonly [OpKind, number, number][] = [
  // [op, int8 models, float32 models]
  ['ADD', 200, 60],
  ['SUB', 200, 60],
  ['MUL', 200, 60],
  ['SOFTMAX', 160, 60],
  ['LOGISTIC', 160, 60],
  ['TANH', 160, 60],
  ['RELU', 150, 40],
  ['RELU6', 150, 40],
  ['LEAKY_RELU', 200, 40],
  ['HARD_SWISH', 150, 40],
  ['PRELU', 150, 40],
  ['QUANTIZE', 300, 0],
  ['DEQUANTIZE', 150, 0],
  ['MEAN', 200, 60],
];

describe('random single-op models against tfjs-tflite (TFLite WASM, one thread)', () => {
  let tflite: OracleModule;
  const tally = new Map<string, Tally>();
  before(async () => {
    tflite = (await loadOracle()) as unknown as OracleModule;
  });
  after(() => {
    for (const [k, v] of tally) {
      const paths = [v.xnnpack ? `${v.xnnpack} via XNNPACK ('xnnpack')` : '', v.builtin ? `${v.builtin} via the builtin kernel ('tflite')` : '']
        .filter(Boolean)
        .join(', ');
      const tells = k.endsWith('float32') ? '' : `; another mode would differ on ${v.discriminating} of ${v.values} values`;
      console.log(`  ${k}: ${v.cases} models, ${paths}${tells}`);
    }
  });

  /**
   * The oracle's outputs and the node types its profiler saw. The profiler now and then records
   * nothing for a run (a few models in a thousand); the model is then loaded and run again.
   */
  async function runOracle(c: Case): Promise<{ outputs: Uint8Array[]; profile: string[] } | string> {
    for (let attempt = 0; ; attempt++) {
      const copy = new Uint8Array(c.bytes.byteLength);
      copy.set(c.bytes);
      let runner: OracleRunner;
      try {
        runner = (await tflite.loadTFLiteModel(copy.buffer, { numThreads: 1, enableProfiling: true })).modelRunner;
      } catch (e) {
        return `the oracle cannot load it (${String(e).slice(0, 80)})`;
      }
      try {
        runner.getInputs().forEach((t, i) => {
          const view = t.data();
          new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(c.inputs[i]!);
        });
        if (!runner.infer()) return 'the oracle failed';
        const profile = runner.getProfilingResults().map((p) => p.nodeType);
        if (profile.length === 0 && attempt < 3) continue;
        const outputs = runner.getOutputs().map((t) => {
          const v = t.data();
          return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
        });
        return { outputs, profile };
      } finally {
        runner.cleanUp();
      }
    }
  }

  /** Runs a case in the oracle and in our runtime in the mode of the path the oracle took. */
  async function check(kind: OpKind, flavor: Flavor, c: Case): Promise<string | undefined> {
    const oracle = await runOracle(c);
    const info = c.info ? ` [${c.info}]` : '';
    if (typeof oracle === 'string') return `${c.name}: ${oracle}${info}`;
    const { outputs: theirs, profile } = oracle;
    const delegated = profile.includes('TfLiteXNNPackDelegate');
    const mode: Rounding = delegated ? 'xnnpack' : 'tflite';
    const key = `${kind} ${flavor === 'float32' || c.outDtype === 'float32' ? flavor : c.outDtype}`;
    const t = tally.get(key) ?? { cases: 0, xnnpack: 0, builtin: 0, values: 0, discriminating: 0 };
    t.cases++;
    if (delegated) t.xnnpack++;
    else t.builtin++;
    tally.set(key, t);
    const ours = runOurs(c.bytes, c.inputs, mode)[0]!;
    const { differ, maxDiff, values } = compare(c, ours, theirs[0]!);
    t.values += values;
    if (c.outDtype !== 'float32') {
      const others = (['tflm', 'tflite', 'xnnpack'] as const).filter((m) => m !== mode).map((m) => runOurs(c.bytes, c.inputs, m)[0]!);
      const o = others.map((x) => new Uint8Array(x));
      for (let i = 0; i < ours.length; i += c.outDtype === 'int16' ? 2 : 1) {
        const w = c.outDtype === 'int16' ? 2 : 1;
        if (o.some((x) => x.subarray(i, i + w).some((b, k) => b !== ours[i + k]))) t.discriminating++;
      }
    }
    if (differ === 0) return undefined;
    const what =
      c.outDtype === 'float32' ? `float values beyond 1e-5 (worst ${maxDiff.toExponential(2)})` : `${c.outDtype} values differ (by up to ${maxDiff})`;
    return `${c.name} (${mode}; oracle ran ${profile.join(', ')}): ${differ} of ${values} ${what}${info}`;
  }

  OPS.forEach(([kind, int8Count, floatCount], k) => {
    test(`${kind}: ${int8Count} random quantized models bit-exact${floatCount ? `, ${floatCount} float32 within 1e-5` : ''}`, async () => {
      const r = prng(2000 + k);
      const failures: string[] = [];
      for (let i = 0; i < int8Count + floatCount; i++) {
        const flavor: Flavor = i < int8Count ? 'int8' : 'float32';
        const failure = await check(kind, flavor, finish(`${kind} ${flavor} #${i}`, makeCase(kind, r, i, flavor)));
        if (failure) failures.push(failure);
      }
      assert.deepStrictEqual(failures.slice(0, 10), [], `${failures.length} failing models`);
    });
  });
});

// ---------------------------------------------------------------------------------------
// TFLM's fixed-point algorithms, which the oracle never runs.

describe("TFLM's fixed-point int8 activations", () => {
  test('gemmlowp exp, logistic, tanh and reciprocal track the real functions', () => {
    const r = prng(5);
    for (let i = 0; i < 20000; i++) {
      const q5 = -Math.floor(r() * 2 ** 31); // Q5.26 in [-32, 0]
      const x = q5 / 2 ** 26;
      assert.ok(Math.abs(expOnNegativeValues(q5, 5) / 2 ** 31 - Math.exp(x)) < 2e-6, `exp(${x})`);
      const q4 = Math.floor((r() * 2 - 1) * 2 ** 31); // Q4.27 in [-16, 16)
      const v = q4 / 2 ** 27;
      assert.ok(Math.abs(fixedLogistic(q4, 4) / 2 ** 31 - 1 / (1 + Math.exp(-v))) < 2e-6, `logistic(${v})`);
      assert.ok(Math.abs(fixedTanh(q4, 4) / 2 ** 31 - Math.tanh(v)) < 4e-6, `tanh(${v})`);
      const s = 1 + Math.floor(r() * 2 ** 30); // Q12.19
      const numBitsOverUnit = 12 - Math.clz32(s);
      assert.ok(Math.abs((getReciprocal(s) / 2 ** 31) * 2 ** -numBitsOverUnit - 2 ** 19 / s) <= 2e-6 * (2 ** 19 / s), `1/${s}`);
    }
    assert.equal(expOnNegativeValues(0, 5), 2147483647);
    assert.equal(fixedLogistic(0, 4), 1 << 30);
    assert.equal(fixedTanh(0, 4), 0);
  });

  test('int8 LOGISTIC and TANH tables stay within one step of the real function, and are monotonic', () => {
    const r = prng(6);
    for (let trial = 0; trial < 200; trial++) {
      const qx = { scale: Math.fround(logUniform(r, 0.001, 0.5)), zeroPoint: int(r, -128, 127) };
      const logistic = tflmLogisticTable(qx);
      const tanh = tflmTanhTable(qx);
      for (let x = -128; x < 128; x++) {
        const real = qx.scale * (x - qx.zeroPoint);
        const l = logistic[x & 0xff]!;
        const t = tanh[x & 0xff]!;
        assert.ok(Math.abs((l + 128) / 256 - 1 / (1 + Math.exp(-real))) <= 1 / 256, `logistic ${real}: ${l}`);
        assert.ok(Math.abs(t / 128 - Math.tanh(real)) <= 1 / 128 + 1e-9 || (t === 127 && real > 0), `tanh ${real}: ${t}`);
        if (x > -128) {
          assert.ok(l >= logistic[(x - 1) & 0xff]!, 'logistic is monotonic');
          assert.ok(t >= tanh[(x - 1) & 0xff]!, 'tanh is monotonic');
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
// TFLM-only semantics, on hand-made models.

function singleOp(
  op: BuiltinName,
  x: { shape: number[]; dtype: DType; q?: ReturnType<typeof quant> },
  y: { shape: number[]; dtype: DType; q?: ReturnType<typeof quant> },
  options?: OpOptions,
  extra?: (sg: ReturnType<GraphBuilder['subgraph']>) => number,
): Uint8Array {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const a = sg.tensor({ name: 'x', shape: x.shape, dtype: x.dtype, quantization: x.q });
  const inputs = [a, ...(extra ? [extra(sg)] : [])];
  const b = sg.tensor({ name: 'y', shape: y.shape, dtype: y.dtype, quantization: y.q });
  sg.op({ op, inputs, outputs: [b], ...(options ? { options } : {}) }).io([a], [b]);
  return writeModel(g.build());
}

const int8s = (bytes: Uint8Array): number[] => Array.from(new Int8Array(bytes.slice().buffer));

describe('TFLM-only semantics', () => {
  test('int8 RELU6 clamps the input to [zp_in, zp_in + round(6/s_in)] without requantizing; TFLite requantizes', () => {
    const bytes = singleOp('RELU6', { shape: [6], dtype: 'int8', q: quant(0.05, 3) }, { shape: [6], dtype: 'int8', q: quant(0.1, -5) });
    const input = new Uint8Array(Int8Array.from([-128, 2, 3, 50, 123, 127]).buffer);
    assert.deepStrictEqual(int8s(runOurs(bytes, [input], 'tflm')[0]!), [3, 3, 3, 50, 123, 123]);
    // TFLite: zp_out + (x − 3)·0.5, clamped to [−5, −5 + 60].
    assert.deepStrictEqual(int8s(runOurs(bytes, [input], 'tflite')[0]!), [-5, -5, -5, 19, 55, 55]);
  });

  test('int8 MEAN: same quantization divides the raw sum, truncating, in TFLite; TFLM always requantizes', () => {
    const axis = (sg: ReturnType<GraphBuilder['subgraph']>): number => sg.tensor({ name: 'axis', shape: [1], dtype: 'int32', data: Int32Array.of(1) });
    const same = singleOp(
      'MEAN',
      { shape: [2, 2], dtype: 'int8', q: quant(0.5, 7) },
      { shape: [2], dtype: 'int8', q: quant(0.5, 7) },
      makeOptions('ReducerOptions', { keepDims: false }),
      axis,
    );
    const input = new Uint8Array(Int8Array.from([-3, -2, 3, 2]).buffer);
    assert.deepStrictEqual(int8s(runOurs(same, [input], 'tflite')[0]!), [-2, 2]);
    // TFLM (commit 90b983c2, the real build in ../shared/tflm says so) has no same-quantization
    // shortcut: (sum − 2·7)/2 = −9.5 and −4.5 round up through the multiplier 2^30, plus 7.
    assert.deepStrictEqual(int8s(runOurs(same, [input], 'tflm')[0]!), [-2, 3]);
    // s_in/s_out = 2, four values: (sum − 4·zp)/2 = ±5.5. TFLM's multiplier (2^30, shift 0 after
    // folding 1/4) rounds the half up through SaturatingRoundingDoublingHighMul; TFLite's float
    // path rounds it away from zero.
    const rescaled = singleOp(
      'MEAN',
      { shape: [2, 4], dtype: 'int8', q: quant(0.5, 0) },
      { shape: [2], dtype: 'int8', q: quant(0.25, 0) },
      makeOptions('ReducerOptions', { keepDims: false }),
      axis,
    );
    const values = new Uint8Array(Int8Array.from([1, 2, 3, 5, -1, -2, -3, -5]).buffer);
    assert.deepStrictEqual(int8s(runOurs(rescaled, [values], 'tflm')[0]!), [6, -5]);
    assert.deepStrictEqual(int8s(runOurs(rescaled, [values], 'tflite')[0]!), [6, -6]);
  });

  test('int8 SOFTMAX with beta·s_in·2^26 ≥ 2^31: the capped multiplier keeps only the maxima', () => {
    const bytes = singleOp(
      'SOFTMAX',
      { shape: [1, 4], dtype: 'int8', q: quant(4, 0) },
      { shape: [1, 4], dtype: 'int8', q: quant(1 / 256, -128) },
      makeOptions('SoftmaxOptions', { beta: 16 }),
    );
    assert.deepStrictEqual(int8s(runOurs(bytes, [new Uint8Array(Int8Array.from([5, 9, 9, -3]).buffer)], 'tflm')[0]!), [-128, 0, 0, -128]);
    assert.deepStrictEqual(int8s(runOurs(bytes, [new Uint8Array(Int8Array.from([5, 9, 1, -3]).buffer)], 'tflm')[0]!), [-128, 127, -128, -128]);
  });

  test('int8 LOGISTIC needs the output zero point TFLM hard-codes', () => {
    const bytes = singleOp('LOGISTIC', { shape: [4], dtype: 'int8', q: quant(0.1, 0) }, { shape: [4], dtype: 'int8', q: quant(1 / 256, 0) });
    assert.throws(() => runOurs(bytes, [new Uint8Array(4)], 'tflm'), /zero point -128/);
    assert.doesNotThrow(() => runOurs(bytes, [new Uint8Array(4)], 'tflite'));
  });

  test('QuantizeMultiplier keeps a shift of 31 for double-rounding builds', () => {
    assert.deepStrictEqual(quantizeMultiplier(2 ** 31 - 1, false), { multiplier: 2147483647, shift: 31 });
    assert.deepStrictEqual(quantizeMultiplier(2 ** 31 - 1), { multiplier: 2147483647, shift: 30 });
  });

  test('float16 → float32 DEQUANTIZE decodes every class of half', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.ok(Object.is(halfToFloat(0x8000), -0));
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  });

  test('types the kernels do not handle fail at prepare, naming the op', () => {
    // int16 LOGISTIC runs now (the 16x8 kernels); int32 is a type no LOGISTIC kernel handles.
    const bytes = singleOp('LOGISTIC', { shape: [4], dtype: 'int32', q: quant(1 / 4096, 0) }, { shape: [4], dtype: 'int32', q: quant(1 / 32768, 0) });
    assert.throws(
      () => runOurs(bytes, [new Uint8Array(16)], 'tflm'),
      (e: unknown) => e instanceof RuntimeError && e.code === 'unsupported-type' && /LOGISTIC \(layer 0\)/.test(e.message),
    );
  });
});
