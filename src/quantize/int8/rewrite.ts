/**
 * Stage 3 of the int8 plan: the new operator list of subgraph 0.
 *
 * Quantized layers read the integer forms of their type (int8, or int16 for 16x8 layers) of
 * their data inputs (through a QUANTIZE where a scale group asks for requantization), their
 * int8 weights and int32 (16x8: int64) biases, and write forms of their type. Layers kept in
 * float read float forms. Wherever a tensor has several forms, the conversions follow right
 * where it is born, from the born form: DEQUANTIZE to float after an integer writer, QUANTIZE
 * to the other integer type (int8↔int16, a requantization TFLM's QUANTIZE runs) or, after a
 * float writer (or at a model input), QUANTIZE float → integer. A weight or bias tensor shared by several layers (or also
 * read in float) gets one int8 copy per use after the first.
 */
import { toBytes } from '../../model/graphBuilder';
import type { Buffer, Operator, Tensor } from '../../model/graph';
import { editOps, uniqueName, type EditOp } from '../graphEdit';
import { dequantizeOp, quantizeOp } from './format';
import type { ScaleGroups } from './scaleGroups';
import { isConst, isFloat, precisionOf, propertyOf, slotKind, slotType, type Int8Source } from './source';
import { activationQuantization, formOf, withoutQuantization, type TensorPlan } from './tensorPlan';
import type { WeightPlan } from './weights';

/** Why an operator of the rewritten list is there. */
export type OpOrigin =
  | { readonly kind: 'layer'; readonly layer: number; readonly float: boolean }
  /** An integer form of a source tensor, from its float form or its other integer form. */
  | { readonly kind: 'quantize'; readonly tensor: number; readonly to: 'int8' | 'int16' }
  /** The float form of a source tensor, from its int8 form. */
  | { readonly kind: 'dequantize'; readonly tensor: number }
  /** A layer's data input moved into another scale group's parameters. */
  | { readonly kind: 'requantize'; readonly layer: number; readonly slot: number };

export interface RewrittenOp {
  readonly origin: OpOrigin;
  /** Tensor indices refer to the rewrite's `tensors`; the version is still the source's. */
  readonly edit: EditOp;
}

export interface OperatorRewrite {
  readonly ops: readonly RewrittenOp[];
  /** The tensor plan's tensors, with int8 weights and biases in place and the copies appended. */
  readonly tensors: readonly Tensor[];
  readonly buffers: readonly Buffer[];
}

/**
 * ADD and SUB with int16 outputs take TFLite's general int16 path (pot_scale_int16 false), as
 * the converter writes them in 16x8: their scales are not powers of two.
 */
function generalInt16(op: Operator, out: Tensor | undefined): Pick<Operator, 'options'> | Record<string, never> {
  const o = op.options;
  if (out?.dtype !== 'int16' || !o || (o.kind !== 'AddOptions' && o.kind !== 'SubOptions')) return {};
  return { options: { ...o, potScaleInt16: false } };
}

export function rewriteOperators(s: Int8Source, groups: ScaleGroups, tp: TensorPlan, weights: WeightPlan): OperatorRewrite {
  const sg = s.subgraph;
  const float = (t: number): boolean => isFloat(s, t);
  const tensors: Tensor[] = [...tp.tensors];
  const buffers: Buffer[] = [...tp.buffers];
  // The tensor plan gave every name it made to a tensor, so these are all the names taken.
  const names = new Set(tensors.map((t) => t.name));
  const addTensor = (t: Tensor): number => tensors.push(t) - 1;
  const addBuffer = (data: Uint8Array): number => buffers.push({ data }) - 1;
  const requantized = new Map(groups.requantize.map((r) => [`${r.layer}:${r.slot}`, r.group]));
  const weightsOf = new Map(weights.layers.map((w) => [w.layer, w]));

  const out: RewrittenOp[] = [];
  const conversionAfter = (t: number): RewrittenOp[] => {
    const f = tp.forms.get(t);
    const from = formOf(f, f?.born ?? 'float');
    if (f === undefined || from === undefined) return [];
    const ops: RewrittenOp[] = [];
    for (const to of ['float', 'int8', 'int16'] as const) {
      const x = formOf(f, to);
      if (to === f.born || x === undefined || x === from) continue;
      ops.push(
        to === 'float'
          ? { origin: { kind: 'dequantize', tensor: t }, edit: dequantizeOp(from, x) }
          : { origin: { kind: 'quantize', tensor: t, to }, edit: quantizeOp(from, x) },
      );
    }
    return ops;
  };
  for (const t of sg.inputs) if (!isConst(s, t)) out.push(...conversionAfter(t));

  const uses = new Map<number, number>();
  /** The first use of a constant that nothing reads in float takes its place; later uses get copies. */
  const place = (source: number, t: Tensor): number => {
    const n = uses.get(source) ?? 0;
    uses.set(source, n + 1);
    if (n === 0 && !tp.needsFloat.has(source)) {
      tensors[source] = t;
      return source;
    }
    return addTensor({ ...t, name: uniqueName(names, sg.tensors[source]!.name) });
  };

  editOps(s.graph, sg).forEach((e, layer) => {
    const op = e.op;
    const prop = propertyOf(s, layer);
    if (!prop) {
      const inputs = op.inputs.map((t) => (float(t) && !isConst(s, t) ? (tp.forms.get(t)?.float ?? t) : t));
      out.push({ origin: { kind: 'layer', layer, float: true }, edit: { ...e, op: { ...op, inputs } } });
      for (const t of op.outputs) if (float(t)) out.push(...conversionAfter(t));
      return;
    }
    const type = precisionOf(s, layer) === 'int16' ? 'int16' : 'int8';
    const inputs = [...op.inputs];
    const pre: RewrittenOp[] = [];
    op.inputs.forEach((t, slot) => {
      if (!float(t) || slotKind(prop, slot) !== 'data') return;
      let i8 = formOf(tp.forms.get(t), slotType(s, layer, slot))!;
      const target = requantized.get(`${layer}:${slot}`);
      if (target !== undefined) {
        const g = tp.groupParams.get(target)!;
        const r = addTensor({
          ...withoutQuantization(tensors[i8]!),
          name: uniqueName(names, `${sg.tensors[t]!.name}_requantized`),
          buffer: 0,
          quantization: activationQuantization(g),
        });
        pre.push({ origin: { kind: 'requantize', layer, slot }, edit: quantizeOp(i8, r) });
        i8 = r;
      }
      inputs[slot] = i8;
    });

    const lw = weightsOf.get(layer);
    if (prop.weight && lw) {
      const q = lw.quantized;
      inputs[prop.weight.slot] = place(lw.weight, {
        ...withoutQuantization(sg.tensors[lw.weight]!),
        dtype: 'int8',
        buffer: addBuffer(toBytes(q.values)),
        quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: q.scales.length > 1 ? q.axis : 0 },
      });
      if (prop.bias !== undefined && lw.bias) {
        const bq = lw.bias;
        inputs[prop.bias] = place(bq.tensor, {
          ...withoutQuantization(sg.tensors[bq.tensor]!),
          dtype: bq.values instanceof BigInt64Array ? 'int64' : 'int32',
          buffer: addBuffer(toBytes(bq.values)),
          quantization: { scale: bq.scales, zeroPoint: bq.scales.map(() => 0), quantizedDimension: 0 },
        });
      }
    }

    const outputs = op.outputs.map((t) => (float(t) ? formOf(tp.forms.get(t), type)! : t));
    out.push(...pre, {
      origin: { kind: 'layer', layer, float: false },
      edit: { ...e, op: { ...op, inputs, outputs, ...generalInt16(op, tensors[outputs[0]!]) } },
    });
    for (const t of op.outputs) if (float(t)) out.push(...conversionAfter(t));
  });
  return { ops: out, tensors, buffers };
}
