/**
 * PRELU: x ≥ 0 ? x : x·alpha, alpha broadcast against the input.
 *
 * int8 (TFLM prelu_common.cc, reference prelu.h): x − zp_in ≥ 0 is requantized with
 * s_in/s_out; otherwise (x − zp_in)·(alpha − zp_alpha) with s_in·s_alpha/s_out (multipliers in
 * double); plus zp_out, clamped, with double rounding in every mode (TFLite's kernel is the
 * same and XNNPACK takes float PRELU only).
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
  if (x.dtype === 'int8' && alpha.dtype === 'int8' && y.dtype === 'int8') {
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
      return r < -128 ? -128 : r > 127 ? 127 : r;
    });
  }
  throw unsupportedType(ctx, `${x.dtype} input, ${alpha.dtype} alpha and ${y.dtype} output`);
}

export const PRELU: Kernel = { prepare: preparePrelu };
