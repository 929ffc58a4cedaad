/**
 * Stage 2 of the int8 plan: every float tensor's forms and parameters.
 *
 * - Parameters per scale group: the fixed ones, or asymmetric int8 (params.ts) from the range
 *   of the tensor the group takes its range from (calibrated, or a constant's own values).
 * - Which tensors need an int8 form (data of a quantized layer, its outputs, int8 model I/O)
 *   and which a float form (anything a kept-float layer touches, float model I/O). A tensor
 *   is born int8 when a quantized layer writes it (or it is an int8 model input); its other
 *   form is a new tensor. With float I/O the float tensors keep the original names and the
 *   int8 ones take "_int8" (as the converter names them); with int8 I/O the reverse.
 * - Float constants read as data are quantized with their group's parameters.
 */
import { toBytes } from '../../model/graphBuilder';
import type { Buffer, QuantParams, Tensor } from '../../model/graph';
import { floatData, uniqueName } from '../graphEdit';
import { asymmetricParams, quantizeAffine, quantizeAffine16, symmetricParams16, type AffineParams } from '../params';
import type { RangeChoice } from '../ranges';
import type { ActivationType, IoType } from './options';
import type { GroupRule, ScaleGroups } from './scaleGroups';
import { isConst, isFloat, propertyOf, slotKind, type Int8Source } from './source';

/** A group's int8 parameters and the real range they cover (widened to include 0). */
export interface GroupParams extends AffineParams {
  readonly min: number;
  readonly max: number;
  readonly rule: GroupRule;
  /** The tensor the range (or, for 'fixed', the parameters) came from. */
  readonly from: number;
}

export interface TensorForms {
  /** Its int8 tensor (an index into the plan's `tensors`), when anything reads or writes it in int8. */
  readonly int8?: number;
  /** Its float tensor, when a kept-float layer or a float model input/output needs one. */
  readonly float?: number;
  /** Written by a quantized layer or an int8 model input: the float form is the converted copy. */
  readonly bornInt8: boolean;
}

/** How a tensor's parameters were decided. */
export type ParamRule = 'calibrated' | 'same-as-input' | 'shared' | 'fixed' | 'constant';

export interface TensorParams {
  /** Tensor index in the float graph. */
  readonly tensor: number;
  readonly name: string;
  readonly rule: ParamRule;
  /** Where the range came from (a tensor name), for 'same-as-input' and 'shared'. */
  readonly from?: string;
  readonly scale: number;
  readonly zeroPoint: number;
  /** The real range the parameters cover (clipped range, widened to include 0). */
  readonly min: number;
  readonly max: number;
}

export interface TensorPlan {
  readonly needsInt8: ReadonlySet<number>;
  readonly needsFloat: ReadonlySet<number>;
  /** By group root: the groups some int8 tensor (or requantized input) takes. */
  readonly groupParams: ReadonlyMap<number, GroupParams>;
  /** Float tensor of the source → its forms. */
  readonly forms: ReadonlyMap<number, TensorForms>;
  /** The source's tensors with int8 ones in place, then the new forms. */
  readonly tensors: readonly Tensor[];
  readonly buffers: readonly Buffer[];
  /** What the report lists: one record per tensor with an int8 form, in tensor order. */
  readonly params: readonly TensorParams[];
}

/** Per-tensor asymmetric parameters, with the range they cover. */
export function activationQuantization(g: GroupParams): QuantParams {
  return { scale: [g.scale], zeroPoint: [g.zeroPoint], quantizedDimension: 0, min: [g.min], max: [g.max] };
}

export function withoutQuantization(t: Tensor): Omit<Tensor, 'quantization'> {
  const { quantization: _q, ...rest } = t;
  return rest;
}

function valueRange(values: Float32Array): RangeChoice {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

/**
 * With `activations` int16 (16x8) every integer activation is int16, symmetric (zero point 0),
 * and new integer forms are named "_int16".
 */
export function planTensors(
  s: Int8Source,
  groups: ScaleGroups,
  ranges: ReadonlyMap<number, RangeChoice>,
  io: IoType,
  activations: ActivationType = 'int8',
): TensorPlan {
  const wide = activations === 'int16';
  const suffix = wide ? '_int16' : '_int8';
  const graph = s.graph;
  const sg = s.subgraph;
  const float = (t: number): boolean => isFloat(s, t);
  const quantized = (layer: number): boolean => propertyOf(s, layer) !== undefined;

  // Parameters are worked out on first use: a group no int8 tensor takes needs no range.
  const rangeOf = (t: number): RangeChoice => {
    const r = ranges.get(t);
    if (r) return r;
    if (isConst(s, t)) return valueRange(floatData(graph, sg.tensors[t]!));
    throw new Error(`no calibrated range for tensor ${t} ("${sg.tensors[t]!.name}")`);
  };
  const groupParams = new Map<number, GroupParams>();
  const paramsOfGroup = (root: number): GroupParams => {
    let g = groupParams.get(root);
    if (g) return g;
    const group = groups.groups.get(root)!;
    if (group.fixed) {
      const p = group.fixed;
      g = {
        scale: p.scale,
        zeroPoint: p.zeroPoint,
        min: p.scale * ((wide ? -32768 : -128) - p.zeroPoint),
        max: p.scale * ((wide ? 32767 : 127) - p.zeroPoint),
        rule: group.rule,
        from: group.from,
      };
    } else {
      const r = rangeOf(group.from);
      const p = wide ? symmetricParams16(r.min, r.max) : asymmetricParams(r.min, r.max);
      g = { scale: p.scale, zeroPoint: p.zeroPoint, min: p.min, max: p.max, rule: group.rule, from: group.from };
    }
    groupParams.set(root, g);
    return g;
  };
  const paramsOf = (t: number): GroupParams => paramsOfGroup(groups.groupOf.get(t)!);

  const needsInt8 = new Set<number>();
  const needsFloat = new Set<number>();
  sg.operators.forEach((op, layer) => {
    const p = propertyOf(s, layer);
    op.inputs.forEach((t, slot) => {
      if (!float(t)) return;
      if (p && slotKind(p, slot) === 'data') needsInt8.add(t);
      if (!p) needsFloat.add(t);
    });
    for (const t of op.outputs) if (float(t)) (p ? needsInt8 : needsFloat).add(t);
  });
  for (const t of [...sg.inputs, ...sg.outputs]) if (float(t)) (io === 'int8' ? needsInt8 : needsFloat).add(t);
  const bornInt8 = (t: number): boolean => {
    if (isConst(s, t)) return false;
    const p = s.producers.get(t);
    // Model inputs follow the I/O type; variable tensors (LSTM state) stay with their float op.
    if (p === undefined) return sg.inputs.includes(t) && io === 'int8';
    return quantized(p);
  };

  const tensors: Tensor[] = [...sg.tensors];
  const buffers: Buffer[] = [...graph.buffers];
  const names = new Set(sg.tensors.map((t) => t.name));
  const addTensor = (t: Tensor): number => tensors.push(t) - 1;
  const forms = new Map<number, TensorForms>();
  const params: TensorParams[] = [];
  const record = (t: number, rule?: ParamRule): void => {
    const g = paramsOf(t);
    const r = rule ?? (g.rule === 'calibrated' && g.from !== t ? 'same-as-input' : g.rule);
    params.push({
      tensor: t,
      name: sg.tensors[t]!.name,
      rule: r,
      ...(g.from !== t ? { from: sg.tensors[g.from]!.name } : {}),
      scale: g.scale,
      zeroPoint: g.zeroPoint,
      min: g.min,
      max: g.max,
    });
  };
  const int8Tensor = (base: Tensor, name: string, t: number): Tensor => ({
    ...withoutQuantization(base),
    name,
    dtype: activations,
    buffer: 0,
    quantization: activationQuantization(paramsOf(t)),
  });

  for (let t = 0; t < sg.tensors.length; t++) {
    if (!float(t) || (!needsInt8.has(t) && !needsFloat.has(t))) continue;
    const original = sg.tensors[t]!;
    if (isConst(s, t)) {
      if (!needsInt8.has(t)) continue;
      const values = floatData(graph, original);
      const data = wide ? quantizeAffine16(values, paramsOf(t)) : quantizeAffine(values, paramsOf(t));
      buffers.push({ data: toBytes(data) });
      const quantizedConst: Tensor = { ...int8Tensor(original, original.name, t), buffer: buffers.length - 1 };
      if (needsFloat.has(t)) forms.set(t, { int8: addTensor({ ...quantizedConst, name: uniqueName(names, `${original.name}${suffix}`) }), bornInt8: false });
      else {
        tensors[t] = quantizedConst;
        forms.set(t, { int8: t, bornInt8: false });
      }
      record(t, 'constant');
      continue;
    }
    if (bornInt8(t)) {
      tensors[t] = int8Tensor(original, original.name, t);
      let floatForm: number | undefined;
      if (needsFloat.has(t)) {
        // The float copy takes the original name at a float model output (the converter's naming).
        const isOutput = sg.outputs.includes(t) && io === 'float';
        if (isOutput) tensors[t] = { ...tensors[t]!, name: uniqueName(names, `${original.name}${suffix}`) };
        floatForm = addTensor({ ...withoutQuantization(original), name: isOutput ? original.name : uniqueName(names, `${original.name}_float`), buffer: 0 });
      }
      forms.set(t, { int8: t, ...(floatForm !== undefined ? { float: floatForm } : {}), bornInt8: true });
    } else {
      let int8Form: number | undefined;
      if (needsInt8.has(t)) {
        const isIntOutput = sg.outputs.includes(t) && io === 'int8';
        if (isIntOutput) tensors[t] = { ...tensors[t]!, name: uniqueName(names, `${original.name}_float`) };
        int8Form = addTensor(int8Tensor(original, isIntOutput ? original.name : uniqueName(names, `${original.name}${suffix}`), t));
      }
      forms.set(t, { ...(int8Form !== undefined ? { int8: int8Form } : {}), float: t, bornInt8: false });
    }
    if (needsInt8.has(t)) record(t);
  }
  for (const r of groups.requantize) paramsOfGroup(r.group);

  return { needsInt8, needsFloat, groupParams, forms, tensors, buffers, params };
}
