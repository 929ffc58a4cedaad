/**
 * ADD and SUB. Float and int32: the plain sum or difference, clamped to the fused activation.
 * int8/int16 (TFLM add_common.cc / sub_common.cc, reference integer_ops/add.h, sub.h): both
 * inputs are shifted left by 20 (15 for int16), scaled by QuantizeMultiplierSmallerThanOneExp
 * multipliers of s_i / (2·max(s1, s2)), summed, and the sum scaled by 2·max / (2^shift · s_out).
 * ADD computes those multipliers in double; TFLM's SUB in float32, TFLite's in double. The
 * int16 path is TFLM's general one (left shift 15); TFLite's power-of-two int16 variant
 * (pot_scale_int16 with power-of-two scales) is not reproduced.
 *
 * 'tflm' and 'tflite' (TFLite's add.cc / sub.cc compute the same): double rounding for the three
 * multiplies. 'xnnpack' (XNNPACK's qs8 vadd, xnn_init_qs8_add_minmax_scalar_params): one
 * 21-bit multiplier per input, f32(s_i/s_out)·2^shift rounded to even, a bias holding the zero
 * points and the rounding term, and an arithmetic shift; fused bounds quantized by XNNPACK.
 * When XNNPACK would refuse the scale ratios (outside [2^−10, 2^8)) the delegate leaves the node
 * to TFLite, and so does this kernel.
 */
import { input, output, unsupportedType, type FusedActivation } from '../../kernelUtil';
import { quantizeMultiplier, roundHalfEven, type QuantizedMultiplier, type Rounding } from '../../quant';
import type { Kernel, KernelContext, RuntimeTensor } from '../../types';
import type { WasmArena } from '../../wasm/simd';
import { binaryEval, int8TableEval } from './binary';
import { prepareWasmFloatBinary } from '../wasmFloat';
import {
  clamp,
  fusedActivationOf,
  floatActivationRange,
  qparams,
  quantActivationRange,
  type QParams,
  type QuantType,
  multiplyByQuantizedMultiplier,
} from './common';

type Kind = 'add' | 'sub';

const floats = (t: RuntimeTensor): { shape: readonly number[]; data: Float32Array } => ({ shape: t.shape, data: t.data as Float32Array });

function prepareAddSub(ctx: KernelContext, kind: Kind): () => void {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = output(ctx);
  const act = fusedActivationOf(ctx);
  const sign = kind === 'add' ? 1 : -1;
  if (a.dtype !== b.dtype || a.dtype !== y.dtype) throw unsupportedType(ctx, `${a.dtype} and ${b.dtype} inputs with a ${y.dtype} output`);
  switch (y.dtype) {
    case 'float32': {
      const [lo, hi] = floatActivationRange(act);
      const simd = ctx.wasm && prepareWasmFloatBinary(ctx.wasm, kind, floats(a), floats(b), floats(y), lo, hi);
      return simd || binaryEval(ctx, a, b, y, (p, q) => clamp(Math.fround(p + sign * q), lo, hi));
    }
    case 'int32':
      return binaryEval(ctx, a, b, y, (p, q) => (p + sign * q) | 0);
    case 'int8':
    case 'int16': {
      const qa = qparams(ctx, a);
      const qb = qparams(ctx, b);
      const qy = qparams(ctx, y);
      const plan = quantizedAddSub(kind, y.dtype, qa, qb, qy, act, ctx.rounding);
      return (plan.wasm && ctx.wasm && wasmAddSub(ctx.wasm, a, b, y, plan.wasm)) || int8TableEval(ctx, a, b, y, plan.f);
    }
    default:
      throw unsupportedType(ctx, `${y.dtype} tensors`);
  }
}

/**
 * The per-element function of the quantized path, with everything model-dependent computed,
 * and for int8 the same constants in the layout of the WebAssembly kernel `add8`.
 */
function quantizedAddSub(
  kind: Kind,
  dtype: QuantType,
  qa: QParams,
  qb: QParams,
  qy: QParams,
  act: FusedActivation,
  rounding: Rounding,
): { f: (p: number, q: number) => number; wasm?: Int32Array } {
  const xnn = rounding === 'xnnpack' && dtype === 'int8' ? xnnpackAdd(kind, qa, qb, qy) : undefined;
  // Fused bounds as the runtime that runs the op quantizes them.
  const [lo, hi] = quantActivationRange(act, qy, dtype, xnn ? 'xnnpack' : 'tflm');
  if (xnn) {
    const { bias, aMultiplier, bMultiplier, shift } = xnn;
    const zp = qy.zeroPoint;
    const wasm = add8Params({ mode: 1, shift, lowZ: lo - zp, highZ: hi - zp, zp, bias, am: aMultiplier, bm: bMultiplier });
    return { f: (p, q) => clamp((bias + p * aMultiplier + q * bMultiplier) >> shift, lo - zp, hi - zp) + zp, wasm };
  }
  const leftShift = dtype === 'int16' ? 15 : 20;
  let real1: number;
  let real2: number;
  let realOut: number;
  if (kind === 'add' || rounding !== 'tflm') {
    const twiceMax = 2 * Math.max(qa.scale, qb.scale);
    real1 = qa.scale / twiceMax;
    real2 = qb.scale / twiceMax;
    realOut = twiceMax / (2 ** leftShift * qy.scale);
  } else {
    // TFLM's sub_common.cc: float twice_max_input_scale and float quotients, widened afterwards
    // (its 2022–2024 versions divided in double, as TFLite's sub.cc does; measured on the
    // oracle, double differs from float on about 1 int16 output in 6000).
    const twiceMax = Math.fround(2 * Math.max(qa.scale, qb.scale));
    real1 = Math.fround(qa.scale / twiceMax);
    real2 = Math.fround(qb.scale / twiceMax);
    realOut = Math.fround(twiceMax / Math.fround(2 ** leftShift * qy.scale));
  }
  const m1 = quantizeMultiplier(real1);
  const m2 = quantizeMultiplier(real2);
  const mo = quantizeMultiplier(realOut);
  const off1 = -qa.zeroPoint;
  const off2 = -qb.zeroPoint;
  const scale1 = (v: number): number => multiplyByQuantizedMultiplier((v + off1) * 2 ** leftShift, m1.multiplier, m1.shift);
  const scale2 = (v: number): number => multiplyByQuantizedMultiplier((v + off2) * 2 ** leftShift, m2.multiplier, m2.shift);
  const sign = kind === 'add' ? 1 : -1;
  const out = (s1: number, s2: number): number => clamp(multiplyByQuantizedMultiplier((s1 + sign * s2) | 0, mo.multiplier, mo.shift) + qy.zeroPoint, lo, hi);
  if (dtype === 'int8') {
    // Each input's scaled value depends on its byte alone: tabulate both.
    const t1 = new Int32Array(256);
    const t2 = new Int32Array(256);
    for (let v = -128; v < 128; v++) {
      t1[v & 0xff] = scale1(v);
      t2[v & 0xff] = scale2(v);
    }
    const zp = qy.zeroPoint;
    const wasm = add8Params({ mode: 0, mo, t1, t2: t2.map((v) => sign * v), lowZ: lo - zp, highZ: hi - zp, zp });
    return { f: (p, q) => out(t1[p & 0xff]!, t2[q & 0xff]!), wasm };
  }
  return { f: (p, q) => out(scale1(p), scale2(q)) };
}

export interface Add8Params {
  readonly mode: 0 | 1;
  /** tflm: the output multiplier and the scaled inputs by byte, t2 already signed. */
  readonly mo?: QuantizedMultiplier;
  readonly t1?: Int32Array;
  readonly t2?: Int32Array;
  readonly lowZ: number;
  readonly highZ: number;
  readonly zp: number;
  /** xnnpack */
  readonly bias?: number;
  readonly am?: number;
  readonly bm?: number;
  readonly shift?: number;
}

/** The parameter block of `add8` (see kernels.wat), as int32; exported for tests. */
export function add8Params(p: Add8Params): Int32Array {
  const mo = p.mo ?? { multiplier: 0, shift: 0 };
  const right = Math.max(-mo.shift, 0);
  const mask = 2 ** right - 1;
  const out = new Int32Array(80 + 512);
  out.set([p.mode, 0, 0, 0, 0, Math.max(mo.shift, 0), right, p.shift ?? 0]);
  const vectors: [number, number][] = [
    [44, mo.multiplier],
    [48, mask],
    [52, mask >>> 1],
    [56, p.lowZ],
    [60, p.highZ],
    [64, p.zp],
    [68, p.bias ?? 0],
    [72, p.am ?? 0],
    [76, p.bm ?? 0],
  ];
  for (const [at, v] of vectors) out.fill(v, at, at + 4);
  if (p.t1) out.set(p.t1, 80);
  if (p.t2) out.set(p.t2, 336);
  return out;
}

/**
 * int8 ADD / SUB of same-shaped tensors in the WebAssembly kernel `add8` (the same integer
 * arithmetic, four elements at a time); undefined when the shapes broadcast.
 */
function wasmAddSub(arena: WasmArena, a: RuntimeTensor, b: RuntimeTensor, y: RuntimeTensor, params: Int32Array): (() => void) | undefined {
  const n = y.data.length;
  if (a.data.length !== n || b.data.length !== n || a.shape.length !== y.shape.length || b.shape.length !== y.shape.length) return undefined;
  if (a.shape.some((d, i) => d !== y.shape[i]) || b.shape.some((d, i) => d !== y.shape[i])) return undefined;
  let prm: number;
  try {
    prm = arena.alloc(params.byteLength);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  arena.i32.set(params, prm >> 2);
  const bAt = (n + 79) & ~15;
  const outAt = 2 * bAt;
  arena.reserveScratch(outAt + n + 64);
  const A = a.data as Int8Array;
  const B = b.data as Int8Array;
  const O = y.data as Int8Array;
  const k = arena.kernels;
  return () => {
    const base = arena.scratch();
    const i8 = arena.i8;
    i8.set(A, base);
    i8.set(B, base + bAt);
    k.add8(base, base + bAt, base + outAt, n, prm);
    O.set(i8.subarray(base + outAt, base + outAt + n));
  };
}

interface XnnAdd {
  readonly aMultiplier: number;
  readonly bMultiplier: number;
  readonly bias: number;
  readonly shift: number;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The unbiased exponent of a positive normal float32. */
function floatExponent(x: number): number {
  F32[0] = x;
  return (U32[0]! >>> 23) - 127;
}

/** XNNPACK's qs8 add/subtract parameters, or undefined when the delegate would not take the node. */
function xnnpackAdd(kind: Kind, qa: QParams, qb: QParams, qy: QParams): XnnAdd | undefined {
  const aScale = Math.fround(qa.scale / qy.scale);
  const bScale = Math.fround(qb.scale / qy.scale);
  for (const s of [aScale, bScale]) if (!(s >= 2 ** -10 && s < 2 ** 8)) return undefined;
  const maxScale = Math.max(aScale, bScale);
  const shift = 20 - floatExponent(maxScale);
  const aMultiplier = roundHalfEven(aScale * 2 ** shift);
  const bMultiplier = (kind === 'add' ? 1 : -1) * roundHalfEven(bScale * 2 ** shift);
  const bias = 2 ** (shift - 1) - aMultiplier * qa.zeroPoint - bMultiplier * qb.zeroPoint;
  return { aMultiplier, bMultiplier, bias, shift };
}

export const ADD: Kernel = { prepare: (ctx) => prepareAddSub(ctx, 'add') };
export const SUB: Kernel = { prepare: (ctx) => prepareAddSub(ctx, 'sub') };
