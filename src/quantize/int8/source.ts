/**
 * The float graph as the int8 stages read it: which layers the int8 path quantizes (and by
 * which rule of opProperties.ts), at which precision (int8, int16 or float: a mixed model),
 * which tensors are float, constant, and who writes them. Computed once, read by every stage.
 *
 * A float tensor may have an int8 and an int16 form at once (read by an int8 layer and by an
 * int16 one). The scale-group stage names the forms by one number, the form's node:
 * the int8 form of tensor t is node t, its int16 form node t + tensorCount (formNode).
 */
import { isConstant, type Graph, type Subgraph } from '../../model/graph';
import type { FloatGraph } from '../floatGraph';
import { producers } from '../graphEdit';
import { OP_PROPERTIES, type OpProperty } from '../opProperties';
import { layerOpName } from './format';
import type { ActivationType, LayerPrecision } from './options';

export interface Layer {
  readonly op: string;
  /** How the int8 path treats the layer; undefined when it stays in float. */
  readonly property?: OpProperty;
  /** 'float' exactly when `property` is undefined. */
  readonly precision: LayerPrecision;
}

export interface Int8Source {
  readonly float: FloatGraph;
  readonly graph: Graph;
  /** Subgraph 0, the only one the quantizer rewrites. */
  readonly subgraph: Subgraph;
  readonly layers: readonly Layer[];
  /** The integer type of layers not named otherwise, and of model I/O no integer layer touches. */
  readonly activations: ActivationType;
  readonly constants: ReadonlySet<number>;
  /** Tensor → the layer that writes it. */
  readonly producers: ReadonlyMap<number, number>;
}

export type SlotKind = 'weight' | 'bias' | 'data';

/**
 * `precisionOf(layer)`: the precision asked for each layer; a layer the quantizer has no rule
 * for stays float whatever is asked (the support check names it first).
 */
export function int8Source(float: FloatGraph, precisionOf: (layer: number) => LayerPrecision, activations: ActivationType = 'int8'): Int8Source {
  const graph = float.graph;
  const subgraph = graph.subgraphs[0]!;
  const layers = subgraph.operators.map((op, layer): Layer => {
    const name = layerOpName(graph, op);
    const asked = precisionOf(layer);
    const property = asked === 'float' ? undefined : OP_PROPERTIES[name];
    return property ? { op: name, property, precision: asked } : { op: name, precision: 'float' };
  });
  const constants = new Set<number>();
  subgraph.tensors.forEach((t, i) => {
    if (isConstant(graph, t)) constants.add(i);
  });
  return { float, graph, subgraph, layers, activations, constants, producers: producers(subgraph) };
}

/** The layer's precision ('float' when it stays in float). */
export function precisionOf(s: Int8Source, layer: number): LayerPrecision {
  return s.layers[layer]!.precision;
}

/** The scale-group node of tensor t's integer form of `type` (see the file's comment). */
export function formNode(s: Int8Source, t: number, type: ActivationType): number {
  return type === 'int8' ? t : t + s.subgraph.tensors.length;
}

/** The integer type of a scale-group node. */
export function nodeType(s: Int8Source, node: number): ActivationType {
  return node < s.subgraph.tensors.length ? 'int8' : 'int16';
}

/** The tensor a scale-group node is a form of. */
export function nodeTensor(s: Int8Source, node: number): number {
  return node % s.subgraph.tensors.length;
}

/**
 * The integer type a model input or output takes with integer I/O: an input that of the first
 * integer layer reading it, an output that of the integer layer writing it; otherwise (only
 * float layers touch it) the model's default `activations`. So a whole-model int8 or 16x8
 * graph keeps its one type, and a mixed one meets its first and last layers without a QUANTIZE.
 */
export function ioType(s: Int8Source, t: number): ActivationType {
  const sg = s.subgraph;
  if (sg.inputs.includes(t)) {
    for (let layer = 0; layer < sg.operators.length; layer++) {
      const p = s.layers[layer]!;
      if (p.precision === 'float' || !p.property) continue;
      const prop = p.property;
      const slot = sg.operators[layer]!.inputs.findIndex((x, k) => x === t && slotKind(prop, k) === 'data');
      if (slot >= 0) return slotType(s, layer, slot);
    }
    return s.activations;
  }
  const w = s.producers.get(t);
  const p = w !== undefined ? s.layers[w]!.precision : 'float';
  return p === 'float' ? s.activations : p;
}

export function isFloat(s: Int8Source, t: number): boolean {
  return t >= 0 && s.subgraph.tensors[t]!.dtype === 'float32';
}

export function isConst(s: Int8Source, t: number): boolean {
  return s.constants.has(t);
}

/** The layer's int8 rule, when the int8 path quantizes it. */
export function propertyOf(s: Int8Source, layer: number): OpProperty | undefined {
  return s.layers[layer]!.property;
}

export function slotKind(p: OpProperty, slot: number): SlotKind {
  if (p.weight?.slot === slot || p.gates?.some((g) => g.weight === slot)) return 'weight';
  if (p.bias === slot || p.gates?.some((g) => g.bias === slot)) return 'bias';
  return 'data';
}

/** One constant weight input of a layer, with its bias and the data input it multiplies. */
export interface WeightSlot {
  readonly slot: number;
  /** Channel axis; 'fc': FULLY_CONNECTED's choice (per tensor unless asked); 'tensor': always per tensor. */
  readonly axis: number | 'fc' | 'tensor';
  readonly bias?: number;
  /** The data input slot the weights multiply: its scale gives the bias's. */
  readonly input: number;
}

/** The layer's weights: its one `weight` (with `bias`, on the main input), then its `gates`. */
export function weightSlots(p: OpProperty): readonly WeightSlot[] {
  const slots: WeightSlot[] = [];
  if (p.weight) slots.push({ slot: p.weight.slot, axis: p.weight.axis, ...(p.bias !== undefined ? { bias: p.bias } : {}), input: mainSlot(p) });
  for (const g of p.gates ?? []) slots.push({ slot: g.weight, axis: 'tensor', ...(g.bias !== undefined ? { bias: g.bias } : {}), input: g.input });
  return slots;
}

/**
 * The integer type a quantized layer reads at a data slot: the layer's, except an LSTM's cell
 * state, which TFLM keeps in int16 in int8 and 16x8 LSTMs alike, and the slots a 16x8 kernel
 * reads as int8 all the same (OpProperty.int8In16x8: PRELU's alpha).
 */
export function slotType(s: Int8Source, layer: number, slot: number): ActivationType {
  const l = s.layers[layer]!;
  if (l.property?.state?.cell === slot) return 'int16';
  if (l.precision !== 'int16') return 'int8';
  return l.property?.int8In16x8?.includes(slot) ? 'int8' : 'int16';
}

/** The float tensors quantized layers read as an LSTM's cell state (int16, power-of-two scale). */
export function cellStates(s: Int8Source): ReadonlySet<number> {
  const cells = new Set<number>();
  s.subgraph.operators.forEach((op, layer) => {
    const cell = s.layers[layer]!.property?.state?.cell;
    const t = cell !== undefined ? op.inputs[cell] : undefined;
    if (t !== undefined && isFloat(s, t)) cells.add(t);
  });
  return cells;
}

/**
 * The form a variable tensor (no writer, not a model input: an LSTM's state) starts in: the
 * integer type of the quantized layer that reads it, else float.
 */
export function variableForm(s: Int8Source, t: number): LayerPrecision {
  const sg = s.subgraph;
  for (let layer = 0; layer < sg.operators.length; layer++) {
    const p = s.layers[layer]!.property;
    if (!p) continue;
    const slot = sg.operators[layer]!.inputs.findIndex((x, k) => x === t && slotKind(p, k) === 'data');
    if (slot >= 0) return slotType(s, layer, slot);
  }
  return 'float';
}

/** The slot of the main data input ("the" input of a 'same' op, the input a weight multiplies). */
export function mainSlot(p: OpProperty): number {
  return p.dataInputs?.[0] ?? 0;
}
