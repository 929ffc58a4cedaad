/**
 * RESIZE_NEAREST_NEIGHBOR on NHWC (TFLM resize_nearest_neighbor.cc →
 * reference_ops::ResizeNearestNeighbor). The source row/column of each output position is
 * GetNearestNeighbor, in float32 as the C++ computes it:
 *   scale = align_corners && out > 1 ? (in - 1) / (out - 1) : in / out
 *   v = (out_index + (half_pixel_centers ? 0.5 : 0)) * scale
 *   src = min(align_corners ? round(v) : floor(v), in - 1), and ≥ 0 with half_pixel_centers.
 * round() is C's round, half away from zero. The output size comes from the output tensor.
 */
import { optionsOf } from '../../../model/ops';
import { input, output } from '../../kernelUtil';
import { roundHalfAway } from '../../quant';
import type { Kernel } from '../../types';
import { badModel, checkSize, gatherEval, requireMovable, requireSameType } from './common';

function nearest(index: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const f = Math.fround;
  const scale = alignCorners && outSize > 1 ? f(f(inSize - 1) / f(outSize - 1)) : f(f(inSize) / f(outSize));
  const v = f(f(index + (halfPixelCenters ? 0.5 : 0)) * scale);
  let src = Math.min(alignCorners ? roundHalfAway(v) : Math.floor(v), inSize - 1);
  if (halfPixelCenters) src = Math.max(0, src);
  return src;
}

export const RESIZE_NEAREST_NEIGHBOR: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const y = output(ctx);
    requireSameType(ctx, x, y);
    requireMovable(ctx, y);
    if (x.shape.length !== 4 || y.shape.length !== 4) throw badModel(ctx, 'input and output must be 4-D (NHWC)');
    const [batches, inH, inW, depth] = x.shape as [number, number, number, number];
    const [outB, outH, outW, outD] = y.shape as [number, number, number, number];
    if (outB !== batches || outD !== depth)
      throw badModel(ctx, `input [${x.shape.join(', ')}] and output [${y.shape.join(', ')}] differ outside height and width`);
    checkSize(ctx, outH, outW);
    const o = optionsOf(ctx.op, 'ResizeNearestNeighborOptions');
    const align = o?.alignCorners ?? false;
    const half = o?.halfPixelCenters ?? false;

    const rows = Array.from({ length: outH }, (_, oy) => nearest(oy, inH, outH, align, half));
    const cols = Array.from({ length: outW }, (_, ox) => nearest(ox, inW, outW, align, half));
    const map = new Int32Array(y.data.length);
    let i = 0;
    for (let b = 0; b < batches; b++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const base = ((b * inH + rows[oy]!) * inW + cols[ox]!) * depth;
          for (let c = 0; c < depth; c++) map[i++] = base + c;
        }
      }
    }
    return gatherEval(x, y, map);
  },
};
