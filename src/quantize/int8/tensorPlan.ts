/**
 * Stage 2 of the int8 plan: every float tensor's forms and parameters.
 *
 * - Parameters per scale group: the fixed ones, or asymmetric int8 (params.ts) from the range
 *   of the tensor the group takes its range from (calibrated, or a constant's own values);
 *   int16 groups (16x8 layers) symmetric int16, zero point 0.
 * - Which tensors need an int8 form, an int16 form (data of a quantized layer of that type, its
 *   outputs, integer model I/O of that type: source.ts ioType) and a float form (anything a
 *   float layer touches, float model I/O). A tensor is born in the form its writer gives it
 *   (or, for a model input, the I/O form); its other forms are new tensors. The model's I/O
 *   form keeps the original name; other new forms take "_int8", "_int16" or "_float" (with
 *   float I/O the int8 ones are "_int8", as the converter names them).
 * - Float constants read as data are quantized with their group's parameters.
 */
import { toBytes } from '../../model/graphBuilder';
import type { Buffer, QuantParams, Tensor } from '../../model/graph';
import { floatData, uniqueName } from '../graphEdit';
import { asymmetricParams, quantizeAffine, quantizeAffine16, symmetricParams16, type AffineParams } from '../params';
import type { RangeChoice } from '../ranges';
import type { ActivationType, IoType, LayerPrecision } from './options';
import type { GroupRule, ScaleGroups } from './scaleGroups';
import { formNode, ioType, isConst, isFloat, precisionOf, propertyOf, slotKind, slotType, type Int8Source } from './source';

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
  /** Its int16 tensor, when a 16x8 layer (or int16 model I/O) reads or writes it. */
  readonly int16?: number;
  /** Its float tensor, when a kept-float layer or a float model input/output needs one. */
  readonly float?: number;
  /** The form its writer gives it (a model input: the I/O form); the others are converted from it. */
  readonly born: LayerPrecision;
  /** Born in an integer form: written by a quantized layer or an integer model input. */
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
  /** In a model that mixes int8 and int16: the type of this form (a tensor may have both). */
  readonly type?: ActivationType;
}

export interface TensorPlan {
  readonly needsInt8: ReadonlySet<number>;
  readonly needsInt16: ReadonlySet<number>;
  readonly needsFloat: ReadonlySet<number>;
  /** By group root (a node, source.ts formNode): the groups some integer tensor (or requantized input) takes. */
  readonly groupParams: ReadonlyMap<number, GroupParams>;
  /** Float tensor of the source → its forms. */
  readonly forms: ReadonlyMap<number, TensorForms>;
  /** The source's tensors with int8 ones in place, then the new forms. */
  readonly tensors: readonly Tensor[];
  readonly buffers: readonly Buffer[];
  /** What the report lists: one record per integer form, in tensor order (int8 before int16). */
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

/** The form of a tensor of `type` in its forms record. */
export function formOf(f: TensorForms | undefined, type: LayerPrecision): number | undefined {
  return type === 'float' ? f?.float : type === 'int8' ? f?.int8 : f?.int16;
}

const SUFFIX: Readonly<Record<LayerPrecision, string>> = { int8: '_int8', int16: '_int16', float: '_float' };

export function planTensors(s: Int8Source, groups: ScaleGroups, ranges: ReadonlyMap<number, RangeChoice>, io: IoType): TensorPlan {
  const graph = s.graph;
  const sg = s.subgraph;
  const float = (t: number): boolean => isFloat(s, t);

  // Parameters are worked out on first use: a group no integer tensor takes needs no range.
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
    const wide = group.type === 'int16';
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
  const paramsOf = (t: number, type: ActivationType): GroupParams => paramsOfGroup(groups.groupOf.get(formNode(s, t, type))!);

  const needs: Record<LayerPrecision, Set<number>> = { int8: new Set(), int16: new Set(), float: new Set() };
  sg.operators.forEach((op, layer) => {
    const p = propertyOf(s, layer);
    const type = precisionOf(s, layer);
    op.inputs.forEach((t, slot) => {
      if (!float(t)) return;
      if (p && slotKind(p, slot) === 'data') needs[slotType(s, layer, slot)].add(t);
      if (!p) needs.float.add(t);
    });
    for (const t of op.outputs) if (float(t)) needs[type].add(t);
  });
  const ioForm = (t: number): LayerPrecision => (io === 'int8' ? ioType(s, t) : 'float');
  for (const t of [...sg.inputs, ...sg.outputs]) if (float(t)) needs[ioForm(t)].add(t);
  const born = (t: number): LayerPrecision => {
    const p = s.producers.get(t);
    // Model inputs follow the I/O type; variable tensors (LSTM state) stay with their float op.
    if (p === undefined) return sg.inputs.includes(t) ? ioForm(t) : 'float';
    return precisionOf(s, p);
  };
  const mixed = needs.int8.size > 0 && needs.int16.size > 0;

  const tensors: Tensor[] = [...sg.tensors];
  const buffers: Buffer[] = [...graph.buffers];
  const names = new Set(sg.tensors.map((t) => t.name));
  const addTensor = (t: Tensor): number => tensors.push(t) - 1;
  const forms = new Map<number, TensorForms>();
  const params: TensorParams[] = [];
  const record = (t: number, type: ActivationType, rule?: ParamRule): void => {
    const g = paramsOf(t, type);
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
      ...(mixed ? { type } : {}),
    });
  };
  const intTensor = (base: Tensor, name: string, t: number, type: ActivationType): Tensor => ({
    ...withoutQuantization(base),
    name,
    dtype: type,
    buffer: 0,
    quantization: activationQuantization(paramsOf(t, type)),
  });
  const intTypes = (t: number): ActivationType[] => (['int8', 'int16'] as const).filter((type) => needs[type].has(t));

  for (let t = 0; t < sg.tensors.length; t++) {
    if (!float(t) || (!needs.int8.has(t) && !needs.int16.has(t) && !needs.float.has(t))) continue;
    const original = sg.tensors[t]!;
    const found: { int8?: number; int16?: number; float?: number } = {};
    if (isConst(s, t)) {
      const types = intTypes(t);
      if (types.length === 0) continue;
      const values = floatData(graph, original);
      types.forEach((type, k) => {
        const data = type === 'int16' ? quantizeAffine16(values, paramsOf(t, type)) : quantizeAffine(values, paramsOf(t, type));
        buffers.push({ data: toBytes(data) });
        const quantizedConst: Tensor = { ...intTensor(original, original.name, t, type), buffer: buffers.length - 1 };
        if (k === 0 && !needs.float.has(t)) {
          tensors[t] = quantizedConst;
          found[type] = t;
        } else found[type] = addTensor({ ...quantizedConst, name: uniqueName(names, `${original.name}${SUFFIX[type]}`) });
      });
      forms.set(t, { ...found, born: 'float', bornInt8: false });
      for (const type of types) record(t, type, 'constant');
      continue;
    }
    const first = born(t);
    const make = (type: LayerPrecision, name: string): Tensor =>
      type === 'float' ? { ...withoutQuantization(original), name, buffer: 0 } : intTensor(original, name, t, type);
    // The form it is born in takes its place (and name); at a model I/O whose form is another,
    // that one takes the original name and the born form a suffixed one.
    const isIo = sg.inputs.includes(t) || sg.outputs.includes(t);
    const io = isIo ? ioForm(t) : first;
    const bornName = io !== first && needs[io].has(t) ? uniqueName(names, `${original.name}${SUFFIX[first]}`) : original.name;
    tensors[t] = first === 'float' ? (bornName === original.name ? original : { ...original, name: bornName }) : make(first, bornName);
    found[first] = t;
    for (const type of ['float', 'int8', 'int16'] as const) {
      if (type === first || !needs[type].has(t)) continue;
      found[type] = addTensor(make(type, type === io ? original.name : uniqueName(names, `${original.name}${SUFFIX[type]}`)));
    }
    forms.set(t, { ...found, born: first, bornInt8: first !== 'float' });
    for (const type of intTypes(t)) record(t, type);
  }
  for (const r of groups.requantize) paramsOfGroup(r.group);

  return { needsInt8: needs.int8, needsInt16: needs.int16, needsFloat: needs.float, groupParams, forms, tensors, buffers, params };
}
