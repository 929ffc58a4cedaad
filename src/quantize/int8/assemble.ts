/**
 * The last step of buildInt8Graph: the plan made into a graph. Operator codes are rebuilt
 * from the versioned operators (subgraphs other than 0 keep theirs), signatures follow the
 * new I/O tensors, and what no operator uses any more (the float originals of int8 tensors,
 * their buffers) is dropped.
 */
import type { QuantizeNotice } from '../../findings/notice';
import type { Graph } from '../../model/graph';
import { assignOpcodes, compact, editOps, remapSignature } from '../graphEdit';
import type { Int8Plan } from './plan';
import type { TensorParams } from './tensorPlan';
import { biasAdjusted, weightNotes } from './weights';

export interface Int8GraphResult {
  readonly graph: Graph;
  readonly params: readonly TensorParams[];
  readonly notes: readonly QuantizeNotice[];
  /** Weights whose scale was widened so the bias fits int32 (layer, channels). */
  readonly biasAdjusted: readonly { readonly layer: number; readonly channels: number }[];
}

export function assembleInt8Graph(plan: Int8Plan): Int8GraphResult {
  const { source: s, rewrite, io, versions } = plan;
  const graph = s.graph;
  const sg = s.subgraph;
  const others = graph.subgraphs.slice(1);
  const versioned = rewrite.ops.map(({ edit }, i) => ({ ...edit, version: versions[i]! }));
  const { operatorCodes, operators } = assignOpcodes([], [versioned, ...others.map((o) => editOps(graph, o))]);
  const signatureDefs = graph.signatureDefs.map((sig) => (sig.subgraphIndex === 0 ? remapSignature(sig, (t) => io.tensorFor.get(t) ?? t) : sig));
  const result = compact({
    ...graph,
    description: graph.description ? `${graph.description}; int8 by TinyML Lens` : 'int8 by TinyML Lens',
    operatorCodes,
    buffers: [...rewrite.buffers],
    signatureDefs,
    subgraphs: [
      { ...sg, tensors: [...rewrite.tensors], inputs: [...io.inputs], outputs: [...io.outputs], operators: operators[0]! },
      ...others.map((o, k) => ({ ...o, operators: operators[k + 1]! })),
    ],
  });
  const comparisons = plan.floatComparisons;
  const notes: QuantizeNotice[] = [
    ...weightNotes(plan.weights),
    ...(comparisons.length > 0 ? [{ code: 'comparison-float' as const, params: { count: comparisons.length, layers: comparisons } }] : []),
  ];
  return { graph: result, params: plan.tensors.params, notes, biasAdjusted: biasAdjusted(plan.weights) };
}
