/**
 * Fixed-point arithmetic of quantized kernels: the one place where the rounding rule lives,
 * so a rounding mode is one switch, not thirty copies.
 *
 * Requantization maps an int32 accumulator `acc` to the output scale, for a real multiplier
 * M = s_in · s_w / s_out:
 * - `tflm` (TFLite Micro and CMSIS-NN, the default, what ships on the MCU): M = m · 2^shift
 *   with m a Q31 int32 from QuantizeMultiplier, then
 *   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc · 2^max(shift,0), m), max(-shift,0)):
 *   two roundings (each half away from zero).
 * - `tflite` (TFLite's builtin kernels, TFLITE_SINGLE_ROUNDING):
 *   (acc · m + 2^(30 − shift)) >> (31 − shift): one rounding, half up.
 * - `xnnpack` (what tfjs-tflite and LiteRT.js run by default): in float32,
 *   round_half_even(f32(acc) · f32(f32(s_in) · f32(s_w) / f32(s_out))).
 *
 * The 64-bit products are computed exactly in doubles by splitting one factor into 16-bit
 * halves: every partial product stays below 2^53.
 */

export type Rounding = 'tflm' | 'tflite' | 'xnnpack';
export const ROUNDINGS: readonly Rounding[] = ['tflm', 'tflite', 'xnnpack'];

const TWO_16 = 65536;
const TWO_31 = 2147483648;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** Q31 multiplier and power-of-two exponent of a real multiplier, as TFLite's QuantizeMultiplier. */
export interface QuantizedMultiplier {
  readonly multiplier: number;
  readonly shift: number;
}

/** C's round(): half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Round half to even, as lrintf in the default rounding mode. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  // frexp: real = q · 2^shift with q in [0.5, 1).
  let shift = Math.floor(Math.log2(Math.abs(real))) + 1;
  let q = real / 2 ** shift;
  // log2 can be off by one ulp near powers of two; put q back in range.
  if (Math.abs(q) >= 1) {
    q /= 2;
    shift++;
  } else if (Math.abs(q) < 0.5) {
    q *= 2;
    shift--;
  }
  let fixed = roundHalfAway(q * TWO_31);
  if (fixed === TWO_31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  // TFLite clamps the other end the same way.
  if (shift > 30) return { multiplier: INT32_MAX, shift: 30 };
  return { multiplier: fixed, shift };
}

/** floor((a · b + c) / 2^k) for |a| ≤ 2^31, 0 ≤ b ≤ 2^31, |c| < 2^48, 16 ≤ k ≤ 62: exact. */
function floorMulAddShift(a: number, b: number, c: number, k: number): number {
  const bh = Math.floor(b / TWO_16);
  const bl = b - bh * TWO_16;
  const hi = a * bh; // |hi| < 2^47
  const lo = a * bl + c; // |lo| < 2^49
  // floor(P / 2^k) = floor(floor(P / 2^16) / 2^(k-16)), and floor(P / 2^16) = hi + floor(lo / 2^16).
  return Math.floor((hi + Math.floor(lo / TWO_16)) / 2 ** (k - 16));
}

/** floor((a · b + 2^(k-1)) / 2^k), rounding half up, for any 1 ≤ k ≤ 62: exact whenever the result fits in int32. */
function roundedMulShift(a: number, b: number, k: number): number {
  if (k >= 17) {
    // 2^(k-1) is a multiple of 2^16: add it after the first division so nothing exceeds 2^53.
    const bh = Math.floor(b / TWO_16);
    const bl = b - bh * TWO_16;
    return Math.floor((a * bh + Math.floor((a * bl) / TWO_16) + 2 ** (k - 17)) / 2 ** (k - 16));
  }
  // Small k means a large multiplier: the product only fits in int32 when it is small.
  return Math.floor((a * b + 2 ** (k - 1)) / 2 ** k);
}

/** gemmlowp's SaturatingRoundingDoublingHighMul: (a · b + nudge) / 2^31, truncated. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const negative = a < 0 !== b < 0 && a !== 0 && b !== 0;
  const absA = Math.abs(a);
  const absB = Math.abs(b);
  // |a·b + nudge| with the nudge 2^30 toward the product's sign (1 − 2^30 for negatives).
  const magnitude = floorMulAddShift(absA, absB, negative ? TWO_31 / 2 - 1 : TWO_31 / 2, 31);
  return negative ? 0 - magnitude : magnitude;
}

/** gemmlowp's RoundingDivideByPOT: x / 2^exponent, rounded half away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLM's MultiplyByQuantizedMultiplier (double rounding). */
export function multiplyByQuantizedMultiplierTflm(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(left > 0 ? Math.imul(x, 1 << left) : x, multiplier), right);
}

/** TFLite's single-rounding MultiplyByQuantizedMultiplier. */
export function multiplyByQuantizedMultiplierSingle(x: number, multiplier: number, shift: number): number {
  const result = roundedMulShift(x, multiplier, 31 - shift);
  return result > INT32_MAX ? INT32_MAX : result < INT32_MIN ? INT32_MIN : result;
}

/**
 * A prepared requantization from an int32 accumulator to output units (before the zero
 * point and clamping). Built once per channel at prepare time.
 */
export type Requantize = (acc: number) => number;

export interface RequantizeSpec {
  /** The real multiplier, computed in double precision as the TFLM kernel computes it. */
  readonly real: number;
  /** The float32 scales for the xnnpack mode: s_in · s_w / s_out in float32 steps. */
  readonly inputScale: number;
  readonly weightScale: number;
  readonly outputScale: number;
}

export function makeRequantize(spec: RequantizeSpec, rounding: Rounding): Requantize {
  if (rounding === 'xnnpack') {
    const scale = Math.fround(Math.fround(Math.fround(spec.inputScale) * Math.fround(spec.weightScale)) / Math.fround(spec.outputScale));
    return (acc) => roundHalfEven(Math.fround(Math.fround(acc) * scale));
  }
  const { multiplier, shift } = quantizeMultiplier(spec.real);
  if (rounding === 'tflite') return (acc) => multiplyByQuantizedMultiplierSingle(acc, multiplier, shift);
  return (acc) => multiplyByQuantizedMultiplierTflm(acc, multiplier, shift);
}

/** Fused activation bounds in the quantized domain, as TFLM's CalculateActivationRangeQuantized. */
export function activationRangeQuantized(activation: 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1', scale: number, zeroPoint: number, qmin: number, qmax: number): readonly [number, number] {
  const q = (v: number): number => zeroPoint + roundHalfAway(v / scale);
  switch (activation) {
    case 'RELU':
      return [Math.max(qmin, q(0)), qmax];
    case 'RELU6':
      return [Math.max(qmin, q(0)), Math.min(qmax, q(6))];
    case 'RELU_N1_TO_1':
      return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
    default:
      return [qmin, qmax];
  }
}

/** Fused activation bounds in float. */
export function activationRangeFloat(activation: 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1'): readonly [number, number] {
  switch (activation) {
    case 'RELU':
      return [0, Infinity];
    case 'RELU6':
      return [0, 6];
    case 'RELU_N1_TO_1':
      return [-1, 1];
    default:
      return [-Infinity, Infinity];
  }
}
