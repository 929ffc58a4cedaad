/**
 * Hybrid ("dynamic-range") CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: float32 activations,
 * int8 weights, float32 bias, as TFLite's builtin kernels run them (conv.cc EvalHybrid /
 * EvalHybridPerChannel, depthwise_conv.cc EvalHybridPerChannel, fully_connected.cc EvalHybrid
 * with tensor_utils). TFLite Micro refuses such models; the analysis keeps saying so, but the
 * runtime runs them so that they can be compared and timed.
 *
 * Each quantization row (a batch of a convolution, a row of FULLY_CONNECTED) is quantized on the fly:
 * - symmetric: range = max|x| (float), s = range / 127, q = round_away(x · (127 / range)) in
 *   [−127, 127] (SymmetricQuantizeFloats), zero point 0;
 * - asymmetric (per-channel CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED with
 *   asymmetric_quantize_inputs): the range widened to hold 0, s = (max − min) / 255 in double then float, the zero point that
 *   errs least, q = round_away(zp + x · (1 / s)) in [−128, 127] (AsymmetricQuantizeFloats).
 * The int32 dot product Σ (q − zp) · w over the taps inside the input (TFLite pads with the zero
 * point and subtracts row sums · zp, which is the same integer) is scaled in float32:
 * y = clamp(float(acc) · float(s · s_w[c]) + bias[c]); DEPTHWISE_CONV_2D as TFLite's optimized
 * kernel (which tfjs-tflite runs): (float(acc) · s) · s_w[c].
 *
 * Speed: the integer dot products run on the float32 SIMD convolution with the quantized input
 * and the weights as whole numbers. Every partial sum is then a whole number below 2^24 in
 * magnitude (checked per output channel at prepare), so float32 holds it exactly in any order
 * and with FMA: the result is the int32 accumulator. Otherwise the plain loop here runs.
 */
import type { Eval, KernelContext, RuntimeTensor } from '../../types';
import { prepareWasmFloatConv, prepareWasmFloatDepthwise, type FloatConvParams } from '../wasmFloat';
import { badModel } from './common';

export interface HybridParams extends Omit<FloatConvParams, 'weights' | 'bias'> {
  readonly weights: Int8Array;
  /** Weight scales: one (per tensor) or one per output channel. */
  readonly weightScales: readonly number[];
  readonly bias: Float32Array | null;
  /** Inputs quantized asymmetrically (with a zero point) rather than symmetrically. */
  readonly asymmetric: boolean;
  /** How many rows the input is quantized in (each with its own scale); divides input and output. */
  readonly rows: number;
  /** DEPTHWISE_CONV_2D's depth multiplier ([1, kH, kW, outC] weights); absent for a convolution. */
  readonly multiplier?: number;
}

/** The largest |partial sum| float32 holds exactly as a whole number. */
const EXACT = 2 ** 24;

/** std::round on a float32: halves away from zero. */
function roundAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** SymmetricQuantizeFloats over src[from, from + n) into dst (as whole numbers); returns the scale. */
export function quantizeSymmetric(src: Float32Array, from: number, n: number, dst: Float32Array | Int8Array): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = from; i < from + n; i++) {
    const v = src[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = n === 0 ? 0 : Math.max(Math.abs(lo), Math.abs(hi));
  if (range === 0) {
    dst.fill(0, from, from + n);
    return 1;
  }
  const inv = Math.fround(127 / range);
  for (let i = from; i < from + n; i++) {
    const q = roundAway(Math.fround(src[i]! * inv));
    dst[i] = q > 127 ? 127 : q < -127 ? -127 : q;
  }
  return Math.fround(range / 127);
}

/**
 * AsymmetricQuantizeFloats over src[from, from + n): dst gets q − zp (so that padding with 0 is
 * padding with the zero point); returns the scale and the zero point.
 */
export function quantizeAsymmetric(src: Float32Array, from: number, n: number, dst: Float32Array): { scale: number; zeroPoint: number } {
  let lo = 0;
  let hi = 0;
  for (let i = from; i < from + n; i++) {
    const v = src[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    dst.fill(0, from, from + n);
    return { scale: 1, zeroPoint: 0 };
  }
  const scaleD = (hi - lo) / 255;
  const fromMin = -128 - lo / scaleD;
  const fromMax = 127 - hi / scaleD;
  const errMin = 128 + Math.abs(lo / scaleD);
  const errMax = 127 + Math.abs(hi / scaleD);
  const zpD = errMin < errMax ? fromMin : fromMax;
  const zp = zpD <= -128 ? -128 : zpD >= 127 ? 127 : roundAway(zpD);
  const scale = Math.fround(scaleD);
  const inv = Math.fround(1 / scale);
  for (let i = from; i < from + n; i++) {
    const q = roundAway(Math.fround(zp + Math.fround(src[i]! * inv)));
    dst[i] = (q > 127 ? 127 : q < -128 ? -128 : q) - zp;
  }
  return { scale, zeroPoint: zp };
}

/** Σ over taps inside the input of x · w, for every output value (x already q − zp). */
function integerConv(p: HybridParams, x: Float32Array, acc: Float32Array): void {
  const { batches, inH, inW, inC, outH, outW, outC, kH, kW, weights } = p;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((b * outH + oy) * outW + ox) * outC;
        for (let c = 0; c < outC; c++) {
          let sum = 0;
          for (let fy = 0; fy < kH; fy++) {
            const iy = oy * p.strideH - p.padTop + fy * p.dilationH;
            if (iy < 0 || iy >= inH) continue;
            for (let fx = 0; fx < kW; fx++) {
              const ix = ox * p.strideW - p.padLeft + fx * p.dilationW;
              if (ix < 0 || ix >= inW) continue;
              const xi = ((b * inH + iy) * inW + ix) * inC;
              const wi = ((c * kH + fy) * kW + fx) * inC;
              for (let k = 0; k < inC; k++) sum += x[xi + k]! * weights[wi + k]!;
            }
          }
          acc[o + c] = sum;
        }
      }
    }
  }
}

/** The depthwise form: output channel c reads input channel ⌊c / multiplier⌋. */
function integerDepthwise(p: HybridParams, mult: number, x: Float32Array, acc: Float32Array): void {
  const { batches, inH, inW, inC, outH, outW, outC, kH, kW, weights } = p;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((b * outH + oy) * outW + ox) * outC;
        for (let c = 0; c < outC; c++) {
          const ic = Math.floor(c / mult);
          let sum = 0;
          for (let fy = 0; fy < kH; fy++) {
            const iy = oy * p.strideH - p.padTop + fy * p.dilationH;
            if (iy < 0 || iy >= inH) continue;
            for (let fx = 0; fx < kW; fx++) {
              const ix = ox * p.strideW - p.padLeft + fx * p.dilationW;
              if (ix < 0 || ix >= inW) continue;
              sum += x[((b * inH + iy) * inW + ix) * inC + ic]! * weights[(fy * kW + fx) * outC + c]!;
            }
          }
          acc[o + c] = sum;
        }
      }
    }
  }
}

/** The weight feeding output channel c at position i of its filter. */
function weightAt(p: HybridParams, c: number, i: number): number {
  return p.multiplier === undefined ? p.weights[c * p.kH * p.kW * p.depth + i]! : p.weights[i * p.outC + c]!;
}

/** Whether every partial sum of every output channel stays a whole number float32 holds. */
function sumsExact(p: HybridParams): boolean {
  const perFilter = p.multiplier === undefined ? p.kH * p.kW * p.depth : p.kH * p.kW;
  const maxInput = p.asymmetric ? 255 : 127;
  for (let c = 0; c < p.outC; c++) {
    let s = 0;
    for (let i = 0; i < perFilter; i++) s += Math.abs(weightAt(p, c, i));
    if (s * maxInput >= EXACT) return false;
  }
  return true;
}

/** The SIMD float kernel that computes the integer sums, or undefined where it declines. */
function simdIntegerSums(ctx: KernelContext, p: HybridParams, q: Float32Array, acc: Float32Array): Eval | undefined {
  if (!ctx.wasm || !sumsExact(p)) return undefined;
  const whole = { weights: Float32Array.from(p.weights), bias: null, min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY };
  const simd =
    p.multiplier === undefined
      ? prepareWasmFloatConv(ctx.wasm, { ...p, ...whole }, q, acc)
      : prepareWasmFloatDepthwise(ctx.wasm, { ...p, ...whole, channels: p.outC, multiplier: p.multiplier }, q, acc);
  // The accumulators are read here in JavaScript, not by an operator: counting that read
  // keeps the arena copying them out (settle() stops publishing arrays nobody reads).
  if (simd) ctx.wasm.residentInput(acc);
  return simd;
}

/** The hybrid kernel for src → dst (no grouping: TFLite's hybrid kernels run none). */
export function prepareHybrid(ctx: KernelContext, p: HybridParams, src: Float32Array, dst: Float32Array): Eval {
  const { rows, outC } = p;
  if (rows <= 0 || src.length % rows !== 0 || dst.length % (rows * outC) !== 0 || src.length !== p.batches * p.inH * p.inW * p.inC)
    throw badModel(ctx, `has a hybrid input of ${src.length} values and output of ${dst.length} values in ${rows} rows`);
  if (p.weights.length < outC * p.kH * p.kW * (p.multiplier === undefined ? p.depth : 1) || (p.weightScales.length !== 1 && p.weightScales.length < outC))
    throw badModel(ctx, `has ${p.weights.length} hybrid weights with ${p.weightScales.length} scales for ${outC} output channels`);
  const rowIn = src.length / p.rows;
  const rowOut = dst.length / p.rows;
  const q = new Float32Array(src.length);
  const acc = new Float32Array(dst.length);
  const channelScales = Float32Array.from({ length: p.outC }, (_, c) => p.weightScales[p.weightScales.length > 1 ? c : 0]!);
  const mult = p.multiplier;
  const integer: Eval = simdIntegerSums(ctx, p, q, acc) ?? (mult === undefined ? () => integerConv(p, q, acc) : () => integerDepthwise(p, mult, q, acc));
  const { bias, min, max } = p;
  const rowScales = new Float32Array(p.rows);
  const scaled = new Float32Array(outC);
  return () => {
    for (let r = 0; r < p.rows; r++) {
      const from = r * rowIn;
      const s = p.asymmetric ? quantizeAsymmetric(src, from, rowIn, q).scale : quantizeSymmetric(src, from, rowIn, q);
      rowScales[r] = s;
    }
    integer();
    for (let r = 0; r < p.rows; r++) {
      const s = rowScales[r]!;
      for (let c = 0; c < outC; c++) scaled[c] = Math.fround(s * channelScales[c]!);
      for (let i = r * rowOut, end = i + rowOut; i < end; i += outC) {
        for (let c = 0; c < outC; c++) {
          const a = acc[i + c]!;
          // TFLite's optimized depthwise kernel scales as (acc · s_in) · s_w[c], the others acc · (s_in · s_w[c]).
          const product = mult === undefined ? Math.fround(a * scaled[c]!) : Math.fround(Math.fround(a * s) * channelScales[c]!);
          const v = Math.fround(product + (bias ? bias[c]! : 0));
          dst[i + c] = v < min ? min : v > max ? max : v;
        }
      }
    }
  };
}

/** Float32 activations over int8 weights: the layers TFLite runs hybrid. */
export function isHybrid(x: RuntimeTensor, w: RuntimeTensor, y: RuntimeTensor): boolean {
  return x.dtype === 'float32' && y.dtype === 'float32' && w.dtype === 'int8';
}

/** TFLite takes the per-channel path only when the weight scales differ (conv.cc Prepare). */
export function scalesDiffer(scales: readonly number[]): boolean {
  return scales.some((s) => s !== scales[0]);
}
