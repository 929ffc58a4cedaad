/**
 * LEAKY_RELU.
 *
 * float32: x > 0 ? x : x·alpha.
 *
 * int8/int16 (TFLM leaky_relu_common.cc, reference leaky_relu.h): two multipliers, both
 * computed in float32 before QuantizeMultiplier: s_in·alpha/s_out for x < zp_in and s_in/s_out
 * otherwise; out = zp_out + MultiplyByQuantizedMultiplier(x − zp_in, ·), clamped to the type.
 * A negative alpha multiplies by |multiplier| and negates, as TFLM (with double rounding this
 * equals TFLite's direct use of the negative multiplier). 'tflm' and 'tflite' are the same.
 *
 * 'xnnpack' (XNNPACK's qs8 vlrelu, xnn_init_qs8_lrelu_scalar_params): 8-bit fraction multipliers
 * lrintf(256·s_in/s_out) and lrintf(256·s_in/s_out·alpha), out = (zp_out·256 + 128 + (x − zp_in)·m) >> 8;
 * the TFLite kernel when XNNPACK would refuse the scales.
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, intRange, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, type Rounding, roundHalfEven } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { f32, integerMapEval, multiplyByQuantizedMultiplier, type QParams, qparams, sameCount } from './common';

function quantizedLeakyRelu(qx: QParams, qy: QParams, alpha: number, dtype: 'int8' | 'int16', rounding: Rounding): (v: number) => number {
  const [qmin, qmax] = intRange(dtype);
  if (rounding === 'xnnpack' && dtype === 'int8') {
    const positiveScale = Math.fround(qx.scale / qy.scale);
    const negativeScale = Math.fround(positiveScale * alpha);
    if (
      positiveScale >= 2 ** -8 &&
      positiveScale <= 2 ** 7 &&
      negativeScale <= 2 ** 7 &&
      negativeScale >= -127.99609375 &&
      Math.abs(negativeScale) >= 2 ** -8
    ) {
      const positiveMultiplier = roundHalfEven(256 * positiveScale);
      const negativeMultiplier = roundHalfEven(256 * negativeScale);
      const bias = qy.zeroPoint * 256 + 128;
      return (x) => {
        const v = x - qx.zeroPoint;
        const r = (bias + v * (v >= 0 ? positiveMultiplier : negativeMultiplier)) >> 8;
        return r < -128 ? -128 : r > 127 ? 127 : r;
      };
    }
  }
  const alphaQ = quantizeMultiplier(Math.fround(Math.fround(qx.scale * alpha) / qy.scale));
  const identityQ = quantizeMultiplier(Math.fround(qx.scale / qy.scale));
  const negativeAlpha = alphaQ.multiplier < 0;
  const alphaMultiplier = negativeAlpha ? -alphaQ.multiplier : alphaQ.multiplier;
  return (x) => {
    const v = x - qx.zeroPoint;
    let r: number;
    if (v >= 0) r = qy.zeroPoint + multiplyByQuantizedMultiplier(v, identityQ.multiplier, identityQ.shift);
    else {
      const scaled = multiplyByQuantizedMultiplier(v, alphaMultiplier, alphaQ.shift);
      r = qy.zeroPoint + (negativeAlpha ? -scaled : scaled);
    }
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
}

function prepareLeakyRelu(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  const alpha = Math.fround(optionsOrDefault(ctx.op, 'LeakyReluOptions').alpha);
  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let i = 0; i < n; i++) {
        const v = X[i]!;
        Y[i] = v > 0 ? v : v * alpha;
      }
    };
  }
  if ((x.dtype === 'int8' || x.dtype === 'int16') && y.dtype === x.dtype) {
    const fn = quantizedLeakyRelu(qparams(ctx, x), qparams(ctx, y), alpha, x.dtype, ctx.rounding);
    return integerMapEval(x, y, n, fn);
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const LEAKY_RELU: Kernel = { prepare: prepareLeakyRelu };
