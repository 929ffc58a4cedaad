/**
 * RELU and RELU6.
 *
 * float32: max(0, x) and min(max(0, x), 6).
 *
 * int8/int16 RELU (TFLM activations_common.cc, CalculateReluOpData and ReluQuantized): the input
 * is requantized to the output scale, zp_out + MultiplyByQuantizedMultiplier(x − zp_in,
 * s_in/s_out), and clamped below at max(qmin, zp_out + round(0/s_out)).
 *
 * int8/int16 RELU6, 'tflm' (Relu6Prepare, Relu6Quantized): no requantization at all, the input
 * values are clamped to [zp_in, zp_in + round(6/s_in)] (TFLM assumes the output shares the
 * input's quantization). 'tflite' and 'xnnpack' (TFLite's QuantizedReluX; XNNPACK does not take
 * quantized RELU in the oracle): requantized like RELU and clamped to
 * [zp_out, zp_out + round(6/s_out)].
 *
 * Every requantization here rounds twice, TFLite's as TFLM's.
 *
 * int8 paths are 256-entry tables built at prepare time.
 */
import { input, intRange, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, roundHalfAway } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { prepareWasmFloatClamp } from '../wasmFloat';
import { f32, integerMapEval, multiplyByQuantizedMultiplier, qparams, sameCount } from './common';

type Which = 'relu' | 'relu6';

function prepareRelu(ctx: KernelContext, which: Which): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    const simd = ctx.wasm && prepareWasmFloatClamp(ctx.wasm, X, Y, 0, which === 'relu' ? Number.POSITIVE_INFINITY : 6);
    if (simd) return simd;
    if (which === 'relu') {
      return () => {
        for (let i = 0; i < n; i++) {
          const v = X[i]!;
          Y[i] = v < 0 ? 0 : v;
        }
      };
    }
    return () => {
      for (let i = 0; i < n; i++) {
        const v = X[i]!;
        Y[i] = v > 6 ? 6 : v < 0 ? 0 : v;
      }
    };
  }
  if ((x.dtype === 'int8' || x.dtype === 'int16') && y.dtype === x.dtype) {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    const [qmin, qmax] = intRange(x.dtype);
    const rounding = ctx.rounding;
    let fn: (v: number) => number;
    if (which === 'relu6' && rounding === 'tflm') {
      // FloatToQuantizedType(6.0f, s_in, zp_in), clamped to the type.
      const six = Math.min(qmax, Math.max(qmin, roundHalfAway(Math.fround(6 / qx.scale)) + qx.zeroPoint));
      const zero = qx.zeroPoint;
      fn = (v) => (v > six ? six : v < zero ? zero : v);
    } else {
      const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
      const lo = Math.max(qmin, qy.zeroPoint);
      const hi = which === 'relu' ? qmax : Math.min(qmax, qy.zeroPoint + roundHalfAway(Math.fround(6 / qy.scale)));
      fn = (v) => {
        const r = qy.zeroPoint + multiplyByQuantizedMultiplier(v - qx.zeroPoint, multiplier, shift);
        return r < lo ? lo : r > hi ? hi : r;
      };
    }
    return integerMapEval(x, y, n, fn);
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const RELU: Kernel = { prepare: (ctx) => prepareRelu(ctx, 'relu') };
export const RELU6: Kernel = { prepare: (ctx) => prepareRelu(ctx, 'relu6') };
