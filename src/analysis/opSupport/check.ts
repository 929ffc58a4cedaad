/**
 * Does TFLM's kernel take this layer's tensors? The layer's dtypes against its op's signatures
 * (signatures.ts): a refusal names the slots, what they hold, what the kernel takes, and why,
 * so that a finding can say what to do about it.
 */
import { type DType, isFloatType } from '../../model/dtype';
import { type Graph, isConstant, type Operator, type Subgraph, type Tensor } from '../../model/graph';
import { type BuiltinName, builtinName } from '../../model/ops';
import type { KernelLibraryId } from '../kernelLibrary';
import { type Accepts, CMSIS_NN_CONSTRAINTS, type Constraint, type ConstraintKind, OP_SIGNATURES, type OpSignatures, type Signature } from './signatures';

/**
 * Why the kernel refuses: FLOAT16 tensors (TFLM has no float16 arithmetic, not even in
 * DEQUANTIZE), float activations over integer weights (a hybrid, dynamic-range op), another
 * combination of types, or a constraint beyond types (signatures.ts Constraint).
 */
export type RefusalReason = 'float16' | 'hybrid' | 'dtype' | ConstraintKind;

export interface OpRefusal {
  readonly reason: RefusalReason;
  /**
   * What the layer has: its dtypes in the slots the signatures check (`int16, int16 → int16`);
   * for a constraint, the output's `scale, zero point`, the int16 zero points, or the activation.
   */
  readonly got: string;
  /** What the kernel takes, in the same notation: signatures separated by `; `, or the constraint's values. */
  readonly accepted: string;
  /** The TFLM kernel source the rule comes from (under tensorflow/lite/micro/kernels/). */
  readonly source: string;
}

const INTEGER_WEIGHTS: ReadonlySet<DType> = new Set(['int8', 'uint8', 'int4', 'int16']);

type SourcedConstraint = Constraint & { readonly source: string };

function lookup(name: BuiltinName): OpSignatures | undefined {
  return (OP_SIGNATURES as Readonly<Partial<Record<BuiltinName, OpSignatures>>>)[name];
}

/** The constraints of `rule` for the kernel library: CMSIS-NN adds its own to the reference ones. */
function constraintsFor(name: BuiltinName, rule: OpSignatures, library: KernelLibraryId): readonly SourcedConstraint[] {
  const reference = rule.constraints ?? [];
  if (library !== 'cmsis-nn') return reference;
  const extra = (CMSIS_NN_CONSTRAINTS as Readonly<Partial<Record<BuiltinName, readonly SourcedConstraint[]>>>)[name] ?? [];
  return [...reference, ...extra];
}

/** A slot's tensor, or undefined when the op leaves it out (an optional input given as -1). */
function slot(sg: Subgraph, indices: readonly number[], k: number): Tensor | undefined {
  const i = indices[k];
  return i === undefined || i < 0 ? undefined : sg.tensors[i];
}

function fits(accepts: Accepts, t: Tensor | undefined): boolean {
  return accepts === null || t === undefined || accepts.includes(t.dtype);
}

function matches(sig: Signature, sg: Subgraph, op: Operator): boolean {
  return sig.inputs.every((a, k) => fits(a, slot(sg, op.inputs, k))) && sig.outputs.every((a, k) => fits(a, slot(sg, op.outputs, k)));
}

/** The widest slot list any signature checks: what `got` shows. */
function checkedSlots(rule: OpSignatures): { inputs: number[]; outputs: number[] } {
  const inputs = new Set<number>();
  const outputs = new Set<number>();
  for (const s of rule.accepts) {
    s.inputs.forEach((a, k) => a !== null && inputs.add(k));
    s.outputs.forEach((a, k) => a !== null && outputs.add(k));
  }
  return { inputs: [...inputs].sort((a, b) => a - b), outputs: [...outputs].sort((a, b) => a - b) };
}

const dtypes = (accepts: Accepts): string => (accepts === null ? 'any' : accepts.join('/'));

/** A signature as `int8, int8/int4 → int8` (unchecked slots left out). */
export function describeSignature(sig: Signature): string {
  const side = (slots: readonly Accepts[]): string =>
    slots
      .filter((a) => a !== null)
      .map(dtypes)
      .join(', ');
  const left = side(sig.inputs);
  return left === '' ? side(sig.outputs) || 'any' : `${left} → ${side(sig.outputs) || 'any'}`;
}

function describeLayer(rule: OpSignatures, sg: Subgraph, op: Operator): string {
  const { inputs, outputs } = checkedSlots(rule);
  const of = (indices: readonly number[], k: number): string => slot(sg, indices, k)?.dtype ?? 'none';
  const left = inputs.map((k) => of(op.inputs, k)).join(', ');
  const right = outputs.map((k) => of(op.outputs, k)).join(', ');
  return left === '' ? right : right === '' ? left : `${left} → ${right}`;
}

function reasonFor(rule: OpSignatures, graph: Graph, sg: Subgraph, op: Operator): RefusalReason {
  const present = [...op.inputs, ...op.outputs].filter((i) => i >= 0).map((i) => sg.tensors[i]!);
  if (present.some((t) => t.dtype === 'float16')) return 'float16';
  if (rule.weights !== undefined) {
    const w = slot(sg, op.inputs, rule.weights);
    const floatActivation = op.inputs.some((i) => i >= 0 && !isConstant(graph, sg.tensors[i]!) && isFloatType(sg.tensors[i]!.dtype));
    if (w && INTEGER_WEIGHTS.has(w.dtype) && floatActivation) return 'hybrid';
  }
  return 'dtype';
}

/** A scale as people write the fixed ones (`1/256`), else to six significant digits. */
export function formatScale(scale: number): string {
  const inverse = 1 / scale;
  return Number.isInteger(Math.round(inverse * 1e6) / 1e6) && inverse > 1 ? `1/${Math.round(inverse)}` : String(Number(scale.toPrecision(6)));
}

const quantOf = (t: Tensor): { scale: number; zeroPoint: number } | undefined => {
  const q = t.quantization;
  return q && q.scale.length > 0 ? { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 } : undefined;
};
const describeQuant = (q: { scale: number; zeroPoint: number } | undefined): string => (q ? `${formatScale(q.scale)}, ${q.zeroPoint}` : 'none');
const QUANTIZED: ReadonlySet<DType> = new Set(['int8', 'int16']);

/** The constraint's violation on this layer as `got`/`accepted`, or null when it holds. */
function violation(c: Constraint, sg: Subgraph, op: Operator): { got: string; accepted: string } | null {
  const inputs = op.inputs.map((_, k) => slot(sg, op.inputs, k));
  const out = slot(sg, op.outputs, 0);
  switch (c.kind) {
    case 'fixed-output': {
      if (!out || out.dtype !== c.dtype || (c.input !== undefined && inputs[0]?.dtype !== c.input)) return null;
      const q = quantOf(out);
      const scaleOk = (s: number): boolean =>
        c.scale === undefined || (c.tolerance === undefined ? Math.fround(s) === Math.fround(c.scale) : Math.abs(s - c.scale) <= c.tolerance * c.scale);
      if (q && q.zeroPoint === c.zeroPoint && scaleOk(q.scale)) return null;
      return { got: describeQuant(q), accepted: `${c.scale === undefined ? 'any' : formatScale(c.scale)}, ${c.zeroPoint}` };
    }
    case 'int16-zero-point': {
      const off = [...inputs, ...op.outputs.map((_, k) => slot(sg, op.outputs, k))]
        .filter((t): t is Tensor => t !== undefined && t.dtype === 'int16')
        .map((t) => quantOf(t)?.zeroPoint ?? 0)
        .filter((zp) => zp !== 0);
      return off.length === 0 ? null : { got: [...new Set(off)].join(', '), accepted: '0' };
    }
    case 'same-quantization': {
      if (!out || !(c.dtype === undefined ? QUANTIZED.has(out.dtype) : out.dtype === c.dtype)) return null;
      const want = quantOf(out);
      const slots = c.inputs === 'all' ? inputs.map((_, k) => k) : c.inputs;
      for (const k of slots) {
        const t = inputs[k];
        if (!t) continue;
        const q = quantOf(t);
        const same =
          q !== undefined &&
          want !== undefined &&
          q.zeroPoint === want.zeroPoint &&
          (c.tolerance === undefined ? Math.fround(q.scale) === Math.fround(want.scale) : Math.abs(q.scale - want.scale) <= c.tolerance);
        if (!same) return { got: describeQuant(want), accepted: describeQuant(q) };
      }
      return null;
    }
    case 'no-fused-activation': {
      const options = op.options as { readonly fusedActivationFunction?: string } | undefined;
      const activation = options?.fusedActivationFunction ?? 'NONE';
      return activation === 'NONE' ? null : { got: activation, accepted: 'NONE' };
    }
    case 'bias-required':
      return (op.inputs[c.slot] ?? -1) >= 0 ? null : { got: 'none', accepted: 'a bias tensor' };
    case 'per-tensor-weights': {
      const scales = inputs[c.slot]?.quantization?.scale.length ?? 0;
      return inputs[0]?.dtype !== c.input || scales <= 1 ? null : { got: `${scales} scales`, accepted: '1 scale' };
    }
  }
}

/**
 * Whether the kernel library refuses per-channel weights for `op` with a data input of `input`
 * (a 'per-tensor-weights' constraint): what the quantizer asks before it writes them.
 */
export function needsPerTensorWeights(op: BuiltinName, input: DType, library: KernelLibraryId): boolean {
  const rule = lookup(op);
  return rule !== undefined && constraintsFor(op, rule, library).some((c) => c.kind === 'per-tensor-weights' && c.input === input);
}

/**
 * The refusal of `op` by TFLM's kernel, or null when a signature accepts it and every
 * constraint holds (or the op has no rule: whether TFLM has the kernel at all is tflmOps.ts's
 * question). `library`: the kernels TFLM is built with (CMSIS-NN checks a few more things).
 */
export function checkSignature(graph: Graph, sg: Subgraph, op: Operator, library: KernelLibraryId = 'reference'): OpRefusal | null {
  const name = builtinName(graph.operatorCodes[op.opcodeIndex]?.builtin ?? -1);
  const rule = name === undefined ? undefined : lookup(name);
  if (name === undefined || !rule) return null;
  if (!rule.accepts.some((s) => matches(s, sg, op))) {
    return {
      reason: reasonFor(rule, graph, sg, op),
      got: describeLayer(rule, sg, op),
      accepted: rule.accepts.map(describeSignature).join('; '),
      source: rule.source,
    };
  }
  for (const c of constraintsFor(name, rule, library)) {
    const v = violation(c, sg, op);
    if (v) return { reason: c.kind, ...v, source: c.source };
  }
  return null;
}
