/**
 * SUM over the axes of a constant int32 axis tensor, as TFLM's reduce_common.cc EvalSumHelper
 * with reference reduce.h (the axes resolved as MEAN's; keep_dims only shapes the output).
 * float32: ReduceGeneric's float32 sum in input order. int8/int16 (QuantizedMeanOrSum with
 * compute_sum): the int32 sum of the raw values minus zp_in · count, requantized with
 * QuantizeMultiplier(s_in/s_out) by MultiplyByQuantizedMultiplier (double rounding), plus
 * zp_out, clamped to the type.
 */
import { intRange, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { f32, multiplyByQuantizedMultiplier, qparams } from './common';
import { reductionOf } from './mean';

function prepareSum(ctx: KernelContext): () => void {
  const { x, y, plan } = reductionOf(ctx);
  const { outIndex, outCount, count } = plan;
  const n = outIndex.length;
  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      Y.fill(0);
      for (let i = 0; i < n; i++) Y[outIndex[i]!]! += X[i]!;
    };
  }
  if ((x.dtype === 'int8' || x.dtype === 'int16') && y.dtype === x.dtype) {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    const [qmin, qmax] = intRange(y.dtype);
    const X = x.data as Int8Array | Int16Array;
    const Y = y.data as Int8Array | Int16Array;
    const sums = new Int32Array(outCount);
    const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
    const offset = qx.zeroPoint * count;
    return () => {
      sums.fill(0);
      for (let i = 0; i < n; i++) sums[outIndex[i]!]! += X[i]!;
      if (n === 0) {
        Y.fill(0);
        return;
      }
      for (let o = 0; o < outCount; o++) {
        const v = multiplyByQuantizedMultiplier((sums[o]! - offset) | 0, multiplier, shift) + qy.zeroPoint;
        Y[o] = v < qmin ? qmin : v > qmax ? qmax : v;
      }
    };
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const SUM: Kernel = { prepare: prepareSum };
