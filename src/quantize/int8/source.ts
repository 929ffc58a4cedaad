/**
 * The float graph as the int8 stages read it: which layers the int8 path quantizes (and by
 * which rule of opProperties.ts), which tensors are float, constant, and who writes them.
 * Computed once, read by every stage.
 */
import { isConstant, type Graph, type Subgraph } from '../../model/graph';
import type { FloatGraph } from '../floatGraph';
import { producers } from '../graphEdit';
import { OP_PROPERTIES, type OpProperty } from '../opProperties';
import { layerOpName } from './format';

export interface Layer {
  readonly op: string;
  /** How the int8 path treats the layer; undefined when it stays in float. */
  readonly property?: OpProperty;
}

export interface Int8Source {
  readonly float: FloatGraph;
  readonly graph: Graph;
  /** Subgraph 0, the only one the quantizer rewrites. */
  readonly subgraph: Subgraph;
  readonly layers: readonly Layer[];
  readonly constants: ReadonlySet<number>;
  /** Tensor → the layer that writes it. */
  readonly producers: ReadonlyMap<number, number>;
}

export type SlotKind = 'weight' | 'bias' | 'data';

export function int8Source(float: FloatGraph, keepFloat: ReadonlySet<number>): Int8Source {
  const graph = float.graph;
  const subgraph = graph.subgraphs[0]!;
  const layers = subgraph.operators.map((op, layer): Layer => {
    const name = layerOpName(graph, op);
    const property = keepFloat.has(layer) ? undefined : OP_PROPERTIES[name];
    return { op: name, ...(property ? { property } : {}) };
  });
  const constants = new Set<number>();
  subgraph.tensors.forEach((t, i) => {
    if (isConstant(graph, t)) constants.add(i);
  });
  return { float, graph, subgraph, layers, constants, producers: producers(subgraph) };
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
  if (p.weight?.slot === slot) return 'weight';
  if (p.bias === slot) return 'bias';
  return 'data';
}

/** The slot of the main data input ("the" input of a 'same' op, the input a weight multiplies). */
export function mainSlot(p: OpProperty): number {
  return p.dataInputs?.[0] ?? 0;
}
