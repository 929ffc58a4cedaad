/**
 * Float graph + calibrated ranges → the int8 graph, as the TFLite converter builds it, in
 * stages that each fill in one part of an explicit plan (int8/plan.ts):
 *
 * 1. Scale groups (int8/scaleGroups.ts): tensors that must share a scale and zero point
 *    (same-scale ops, multi-input same-scale ops, fixed outputs), and inputs requantized
 *    where two groups meet.
 * 2. Tensor plan (int8/tensorPlan.ts): each group's parameters, each float tensor's int8,
 *    int16 and float forms, float constants quantized; then weights and biases
 *    (int8/weights.ts): symmetric int8 per channel, int32 biases at s_in · s_w (int64 in 16x8).
 * 3. Operator rewrite (int8/rewrite.ts): quantized layers on forms of their type, kept-float
 *    layers on float forms, QUANTIZE/DEQUANTIZE where a tensor changes form.
 *
 * Every layer has a precision (int8, int16 with int8 weights, or float): `precision` names
 * some, `keepFloat` keeps others in float, the rest take `activations` (layerPrecisions).
 * 4. Model I/O (int8/io.ts) and operator versions (int8/versions.ts).
 * Then the graph is assembled from the plan (int8/assemble.ts). The stages are pure apart
 * from `weightCache`, which they fill.
 */
import type { FloatGraph } from './floatGraph';
import { assembleInt8Graph, type Int8GraphResult } from './int8/assemble';
import { planIo } from './int8/io';
import { unrunnableComparisons } from './int8/comparisonScale';
import type { Int8GraphOptions, LayerPrecision } from './int8/options';
import type { Int8Plan } from './int8/plan';
import { rewriteOperators } from './int8/rewrite';
import { planScaleGroups } from './int8/scaleGroups';
import { int8Source } from './int8/source';
import { planTensors } from './int8/tensorPlan';
import { operatorVersions } from './int8/versions';
import { planWeights } from './int8/weights';
import type { RangeChoice } from './ranges';

export type { Int8GraphResult } from './int8/assemble';
export type { ActivationType, Int8GraphOptions, IoType, LayerPrecision } from './int8/options';
export type { Int8Plan } from './int8/plan';
export type { ParamRule, TensorParams } from './int8/tensorPlan';

/**
 * Each layer's precision: float when kept float (keepFloat is the fallback for ops a precision
 * cannot take, so it wins), else the one `precision` names, else `activations`.
 */
export function layerPrecision(options: Pick<Int8GraphOptions, 'activations' | 'keepFloat' | 'precision'>, layer: number): LayerPrecision {
  if (options.keepFloat.has(layer)) return 'float';
  return options.precision?.get(layer) ?? options.activations ?? 'int8';
}

/**
 * Every decision buildInt8Graph makes, before any graph is built. An int8 comparison whose
 * input would take a scale TFLM cannot rescale is planned again in float (int8/comparisonScale.ts):
 * comparisons join no scale group, so the other tensors keep their parameters.
 */
export function planInt8Graph(float: FloatGraph, ranges: ReadonlyMap<number, RangeChoice>, options: Int8GraphOptions): Int8Plan {
  const activations = options.activations ?? 'int8';
  let source = int8Source(float, (layer) => layerPrecision(options, layer), activations);
  let groups = planScaleGroups(source);
  let tensors = planTensors(source, groups, ranges, options.io);
  const floatComparisons = unrunnableComparisons(source, tensors);
  if (floatComparisons.length > 0) {
    const keep = new Set(floatComparisons);
    source = int8Source(float, (layer) => (keep.has(layer) ? 'float' : layerPrecision(options, layer)), activations);
    groups = planScaleGroups(source);
    tensors = planTensors(source, groups, ranges, options.io);
  }
  const weights = planWeights(source, groups, tensors, options);
  const rewrite = rewriteOperators(source, groups, tensors, weights);
  const io = planIo(source, tensors, options.io);
  const versions = operatorVersions(rewrite);
  return { source, groups, tensors, weights, rewrite, io, versions, floatComparisons };
}

export function buildInt8Graph(source: FloatGraph, ranges: ReadonlyMap<number, RangeChoice>, options: Int8GraphOptions): Int8GraphResult {
  return assembleInt8Graph(planInt8Graph(source, ranges, options));
}
