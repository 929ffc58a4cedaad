/**
 * SOFTMAX on int16 (TFLM softmax_common.cc, reference softmax.h SoftmaxInt16): the output is
 * int16 with scale 2^−15 and zero point 0 (refused otherwise, as TFLM's Prepare refuses it).
 * Prepare builds two 513-entry tables (int16Table.ts): exp over [−10, 0] and 1/(1 + x) over
 * [0, 1], both into [−1, 1]. Each row: differences to the row's maximum are rescaled so that
 * −65535 means −10 (a Q31 multiplier of s_in · beta · 65535 / 10, TFLM's double-rounding
 * MultiplyByQuantizedMultiplier), recentred by +32767 and saturated to int16, then looked up;
 * their int32 sum is normalised by its leading zeros, recentred into the reciprocal table, and
 * each exponential times the reciprocal is shifted back down with rounding, clamped to
 * [0, 32767].
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, output, scaleOf, unsupportedType, zeroPointOf } from '../../kernelUtil';
import { multiplyByQuantizedMultiplierTflm, quantizeMultiplier } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { badModel } from './common';
import { int16Lookup, int16Table } from './int16Table';

const RANGE = 65535;

function prepare(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  if (y.dtype !== 'int16') throw unsupportedType(ctx, `an int16 input with a ${y.dtype} output`);
  if (x.shape.length < 1) throw badModel(ctx, 'needs an input of rank 1 or more');
  if (zeroPointOf(y) !== 0) throw badModel(ctx, 'needs an int16 output zero point of 0 (TFLite Micro requires it)');
  const sOut = Math.fround(scaleOf(y));
  if (Math.abs(sOut - 1 / 32768) > Math.fround(Math.fround(0.001) * Math.fround(1 / 32768)))
    throw badModel(ctx, `needs an int16 output scale of 1/32768, not ${scaleOf(y)} (TFLite Micro requires it)`);
  const X = x.data as Int16Array;
  const Y = y.data as Int16Array;
  if (Y.length !== X.length) throw badModel(ctx, `has ${X.length} input and ${Y.length} output values`);
  const depth = x.shape[x.shape.length - 1]!;
  const rows = depth === 0 ? 0 : X.length / depth;

  const expLut = int16Table(10 / RANGE, 32767, 2 / RANGE, 0, Math.exp);
  const reciprocalLut = int16Table(1 / RANGE, -32768, 2 / RANGE, 0, (v) => 1 / Math.fround(1 + v));
  const beta = Math.fround(optionsOrDefault(ctx.op, 'SoftmaxOptions').beta);
  const { multiplier, shift } = quantizeMultiplier((Math.fround(scaleOf(x)) * beta) / (10 / RANGE), false);

  return () => {
    for (let r = 0, base = 0; r < rows; r++, base += depth) {
      let max = -32768;
      for (let c = 0; c < depth; c++) if (X[base + c]! > max) max = X[base + c]!;
      let sum = 0;
      for (let c = 0; c < depth; c++) {
        const scaled = multiplyByQuantizedMultiplierTflm(X[base + c]! - max, multiplier, shift) + 32767;
        const e = int16Lookup(expLut, scaled < -32768 ? -32768 : scaled > 32767 ? 32767 : scaled);
        Y[base + c] = e;
        sum = (sum + e) | 0;
      }
      const headroomPlusOne = Math.clz32(sum);
      // (sum << (headroom − 1) + 2^13) >> 14 in int64: the shifted sum is below 2^31.
      const shiftedSum = Math.floor((sum * 2 ** (headroomPlusOne - 1) + 8192) / 16384);
      const centred = shiftedSum - (32768 + 65536);
      const reciprocal = int16Lookup(reciprocalLut, centred < -32768 ? -32768 : centred > 32767 ? 32767 : centred);
      const rightShift = 31 - headroomPlusOne;
      const round = 2 ** (rightShift - 1);
      const unit = 2 ** -rightShift;
      for (let c = 0; c < depth; c++) {
        const v = Math.floor((Y[base + c]! * reciprocal + round) * unit);
        Y[base + c] = v < 0 ? 0 : v > 32767 ? 32767 : v;
      }
    }
  };
}

export const SOFTMAX_16: Kernel = { prepare };
