/**
 * A convolution's geometry read back from a layer's tensor shapes (NHWC input and output, OHWI
 * or 1HWO filter): the kernel libraries pick their code path from it. Stride and padding are not
 * in the analysis, so they are recovered from the shapes the way TFLite computes them (SAME:
 * out = ceil(in / stride); VALID: out = floor((in − k) / stride) + 1).
 */
import type { LayerReport } from '../../analysis/analyzeModel';

export interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  /** Padding before the first row/column (0 for VALID). */
  readonly padH: number;
  readonly padW: number;
}

function axis(input: number, output: number, k: number): { stride: number; pad: number } {
  for (let s = 1; s <= 8; s++) {
    if (Math.ceil(input / s) === output) return { stride: s, pad: Math.max(0, Math.floor(((output - 1) * s + k - input) / 2)) };
    if (input >= k && Math.floor((input - k) / s) + 1 === output) return { stride: s, pad: 0 };
  }
  return { stride: Math.max(1, Math.round(input / Math.max(1, output))), pad: 0 };
}

/** CONV_2D and DEPTHWISE_CONV_2D geometry; null when the shapes are not 4-D. */
export function convGeometry(layer: LayerReport): ConvGeometry | null {
  const i = layer.inputs[0]?.shape;
  const f = layer.inputs[1]?.shape;
  const o = layer.outputs[0]?.shape;
  if (i?.length !== 4 || f?.length !== 4 || o?.length !== 4) return null;
  const [batch, inH, inW, inC] = i as [number, number, number, number];
  const [, outH, outW, outC] = o as [number, number, number, number];
  const kH = f[1]!;
  const kW = f[2]!;
  const h = axis(inH, outH, kH);
  const w = axis(inW, outW, kW);
  return { batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH: h.stride, strideW: w.stride, padH: h.pad, padW: w.pad };
}

/** FULLY_CONNECTED: rows of the weight matrix (units), their length (depth) and the batch. */
export function fcGeometry(layer: LayerReport): { readonly batch: number; readonly units: number; readonly depth: number } | null {
  const f = layer.inputs[1]?.shape;
  const o = layer.outputs[0]?.shape;
  if (!f || f.length < 2 || !o || o.length < 1) return null;
  const units = f[0]!;
  const depth = f[f.length - 1]!;
  const outElements = o.reduce((a, b) => a * b, 1);
  return { batch: Math.max(1, Math.round(outElements / Math.max(1, units))), units, depth };
}
