/**
 * RSQRT, as TFLM's elementwise.cc (RsqrtEval, PrepareAbsRsqrt) runs it.
 *
 * float32: 1.f / sqrtf(x), each step rounded to float32 (a negative input gives NaN, as there).
 *
 * int8/int16: for v = x − zp_in, TFLite's GetInvSqrtQuantizedMultiplierExp (a Newton–Raphson
 * 1/√v in gemmlowp Q3 fixed point) gives a multiplier and shift; MultiplyByQuantizedMultiplier of 1
 * by them, shifted left 20 bits, is 2^20/√v, then requantized by 1/(√s_in · s_out) (the product in
 * float32, its reciprocal in double) shifted right 20 bits again, plus zp_out, clamped to the type. v = 0 gives the type's
 * maximum. An input below the zero point fails the invoke ("Rsqrt is only defined for positive
 * values"), as TFLM's does; int16 wants both zero points 0 (its Prepare). One arithmetic in every
 * rounding mode: TFLite's kernel is the same code.
 */
import { input, intRange, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul, saturatingRoundingMultiplyByPOT } from '../../quant';
import { RuntimeError, type Eval, type Kernel, type KernelContext } from '../../types';
import { badModel, f32, i16, i8, multiplyByQuantizedMultiplier, qparams, sameCount } from './common';

const INT32_MAX = 2147483647;
const Q3_ONE = 1 << 28;
/** 1.5 in Q3. */
const Q3_THREE_HALVES = (1 << 28) + (1 << 27);
/** √2/2 in Q0. */
const Q0_HALF_SQRT_2 = 1518500250;
/** TFLite's kReverseShift: the shift is returned as a left shift. */
const REVERSE_SHIFT = -1;
/** Bits the kernel keeps 1/√v shifted by, to stay an integer. */
const K_SHIFT = 20;
/** Marks a table entry not computed yet (no output of an 8- or 16-bit type). */
const UNSEEN = -(2 ** 31);

/** TFLite's GetInvSqrtQuantizedMultiplierExp for v ≥ 0: 1/√v as a Q31 multiplier and a left shift. */
export function invSqrtQuantizedMultiplierExp(value: number): { readonly multiplier: number; readonly shift: number } {
  if (value <= 1) return { multiplier: INT32_MAX, shift: 0 };
  let v = value;
  let shift = 11;
  while (v >= 1 << 29) {
    v = Math.trunc(v / 4);
    shift++;
  }
  const maxLeftShiftBits = Math.clz32(v) - 1;
  const leftShiftBitPairs = Math.floor(maxLeftShiftBits / 2) - 1;
  shift -= leftShiftBitPairs;
  v <<= 2 * leftShiftBitPairs;
  const mul = saturatingRoundingDoublingHighMul;
  const halfInput = roundingDivideByPOT(v >> 1, 1);
  let x = Q3_ONE;
  for (let i = 0; i < 5; i++) {
    // x³ in Q9 back to Q3; 1.5·x − (v/2)·x³ in Q6 back to Q3.
    const x3 = saturatingRoundingMultiplyByPOT(mul(mul(x, x), x), 6);
    x = saturatingRoundingMultiplyByPOT((mul(Q3_THREE_HALVES, x) - mul(halfInput, x3)) | 0, 3);
  }
  let multiplier = mul(x, Q0_HALF_SQRT_2);
  if (shift < 0) {
    multiplier = (multiplier << -shift) | 0;
    shift = 0;
  }
  return { multiplier, shift: shift * REVERSE_SHIFT };
}

function prepare(ctx: KernelContext): Eval {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (x.dtype !== y.dtype) throw badModel(ctx, `has a ${x.dtype} input and a ${y.dtype} output`);
  if (x.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let i = 0; i < n; i++) Y[i] = Math.fround(1 / Math.fround(Math.sqrt(X[i]!)));
    };
  }
  if (x.dtype !== 'int8' && x.dtype !== 'int16') throw unsupportedType(ctx, `${x.dtype} (TFLite Micro's RSQRT takes float32, int8 and int16)`);
  const qx = qparams(ctx, x);
  const qy = qparams(ctx, y);
  if (x.dtype === 'int16' && (qx.zeroPoint !== 0 || qy.zeroPoint !== 0)) throw badModel(ctx, 'has an int16 zero point other than 0 (TFLite Micro requires 0)');
  // √s_in and its product with s_out in float32, the reciprocal in double (SetRsqrtOutputMultiplier).
  const requant = quantizeMultiplier(1 / Math.fround(Math.fround(Math.sqrt(qx.scale)) * qy.scale), false);
  const [qmin, qmax] = intRange(x.dtype);
  const zpIn = qx.zeroPoint;
  const outOf = (v: number): number => {
    if (v === 0) return qmax;
    const inv = invSqrtQuantizedMultiplierExp(v);
    const data = multiplyByQuantizedMultiplier(1, inv.multiplier, inv.shift + K_SHIFT);
    const r = multiplyByQuantizedMultiplier(data, requant.multiplier, requant.shift - K_SHIFT) + qy.zeroPoint;
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
  // Each value at or above the zero point, computed on first sight (an int16 table filled
  // up front would cost more than most layers' invokes).
  const table = new Int32Array(qmax - zpIn + 1).fill(UNSEEN);
  const X = x.dtype === 'int8' ? i8(x) : i16(x);
  const Y = y.dtype === 'int8' ? i8(y) : i16(y);
  return () => {
    for (let i = 0; i < n; i++) {
      const v = X[i]! - zpIn;
      if (v < 0)
        throw new RuntimeError(
          'bad-input',
          `${ctx.name} (layer ${ctx.opIndex}): input element ${i} is below the zero point (RSQRT is only defined for positive values)`,
          ctx.opIndex,
        );
      let r = table[v]!;
      if (r === UNSEEN) {
        r = outOf(v);
        table[v] = r;
      }
      Y[i] = r;
    }
  };
}

export const RSQRT: Kernel = { prepare };
