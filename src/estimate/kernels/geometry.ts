/**
 * A convolution's geometry from a layer's tensor shapes (NHWC input and output, OHWI or 1HWO
 * filter) and its window (stride and padding as the model states them, analysis/layerWindow.ts):
 * the kernel libraries pick their code path from it.
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

/** CONV_2D and DEPTHWISE_CONV_2D geometry; null when the shapes are not 4-D or the layer has no window. */
export function convGeometry(layer: LayerReport): ConvGeometry | null {
  const i = layer.inputs[0]?.shape;
  const f = layer.inputs[1]?.shape;
  const o = layer.outputs[0]?.shape;
  const w = layer.window;
  if (i?.length !== 4 || f?.length !== 4 || o?.length !== 4 || !w) return null;
  const [batch, inH, inW, inC] = i as [number, number, number, number];
  const [, outH, outW, outC] = o as [number, number, number, number];
  return { batch, inH, inW, inC, outH, outW, outC, kH: f[1]!, kW: f[2]!, strideH: w.strideH, strideW: w.strideW, padH: w.padTop, padW: w.padLeft };
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
