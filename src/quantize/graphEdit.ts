/**
 * Small graph surgery the quantizer needs: operators kept with their operator code (so
 * codes and versions can be rebuilt at the end), buffers appended, and unused tensors and
 * buffers dropped with every index that points at them remapped.
 */
import type { Buffer, Graph, Operator, OperatorCode, SignatureDef, Subgraph, Tensor, TensorMap } from '../model/graph';
import { builtinCode, calledSubgraphs, type BuiltinName } from '../model/ops';

/** TFLite keeps 127 in the old int8 field for every operator code above it. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** An operator with its code spelled out instead of an index into `operatorCodes`. */
export interface EditOp {
  readonly builtin: number;
  readonly customCode?: string;
  readonly version: number;
  readonly op: Operator;
}

export function editOps(graph: Graph, sg: Subgraph): EditOp[] {
  return sg.operators.map((op) => {
    const code = graph.operatorCodes[op.opcodeIndex]!;
    return { builtin: code.builtin, ...(code.customCode !== undefined ? { customCode: code.customCode } : {}), version: code.version, op };
  });
}

/** A fresh operator (QUANTIZE, DEQUANTIZE) with no options. */
export function plainOp(builtin: BuiltinName, inputs: readonly number[], outputs: readonly number[], version: number): EditOp {
  return {
    builtin: builtinCode(builtin),
    version,
    op: {
      opcodeIndex: -1,
      inputs: [...inputs],
      outputs: [...outputs],
      intermediates: [],
      customOptionsFormat: 0,
      mutatingVariableInputs: [],
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
      debugMetadataIndex: -1,
    },
  };
}

/**
 * Operator codes for `subgraphOps` (one list per subgraph), reusing the graph's existing
 * codes where builtin, custom code and version agree, in order of first use.
 */
export function assignOpcodes(
  original: readonly OperatorCode[],
  subgraphOps: readonly (readonly EditOp[])[],
): { operatorCodes: OperatorCode[]; operators: Operator[][] } {
  const operatorCodes: OperatorCode[] = [];
  const index = (e: EditOp): number => {
    const found = operatorCodes.findIndex((c) => c.builtin === e.builtin && c.customCode === e.customCode && c.version === e.version);
    if (found >= 0) return found;
    const old = original.find((c) => c.builtin === e.builtin && c.customCode === e.customCode && c.version === e.version);
    operatorCodes.push(
      old ?? {
        builtin: e.builtin,
        builtinCode: e.builtin,
        deprecatedBuiltinCode: Math.min(e.builtin, PLACEHOLDER_FOR_GREATER_OP_CODES),
        ...(e.customCode !== undefined ? { customCode: e.customCode } : {}),
        version: e.version,
      },
    );
    return operatorCodes.length - 1;
  };
  return { operatorCodes, operators: subgraphOps.map((ops) => ops.map((e) => ({ ...e.op, opcodeIndex: index(e) }))) };
}

/** Float32 values of a float32 constant (a copy, whatever the buffer's alignment). */
export function floatData(graph: Graph, t: Tensor): Float32Array {
  const bytes = graph.buffers[t.buffer]!.data;
  return new Float32Array(bytes.slice().buffer);
}

/**
 * Drops tensors no operator, subgraph input/output or signature refers to, and buffers no
 * tensor or metadata refers to, remapping every index. Buffer 0 (the empty sentinel) stays.
 */
export function compact(graph: Graph): Graph {
  return compactWithMaps(graph).graph;
}

/** `compact`, also returning each subgraph's old → new tensor index map. */
export function compactWithMaps(graph: Graph): { readonly graph: Graph; readonly tensorMaps: readonly ReadonlyMap<number, number>[] } {
  const subgraphs: Subgraph[] = [];
  const signatureMaps: Map<number, Map<number, number>> = new Map();
  graph.subgraphs.forEach((sg, s) => {
    const used = new Set<number>();
    for (const t of [...sg.inputs, ...sg.outputs]) used.add(t);
    for (const op of sg.operators) for (const t of [...op.inputs, ...op.outputs, ...op.intermediates]) if (t >= 0) used.add(t);
    for (const sig of graph.signatureDefs) if (sig.subgraphIndex === s) for (const m of [...sig.inputs, ...sig.outputs]) used.add(m.tensorIndex);
    const map = new Map<number, number>();
    const tensors: Tensor[] = [];
    sg.tensors.forEach((t, i) => {
      if (!used.has(i)) return;
      map.set(i, tensors.length);
      tensors.push(t);
    });
    const at = (t: number): number => (t < 0 ? t : map.get(t)!);
    signatureMaps.set(s, map);
    subgraphs.push({
      ...sg,
      tensors,
      inputs: sg.inputs.map(at),
      outputs: sg.outputs.map(at),
      operators: sg.operators.map((op) => ({ ...op, inputs: op.inputs.map(at), outputs: op.outputs.map(at), intermediates: op.intermediates.map(at) })),
    });
  });
  const signatureDefs = graph.signatureDefs.map((sig) => {
    const map = signatureMaps.get(sig.subgraphIndex);
    if (!map) return sig;
    return remapSignature(sig, (t) => map.get(t) ?? t);
  });

  const usedBuffers = new Set<number>([0]);
  for (const sg of subgraphs) for (const t of sg.tensors) usedBuffers.add(t.buffer);
  for (const m of graph.metadata) usedBuffers.add(m.buffer);
  for (const b of graph.metadataBuffer) usedBuffers.add(b);
  const bufferMap = new Map<number, number>();
  const buffers: Buffer[] = [];
  graph.buffers.forEach((b, i) => {
    if (!usedBuffers.has(i)) return;
    bufferMap.set(i, buffers.length);
    buffers.push(b);
  });
  return {
    graph: {
      ...graph,
      subgraphs: subgraphs.map((sg) => ({ ...sg, tensors: sg.tensors.map((t) => ({ ...t, buffer: bufferMap.get(t.buffer)! })) })),
      buffers,
      metadata: graph.metadata.map((m) => ({ ...m, buffer: bufferMap.get(m.buffer)! })),
      metadataBuffer: graph.metadataBuffer.map((b) => bufferMap.get(b)!),
      signatureDefs,
    },
    tensorMaps: graph.subgraphs.map((_, s) => signatureMaps.get(s)!),
  };
}

/** A signature with its tensor indices mapped through `at`. */
export function remapSignature(sig: SignatureDef, at: (tensor: number) => number): SignatureDef {
  const map = (m: TensorMap): TensorMap => ({ ...m, tensorIndex: at(m.tensorIndex) });
  return { ...sig, inputs: sig.inputs.map(map), outputs: sig.outputs.map(map) };
}

/** True when subgraph 0 runs other subgraphs (WHILE, IF, CALL_ONCE…). */
export function hasControlFlow(graph: Graph): boolean {
  return graph.subgraphs.some((sg) => sg.operators.some((op) => calledSubgraphs(op).length > 0));
}

/** Which operator (index in subgraph 0) writes each tensor. */
export function producers(sg: Subgraph): Map<number, number> {
  const out = new Map<number, number>();
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => out.set(t, i)));
  return out;
}

/** A name not yet used in the subgraph: `base`, else `base_1`, `base_2`… */
export function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}
