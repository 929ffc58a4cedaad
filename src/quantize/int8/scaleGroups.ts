/**
 * Stage 1 of the int8 plan: which float tensors must share one scale and zero point.
 *
 * The output of a same-scale op (RESHAPE, MAX_POOL_2D, PAD, …) joins its input's group, and
 * so do the op's other float constants (PADV2's pad value, which takes the group's range and
 * never gives it). Every input of a multi-input
 * same-scale op (CONCATENATION, PACK, …) joins its output's group. A group takes, in this
 * order: the fixed parameters of SOFTMAX/LOGISTIC/TANH… when it holds such an output; the
 * range of the multi-input op's output (the MLIR quantizer propagates that result scale back
 * to the operands; of two such ops the later, outer one wins); else the range of its first
 * tensor (the input of a chain of same-scale ops). Where two fixed parameter sets would meet,
 * or a fixed output enters a shared group, the input is requantized with a QUANTIZE op; so is
 * a computed input of MAXIMUM, MINIMUM or SELECT_V2 that another op also reads (or the model
 * outputs), which keeps its own range instead of the output's narrower one.
 *
 * An LSTM's hidden state joins its output's group (the output's range: TFLM writes the hidden
 * state's bytes to the output), and its cell state's int16 form is a group of its own with a
 * power-of-two scale.
 *
 * In a mixed model each integer type has its own groups: an int16 layer joins the int16 forms
 * of its tensors (nodes, source.ts formNode), an int8 layer the int8 forms, so where a tensor
 * crosses from one type to the other its two forms are two groups, and the rewrite converts
 * one into the other (QUANTIZE int8↔int16).
 *
 * Structure only: no range is read here (stage 2 turns groups into parameters).
 */
import type { AffineParams } from '../params';
import { FIXED_16X8 } from '../opProperties';
import type { ActivationType } from './options';
import { cellStates, formNode, isConst, isFloat, mainSlot, nodeTensor, nodeType, precisionOf, propertyOf, slotKind, type Int8Source } from './source';

export type GroupRule = 'fixed' | 'shared' | 'calibrated';

export interface ScaleGroup {
  /** The group's representative node (the tensor itself for int8 forms). */
  readonly root: number;
  /** The integer type of its forms. */
  readonly type: ActivationType;
  /** Its float tensors, ascending. */
  readonly members: readonly number[];
  readonly rule: GroupRule;
  /** 'fixed': the op output that fixes the parameters; otherwise the tensor whose range the group takes. */
  readonly from: number;
  /** The parameters of a 'fixed' group. */
  readonly fixed?: AffineParams;
  /** An LSTM's cell state: symmetric int16 with a power-of-two scale covering the range (TFLM's CheckedLog2). */
  readonly powerOfTwo?: boolean;
}

/** A data input requantized into another group's parameters before its layer. */
export interface Requantization {
  readonly layer: number;
  readonly slot: number;
  /** Root of the group whose parameters the input takes (a key of `groups`). */
  readonly group: number;
}

export interface ScaleGroups {
  /** Node (a float tensor's int8 or int16 form, source.ts formNode) → the root of its group. */
  readonly groupOf: ReadonlyMap<number, number>;
  /** By root. */
  readonly groups: ReadonlyMap<number, ScaleGroup>;
  /** In layer and slot order. */
  readonly requantize: readonly Requantization[];
}

interface Anchor {
  readonly kind: 'fixed' | 'shared';
  readonly params?: AffineParams;
  /** For 'shared': the tensor whose range the group takes; for 'fixed': the op's output. */
  readonly tensor: number;
  readonly layer: number;
}

/** Union-find over tensor indices, each root carrying the anchor that decides its parameters. */
class Unions {
  private readonly parent = new Map<number, number>();
  readonly anchors = new Map<number, Anchor>();

  find(t: number): number {
    let p = this.parent.get(t) ?? t;
    if (p === t) return t;
    p = this.find(p);
    this.parent.set(t, p);
    return p;
  }

  anchor(t: number): Anchor | undefined {
    return this.anchors.get(this.find(t));
  }

  setAnchor(t: number, a: Anchor): void {
    this.anchors.set(this.find(t), a);
  }

  /** Joins two groups unless both carry fixed parameters that differ; false when refused. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const aa = this.anchors.get(ra);
    const ab = this.anchors.get(rb);
    if (aa?.kind === 'fixed' && ab?.kind === 'fixed' && (aa.params!.scale !== ab.params!.scale || aa.params!.zeroPoint !== ab.params!.zeroPoint)) return false;
    // Fixed beats shared; of two shared anchors the later op (the outer concatenation) wins.
    let keep = aa ?? ab;
    if (aa && ab) keep = aa.kind === 'fixed' ? aa : ab.kind === 'fixed' ? ab : aa.layer >= ab.layer ? aa : ab;
    this.parent.set(ra, rb);
    this.anchors.delete(ra);
    if (keep) this.anchors.set(rb, keep);
    else this.anchors.delete(rb);
    return true;
  }
}

/**
 * Shared-scale ops whose output range can be narrower than an input's (DYNAMIC_UPDATE_SLICE's
 * overwritten slice never reaches its output). A concatenation's or a pack's output covers every
 * input, so its inputs join its group as the converter writes them.
 */
const CLIPPING: ReadonlySet<string> = new Set(['MAXIMUM', 'MINIMUM', 'SELECT_V2', 'DYNAMIC_UPDATE_SLICE']);

/** int16 layers' fixed outputs take their 16x8 parameters (FIXED_16X8). */
export function planScaleGroups(s: Int8Source): ScaleGroups {
  const sg = s.subgraph;
  const float = (t: number): boolean => isFloat(s, t);
  const unions = new Unions();
  /**
   * `${layer}:${slot}` → the root its input is requantized to (the last decision wins); with
   * `node`, the group that node ends in, after every later merge.
   */
  const requant = new Map<string, { layer: number; slot: number; root: number; node?: number }>();
  const requantizeTo = (layer: number, slot: number, root: number, node?: number): void => {
    requant.set(`${layer}:${slot}`, { layer, slot, root, ...(node !== undefined ? { node } : {}) });
  };
  /** Whether an op other than `layer` reads t, or the model outputs it. */
  const readElsewhere = (t: number, layer: number): boolean => sg.outputs.includes(t) || sg.operators.some((o, k) => k !== layer && o.inputs.includes(t));
  /** Constants that join a group beside its data (PADV2's pad value): they take its scale, never give it. */
  const sideConstants = new Set<number>();

  sg.operators.forEach((op, layer) => {
    const p = propertyOf(s, layer);
    if (!p) return;
    const type = precisionOf(s, layer) === 'int16' ? 'int16' : 'int8';
    const n = (t: number): number => formNode(s, t, type);
    const out = op.outputs.filter(float);
    if (p.output.kind === 'fixed') {
      const params = (type === 'int16' ? FIXED_16X8[s.layers[layer]!.op] : undefined) ?? { scale: p.output.scale, zeroPoint: p.output.zeroPoint };
      for (const o of out) unions.setAnchor(n(o), { kind: 'fixed', params, tensor: o, layer });
    } else if (p.output.kind === 'same') {
      const input = op.inputs[mainSlot(p)]!;
      op.inputs.forEach((t, slot) => {
        if (t >= 0 && t !== input && float(t) && isConst(s, t) && slotKind(p, slot) === 'data') {
          unions.union(n(t), n(input));
          sideConstants.add(t);
        }
      });
      for (const o of out) {
        if (!unions.union(n(o), n(input))) requantizeTo(layer, op.inputs.indexOf(input), unions.find(n(o)));
      }
    } else if (p.state) {
      // The hidden state is the output's bytes in TFLM: one group, which takes the output's
      // range (every step's hidden state is an output row).
      const o = out[0];
      const hidden = op.inputs[p.state.hidden];
      if (o !== undefined && hidden !== undefined && float(hidden)) {
        unions.setAnchor(n(o), { kind: 'shared', tensor: o, layer });
        unions.union(n(hidden), n(o));
      }
    } else if (p.output.kind === 'shared') {
      const o = out[0];
      if (o === undefined) return;
      unions.setAnchor(n(o), { kind: 'shared', tensor: o, layer });
      op.inputs.forEach((t, slot) => {
        if (!float(t)) return;
        // A computed input other ops also read keeps its own range for them where the output's
        // range can be narrower than it (MINIMUM(x, 0.5) would clip x at 0.5 for every reader):
        // it is requantized on its edge into the output's group.
        if (CLIPPING.has(s.layers[layer]!.op) && !isConst(s, t) && readElsewhere(t, layer)) return requantizeTo(layer, slot, unions.find(n(o)), n(o));
        const a = unions.anchor(n(t));
        if (a?.kind === 'fixed' || !unions.union(n(t), n(o))) requantizeTo(layer, slot, unions.find(n(o)));
      });
    }
  });

  const groupOf = new Map<number, number>();
  const members = new Map<number, number[]>();
  // The integer types some layer or the model's I/O uses (source.ts ioType); an LSTM's cell state is int16 in any LSTM.
  const cells = cellStates(s);
  const used = new Set<string>([s.activations, ...s.layers.map((l) => l.precision), ...(cells.size > 0 ? ['int16'] : [])]);
  if (s.layers.some((l) => l.precision === 'int16' && l.property?.int8In16x8 !== undefined)) used.add('int8');
  const types = (['int8', 'int16'] as const).filter((type) => used.has(type));
  for (const type of types) {
    for (let t = 0; t < sg.tensors.length; t++) {
      if (!float(t)) continue;
      const r = unions.find(formNode(s, t, type));
      groupOf.set(formNode(s, t, type), r);
      if (!members.has(r)) members.set(r, []);
      members.get(r)!.push(t);
    }
  }
  // A chain's first tensor: a model input or constant before anything an op writes.
  const order = (t: number): number =>
    sideConstants.has(t) ? Number.POSITIVE_INFINITY : sg.inputs.includes(t) || isConst(s, t) ? -1 : (s.producers.get(t) ?? -1);
  const groupFor = (root: number, list: readonly number[]): ScaleGroup => {
    const a = unions.anchors.get(root);
    const type = nodeType(s, root);
    if (a?.kind === 'fixed') return { root, type, members: list, rule: 'fixed', from: a.tensor, fixed: a.params! };
    if (a?.kind === 'shared') return { root, type, members: list, rule: 'shared', from: a.tensor };
    const first = [...(list.length > 0 ? list : [nodeTensor(s, root)])].sort((x, y) => order(x) - order(y) || x - y)[0]!;
    const powerOfTwo = type === 'int16' && list.length === 1 && cells.has(first);
    return { root, type, members: list, rule: 'calibrated', from: first, ...(powerOfTwo ? { powerOfTwo } : {}) };
  };
  const groups = new Map<number, ScaleGroup>();
  for (const [root, list] of members) groups.set(root, groupFor(root, list));

  // Only float data slots are ever rewritten; a requantization decided for another slot is moot.
  const requantize = [...requant.values()]
    .filter((r) => {
      const t = sg.operators[r.layer]!.inputs[r.slot];
      return t !== undefined && float(t) && slotKind(propertyOf(s, r.layer)!, r.slot) === 'data';
    })
    .sort((a, b) => a.layer - b.layer || a.slot - b.slot)
    .map((r): Requantization => {
      // When the target group was merged afterwards into an outer shared group (SOFTMAX →
      // CONCATENATION → CONCATENATION), the target stays the root it had at this layer, which
      // now stands alone and takes its own range, not the outer output's. This is what the
      // quantizer has always written; kept so that its output stays the same bytes.
      if (r.node !== undefined) return { layer: r.layer, slot: r.slot, group: unions.find(r.node) };
      if (!groups.has(r.root)) groups.set(r.root, groupFor(r.root, []));
      return { layer: r.layer, slot: r.slot, group: r.root };
    });
  return { groupOf, groups, requantize };
}
