/**
 * PAD and PADV2 (one kernel in TFLM: pad.cc / pad_common.cc). Paddings are a constant
 * [rank, 2] tensor of (before, after) counts. The pad value is, as in TFLM's PadEval:
 * - float32: the constant_values scalar, else 0;
 * - int8: the constant_values scalar (TFLM's Prepare demands it share the output's scale
 *   and zero point), else the OUTPUT zero point (not 0: a padded int8 zero is the real 0);
 * - int16, int32: the constant_values scalar, else 0.
 */
import { input, optionalInput, output, zeroPointOf } from '../../kernelUtil';
import type { Kernel, RuntimeTensor } from '../../types';
import { badModel, constantInts, gatherEval, requireMovable, requireSameType, stridesOf } from './common';

export const PAD: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const paddings = constantInts(ctx, input(ctx, 1), 'paddings');
    const constant = optionalInput(ctx, 2);
    const y = output(ctx);
    requireSameType(ctx, x, y);
    requireMovable(ctx, y);
    const rank = x.shape.length;
    if (y.shape.length !== rank || paddings.length !== rank * 2) throw badModel(ctx, `paddings of ${paddings.length} values do not fit a rank-${rank} input`);
    for (let d = 0; d < rank; d++) {
      if (x.shape[d]! + paddings[2 * d]! + paddings[2 * d + 1]! !== y.shape[d]) {
        throw badModel(ctx, `input [${x.shape.join(', ')}] padded by [${paddings.join(', ')}] is not the output [${y.shape.join(', ')}]`);
      }
    }

    let fill: number | RuntimeTensor = 0;
    if (constant) {
      requireSameType(ctx, constant, y);
      if (constant.data.length !== 1) throw badModel(ctx, 'constant_values must be a scalar');
      fill = constant;
    } else if (y.dtype === 'int8' || y.dtype === 'uint8') {
      fill = zeroPointOf(y);
    }

    // map[output index] = input index, or -1 in the padding.
    const inStrides = stridesOf(x.shape);
    const map = new Int32Array(y.data.length);
    const coord = new Array<number>(rank).fill(0);
    for (let i = 0; i < map.length; i++) {
      let j = 0;
      for (let d = 0; d < rank; d++) {
        const c = coord[d]! - paddings[2 * d]!;
        if (c < 0 || c >= x.shape[d]!) {
          j = -1;
          break;
        }
        j += c * inStrides[d]!;
      }
      map[i] = j;
      for (let d = rank - 1; d >= 0; d--) {
        if (++coord[d]! < y.shape[d]!) break;
        coord[d] = 0;
      }
    }
    return gatherEval(x, y, map, fill);
  },
};

export const PADV2 = PAD;
