/**
 * TANH.
 *
 * float32: tanh in float32 (TFLM reference tanh.h, std::tanh).
 *
 * int8, 'tflm' (tanh.cc, reference integer_ops/tanh.h): the input parameters of LOGISTIC
 * (Q4.27 after a frexp multiplier, saturation outside ±radius), gemmlowp::tanh in Q0.31 and
 * RoundingDivideByPOT(·, 24), clamped: the output scale is taken as 1/128 with zero point 0.
 * 'tflite' and 'xnnpack': TFLite's LUTPopulate table of tanh (the XNNPACK delegate of the
 * oracle, tfjs-tflite, does not take TANH, so its builtin kernel runs).
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import { fixedTanh, multiplyByQuantizedMultiplierTflm, roundingDivideByPOT } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { byteTable, f32, i8, lookupEval, qparams, sameCount, type QParams } from './common';
import { fixedPointInputParams } from './logistic';
import { tfliteLut } from './lut';

export function tflmTanhTable(qx: QParams): Int8Array {
  const { multiplier, shift, radius } = fixedPointInputParams(qx.scale);
  return byteTable(
    'int8',
    (n) => new Int8Array(n),
    (x) => {
      const v = x - qx.zeroPoint;
      if (v <= -radius) return -128;
      if (v >= radius) return 127;
      const inQ4 = multiplyByQuantizedMultiplierTflm(v, multiplier, shift);
      const out = roundingDivideByPOT(fixedTanh(inQ4, 4), 24);
      return out < -128 ? -128 : out > 127 ? 127 : out;
    },
  );
}

function prepareTanh(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let i = 0; i < n; i++) Y[i] = Math.tanh(X[i]!);
    };
  }
  if (x.dtype === 'int8' && y.dtype === 'int8') {
    const qx = qparams(ctx, x);
    const table = ctx.rounding === 'tflm' ? tflmTanhTable(qx) : tfliteLut(qx, qparams(ctx, y), (v) => Math.tanh(v));
    return lookupEval(i8(x), i8(y), table);
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const TANH: Kernel = { prepare: prepareTanh };
