/**
 * The 64-bit requantization of TFLite's 16x8 kernels (int16 activations, int8 weights, int64
 * accumulators and biases): MultiplyByQuantizedMultiplier(int64_t x, …) of
 * kernels/internal/common.cc, the same in TFLM's double-rounding and single-rounding builds.
 * The Q31 multiplier is first reduced to Q15 (rounded, saturating at 0x7FFF), then
 * (x · m15 + 2^(14 − shift)) >> (15 − shift): one rounding, halves up, and the int64 result is
 * narrowed to int32 by wrapping, as the C++ cast does.
 *
 * Exact in doubles while |x| < 2^37 (then x · m15 < 2^52); larger values go through BigInt.
 */
import { quantizeMultiplier } from './quant';
import { RuntimeError } from './types';

const EXACT_X = 2 ** 37;
/** TFLite checks |x| < 2^47 before this requantization (common.cc); TFLM's build aborts past it. */
const LIMIT = 1n << 47n;

function refuseWide(x: bigint): never {
  throw new RuntimeError(
    'bad-model',
    `a 16x8 accumulator plus bias reached ${x}, beyond the ±2^47 TFLite Micro checks before requantizing (it aborts there): the bias or weight scales are too small for this layer`,
  );
}

/** Q31 multiplier and shift of a real multiplier, with TFLite's Q15 reduction and rounding terms precomputed. */
export interface WideMultiplier {
  readonly multiplier: number;
  readonly shift: number;
  /** Q15 multiplier. */
  readonly reduced: number;
  /** 15 − shift, and 2^(totalShift − 1) and 2^−totalShift. */
  readonly totalShift: number;
  readonly round: number;
  readonly unit: number;
}

export function wideMultiplier(real: number): WideMultiplier {
  const { multiplier, shift } = quantizeMultiplier(real);
  const reduced = multiplier < 0x7fff0000 ? (multiplier + 32768) >> 16 : 0x7fff;
  const totalShift = 15 - shift;
  return { multiplier, shift, reduced, totalShift, round: 2 ** (totalShift - 1), unit: 2 ** -totalShift };
}

/** MultiplyByQuantizedMultiplier for an int64 `x` given as an exact number (|x| < 2^53). */
export function multiplyByQuantizedMultiplier64(x: number, m: WideMultiplier): number {
  if (x > -EXACT_X && x < EXACT_X) return Math.floor((x * m.reduced + m.round) * m.unit) | 0;
  return multiplyByQuantizedMultiplierBig(BigInt(x), m);
}

/** The same for any int64 accumulator. */
export function multiplyByQuantizedMultiplierBig(x: bigint, m: WideMultiplier): number {
  if (x >= LIMIT || x < -LIMIT) refuseWide(x);
  const r = (x * BigInt(m.reduced) + (1n << BigInt(m.totalShift - 1))) >> BigInt(m.totalShift);
  return Number(BigInt.asIntN(32, r));
}
