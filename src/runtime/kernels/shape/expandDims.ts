/**
 * EXPAND_DIMS: inserts a size-1 dimension at the constant `axis` (negative counts from the end,
 * in [−rank − 1, rank]); the data is copied unchanged (TFLM expand_dims.cc, any type).
 */
import { input, output } from '../../kernelUtil';
import type { Kernel } from '../../types';
import { badModel, constantInts, copyEval } from './common';

export const EXPAND_DIMS: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const y = output(ctx);
    const axes = constantInts(ctx, input(ctx, 1), 'axis');
    if (axes.length !== 1) throw badModel(ctx, `needs one axis, not ${axes.length}`);
    const rank = x.shape.length;
    const axis = axes[0]! < 0 ? axes[0]! + rank + 1 : axes[0]!;
    if (axis < 0 || axis > rank) throw badModel(ctx, `has axis ${axes[0]} for an input of rank ${rank}`);
    const expected = [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)];
    if (expected.length !== y.shape.length || expected.some((d, i) => d !== y.shape[i]))
      throw badModel(ctx, `expands [${x.shape.join(', ')}] at axis ${axes[0]} to [${expected.join(', ')}], not the output [${y.shape.join(', ')}]`);
    return copyEval(ctx, x, y);
  },
};
