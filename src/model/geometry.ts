/**
 * Output size and padding of windowed ops (convolutions, pooling), as TFLite's
 * ComputePaddingHeightWidth in kernels/padding.h: SAME pads so that out = ceil(in / stride),
 * VALID does not pad; the padding before the data is floor(total / 2), the odd remainder
 * going after it. One copy for the runtime's kernels, the arena tables (CMSIS-NN scratch
 * sizes depend on the padding) and anything else that needs a window's geometry.
 */
import type { Padding } from './ops';

/** C's integer division (truncates toward zero). */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

export function effectiveFilterSize(filter: number, dilation: number): number {
  return (filter - 1) * dilation + 1;
}

/** ComputeOutSize: 0 for a zero stride or an unknown padding, as TFLite. */
export function computeOutSize(padding: Padding, imageSize: number, filterSize: number, stride: number, dilation = 1): number {
  if (stride === 0) return 0;
  const effective = effectiveFilterSize(filterSize, dilation);
  switch (padding) {
    case 'SAME':
      return idiv(imageSize + stride - 1, stride);
    case 'VALID':
      return idiv(imageSize + stride - effective, stride);
    default:
      return 0;
  }
}

/** ComputePaddingWithOffset: padding before the data, and the extra one after it. */
export function computePaddingWithOffset(
  stride: number,
  dilation: number,
  inSize: number,
  filterSize: number,
  outSize: number,
): { readonly before: number; readonly offset: number } {
  const total = Math.max(0, (outSize - 1) * stride + effectiveFilterSize(filterSize, dilation) - inSize);
  return { before: idiv(total, 2), offset: total % 2 };
}

export interface WindowGeometry {
  readonly outHeight: number;
  readonly outWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottomExtra: number;
  readonly padRightExtra: number;
}

export interface WindowParams {
  readonly padding: Padding;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
}

export function computePaddingHeightWidth(p: WindowParams): WindowGeometry {
  const outWidth = computeOutSize(p.padding, p.inWidth, p.filterWidth, p.strideW, p.dilationW);
  const outHeight = computeOutSize(p.padding, p.inHeight, p.filterHeight, p.strideH, p.dilationH);
  const h = computePaddingWithOffset(p.strideH, p.dilationH, p.inHeight, p.filterHeight, outHeight);
  const w = computePaddingWithOffset(p.strideW, p.dilationW, p.inWidth, p.filterWidth, outWidth);
  return { outHeight, outWidth, padTop: h.before, padLeft: w.before, padBottomExtra: h.offset, padRightExtra: w.offset };
}

/**
 * For each output coordinate along one axis, the first and one-past-last filter taps whose
 * input coordinate `o·stride − pad + k·dilation` lies inside [0, inSize): taps outside the
 * image contribute nothing (TFLM skips them; in int8 that is padding with the input zero
 * point). Precomputed once so the loops only read two small arrays.
 */
export function tapRanges(
  outSize: number,
  stride: number,
  pad: number,
  dilation: number,
  filterSize: number,
  inSize: number,
): { readonly start: Int32Array; readonly end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  // In closed form, not tap by tap: a filter may claim 2^31 taps (validate.ts refuses dilation < 1).
  const d = Math.max(1, dilation);
  for (let o = 0; o < outSize; o++) {
    const origin = o * stride - pad;
    // First k with origin + k·d >= 0, and one past the last with origin + k·d < inSize.
    const s = Math.min(filterSize, Math.max(0, Math.ceil(-origin / d)));
    const e = Math.max(s, Math.min(filterSize, Math.ceil((inSize - origin) / d)));
    start[o] = s;
    end[o] = e;
  }
  return { start, end };
}
