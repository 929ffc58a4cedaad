/**
 * PRELU: x ≥ 0 ? x : x·alpha, alpha broadcast against the input.
 *
 * int8 (TFLM prelu_common.cc, reference prelu.h): x − zp_in ≥ 0 is requantized with
 * s_in/s_out; otherwise (x − zp_in)·(alpha − zp_alpha) with s_in·s_alpha/s_out (multipliers in
 * double); plus zp_out, clamped, with double rounding in every mode (TFLite's kernel is the
 * same and XNNPACK takes float PRELU only). int16 input and output with int8 alpha (16x8, TFLM's
 * only int16 form: its Prepare wants the int8 alpha) is the same arithmetic clamped to int16.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { binaryEval } from './binary';
import { qparams, multiplyByQuantizedMultiplier } from './common';

function preparePrelu(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const alpha = input(ctx, 1);
  const y = output(ctx);
  if (x.dtype === 'float32' && alpha.dtype === 'float32' && y.dtype === 'float32') {
    return binaryEval(ctx, x, alpha, y, (v, a) => (v >= 0 ? v : Math.fround(v * a)));
  }
  const sixteen = x.dtype === 'int16' && y.dtype === 'int16';
  if ((sixteen || (x.dtype === 'int8' && y.dtype === 'int8')) && alpha.dtype === 'int8') {
    const [lo, hi] = sixteen ? [-32768, 32767] : [-128, 127];
    const qx = qparams(ctx, x);
    const qa = qparams(ctx, alpha);
    const qy = qparams(ctx, y);
    const m1 = quantizeMultiplier(qx.scale / qy.scale);
    const m2 = quantizeMultiplier((qx.scale * qa.scale) / qy.scale);
    return binaryEval(ctx, x, alpha, y, (v, a) => {
      const iv = v - qx.zeroPoint;
      const r =
        (iv >= 0
          ? multiplyByQuantizedMultiplier(iv, m1.multiplier, m1.shift)
          : multiplyByQuantizedMultiplier(iv * (a - qa.zeroPoint), m2.multiplier, m2.shift)) + qy.zeroPoint;
      return r < lo ? lo : r > hi ? hi : r;
    });
  }
  throw unsupportedType(ctx, `${x.dtype} input, ${alpha.dtype} alpha and ${y.dtype} output`);
}

export const PRELU: Kernel = { prepare: preparePrelu };
