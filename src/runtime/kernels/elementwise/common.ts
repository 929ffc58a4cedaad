/**
 * What the elementwise kernels share: typed access to tensors, broadcasting (TFLM's
 * BroadcastBinaryOpSimple semantics: shapes aligned on the right, a dimension of 1 repeats),
 * 256-entry lookup tables for int8 → int8 maps, and the fused activation bounds of each
 * rounding mode.
 */
import type { DType } from '../../../model/dtype';
import { elementCount, fusedActivation, intRange, scaleOf, unsupportedType, zeroPointOf, type FusedActivation } from '../../kernelUtil';
import { activationRangeFloat, activationRangeQuantizedFor, multiplyByQuantizedMultiplierTflm, type Rounding } from '../../quant';
import { RuntimeError, type KernelContext, type RuntimeTensor } from '../../types';

export function badModel(ctx: KernelContext, detail: string): RuntimeError {
  return new RuntimeError('bad-model', `${ctx.name} (layer ${ctx.opIndex}) ${detail}`, ctx.opIndex);
}

/** Typed data of a tensor whose dtype the caller checked. */
export function f32(t: RuntimeTensor): Float32Array {
  return t.data as Float32Array;
}
export function i8(t: RuntimeTensor): Int8Array {
  return t.data as Int8Array;
}
export function i16(t: RuntimeTensor): Int16Array {
  return t.data as Int16Array;
}

/** Integer tensors that carry affine quantization here. */
export type QuantType = 'int8' | 'uint8' | 'int16';

export function isQuantType(d: DType): d is QuantType {
  return d === 'int8' || d === 'uint8' || d === 'int16';
}

export interface QParams {
  /** The float32 scale, as a double holding a float32 value. */
  readonly scale: number;
  readonly zeroPoint: number;
}

export function qparams(ctx: KernelContext, t: RuntimeTensor): QParams {
  const q = t.info.quantization;
  if (!q || q.scale.length === 0) throw badModel(ctx, `has ${t.dtype} tensor "${t.info.name}" without quantization parameters`);
  if (q.scale.length > 1 && q.scale.some((s) => s !== q.scale[0])) throw unsupportedType(ctx, `per-channel quantized ${t.dtype} tensor "${t.info.name}"`);
  return { scale: Math.fround(scaleOf(t)), zeroPoint: zeroPointOf(t) };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Where each output element reads its two inputs when shapes differ: per output index, the
 * flat index into a and into b. Undefined when no broadcasting is needed (equal shapes after
 * right-aligning, which TFLM treats as the elementwise case).
 */
interface BroadcastIndex {
  readonly a: Int32Array;
  readonly b: Int32Array;
}

export function broadcastIndex(
  ctx: KernelContext,
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): BroadcastIndex | undefined {
  const rank = Math.max(aShape.length, bShape.length, outShape.length);
  const ext = (s: readonly number[]): number[] => [...new Array<number>(rank - s.length).fill(1), ...s];
  const ea = ext(aShape);
  const eb = ext(bShape);
  const eo = ext(outShape);
  for (let d = 0; d < rank; d++) {
    const want = ea[d] === 1 ? eb[d]! : ea[d]!;
    if ((ea[d] !== 1 && eb[d] !== 1 && ea[d] !== eb[d]) || eo[d] !== want) {
      throw badModel(ctx, `cannot broadcast [${aShape.join(', ')}] with [${bShape.join(', ')}] to [${outShape.join(', ')}]`);
    }
  }
  if (sameShape(ea, eb)) return undefined;
  const n = elementCount(eo);
  const ia = new Int32Array(n);
  const ib = new Int32Array(n);
  // Strides of each input in the output's index space: 0 along a repeated dimension.
  const sa = new Array<number>(rank).fill(0);
  const sb = new Array<number>(rank).fill(0);
  for (let d = rank - 1, pa = 1, pb = 1; d >= 0; d--) {
    sa[d] = ea[d] === 1 ? 0 : pa;
    sb[d] = eb[d] === 1 ? 0 : pb;
    pa *= ea[d]!;
    pb *= eb[d]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let i = 0; i < n; i++) {
    ia[i] = offA;
    ib[i] = offB;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      offA += sa[d]!;
      offB += sb[d]!;
      if (counter[d]! < eo[d]!) break;
      offA -= sa[d]! * eo[d]!;
      offB -= sb[d]! * eo[d]!;
      counter[d] = 0;
    }
  }
  return { a: ia, b: ib };
}

/** The fused activation code of ADD/SUB/MUL-style options. */
export function fusedActivationOf(ctx: KernelContext): FusedActivation {
  const o = ctx.op.options;
  return fusedActivation(ctx, o && 'fusedActivationFunction' in o ? o.fusedActivationFunction : 'NONE');
}

export function floatActivationRange(act: FusedActivation): readonly [number, number] {
  return activationRangeFloat(act);
}

/** Quantized bounds of a fused activation, as each runtime computes them (see quant.ts). */
export function quantActivationRange(act: FusedActivation, q: QParams, dtype: QuantType, rounding: Rounding): readonly [number, number] {
  const [qmin, qmax] = intRange(dtype);
  return activationRangeQuantizedFor(rounding, act, q.scale, q.zeroPoint, qmin, qmax);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * A 256-entry table for an 8-bit → anything map, indexed by the input's byte (x & 0xff), so
 * that an int8 or uint8 eval is one lookup per element.
 */
export function byteTable<T extends Int8Array | Uint8Array | Int16Array | Float32Array>(
  dtype: 'int8' | 'uint8',
  make: (n: number) => T,
  fn: (x: number) => number,
): T {
  const table = make(256);
  for (let b = 0; b < 256; b++) {
    const x = dtype === 'int8' ? (b << 24) >> 24 : b;
    table[b] = fn(x);
  }
  return table;
}

/** Applies a byte table from an 8-bit input to an output array of the table's type. */
export function lookupEval(
  inp: Int8Array | Uint8Array,
  out: Int8Array | Uint8Array | Int16Array | Float32Array,
  table: Int8Array | Uint8Array | Int16Array | Float32Array,
): () => void {
  const n = Math.min(inp.length, out.length);
  return () => {
    for (let i = 0; i < n; i++) out[i] = table[inp[i]! & 0xff]!;
  };
}

/**
 * An int8 → int8 or int16 → int16 elementwise map `fn` as an eval over n elements: through a
 * byte table for int8 (one lookup per element), element by element for int16 (a 65,536-entry
 * table would cost more to build than most tensors take to map). `x` and `y` are int8 or int16
 * alike; the callers check it.
 */
export function integerMapEval(x: RuntimeTensor, y: RuntimeTensor, n: number, fn: (v: number) => number): () => void {
  if (x.dtype === 'int8')
    return lookupEval(
      i8(x),
      i8(y),
      byteTable('int8', (k) => new Int8Array(k), fn),
    );
  const X = i16(x);
  const Y = i16(y);
  return () => {
    for (let i = 0; i < n; i++) Y[i] = fn(X[i]!);
  };
}

/** A table constructor for an output dtype. */
export function newTable(dtype: 'int8' | 'uint8' | 'int16' | 'float32'): (n: number) => Int8Array | Uint8Array | Int16Array | Float32Array {
  switch (dtype) {
    case 'int8':
      return (n) => new Int8Array(n);
    case 'uint8':
      return (n) => new Uint8Array(n);
    case 'int16':
      return (n) => new Int16Array(n);
    default:
      return (n) => new Float32Array(n);
  }
}

/** Checks that input and output hold the same number of elements (unary ops). */
export function sameCount(ctx: KernelContext, x: RuntimeTensor, y: RuntimeTensor): number {
  if (x.data.length !== y.data.length) throw badModel(ctx, `has an input of ${x.data.length} elements and an output of ${y.data.length}`);
  return x.data.length;
}

/**
 * MultiplyByQuantizedMultiplier as the elementwise kernels run it in every mode: rounded twice
 * (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT). TFLM does so, and so do
 * TFLite's builtin elementwise kernels: TFLite is built without TFLITE_SINGLE_ROUNDING. Measured
 * on tfjs-tflite, its builtin RELU, RELU6, PRELU, LEAKY_RELU and QUANTIZE (requantize) match
 * double rounding on every value and single rounding misses hundreds (only its ruy-based
 * FULLY_CONNECTED and CONV_2D round once). So in these kernels 'tflite' differs from 'tflm' only
 * where TFLite's kernels compute something else, and 'xnnpack' only where XNNPACK takes the op.
 */
export const multiplyByQuantizedMultiplier = multiplyByQuantizedMultiplierTflm;
