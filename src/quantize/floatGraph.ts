/**
 * Brings any float-ish model to a pure float32 graph, the quantizer's starting point:
 * - a model whose activations are already integers is refused (quantize its float original);
 * - FLOAT16 (or int8) constants behind DEQUANTIZE are folded into float32 constants and the
 *   DEQUANTIZE ops dropped;
 * - hybrid ("dynamic-range") models keep int8 weights under float activations: those weights
 *   become float32 (scale · (q − zero point)), and the original int8 values are remembered so
 *   that the quantizer can reuse them exactly instead of rounding twice.
 */
import type { QuantizeNotice } from '../findings/notice';
import { toBytes } from '../model/graphBuilder';
import { isConstant, type Buffer, type Graph, type Tensor } from '../model/graph';
import { builtinCode, builtinName, opName } from '../model/ops';
import { QuantizeError } from './errors';
import { assignOpcodes, compactWithMaps, editOps, type EditOp } from './graphEdit';
import { operatorVersion } from './opProperties';
import { dequantizeValues } from './params';

/** Int8 weights as the source model stored them. */
export interface SourceWeights {
  readonly values: Int8Array;
  readonly scales: readonly number[];
  readonly zeroPoints: readonly number[];
  readonly axis: number;
}

export type SourceKind = 'float' | 'hybrid' | 'float16';

export interface FloatGraph {
  readonly graph: Graph;
  /** What the source was: plain float, hybrid int8 weights, FLOAT16 weights (or several). */
  readonly kinds: readonly SourceKind[];
  readonly notes: readonly QuantizeNotice[];
  /** Tensor index (subgraph 0 of `graph`) → the int8 weights it was dequantized from. */
  readonly int8Weights: ReadonlyMap<number, SourceWeights>;
}

const INTEGER_ACTIVATIONS = new Set(['int8', 'uint8', 'int16']);

/** IEEE half-precision bits → float32 values. */
export function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) out[i] = mantissa ? NaN : sign * Infinity;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** The real values of a constant tensor of any type the quantizer can read, or undefined. */
function realValues(graph: Graph, t: Tensor): { values: Float32Array; int8?: SourceWeights } | undefined {
  const bytes = graph.buffers[t.buffer]!.data.slice();
  const q = t.quantization;
  const scales = q?.scale ?? [];
  const zeroPoints = q?.zeroPoint ?? [];
  const axis = q?.quantizedDimension ?? 0;
  switch (t.dtype) {
    case 'float32':
      return { values: new Float32Array(bytes.buffer) };
    case 'float16':
      return { values: halfToFloat(new Uint16Array(bytes.buffer)) };
    case 'int8': {
      if (scales.length === 0) return undefined;
      const values = new Int8Array(bytes.buffer);
      return { values: dequantizeValues(values, t.shape, scales, zeroPoints, axis), int8: { values, scales: [...scales], zeroPoints: [...zeroPoints], axis } };
    }
    case 'uint8': {
      if (scales.length === 0) return undefined;
      return { values: dequantizeValues(new Uint8Array(bytes.buffer), t.shape, scales, zeroPoints, axis) };
    }
    case 'int16': {
      if (scales.length === 0) return undefined;
      return { values: dequantizeValues(new Int16Array(bytes.buffer), t.shape, scales, zeroPoints, axis) };
    }
    default:
      return undefined;
  }
}

export function toFloatGraph(input: Graph): FloatGraph {
  const sg = input.subgraphs[0];
  if (!sg) throw new QuantizeError('unsupported-model', 'the model has no subgraph');
  const constant = (i: number): boolean => isConstant(input, sg.tensors[i]!);

  // Integer activations mean the model is quantized already.
  const touched = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const op of sg.operators) for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) touched.add(t);
  for (const i of [...touched].sort((a, b) => a - b)) {
    const t = sg.tensors[i]!;
    if (!constant(i) && INTEGER_ACTIVATIONS.has(t.dtype) && t.quantization && t.quantization.scale.length > 0) {
      throw new QuantizeError(
        'already-quantized',
        `the model is already quantized: tensor "${t.name}" is ${t.dtype} with scale ${t.quantization.scale[0]} and zero point ${t.quantization.zeroPoint[0] ?? 0}. Quantize the float model it was made from instead.`,
      );
    }
  }

  const tensors: Tensor[] = [...sg.tensors];
  const buffers: Buffer[] = [...input.buffers];
  const int8Weights = new Map<number, SourceWeights>();
  const kinds = new Set<SourceKind>();
  const notes: QuantizeNotice[] = [];
  const toFloat = (i: number, values: Float32Array): void => {
    buffers.push({ data: toBytes(values) });
    const { quantization: _q, ...rest } = tensors[i]!;
    tensors[i] = { ...rest, dtype: 'float32', buffer: buffers.length - 1 };
  };

  // DEQUANTIZE of a constant: fold it.
  const ops: EditOp[] = [];
  let folded = 0;
  for (const e of editOps(input, sg)) {
    const src = e.op.inputs[0];
    if (e.builtin === builtinCode('DEQUANTIZE') && src !== undefined && src >= 0 && constant(src)) {
      const real = realValues(input, sg.tensors[src]!);
      if (!real) throw new QuantizeError('unsupported-model', `DEQUANTIZE of "${sg.tensors[src]!.name}" (${sg.tensors[src]!.dtype}) cannot be folded`);
      if (sg.tensors[src]!.dtype === 'float16') kinds.add('float16');
      else kinds.add('hybrid');
      toFloat(e.op.outputs[0]!, real.values);
      if (real.int8) int8Weights.set(e.op.outputs[0]!, real.int8);
      folded++;
      continue;
    }
    ops.push(e);
  }
  if (folded > 0) notes.push({ code: 'dequantize-folded', params: { ops: folded } });

  // Hybrid: integer constants read by float ops.
  let hybrid = 0;
  const consumed = new Set<number>();
  for (const e of ops) for (const t of e.op.inputs) if (t >= 0) consumed.add(t);
  for (const i of [...consumed].sort((a, b) => a - b)) {
    const t = tensors[i]!;
    if (!isConstant({ ...input, buffers }, t) || !INTEGER_ACTIVATIONS.has(t.dtype) || !t.quantization || t.quantization.scale.length === 0) continue;
    const real = realValues({ ...input, buffers }, t);
    if (!real) continue;
    toFloat(i, real.values);
    if (real.int8) int8Weights.set(i, real.int8);
    hybrid++;
  }
  if (hybrid > 0) {
    kinds.add('hybrid');
    notes.push({ code: 'hybrid-dequantized', params: { tensors: hybrid } });
  }
  if (kinds.size === 0) kinds.add('float');

  // Float versions of the ops (hybrid versions and options no longer apply).
  const floatOps = ops.map((e): EditOp => {
    let op = e.op;
    if (op.options?.kind === 'FullyConnectedOptions' && op.options.asymmetricQuantizeInputs) {
      op = { ...op, options: { ...op.options, asymmetricQuantizeInputs: false } };
    }
    const name = builtinName(e.builtin) ?? '';
    const types = op.inputs.map((t) => (t >= 0 ? tensors[t]!.dtype : undefined));
    const wasHybrid = e.op.inputs.some((t) => t >= 0 && int8Weights.has(t));
    const version = wasHybrid
      ? operatorVersion({
          op: name,
          operator: op,
          inputs: types,
          inputRanks: op.inputs.map((t) => (t >= 0 ? tensors[t]!.shape.length : 0)),
          outputs: op.outputs.map((t) => tensors[t]!.dtype),
        })
      : e.version;
    return { ...e, op, version };
  });

  const { operatorCodes, operators } = assignOpcodes(input.operatorCodes, [floatOps, ...input.subgraphs.slice(1).map((s) => editOps(input, s))]);
  const { graph, tensorMaps } = compactWithMaps({
    ...input,
    operatorCodes,
    buffers,
    subgraphs: [{ ...sg, tensors, operators: operators[0]! }, ...input.subgraphs.slice(1).map((s, k) => ({ ...s, operators: operators[k + 1]! }))],
  });
  const remembered = new Map<number, SourceWeights>();
  for (const [i, w] of int8Weights) {
    const j = tensorMaps[0]!.get(i);
    if (j !== undefined) remembered.set(j, w);
  }
  return { graph, kinds: [...kinds], notes, int8Weights: remembered };
}

/** A one-line description of an op for messages: "CONV_2D (layer 3)". */
export function describeOp(graph: Graph, layer: number): string {
  return `${opName(graph, graph.subgraphs[0]!.operators[layer]!)} (layer ${layer})`;
}
