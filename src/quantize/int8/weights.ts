/**
 * Stage 2b of the int8 plan: weights and biases of CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, TRANSPOSE_CONV and the gates of UNIDIRECTIONAL_SEQUENCE_LSTM (per tensor,
 * each bias at the scale of the input its weights multiply).
 *
 * Weights become symmetric int8 per channel (per tensor for FULLY_CONNECTED unless asked),
 * widened where a bias would not fit int32 (biasScaleAdjustments), and biases int32 at
 * s_in · s_w. In 16x8 layers (int16 activations) biases are int64, and weights are widened
 * only where a bias would pass 2^47, the bound of TFLM's 64-bit requantization. Int8 weights of
 * a hybrid source are reused as they are when they fit the int8 kernel (symmetric, no −128, per tensor or on the same axis) and their bias fits.
 * Per-channel FULLY_CONNECTED weights the target's kernels refuse (CMSIS-NN with an int16 input)
 * are per tensor instead, with a note.
 */
import { needsPerTensorWeights } from '../../analysis/opSupport/check';
import type { QuantizeNotice } from '../../findings/notice';
import type { BuiltinName } from '../../model/ops';
import { floatData } from '../graphEdit';
import { biasScaleAdjustments, quantizeBias, quantizeBias64, symmetricWeights, type SymmetricWeights } from '../params';
import type { Int8GraphOptions } from './options';
import type { ScaleGroups } from './scaleGroups';
import { formNode, isFloat, precisionOf, propertyOf, slotType, weightSlots, type Int8Source, type WeightSlot } from './source';
import type { TensorPlan } from './tensorPlan';

export interface LayerWeights {
  readonly layer: number;
  /** The layer's input slot the weights are at (an LSTM has eight). */
  readonly slot: number;
  /** The weight tensor of the source. */
  readonly weight: number;
  /** Channel axis; absent when per tensor. */
  readonly axis?: number;
  /** Scale of the data input the weights multiply (after any requantization). */
  readonly inputScale: number;
  readonly quantized: SymmetricWeights;
  /** Taken as they were from the hybrid source (no second rounding). */
  readonly reused: boolean;
  /** Channels whose scale was widened so that the bias fits int32. */
  readonly widenedChannels: number;
  /** Per tensor although per-channel FULLY_CONNECTED weights were asked: the kernels refuse them for this layer (Int8GraphOptions.kernels). */
  readonly perTensorForKernels?: true;
  /** int32, or int64 with int16 activations (16x8: what the converter writes and TFLM's FC and depthwise read). */
  readonly bias?: { readonly slot: number; readonly tensor: number; readonly values: Int32Array | BigInt64Array; readonly scales: readonly number[] };
}

export interface WeightPlan {
  /** In layer order, then in the order of source.ts weightSlots. */
  readonly layers: readonly LayerWeights[];
}

export function planWeights(
  s: Int8Source,
  groups: ScaleGroups,
  tensors: TensorPlan,
  options: Pick<Int8GraphOptions, 'perChannelFullyConnected' | 'reuseInt8Weights' | 'weightCache' | 'kernels'>,
): WeightPlan {
  const layers: LayerWeights[] = [];
  s.subgraph.operators.forEach((_op, layer) => {
    const prop = propertyOf(s, layer);
    if (!prop) return;
    for (const ws of weightSlots(prop)) layers.push(layerWeights(s, groups, tensors, options, layer, ws));
  });
  return { layers };
}

function layerWeights(
  s: Int8Source,
  groups: ScaleGroups,
  tensors: TensorPlan,
  options: Pick<Int8GraphOptions, 'perChannelFullyConnected' | 'reuseInt8Weights' | 'weightCache' | 'kernels'>,
  layer: number,
  ws: WeightSlot,
): LayerWeights {
  const graph = s.graph;
  const sg = s.subgraph;
  const op = sg.operators[layer]!;
  const wide = precisionOf(s, layer) === 'int16';
  // The bound a quantized bias must stay well inside: int32, or TFLM's 2^47 for 16x8's int64 biases.
  const biasLimit = wide ? 2 ** 47 : undefined;
  const w = op.inputs[ws.slot]!;
  const wt = sg.tensors[w]!;
  const perChannelFc =
    options.perChannelFullyConnected &&
    !(options.kernels && needsPerTensorWeights(s.layers[layer]!.op as BuiltinName, wide ? 'int16' : 'int8', options.kernels));
  const axis = ws.axis === 'fc' ? (perChannelFc ? 0 : undefined) : ws.axis === 'tensor' ? undefined : ws.axis;
  const inputScale = scaleOfInput(s, groups, tensors, layer, ws.input);
  const b = ws.bias !== undefined ? op.inputs[ws.bias] : undefined;
  const biasValues = b !== undefined && b >= 0 ? floatData(graph, sg.tensors[b]!) : undefined;
  const key = `${w}:${axis ?? 'tensor'}`;
  let values: Float32Array | undefined;
  const floatValues = (): Float32Array => (values ??= floatData(graph, wt));
  let q = options.weightCache?.get(key);
  if (!q) {
    q = symmetricWeights(floatValues(), wt.shape, axis);
    options.weightCache?.set(key, q);
  }
  const src = options.reuseInt8Weights ? s.float.int8Weights.get(w) : undefined;
  let reused = false;
  if (src?.zeroPoints.every((z) => z === 0) && !src.values.some((v) => v === -128)) {
    const perTensorOk = src.scales.length === 1;
    const perChannelOk = src.scales.length > 1 && axis !== undefined && src.axis === axis;
    if (perTensorOk || perChannelOk) {
      const candidate = { values: src.values, scales: [...src.scales], min: [], max: [], axis: perTensorOk ? 0 : axis! };
      if (!biasValues || biasScaleAdjustments(biasValues, inputScale, candidate.scales, biasLimit).size === 0) {
        q = candidate;
        reused = true;
      }
    }
  }
  let widenedChannels = 0;
  if (!reused && biasValues) {
    const adjust = biasScaleAdjustments(biasValues, inputScale, q.scales, biasLimit);
    if (adjust.size > 0) {
      q = symmetricWeights(floatValues(), wt.shape, axis, adjust);
      widenedChannels = adjust.size;
    }
  }
  const bias =
    b !== undefined && biasValues && ws.bias !== undefined
      ? { slot: ws.bias, tensor: b, ...(wide ? quantizeBias64(biasValues, inputScale, q.scales) : quantizeBias(biasValues, inputScale, q.scales)) }
      : undefined;
  const perTensorForKernels = ws.axis === 'fc' && options.perChannelFullyConnected && !perChannelFc;
  return {
    layer,
    slot: ws.slot,
    weight: w,
    ...(axis !== undefined ? { axis } : {}),
    inputScale,
    quantized: q,
    reused,
    widenedChannels,
    ...(bias ? { bias } : {}),
    ...(perTensorForKernels ? { perTensorForKernels } : {}),
  };
}

/** The scale the layer's int8 input at `slot` will carry: its group's, or the one it is requantized to. */
function scaleOfInput(s: Int8Source, groups: ScaleGroups, tensors: TensorPlan, layer: number, slot: number): number {
  const t = s.subgraph.operators[layer]!.inputs[slot]!;
  if (!isFloat(s, t)) {
    const scale = s.subgraph.tensors[t]?.quantization?.scale[0];
    if (scale === undefined) throw new Error(`layer ${layer}: input ${slot} is neither float nor quantized`);
    return scale;
  }
  const requantized = groups.requantize.find((r) => r.layer === layer && r.slot === slot);
  const type = slotType(s, layer, slot);
  return tensors.groupParams.get(requantized?.group ?? groups.groupOf.get(formNode(s, t, type))!)!.scale;
}

/** Weights whose scale was widened so the bias fits int32 (layer, channels). */
export function biasAdjusted(plan: WeightPlan): { readonly layer: number; readonly channels: number }[] {
  return plan.layers.filter((l) => l.widenedChannels > 0).map((l) => ({ layer: l.layer, channels: l.widenedChannels }));
}

/** What the report says about the weights. */
export function weightNotes(plan: WeightPlan): QuantizeNotice[] {
  const notes: QuantizeNotice[] = [];
  const reused = plan.layers.filter((l) => l.reused).length;
  const adjusted = biasAdjusted(plan);
  if (reused > 0) notes.push({ code: 'weights-reused', params: { tensors: reused } });
  const perTensor = plan.layers.filter((l) => l.perTensorForKernels).length;
  if (perTensor > 0) notes.push({ code: 'weights-per-tensor', params: { layers: perTensor } });
  if (adjusted.length > 0) notes.push({ code: 'bias-widened', params: { channels: adjusted.reduce((n, b) => n + b.channels, 0), layers: adjusted.length } });
  return notes;
}
