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

/**
 * `saturateShift`: TFLite's single-rounding builds clamp shift > 30 to (INT32_MAX, 30); TFLM's
 * double-rounding QuantizeMultiplier keeps the shift (softmax's capped 2^31 − 1 multiplier has
 * shift 31 there).
 */
export function quantizeMultiplier(real: number, saturateShift = true): QuantizedMultiplier {
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
  if (shift > 30 && saturateShift) return { multiplier: INT32_MAX, shift: 30 };
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
export function activationRangeQuantized(
  activation: 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1',
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): readonly [number, number] {
  // TFLM divides in float (TfLiteRound(f / scale) with float operands): round the quotient to float32 first.
  const q = (v: number): number => zeroPoint + roundHalfAway(Math.fround(v / Math.fround(scale)));
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

/**
 * Per-channel requantization of many accumulators at once, for the convolution-like kernels:
 * the same rules as `makeRequantize`, with each channel's constants in typed arrays and one
 * tight loop per rounding mode, so that the per-output cost is a few arithmetic operations and
 * not a closure call. For accumulators below 2^21 in magnitude (so x · m < 2^52) and right
 * shifts e ≤ 21, each rule is one exact floor of a double:
 * - SaturatingRoundingDoublingHighMul(x, m) is floor((x·m + 2^30) / 2^31) (its sign-dependent
 *   nudge and truncation amount to rounding halves up), RoundingDivideByPOT(v, e) is
 *   floor((v + 2^(e−1) − [v < 0]) / 2^e), and since floor((floor(y) + h) / n) = floor((y + h) / n)
 *   for integers h and n > 0, tflm = floor((x·m + 2^30 + (2^(e−1) − [x·m < −2^30])·2^31) / 2^(31+e));
 * - tflite (single rounding) = floor((x·m + 2^(k−1)) / 2^k) with k = 31 − shift.
 * Other accumulators and shifts take the general functions above.
 */
export interface ChannelRequantizer {
  readonly rounding: Rounding;
  readonly channels: number;
  /** Q31 multipliers and exponents (tflm, tflite). */
  readonly multiplier: Int32Array;
  readonly shift: Int32Array;
  /** float32 scales (xnnpack). */
  readonly scale: Float64Array;
  /** Per channel, the addend for x·m ≥ −2^30 (tflite: always), the addend for x·m < −2^30,
   * and the power of two that divides (see above). */
  readonly addend: Float64Array;
  readonly addendNegative: Float64Array;
  readonly unit: Float64Array;
  /** Every channel's shift allows the one-floor form. */
  readonly fast: boolean;
}

/** One spec per channel; a single spec is broadcast to `channels`. */
export function makeChannelRequantizer(specs: readonly RequantizeSpec[], rounding: Rounding, channels = specs.length): ChannelRequantizer {
  const multiplier = new Int32Array(channels);
  const shift = new Int32Array(channels);
  const scale = new Float64Array(channels);
  const addend = new Float64Array(channels);
  const addendNegative = new Float64Array(channels);
  const unit = new Float64Array(channels);
  let fast = true;
  for (let c = 0; c < channels; c++) {
    const spec = specs.length === 1 ? specs[0]! : specs[c]!;
    const q = quantizeMultiplier(spec.real);
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
    scale[c] = Math.fround(Math.fround(Math.fround(spec.inputScale) * Math.fround(spec.weightScale)) / Math.fround(spec.outputScale));
    if (rounding === 'tflite') {
      const k = 31 - q.shift;
      if (k > 52) fast = false;
      addend[c] = 2 ** (k - 1);
      addendNegative[c] = 2 ** (k - 1);
      unit[c] = 2 ** -k;
    } else {
      if (q.shift > 0 || q.shift < -21) fast = false;
      const e = q.shift < 0 ? -q.shift : 0;
      addend[c] = 2 ** 30 + (e > 0 ? 2 ** (e - 1) * 2 ** 31 : 0);
      addendNegative[c] = addend[c]! - (e > 0 ? 2 ** 31 : 0);
      unit[c] = 2 ** -(31 + e);
    }
  }
  return { rounding, channels, multiplier, shift, scale, addend, addendNegative, unit, fast };
}

const EXACT_ACC = 2097152; // 2^21: |acc| · m < 2^52 for any Q31 m
const MINUS_TWO_30 = -1073741824;

/**
 * out[outOffset + i] = clamp(requantize_c(acc[accOffset + i]) + zeroPoint, min, max) for
 * i < count, where channel c = channelOffset + i.
 */
export function requantizeChannels(
  rq: ChannelRequantizer,
  acc: Int32Array,
  accOffset: number,
  out: Int8Array | Int16Array | Uint8Array,
  outOffset: number,
  count: number,
  channelOffset: number,
  zeroPoint: number,
  min: number,
  max: number,
): void {
  if (rq.rounding === 'xnnpack') {
    const scale = rq.scale;
    for (let i = 0; i < count; i++) {
      const x = Math.fround(Math.fround(acc[accOffset + i]!) * scale[channelOffset + i]!);
      let r = Math.round(x);
      if (r - x === 0.5 && (r & 1) !== 0) r -= 1;
      r += zeroPoint;
      out[outOffset + i] = r < min ? min : r > max ? max : r;
    }
    return;
  }
  const mult = rq.multiplier;
  const addend = rq.addend;
  const addendNegative = rq.addendNegative;
  const unit = rq.unit;
  const tflm = rq.rounding === 'tflm';
  const fast = rq.fast;
  for (let i = 0; i < count; i++) {
    const c = channelOffset + i;
    const x = acc[accOffset + i]!;
    let r: number;
    if (fast && x > -EXACT_ACC && x < EXACT_ACC) {
      const p = x * mult[c]!;
      r = Math.floor((p + (p < MINUS_TWO_30 ? addendNegative[c]! : addend[c]!)) * unit[c]!);
    } else {
      r = tflm ? multiplyByQuantizedMultiplierTflm(x, mult[c]!, rq.shift[c]!) : multiplyByQuantizedMultiplierSingle(x, mult[c]!, rq.shift[c]!);
    }
    r += zeroPoint;
    out[outOffset + i] = r < min ? min : r > max ? max : r;
  }
}

/*
 * gemmlowp's fixed-point arithmetic (fixedpoint/fixedpoint.h) and the few TFLite helpers built
 * on it, for the kernels whose int8 path is a fixed-point polynomial (TFLM's SOFTMAX, LOGISTIC,
 * TANH) or 16-bit fixed point (HARD_SWISH). A value is a raw int32 (or int16) in Qm.n, with
 * m = `integerBits` and n = 31 − m (15 − m for int16). Additions wrap as the C++ does in practice.
 */

const INT16_MAX = 32767;
const INT16_MIN = -32768;

/** gemmlowp::RoundingHalfSum for int32: (a + b) / 2 rounded half away from zero. */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b; // exact in a double
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/**
 * gemmlowp::SaturatingRoundingMultiplyByPOT<exponent>: a saturating left shift for exponent > 0,
 * RoundingDivideByPOT for exponent < 0.
 */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x * 2 ** exponent;
}

/** gemmlowp::Rescale: the same value in another Q format. */
export function fixedRescale(x: number, fromIntegerBits: number, toIntegerBits: number): number {
  return saturatingRoundingMultiplyByPOT(x, fromIntegerBits - toIntegerBits);
}

/** TFLM's MultiplyByQuantizedMultiplierGreaterThanOne (double-rounding builds). */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return saturatingRoundingDoublingHighMul(Math.imul(x, leftShift >= 31 ? INT32_MIN : 1 << leftShift), multiplier);
}

/** exp(a) for a in [−1/4, 0), Q0.31 in and out. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(−1/8)
  const constantOneOverThree = 715827883;
  const x = (a + (1 << 28)) | 0; // a + 1/8
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT((saturatingRoundingDoublingHighMul((x4Over4 + x3) | 0, constantOneOverThree) + x2) | 0, 1);
  return (constantTerm + saturatingRoundingDoublingHighMul(constantTerm, (x + poly) | 0)) | 0;
}

const EXP_BARREL: readonly (readonly [number, number])[] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** gemmlowp::exp_on_negative_values: exp(a) for a ≤ 0 in Q(integerBits), result in Q0.31. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 2 ** (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = ((a & (oneQuarter - 1)) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(fixedRescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent && (remainder & ((2 ** (fractionalBits + exponent)) | 0)) !== 0) result = saturatingRoundingDoublingHighMul(result, multiplier);
  }
  if (integerBits > 5 && a < -(2 ** (36 - integerBits))) result = 0;
  return a === 0 ? INT32_MAX : result;
}

/** Newton–Raphson 1 / (1 + x) in Q2.29, shared by the two functions below. */
function newtonOneOverOnePlusX(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  let x = (constant48Over17 + saturatingRoundingDoublingHighMul(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x);
    const oneMinus = ((1 << 29) - halfDenominatorTimesX) | 0;
    x = (x + fixedRescale(saturatingRoundingDoublingHighMul(x, oneMinus), 4, 2)) | 0;
  }
  return x;
}

/** gemmlowp::one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out). */
export function oneOverOnePlusXForXIn01(a: number): number {
  return fixedRescale(newtonOneOverOnePlusX(a), 1, 0);
}

/** gemmlowp::one_minus_x_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out). */
export function oneMinusXOverOnePlusXForXIn01(a: number): number {
  return fixedRescale((newtonOneOverOnePlusX(a) - (1 << 29)) | 0, 2, 0);
}

/** gemmlowp::logistic: a in Q(integerBits), result in Q0.31. */
export function fixedLogistic(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30;
  const positive = a > 0;
  const absInput = positive ? a : -a | 0;
  const resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absInput | 0, integerBits));
  return positive ? resultIfPositive : (INT32_MAX - resultIfPositive) | 0;
}

/** gemmlowp::tanh: a in Q(integerBits), result in Q0.31. */
export function fixedTanh(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const negative = a < 0;
  const n = negative ? a : -a | 0;
  // neg_tanh_on_negative_values: ExactMulByPot<1> reinterprets n with one more integer bit.
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
  return negative ? -t | 0 : t;
}

/**
 * TFLite's GetReciprocal for x > 0: the Q0.31 value r with 1/x = r · 2^−num_bits_over_unit
 * (x read in Q(x_integer_digits)), where num_bits_over_unit = x_integer_digits − clz32(x).
 * Returns r only, so that a per-row caller allocates nothing.
 */
export function getReciprocal(x: number): number {
  const headroomPlusOne = Math.clz32(x);
  return oneOverOnePlusXForXIn01(((x << headroomPlusOne) + 2147483648) | 0);
}

/** gemmlowp's int16 SaturatingRoundingDoublingHighMul. */
export function saturatingRoundingDoublingHighMul16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  const ab = a * b;
  return (Math.trunc((ab + (ab >= 0 ? 16384 : 1 - 16384)) / 32768) << 16) >> 16;
}

/** TFLite's int16 SaturatingDoublingHighMul: like the above but truncating (ARM SQDMULH). */
export function saturatingDoublingHighMul16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  return (Math.trunc((a * b) / 32768) << 16) >> 16;
}

/** TFLite's int16 SaturatingLeftShift. */
export function saturatingLeftShift16(value: number, amount: number): number {
  const r = value * 2 ** amount;
  return r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r;
}

/** TFLite's DownScaleInt32ToInt16Multiplier: a Q31 multiplier rounded to Q15. */
export function downScaleInt32ToInt16Multiplier(multiplier: number): number {
  if (multiplier >= INT32_MAX - 32768) return INT16_MAX;
  return (multiplier + 32768) >> 16;
}

/**
 * Requantization for integer kernels XNNPACK never takes (SVDF, LSTM): TFLM's double rounding
 * in `tflm` mode; single rounding in `tflite` mode (a TFLITE_SINGLE_ROUNDING build); and in
 * `xnnpack` mode the double rounding of the TFLite builtin that tfjs-tflite falls back to
 * (measured: its integer SVDF agrees with double rounding, not single, on every output).
 */
export function makeIntegerRequantize(real: number, rounding: Rounding): Requantize {
  const { multiplier, shift } = quantizeMultiplier(real);
  if (rounding === 'tflite') return (acc) => multiplyByQuantizedMultiplierSingle(acc, multiplier, shift);
  return (acc) => multiplyByQuantizedMultiplierTflm(acc, multiplier, shift);
}

/**
 * sigmoid(i/24) in 0.16 fixed point for i = 0..255: the table TFLite's int16 Logistic and
 * Tanh interpolate (sigmoid_table_uint16 in kernels/internal/common.h, the same in CMSIS-NN's
 * arm_nntables.c). Copied, not computed: 44 entries differ by one from round(65536·σ(i/24)).
 */
// prettier-ignore
export const SIGMOID_TABLE_UINT16: Uint16Array = Uint16Array.from([
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
  46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
  56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
  61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
  63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
  64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
  65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
  65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
  65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
  65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
  65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
]);

/**
 * The int16 LUT kernels' input scaling to Q3.12: times inputMultiplier, rounded right shift by
 * inputLeftShift; a multiplier of 0 means a power-of-two input scale, 3 << inputLeftShift.
 */
function scaleInt16Input(x: number, inputMultiplier: number, inputLeftShift: number): number {
  let multiplier = inputMultiplier;
  let shift = inputLeftShift;
  if (multiplier === 0) {
    multiplier = 3 << shift;
    shift = 0;
  }
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  return (x * multiplier + round) >> shift;
}

/**
 * reference_integer_ops::Logistic for int16 (LUT version): x in Q3.12 (times
 * inputMultiplier, shifted right by inputLeftShift), result in Q0.15. A multiplier of 0 means
 * a power-of-two input scale: 3 << inputLeftShift, no shift.
 */
export function logisticInt16(x: number, inputMultiplier: number, inputLeftShift: number): number {
  const v = scaleInt16Input(x, inputMultiplier, inputLeftShift);
  const abs = v < 0 ? -v : v;
  const uh = abs >>> 9;
  let result: number;
  if (uh >= 255) result = 0x7fff << 10;
  else {
    const ua = SIGMOID_TABLE_UINT16[uh]!;
    const ub = SIGMOID_TABLE_UINT16[uh + 1]!;
    result = ua * 512 + (abs & 0x1ff) * (ub - ua);
  }
  result = v >= 0 ? result + 512 : (1 << 25) - result + 511;
  return ((result >>> 10) << 16) >> 16;
}

/**
 * reference_integer_ops::Tanh for int16 (LUT version, tanh(x) = 2·sigmoid(2x) − 1): input
 * scaled as for logisticInt16, result in Q0.15.
 */
export function tanhInt16(x: number, inputMultiplier: number, inputLeftShift: number): number {
  const v = scaleInt16Input(x, inputMultiplier, inputLeftShift);
  const abs = v < 0 ? -v : v;
  const uh = abs >>> 8;
  let result: number;
  if (uh >= 255) result = 0xffff << 8;
  else {
    const ua = SIGMOID_TABLE_UINT16[uh]!;
    const ub = SIGMOID_TABLE_UINT16[uh + 1]!;
    result = ua * 256 + (abs & 0xff) * (ub - ua);
  }
  result = v >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return ((result >> 8) << 16) >> 16;
}

/**
 * Fused activation bounds in the quantized domain as each runtime computes them: TFLM and
 * TFLite's builtin kernels as `activationRangeQuantized` (zp + round(bound / scale), halves
 * away from zero); XNNPACK quantizes the float bounds itself (xnn_qs8_quantize:
 * lrintf(bound / scale + zp) in float32, halves to even). They differ only when a bound lands
 * on or within a float32 step of a half.
 */
export function activationRangeQuantizedFor(
  rounding: Rounding,
  activation: 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1',
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): readonly [number, number] {
  if (rounding !== 'xnnpack') return activationRangeQuantized(activation, scale, zeroPoint, qmin, qmax);
  const [fmin, fmax] = activationRangeFloat(activation);
  const s = Math.fround(scale);
  const q = (v: number): number => Math.min(qmax, Math.max(qmin, roundHalfEven(Math.fround(Math.fround(v / s) + zeroPoint))));
  return [fmin === -Infinity ? qmin : q(fmin), fmax === Infinity ? qmax : q(fmax)];
}
