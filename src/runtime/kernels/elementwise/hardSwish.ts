/**
 * HARD_SWISH: x·relu6(x + 3)/6.
 *
 * float32 (reference hard_swish.h): in·min(6, max(0, in + 3))/6 in float32.
 *
 * int8 (TFLM hard_swish_common.cc, reference hard_swish.h), the same in every rounding mode (no
 * MultiplyByQuantizedMultiplier involved): 16-bit fixed point. The input (x − zp) is moved to a
 * "hires" scale s_in/128; one Q15 multiplier takes it to the output scale, another to a
 * "reluish" scale where 3.0 is 32768; the reluish value is saturated, mapped from [−1, 1] to
 * [0, 1] and multiplied (truncating SaturatingDoublingHighMul) with the output-scaled input,
 * then shifted to the output scale. Prepare tabulates the 256 outputs.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import {
  downScaleInt32ToInt16Multiplier,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingDoublingHighMul16,
  saturatingLeftShift16,
  saturatingRoundingDoublingHighMul16,
} from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { badModel, byteTable, f32, i8, lookupEval, qparams, sameCount } from './common';

const toInt16 = (v: number): number => (v << 16) >> 16;

function prepareHardSwish(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let i = 0; i < n; i++) {
        const v = X[i]!;
        const r = Math.fround(v + 3);
        Y[i] = Math.fround(v * (r > 6 ? 6 : r < 0 ? 0 : r)) / 6;
      }
    };
  }
  if (x.dtype === 'int8' && y.dtype === 'int8') {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    const hiresInputScale = Math.fround(qx.scale / 128);
    const reluishScale = Math.fround(3 / 32768);
    const outQ = quantizeMultiplier(Math.fround(hiresInputScale / qy.scale));
    if (outQ.shift > 0) throw badModel(ctx, `has an output scale too small for its input scale (TFLite Micro needs s_in/(128·s_out) < 1)`);
    const outM16 = downScaleInt32ToInt16Multiplier(outQ.multiplier);
    const reluishQ = quantizeMultiplier(Math.fround(hiresInputScale / reluishScale));
    const reluishM16 = downScaleInt32ToInt16Multiplier(reluishQ.multiplier);
    const reluishExp = reluishQ.shift;
    const table = byteTable(
      'int8',
      (k) => new Int8Array(k),
      (v) => {
        const inputValue = toInt16(v - qx.zeroPoint);
        const hires = toInt16(inputValue * 128);
        const preshiftOutputScale = saturatingRoundingDoublingHighMul16(hires, outM16);
        let reluish = hires;
        if (reluishExp > 0) reluish = saturatingLeftShift16(reluish, reluishExp - 1);
        reluish = saturatingRoundingDoublingHighMul16(reluish, reluishM16);
        if (reluishExp > 0) reluish = saturatingLeftShift16(reluish, 1);
        if (reluishExp < 0) reluish = roundingDivideByPOT(reluish, -reluishExp);
        reluish = toInt16((reluish + 32768) >> 1);
        const preshiftOutput = saturatingDoublingHighMul16(reluish, preshiftOutputScale);
        let out = toInt16(roundingDivideByPOT(preshiftOutput, -outQ.shift) + qy.zeroPoint);
        out = out > 127 ? 127 : out < -128 ? -128 : out;
        return out;
      },
    );
    return lookupEval(i8(x), i8(y), table);
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const HARD_SWISH: Kernel = { prepare: prepareHardSwish };
