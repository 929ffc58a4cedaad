/**
 * LOGISTIC (sigmoid).
 *
 * float32 (TFLM reference logistic.h): 1 for x > 16.619…, exp(x) for x < −9, else 1/(1 + exp(−x)).
 *
 * int8, 'tflm' (logistic_common.cc, reference integer_ops/logistic.h): the input multiplier is
 * frexp(s_in·2^27) as a Q31 mantissa and a shift; inputs beyond ±CalculateInputRadius(4, shift)
 * saturate to −128/127; the others become Q4.27, gemmlowp::logistic gives Q0.31, and
 * RoundingDivideByPOT(·, 23) − 128 the output (whose scale TFLM assumes is 1/256, zp −128).
 * 'tflite': TFLite's LUTPopulate table of 1/(1 + exp(−x)). 'xnnpack': XNNPACK's qs8 sigmoid
 * table (output scale 1/256, zp −128 only; otherwise the delegate leaves the node to TFLite).
 * Every path is a function of the input byte: prepare builds the 256-entry table.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import { fixedLogistic, multiplyByQuantizedMultiplierTflm, roundHalfAway, roundingDivideByPOT } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { badModel, byteTable, f32, i8, lookupEval, qparams, sameCount, type QParams } from './common';
import { expf, tfliteLut, xnnpackLut } from './lut';

// biome-ignore lint/correctness/noPrecisionLoss: TFLM's constant as its source spells it (the double is the same)
const CUTOFF_UPPER = Math.fround(16.619047164916992188);

export function logisticFloat(v: number): number {
  if (v > CUTOFF_UPPER) return 1;
  if (v < -9) return expf(v);
  return Math.fround(1 / Math.fround(1 + expf(-v)));
}

/**
 * TFLM's int8 input parameters for LOGISTIC and TANH (kInputIntegerBits = 4): frexp of
 * s_in·2^27, rounded to a Q31 mantissa, and the saturation radius.
 */
export function fixedPointInputParams(scale: number): { multiplier: number; shift: number; radius: number } {
  const real = scale * 2 ** 27;
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = real / 2 ** shift;
  if (q >= 1) {
    q /= 2;
    shift++;
  } else if (q < 0.5) {
    q *= 2;
    shift--;
  }
  const multiplier = roundHalfAway(q * 2 ** 31) | 0;
  const radius = Math.floor((15 * 2 ** 27) / 2 ** shift);
  return { multiplier, shift, radius };
}

export function tflmLogisticTable(qx: QParams): Int8Array {
  const { multiplier, shift, radius } = fixedPointInputParams(qx.scale);
  return byteTable(
    'int8',
    (n) => new Int8Array(n),
    (x) => {
      const v = x - qx.zeroPoint;
      if (v <= -radius) return -128;
      if (v >= radius) return 127;
      const inQ4 = multiplyByQuantizedMultiplierTflm(v, multiplier, shift);
      const out = roundingDivideByPOT(fixedLogistic(inQ4, 4), 23) - 128;
      return out < -128 ? -128 : out > 127 ? 127 : out;
    },
  );
}

/** XNNPACK's calculate_sigmoid: the branch keeps precision for positive x. */
function xnnSigmoid(v: number): number {
  return v < 0 || Object.is(v, -0) ? Math.fround(1 / Math.fround(1 + expf(-v))) : Math.fround(1 - Math.fround(1 / Math.fround(1 + expf(v))));
}

function prepareLogistic(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let i = 0; i < n; i++) Y[i] = logisticFloat(X[i]!);
    };
  }
  if (x.dtype === 'int8' && y.dtype === 'int8') {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    let table: Int8Array;
    if (ctx.rounding === 'tflm') {
      if (qy.zeroPoint !== -128) throw badModel(ctx, `needs an int8 output with zero point -128 (TFLite Micro), got ${qy.zeroPoint}`);
      table = tflmLogisticTable(qx);
    } else if (ctx.rounding === 'xnnpack' && qy.scale === 2 ** -8 && qy.zeroPoint === -128) {
      table = xnnpackLut(qx, qy, xnnSigmoid);
    } else {
      table = tfliteLut(qx, qy, (v) => Math.fround(1 / Math.fround(1 + expf(-v))));
    }
    return lookupEval(i8(x), i8(y), table);
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const LOGISTIC: Kernel = { prepare: prepareLogistic };
