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
import { quantizeMultiplier, roundHalfEven, type Rounding } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { binaryEval } from './binary';
import { clamp, fusedActivationOf, floatActivationRange, qparams, quantActivationRange, type QParams, type QuantType, multiplyByQuantizedMultiplier } from './common';

type Kind = 'add' | 'sub';

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
      return binaryEval(ctx, a, b, y, (p, q) => clamp(Math.fround(p + sign * q), lo, hi));
    }
    case 'int32':
      return binaryEval(ctx, a, b, y, (p, q) => (p + sign * q) | 0);
    case 'int8':
    case 'int16': {
      const qa = qparams(ctx, a);
      const qb = qparams(ctx, b);
      const qy = qparams(ctx, y);
      return binaryEval(ctx, a, b, y, quantizedAddSub(kind, y.dtype, qa, qb, qy, act, ctx.options.rounding));
    }
    default:
      throw unsupportedType(ctx, `${y.dtype} tensors`);
  }
}

/** The per-element function of the quantized path, with everything model-dependent computed. */
function quantizedAddSub(kind: Kind, dtype: QuantType, qa: QParams, qb: QParams, qy: QParams, act: FusedActivation, rounding: Rounding): (p: number, q: number) => number {
  const xnn = rounding === 'xnnpack' && dtype === 'int8' ? xnnpackAdd(kind, qa, qb, qy) : undefined;
  // Fused bounds as the runtime that runs the op quantizes them.
  const [lo, hi] = quantActivationRange(act, qy, dtype, xnn ? 'xnnpack' : 'tflm');
  if (xnn) {
    const { bias, aMultiplier, bMultiplier, shift } = xnn;
    const zp = qy.zeroPoint;
    return (p, q) => clamp((bias + p * aMultiplier + q * bMultiplier) >> shift, lo - zp, hi - zp) + zp;
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
    return (p, q) => out(t1[p & 0xff]!, t2[q & 0xff]!);
  }
  return (p, q) => out(scale1(p), scale2(q));
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
