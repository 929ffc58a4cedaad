/**
 * The TFLite converter's quantization arithmetic, step for step, in float32 where the C++ is
 * float and in double where it is double, so that the same ranges and weights give the same
 * scales, zero points and integers as the converter:
 *
 * - Activations (asymmetric int8): the MLIR quantizer's ConvertStatsToQDQs widens the
 *   calibrated [min, max] to include 0, and with `legacy_float_scale` (what the TFLite
 *   converter runs) DownCastScale recomputes the scale in float,
 *   (float(max) − float(min)) / 255, and the zero point as round(−128 − min / scale), clamped to
 *   [−128, 127] (tensorflow/compiler/mlir/lite/quantization/ir/… quantization_utils.cc,
 *   DownCastScale). The legacy quantizer's GetAsymmetricQuantizationParams
 *   (tensorflow/lite/tools/optimize/quantization_utils.cc) is the same formula in float.
 * - Weights (symmetric int8, narrow range [−127, 127]): per channel, scale = max(|min|, |max|) / 127
 *   and q = clamp(TfLiteRound(w · (1 / scale)), −127, 127) (SymmetricPerChannelQuantization,
 *   SymmetricPerChannelQuantizeValues); per tensor the same over the whole tensor with
 *   inverse 127 / range (PortableSymmetricQuantizeFloats). A zero range gets scale 1.
 * - Biases (int32, zero point 0): scale_c = float(s_in · s_w[c]), q = clamp(TfLiteRound(b ·
 *   float(1.0 / scale_c)), −(2^31 − 1), 2^31 − 1) (SymmetricPerChannelBiasQuantize,
 *   SymmetricBiasQuantize).
 *
 * TfLiteRound is round-half-away-from-zero.
 */

const f32 = Math.fround;

/** TfLiteRound / C's round(): half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
const INT32_MAX = 2147483647;

export interface AffineParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Asymmetric int8 parameters for a calibrated real range, as the converter computes them.
 * `min`/`max` are widened to include 0; an empty range (all zeros) gets scale 1 and zero
 * point −128, as the MLIR quantizer's fakeQuantAttrsToType gives it.
 */
export function asymmetricParams(min: number, max: number, qmin = -128, qmax = 127): AffineParams & { readonly min: number; readonly max: number } {
  const lo = Math.min(f32(min), 0);
  const hi = Math.max(f32(max), 0);
  const scale = f32(f32(f32(hi) - f32(lo)) / f32(qmax - qmin));
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: qmin, min: lo, max: hi };
  // zero_point_from_min = qmin − min / scale: double division, stored in a float.
  const zeroPointFromMin = f32(qmin - lo / scale);
  let zeroPoint: number;
  if (zeroPointFromMin < qmin) zeroPoint = qmin;
  else if (zeroPointFromMin > qmax) zeroPoint = qmax;
  else zeroPoint = roundHalfAway(zeroPointFromMin);
  return { scale, zeroPoint, min: lo, max: hi };
}

/** Quantizes real values with per-tensor affine parameters (float32 division, half away from zero). */
export function quantizeAffine(values: ArrayLike<number>, p: AffineParams, qmin = -128, qmax = 127): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAway(f32(f32(values[i]!) / p.scale)) + p.zeroPoint;
    out[i] = q < qmin ? qmin : q > qmax ? qmax : q;
  }
  return out;
}

/**
 * Symmetric int16 activation parameters (16x8, the converter's
 * EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8): zero point 0, scale =
 * max(|min|, |max|) / 32767 in float, over the narrow range [−32767, 32767]. An empty range
 * gets scale 1.
 */
export function symmetricParams16(min: number, max: number): AffineParams & { readonly min: number; readonly max: number } {
  const half = Math.max(Math.abs(f32(min)), Math.abs(f32(max)));
  const scale = f32(half / 32767);
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: 0, min: Math.min(f32(min), 0), max: Math.max(f32(max), 0) };
  return { scale, zeroPoint: 0, min: -half, max: half };
}

/**
 * Symmetric int16 with the smallest power-of-two scale whose range covers [min, max]:
 * 2^ceil(log2 max|x|) / 32768. An LSTM's cell state (TFLM's integer LSTM reads its scale through
 * CheckedLog2, which refuses any other scale; the converter's cell state is so).
 */
export function powerOfTwoParams16(min: number, max: number): AffineParams & { readonly min: number; readonly max: number } {
  const half = Math.max(Math.abs(f32(min)), Math.abs(f32(max)));
  const exponent = half > 0 && Number.isFinite(half) ? Math.ceil(Math.log2(half)) : 0;
  const scale = 2 ** (exponent - 15);
  return { scale, zeroPoint: 0, min: -scale * 32768, max: scale * 32767 };
}

/** Quantizes real values to int16 with per-tensor parameters (float32 division, half away from zero, narrow range). */
export function quantizeAffine16(values: ArrayLike<number>, p: AffineParams): Int16Array {
  const out = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAway(f32(f32(values[i]!) / p.scale)) + p.zeroPoint;
    out[i] = q < -32767 ? -32767 : q > 32767 ? 32767 : q;
  }
  return out;
}

export interface SymmetricWeights {
  readonly values: Int8Array;
  /** One scale per channel (length 1 when per tensor). */
  readonly scales: readonly number[];
  /** Per-channel min and max of the float values (what the converter records). */
  readonly min: readonly number[];
  readonly max: readonly number[];
  /** Axis of the channels; 0 when per tensor. */
  readonly axis: number;
}

/** Number of elements before, along and after `axis` of a row-major shape. */
function split(shape: readonly number[], axis: number): { outer: number; channels: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, channels: shape[axis]!, inner };
}

/** Per-channel (or, with `axis` undefined, whole-tensor) min and max of float values. */
function channelRanges(values: Float32Array, shape: readonly number[], axis: number | undefined): { min: number[]; max: number[] } {
  const { outer, channels, inner } = axis === undefined ? { outer: 1, channels: 1, inner: values.length } : split(shape, axis);
  const min = new Array<number>(channels).fill(Infinity);
  const max = new Array<number>(channels).fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      let lo = min[c]!;
      let hi = max[c]!;
      for (let i = 0; i < inner; i++) {
        const v = values[base + i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[c] = lo;
      max[c] = hi;
    }
  }
  return { min: min.map((v) => (Number.isFinite(v) ? v : 0)), max: max.map((v) => (Number.isFinite(v) ? v : 0)) };
}

/**
 * Symmetric int8 weights, per channel along `axis` or per tensor (`axis` undefined): scale =
 * max(|min|, |max|) / 127 and q = clamp(TfLiteRound(w · float(127 / half_range)), ±127), as
 * SymmetricPerChannelQuantization / PortableSymmetricQuantizeFloats do. `rangeOverrides` replaces
 * the half range of a channel (the bias adjustment below).
 */
export function symmetricWeights(
  values: Float32Array,
  shape: readonly number[],
  axis: number | undefined,
  rangeOverrides?: ReadonlyMap<number, number>,
): SymmetricWeights {
  const { min, max } = channelRanges(values, shape, axis);
  const channels = min.length;
  const scales = new Array<number>(channels);
  const inverse = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const halfRange = f32(rangeOverrides?.get(c) ?? Math.max(Math.abs(min[c]!), Math.abs(max[c]!)));
    if (halfRange === 0 || !Number.isFinite(halfRange)) {
      scales[c] = 1;
      inverse[c] = 0;
    } else {
      scales[c] = f32(halfRange / 127);
      inverse[c] = f32(127 / halfRange);
    }
  }
  const { outer, inner } = axis === undefined ? { outer: 1, inner: values.length } : split(shape, axis);
  const out = new Int8Array(values.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      const inv = inverse[c]!;
      for (let i = 0; i < inner; i++) {
        const q = roundHalfAway(f32(values[base + i]! * inv));
        out[base + i] = q < -127 ? -127 : q > 127 ? 127 : q;
      }
    }
  }
  return { values: out, scales, min, max, axis: axis ?? 0 };
}

/** Symmetric per-channel int8 weights along `axis`. */
export function symmetricPerChannel(values: Float32Array, shape: readonly number[], axis: number): SymmetricWeights {
  return symmetricWeights(values, shape, axis);
}

/** Symmetric per-tensor int8 weights. */
export function symmetricPerTensor(values: Float32Array): SymmetricWeights {
  return symmetricWeights(values, [values.length], undefined);
}

const INT32_MAX_AS_SCALE = 2147483647;

/**
 * The converter's bias-compatibility step (EnsureBiasScaleCompatibility →
 * AdjustWeightsForBiasScale in tensorflow/lite/tools/optimize/quantization_utils.cc): where a
 * bias would not fit in the middle half of int32 at scale s_in · s_w (a dead channel with
 * ~0 weights and a real bias), the weight range becomes ±2·|b| / INT32_MAX · float(127 / s_in)
 * (double, stored as float) and its scale that range / 127. Per channel the test is
 * |b_c| ≥ 0.5 · s_in · s_w[c] · INT32_MAX; per tensor max|b| / INT32_MAX ≥ 0.5 · s_in · s_w.
 * Returns the new half range (max |w|) of each adjusted channel (empty when none). Checked against the
 * official vww_96_int8, whose dead channels have exactly these scales. `limit` replaces INT32_MAX
 * for the int64 biases of 16x8 layers (2^47: TFLite's 64-bit MultiplyByQuantizedMultiplier, which
 * TFLM runs on accumulator + bias, asserts |x| < 2^47).
 */
export function biasScaleAdjustments(
  bias: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
  limit: number = INT32_MAX_AS_SCALE,
): Map<number, number> {
  const out = new Map<number, number>();
  const sIn = f32(inputScale);
  const rangeFor = (absBias: number): number => f32(((2 * absBias) / limit) * f32(127 / sIn));
  if (weightScales.length === 1) {
    let half = 0;
    for (const b of bias) half = Math.max(half, Math.abs(b));
    if (half / limit >= 0.5 * sIn * f32(weightScales[0]!)) out.set(0, rangeFor(half));
    return out;
  }
  for (let c = 0; c < weightScales.length && c < bias.length; c++) {
    const abs = Math.abs(bias[c]!);
    if (abs >= 0.5 * sIn * f32(weightScales[c]!) * limit) out.set(c, rangeFor(abs));
  }
  return out;
}

/** int32 biases: per-channel scale float(s_in · s_w[c]) (one weight scale broadcast when per tensor). */
export function quantizeBias(
  values: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
): { readonly values: Int32Array; readonly scales: number[] } {
  const n = values.length;
  const scales = weightScales.length === 1 ? [f32(f32(inputScale) * f32(weightScales[0]!))] : weightScales.map((w) => f32(f32(inputScale) * f32(w)));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = scales.length === 1 ? scales[0]! : scales[i]!;
    const inv = s === 0 ? 0 : f32(1 / s);
    const q = roundHalfAway(f32(values[i]! * inv));
    out[i] = q > INT32_MAX ? INT32_MAX : q < -INT32_MAX ? -INT32_MAX : q;
  }
  return { values: out, scales };
}

/**
 * int64 biases of 16x8 layers: the same scales and rounding as quantizeBias, without the int32
 * clamp (16x8 biases are int64; weights are widened only past TFLM's 2^47 bound, see
 * biasScaleAdjustments).
 */
export function quantizeBias64(
  values: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
): { readonly values: BigInt64Array; readonly scales: number[] } {
  const scales = weightScales.length === 1 ? [f32(f32(inputScale) * f32(weightScales[0]!))] : weightScales.map((w) => f32(f32(inputScale) * f32(w)));
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scales.length === 1 ? scales[0]! : scales[i]!;
    const inv = s === 0 ? 0 : f32(1 / s);
    const q = roundHalfAway(f32(values[i]! * inv));
    out[i] = Number.isFinite(q) ? BigInt(q) : 0n;
  }
  return { values: out, scales };
}

/** Real values of int8 data with per-tensor or per-channel (along `axis`) parameters. */
export function dequantizeValues(
  q: ArrayLike<number>,
  shape: readonly number[],
  scales: readonly number[],
  zeroPoints: readonly number[],
  axis: number,
): Float32Array {
  const out = new Float32Array(q.length);
  if (scales.length <= 1) {
    const s = scales[0] ?? 1;
    const z = zeroPoints[0] ?? 0;
    for (let i = 0; i < q.length; i++) out[i] = s * (q[i]! - z);
    return out;
  }
  const { channels, inner } = split(shape, shape.length === 1 ? 0 : axis);
  for (let i = 0; i < q.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = scales[c]! * (q[i]! - (zeroPoints[c] ?? 0));
  }
  return out;
}
