/**
 * The sliding window of a convolution, depthwise convolution, pool or transpose convolution as
 * the model states it (stride, dilation, padding type, from the op's options) and the padding
 * TFLite computes from it in Prepare (model/geometry.ts). The latency estimator dispatches on
 * it the way the kernel libraries do; reading it here means nothing downstream has to infer a
 * stride from tensor shapes.
 */
import type { Operator, Subgraph } from '../model/graph';
import { computePaddingHeightWidth, type WindowParams } from '../model/geometry';
import { optionsOf, type Padding } from '../model/ops';

export interface LayerWindow {
  readonly padding: Padding;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly filterH: number;
  readonly filterW: number;
  /** Padding before the first row / column (0 for VALID). */
  readonly padTop: number;
  readonly padLeft: number;
  /** The odd row / column of SAME padding that goes after the data. */
  readonly padBottomExtra: number;
  readonly padRightExtra: number;
}

/** The window of `p` with its padding as TFLite's ComputePaddingHeightWidth gives it. */
export function windowOf(p: WindowParams): LayerWindow {
  const g = computePaddingHeightWidth(p);
  return {
    padding: p.padding,
    strideH: p.strideH,
    strideW: p.strideW,
    dilationH: p.dilationH,
    dilationW: p.dilationW,
    filterH: p.filterHeight,
    filterW: p.filterWidth,
    padTop: g.padTop,
    padLeft: g.padLeft,
    padBottomExtra: g.padBottomExtra,
    padRightExtra: g.padRightExtra,
  };
}

/** Height and width of a 4-D NHWC (or OHWI / 1HWO) shape; undefined for any other rank. */
function hw(sg: Subgraph, tensor: number | undefined): readonly [number, number] | undefined {
  const shape = tensor === undefined || tensor < 0 ? undefined : sg.tensors[tensor]?.shape;
  return shape?.length === 4 ? [shape[1]!, shape[2]!] : undefined;
}

/**
 * The op's window; undefined for ops without one, for ops written without their options and for
 * shapes that are not 4-D. TRANSPOSE_CONV pads as TFLM's Prepare does: the output plays the input.
 */
export function layerWindow(sg: Subgraph, op: Operator): LayerWindow | undefined {
  const conv = optionsOf(op, 'Conv2DOptions') ?? optionsOf(op, 'DepthwiseConv2DOptions');
  if (conv) {
    const image = hw(sg, op.inputs[0]);
    const filter = hw(sg, op.inputs[1]);
    if (!image || !filter) return undefined;
    return windowOf({
      padding: conv.padding,
      strideH: conv.strideH,
      strideW: conv.strideW,
      dilationH: conv.dilationHFactor,
      dilationW: conv.dilationWFactor,
      inHeight: image[0],
      inWidth: image[1],
      filterHeight: filter[0],
      filterWidth: filter[1],
    });
  }
  const pool = optionsOf(op, 'Pool2DOptions');
  if (pool) {
    const image = hw(sg, op.inputs[0]);
    if (!image) return undefined;
    return windowOf({
      padding: pool.padding,
      strideH: pool.strideH,
      strideW: pool.strideW,
      dilationH: 1,
      dilationW: 1,
      inHeight: image[0],
      inWidth: image[1],
      filterHeight: pool.filterHeight,
      filterWidth: pool.filterWidth,
    });
  }
  const transpose = optionsOf(op, 'TransposeConvOptions');
  if (transpose) {
    const image = hw(sg, op.outputs[0]);
    const filter = hw(sg, op.inputs[1]);
    if (!image || !filter) return undefined;
    return windowOf({
      padding: transpose.padding,
      strideH: transpose.strideH,
      strideW: transpose.strideW,
      dilationH: 1,
      dilationW: 1,
      inHeight: image[0],
      inWidth: image[1],
      filterHeight: filter[0],
      filterWidth: filter[1],
    });
  }
  return undefined;
}
