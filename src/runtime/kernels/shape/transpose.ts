/**
 * TRANSPOSE by a constant permutation (TFLM transpose.cc → reference_ops::Transpose):
 * output dimension i is input dimension perm[i]. Out-of-range or repeated entries are
 * refused, as TFLite's Prepare refuses them.
 */
import { input, output } from '../../kernelUtil';
import type { Kernel } from '../../types';
import { badModel, constantInts, gatherEval, requireMovable, requireSameType, stridesOf } from './common';

export const TRANSPOSE: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const perm = constantInts(ctx, input(ctx, 1), 'perm');
    const y = output(ctx);
    requireSameType(ctx, x, y);
    requireMovable(ctx, y);
    const rank = x.shape.length;
    const seen = new Set(perm);
    if (perm.length !== rank || seen.size !== rank || perm.some((p) => p < 0 || p >= rank))
      throw badModel(ctx, `perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
    if (perm.some((p, i) => x.shape[p] !== y.shape[i]))
      throw badModel(ctx, `input [${x.shape.join(', ')}] permuted by [${perm.join(', ')}] is not the output [${y.shape.join(', ')}]`);

    const inStrides = stridesOf(x.shape);
    const step = perm.map((p) => inStrides[p]!);
    const map = new Int32Array(y.data.length);
    const coord = new Array<number>(rank).fill(0);
    let j = 0;
    for (let i = 0; i < map.length; i++) {
      map[i] = j;
      for (let d = rank - 1; d >= 0; d--) {
        j += step[d]!;
        if (++coord[d]! < y.shape[d]!) break;
        j -= step[d]! * coord[d]!;
        coord[d] = 0;
      }
    }
    return gatherEval(x, y, map);
  },
};
