/**
 * SOFTMAX over the last dimension.
 *
 * float32 (TFLM reference softmax.h): exp((x − max)·beta) in float32, summed in float32, each
 * divided by the sum.
 *
 * int8 → int8 or int16, 'tflm' (softmax_common.cc, reference softmax.h): the gemmlowp
 * fixed-point algorithm. PreprocessSoftmaxScaling turns beta·s_in·2^26 (capped at 2^31 − 1)
 * into a Q31 multiplier and left shift; differences below diff_min (−CalculateInputRadius(5,
 * shift)) give 0; the others are rescaled to Q5.26, exp_on_negative_values gives Q0.31
 * exponentials, summed in Q12.19; GetReciprocal gives 1/sum; each output is
 * RoundingDivideByPOT(recip·exp, num_bits_over_unit + 31 − output bits) + the output type's
 * minimum.
 *
 * 'tflite' and 'xnnpack' (what TFLite's builtin kernel runs; XNNPACK does not take quantized
 * softmax): optimized_ops::Softmax with PopulateSoftmaxLookupTable, a float32 table of
 * expf(−s_in·beta·d) for d = max − x in [0, 255], summed in float32, each output
 * round(table·1/(sum·s_out)) + zp_out.
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, output, unsupportedType } from '../../kernelUtil';
import {
  expOnNegativeValues,
  fixedRescale,
  getReciprocal,
  multiplyByQuantizedMultiplierGreaterThanOne,
  quantizeMultiplier,
  roundHalfAway,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { badModel, f32, qparams, type QParams } from './common';

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

function prepareSoftmax(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  if (x.shape.length < 1) throw badModel(ctx, 'needs an input of rank 1 or more');
  const beta = Math.fround(optionsOrDefault(ctx.op, 'SoftmaxOptions').beta);
  const depth = x.shape[x.shape.length - 1]!;
  const n = x.data.length;
  if (y.data.length !== n) throw badModel(ctx, `has an input of ${n} elements and an output of ${y.data.length}`);
  const rows = depth === 0 ? 0 : n / depth;

  if (x.dtype === 'float32' && y.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let r = 0, base = 0; r < rows; r++, base += depth) {
        let max = -Infinity;
        for (let c = 0; c < depth; c++) if (X[base + c]! > max) max = X[base + c]!;
        let sum = 0;
        for (let c = 0; c < depth; c++) {
          const e = Math.fround(Math.exp(Math.fround(Math.fround(X[base + c]! - max) * beta)));
          Y[base + c] = e;
          sum = Math.fround(sum + e);
        }
        for (let c = 0; c < depth; c++) Y[base + c] = Y[base + c]! / sum;
      }
    };
  }

  if (x.dtype === 'int8' && (y.dtype === 'int8' || y.dtype === 'int16')) {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    const X = x.data as Int8Array;
    const Y = y.data as Int8Array | Int16Array;
    const outBits = y.dtype === 'int8' ? 8 : 16;
    if (ctx.rounding === 'tflm') return tflmSoftmax(X, Y, rows, depth, outBits, beta, qx);
    return lookupSoftmax(X, Y, rows, depth, outBits, beta, qx, qy);
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

function tflmSoftmax(X: Int8Array, Y: Int8Array | Int16Array, rows: number, depth: number, outBits: number, beta: number, qx: QParams): () => void {
  // PreprocessSoftmaxScaling (double-rounding build): cap at 2^31 − 1, keep a shift of 31.
  const real = Math.min(beta * qx.scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const { multiplier, shift } = quantizeMultiplier(real, false);
  // CalculateInputRadius(5, shift, 31).
  const diffMin = -Math.floor(((2 ** SCALED_DIFF_INTEGER_BITS - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** shift);
  const outMin = outBits === 8 ? -128 : -32768;
  const outMax = outBits === 8 ? 127 : 32767;
  // exp of each possible difference (max − x is in [0, 255]) is a function of the difference alone.
  const expOfDiff = new Int32Array(256);
  const valid = new Uint8Array(256);
  for (let d = 0; d < 256; d++) {
    const diff = -d;
    if (diff >= diffMin) {
      valid[d] = 1;
      expOfDiff[d] = expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, shift), SCALED_DIFF_INTEGER_BITS);
    }
  }
  return () => {
    for (let r = 0, base = 0; r < rows; r++, base += depth) {
      let max = -128;
      for (let c = 0; c < depth; c++) if (X[base + c]! > max) max = X[base + c]!;
      let sum = 0;
      for (let c = 0; c < depth; c++) {
        const d = max - X[base + c]!;
        if (valid[d]) sum = (sum + fixedRescale(expOfDiff[d]!, 0, ACCUMULATION_INTEGER_BITS)) | 0;
      }
      const reciprocal = getReciprocal(sum);
      const exponent = ACCUMULATION_INTEGER_BITS - Math.clz32(sum) + 31 - outBits; // num_bits_over_unit + 31 − bits
      for (let c = 0; c < depth; c++) {
        const d = max - X[base + c]!;
        if (!valid[d]) {
          Y[base + c] = outMin;
          continue;
        }
        const v = roundingDivideByPOT(saturatingRoundingDoublingHighMul(reciprocal, expOfDiff[d]!), exponent) + outMin;
        Y[base + c] = v > outMax ? outMax : v < outMin ? outMin : v;
      }
    }
  };
}

function lookupSoftmax(
  X: Int8Array,
  Y: Int8Array | Int16Array,
  rows: number,
  depth: number,
  outBits: number,
  beta: number,
  qx: QParams,
  qy: QParams,
): () => void {
  // table[255 − d] = expf(−s_in·beta·d); indexed below by d directly.
  const scale = Math.fround(-qx.scale * beta);
  const expOfDiff = new Float64Array(256);
  for (let d = 0; d < 256; d++) expOfDiff[d] = Math.fround(Math.exp(Math.fround(scale * d)));
  const outMin = outBits === 8 ? -128 : -32768;
  const outMax = outBits === 8 ? 127 : 32767;
  const outScale = qy.scale;
  const zp = qy.zeroPoint;
  return () => {
    for (let r = 0, base = 0; r < rows; r++, base += depth) {
      let max = -128;
      for (let c = 0; c < depth; c++) if (X[base + c]! > max) max = X[base + c]!;
      let sum = 0;
      for (let c = 0; c < depth; c++) sum = Math.fround(sum + expOfDiff[max - X[base + c]!]!);
      const inv = Math.fround(1 / Math.fround(sum * outScale));
      for (let c = 0; c < depth; c++) {
        const v = roundHalfAway(Math.fround(expOfDiff[max - X[base + c]!]! * inv)) + zp;
        Y[base + c] = v > outMax ? outMax : v < outMin ? outMin : v;
      }
    }
  };
}

export const SOFTMAX: Kernel = { prepare: prepareSoftmax };
