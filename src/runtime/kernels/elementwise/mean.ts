/**
 * MEAN over the axes of a constant int32 axis tensor (negative axes count from the end,
 * duplicates ignored: ResolveAxis in reference reduce.h). keep_dims only changes the output
 * shape, which the output tensor already has.
 *
 * float32 (TFLM reduce_common.cc, reference reduce.h Mean): the float32 sum in input order,
 * divided by the element count. 'xnnpack' over axes {1, 2} of a 4-D input (XNNPACK's global
 * average pooling): the sum times f32(1/count).
 *
 * int8/int16:
 * - same scale and zero point in and out, 'tflite' (TFLite's reference_ops::Mean): the int32
 *   sum of the raw values divided by the count, truncated toward zero. TFLM (commit 90b983c2)
 *   has no such shortcut: its EvalIntegerMean requantizes as below even then (multiplier 1),
 *   which rounds (sum − zp·count)/count instead of truncating sum/count; the real TFLM build
 *   proves it (test/core/tflmProperty.test.ts);
 * - otherwise, 'tflm' (QuantizedMeanOrSum): sum − zp_in·count, requantized with
 *   QuantizeMultiplier(s_in/s_out) folded with 1/count (the multiplier shifted left by
 *   min(floor(log2 count), 32, 31 + shift), integer-divided by count), double rounding, plus
 *   zp_out, clamped; 'tflite' (TFLite's reference QuantizedMeanOrSum): in float32,
 *   round(f32(sum/count)·f32(s_in/s_out) − zp_in·f32(s_in/s_out)) + zp_out, clamped.
 * 'xnnpack' over axes {1, 2} of a 4-D int8 input (qs8 global average pooling): the sum minus
 * count·zp_in, times f32(s_in / f32(s_out·count)) in float32, rounded half to even, plus zp_out.
 * (TFLite's own kernel for that case, optimized_integer_ops::Mean, runs only when XNNPACK
 * refuses the scales, s_in/s_out outside [2^−8, 2^8); it is not reproduced: such models get
 * the general 'tflite' formula.)
 */
import { input, intRange, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, roundHalfAway, roundHalfEven } from '../../quant';
import type { Kernel, KernelContext, RuntimeTensor } from '../../types';
import { badModel, f32, qparams, multiplyByQuantizedMultiplier } from './common';
import { elementCount } from '../../kernelUtil';

/** Resolved reduction axes and, per input element, the output element it adds to. */
export function reductionPlan(
  ctx: KernelContext,
  shape: readonly number[],
  axisValues: readonly number[],
): { axes: number[]; outIndex: Int32Array; outCount: number; count: number } {
  const rank = shape.length;
  const axes: number[] = [];
  for (const a of axisValues) {
    const r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank) throw badModel(ctx, `has axis ${a} for an input of rank ${rank}`);
    if (!axes.includes(r)) axes.push(r);
  }
  const n = elementCount(shape);
  const outIndex = new Int32Array(n);
  // Output strides over the kept dimensions.
  const outStride = new Array<number>(rank).fill(0);
  let outCount = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (axes.includes(d)) continue;
    outStride[d] = outCount;
    outCount *= shape[d]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    outIndex[i] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      off += outStride[d]!;
      if (counter[d]! < shape[d]!) break;
      off -= outStride[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
  let count = 1;
  for (const a of axes) count *= shape[a]!;
  return { axes, outIndex, outCount, count };
}

/** A reduction layer (MEAN, SUM): its input, its output and the plan of its constant int32 axes, checked against the output. */
export function reductionOf(ctx: KernelContext): { readonly x: RuntimeTensor; readonly y: RuntimeTensor; readonly plan: ReturnType<typeof reductionPlan> } {
  const x = input(ctx, 0);
  const axisTensor = input(ctx, 1);
  const y = output(ctx);
  if (!axisTensor.constant || axisTensor.dtype !== 'int32') throw unsupportedType(ctx, 'an axis tensor that is not a constant int32 tensor');
  const plan = reductionPlan(ctx, x.shape, Array.from(axisTensor.data as Int32Array));
  if (y.data.length !== plan.outCount) throw badModel(ctx, `has an output of ${y.data.length} elements where the reduction gives ${plan.outCount}`);
  return { x, y, plan };
}

function prepareMean(ctx: KernelContext): () => void {
  const { x, y, plan } = reductionOf(ctx);
  const { outIndex, outCount, count } = plan;
  const n = outIndex.length;
  const rounding = ctx.rounding;
  const spatial4d = x.shape.length === 4 && plan.axes.length === 2 && plan.axes.includes(1) && plan.axes.includes(2);

  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    const inverse = Math.fround(1 / count);
    const xnn = rounding === 'xnnpack' && spatial4d;
    return () => {
      Y.fill(0);
      for (let i = 0; i < n; i++) Y[outIndex[i]!]! += X[i]!;
      if (count === 0) return;
      if (xnn) for (let o = 0; o < outCount; o++) Y[o] = Y[o]! * inverse;
      else for (let o = 0; o < outCount; o++) Y[o] = Y[o]! / count;
    };
  }

  if ((x.dtype === 'int8' || x.dtype === 'int16') && y.dtype === x.dtype) {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    const [qmin, qmax] = intRange(y.dtype);
    const X = x.data as Int8Array | Int16Array;
    const Y = y.data as Int8Array | Int16Array;
    const sums = new Int32Array(outCount);
    const accumulate = (): void => {
      sums.fill(0);
      for (let i = 0; i < n; i++) sums[outIndex[i]!]! += X[i]!;
    };
    const xnnRatio = Math.fround(qx.scale / qy.scale);
    if (rounding === 'xnnpack' && x.dtype === 'int8' && spatial4d && xnnRatio >= 2 ** -8 && xnnRatio < 2 ** 8) {
      const scale = Math.fround(qx.scale / Math.fround(qy.scale * count));
      const bias = -count * qx.zeroPoint;
      return () => {
        accumulate();
        for (let o = 0; o < outCount; o++) {
          const v = roundHalfEven(Math.fround((bias + sums[o]!) * scale)) + qy.zeroPoint;
          Y[o] = v < qmin ? qmin : v > qmax ? qmax : v;
        }
      };
    }
    // TFLM requantizes every MEAN; TFLite's plain-mean shortcut applies to int8 with equal quantization.
    if (rounding !== 'tflm' && x.dtype === 'int8' && qx.zeroPoint === qy.zeroPoint && qx.scale === qy.scale) {
      return () => {
        accumulate();
        for (let o = 0; o < outCount; o++) Y[o] = count === 0 ? 0 : Math.trunc(sums[o]! / count);
      };
    }
    if (rounding !== 'tflm') {
      const scale = Math.fround(qx.scale / qy.scale);
      const bias = Math.fround(-qx.zeroPoint * scale);
      return () => {
        accumulate();
        for (let o = 0; o < outCount; o++) {
          const mean = count === 0 ? 0 : Math.fround(Math.fround(sums[o]!) / count);
          const v = roundHalfAway(Math.fround(Math.fround(mean * scale) + bias)) + qy.zeroPoint;
          Y[o] = v < qmin ? qmin : v > qmax ? qmax : v;
        }
      };
    }
    const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
    const reductionShift = count === 0 ? 0 : Math.min(31 - Math.clz32(count), 32, 31 + shift);
    const meanMultiplier = count === 0 ? 0 : Number((BigInt(multiplier) << BigInt(reductionShift)) / BigInt(count));
    const meanShift = shift - reductionShift;
    const offset = qx.zeroPoint * count;
    return () => {
      accumulate();
      for (let o = 0; o < outCount; o++) {
        const v = multiplyByQuantizedMultiplier((sums[o]! - offset) | 0, meanMultiplier, meanShift) + qy.zeroPoint;
        Y[o] = v < qmin ? qmin : v > qmax ? qmax : v;
      }
    };
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const MEAN: Kernel = { prepare: prepareMean };
