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

type Extent = readonly [number, number];
type WindowOptions = Pick<WindowParams, 'padding' | 'strideH' | 'strideW'>;

/** Height and width of a 4-D NHWC (or OHWI / 1HWO) shape; undefined for any other rank. */
function hw(sg: Subgraph, tensor: number | undefined): Extent | undefined {
  const shape = tensor === undefined || tensor < 0 ? undefined : sg.tensors[tensor]?.shape;
  return shape?.length === 4 ? [shape[1]!, shape[2]!] : undefined;
}

/** What the op's window is made of: its options and the image and filter extents they apply to. */
function windowParts(
  sg: Subgraph,
  op: Operator,
): { options: WindowOptions; image: Extent | undefined; filter: Extent | undefined; dilation: Extent } | undefined {
  const conv = optionsOf(op, 'Conv2DOptions') ?? optionsOf(op, 'DepthwiseConv2DOptions');
  if (conv) return { options: conv, image: hw(sg, op.inputs[0]), filter: hw(sg, op.inputs[1]), dilation: [conv.dilationHFactor, conv.dilationWFactor] };
  const pool = optionsOf(op, 'Pool2DOptions');
  if (pool) return { options: pool, image: hw(sg, op.inputs[0]), filter: [pool.filterHeight, pool.filterWidth], dilation: [1, 1] };
  // TFLM's TRANSPOSE_CONV Prepare pads with the output in the input's place.
  const transpose = optionsOf(op, 'TransposeConvOptions');
  if (transpose) return { options: transpose, image: hw(sg, op.outputs[0]), filter: hw(sg, op.inputs[1]), dilation: [1, 1] };
  return undefined;
}

/** The op's window; undefined for ops without one, for ops written without their options and for shapes that are not 4-D. */
export function layerWindow(sg: Subgraph, op: Operator): LayerWindow | undefined {
  const parts = windowParts(sg, op);
  if (!parts?.image || !parts.filter) return undefined;
  const { options, image, filter, dilation } = parts;
  return windowOf({
    padding: options.padding,
    strideH: options.strideH,
    strideW: options.strideW,
    dilationH: dilation[0],
    dilationW: dilation[1],
    inHeight: image[0],
    inWidth: image[1],
    filterHeight: filter[0],
    filterWidth: filter[1],
  });
}
