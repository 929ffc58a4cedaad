/**
 * The non-persistent part of TFLite Micro's tensor arena: which buffers it plans, when each
 * is alive, and where the GreedyMemoryPlanner puts it. Mirrors TFLM's AllocationInfoBuilder
 * (micro_allocation_info.cc) feeding memoryPlanner.ts.
 */
import { ModelFormatError } from '../model/errors';
import { elementCount, isConstant, type Graph, type Tensor } from '../model/graph';
import { calledSubgraphs, opName } from '../model/ops';
import { ARENA_ALIGNMENT, alignUp, planGreedy, type PlannerBuffer } from './memoryPlanner';
import { TFLM_KERNELS, tflmTypeSize, UNKNOWN_KERNEL, type Abi, type KernelTable } from './tflmKernels';

export interface ArenaBuffer {
  readonly kind: 'tensor' | 'scratch';
  readonly subgraph: number;
  /** The tensor's index in its subgraph, for kind 'tensor'. */
  readonly tensor?: number;
  /** The requesting operator's index in its subgraph, for kind 'scratch'. */
  readonly op?: number;
  readonly name: string;
  /** Bytes the tensor or request needs; the planner rounds them up to 16. */
  readonly bytes: number;
  readonly size: number;
  readonly first: number;
  readonly last: number;
  readonly offset: number;
  readonly offline: boolean;
}

export interface OpScope {
  /** The allocator's scope counter when the op runs; control flow ops span [start, end]. */
  readonly start: number;
  readonly end: number;
}

export interface ArenaPlan {
  readonly buffers: readonly ArenaBuffer[];
  readonly headBytes: number;
  /** Scopes of subgraph 0's operators, by operator index. */
  readonly opScopes: readonly OpScope[];
  /** Scratch requests by subgraph and operator, for the persistent estimate's handles. */
  readonly scratchCount: number;
  readonly warnings: readonly string[];
}

/** Bytes TFLM's TfLiteEvalTensorByteLength gives a tensor. */
export function tflmTensorBytes(t: Tensor): number {
  return elementCount(t.shape) * tflmTypeSize(t.dtype);
}

interface ScratchRequest {
  readonly subgraph: number;
  readonly op: number;
  readonly bytes: number;
}

export function scratchRequests(graph: Graph, abi: Abi, kernels: KernelTable): ScratchRequest[] {
  const requests: ScratchRequest[] = [];
  graph.subgraphs.forEach((subgraph, s) =>
    subgraph.operators.forEach((op, i) => {
      const name = opName(graph, op);
      const facts = kernels[name] ?? UNKNOWN_KERNEL;
      for (const bytes of facts.scratch?.({ graph, subgraph, op, opIndex: i, name, abi }) ?? []) requests.push({ subgraph: s, op: i, bytes });
    }),
  );
  return requests;
}

/** Offsets from OfflineMemoryAllocation metadata, or undefined (with a warning if malformed). */
function offlineOffsets(graph: Graph, totalTensors: number, warnings: string[]): Int32Array | undefined {
  const meta = graph.metadata.find((m) => m.name === 'OfflineMemoryAllocation');
  if (!meta) return undefined;
  const data = graph.buffers[meta.buffer]!.data;
  if (data.length < 12 || data.length % 4 !== 0) {
    warnings.push(`OfflineMemoryAllocation metadata is ${data.length} bytes, not a list of int32 words; planning online`);
    return undefined;
  }
  const words = new Int32Array(data.slice().buffer);
  const count = words[2]!;
  if (count !== totalTensors || words.length < 3 + count) {
    warnings.push(`OfflineMemoryAllocation lists ${count} offsets but the model has ${totalTensors} tensors; TFLM would refuse it. Planning online`);
    return undefined;
  }
  const offsets = words.subarray(3, 3 + count);
  const negative = offsets.findIndex((o) => o < -1);
  if (negative >= 0)
    warnings.push(
      `OfflineMemoryAllocation gives tensor ${negative} the offset ${offsets[negative]}, outside the arena (only -1, "plan at runtime", may be negative)`,
    );
  return offsets;
}

const MAX_PLAN_PROBLEMS = 3;

/**
 * What is wrong with the offsets a model fixes: TFLM takes them as given (it never checks
 * them), so two tensors alive at once in the same bytes corrupt each other's data at runtime,
 * and an offset off the 16-byte grid misaligns the tensor it places.
 */
export function offlinePlanProblems(buffers: readonly ArenaBuffer[]): string[] {
  const fixed = buffers.filter((b) => b.offline);
  const label = (b: ArenaBuffer): string => `"${b.name}" (subgraph ${b.subgraph}, tensor ${b.tensor})`;
  const problems: string[] = [];
  for (const b of fixed) {
    if (b.offset % ARENA_ALIGNMENT !== 0)
      problems.push(`OfflineMemoryAllocation gives ${label(b)} the offset ${b.offset}, not a multiple of ${ARENA_ALIGNMENT}: its data would be misaligned`);
  }
  for (let i = 0; i < fixed.length; i++)
    for (let j = i + 1; j < fixed.length; j++) {
      const a = fixed[i]!;
      const b = fixed[j]!;
      const meet = a.first <= b.last && b.first <= a.last;
      const share = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
      if (meet && share)
        problems.push(
          `OfflineMemoryAllocation puts ${label(a)} at ${a.offset} and ${label(b)} at ${b.offset}: they share bytes while both are alive, so TFLM would let one overwrite the other`,
        );
    }
  if (problems.length <= MAX_PLAN_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PLAN_PROBLEMS), `OfflineMemoryAllocation has ${problems.length - MAX_PLAN_PROBLEMS} more such problems`];
}

export function planArena(graph: Graph, abi: Abi = 'arm32', kernels: KernelTable = TFLM_KERNELS): ArenaPlan {
  const warnings: string[] = [];
  const tensorBase: number[] = [];
  let total = 0;
  for (const sg of graph.subgraphs) {
    tensorBase.push(total);
    total += sg.tensors.length;
  }
  const first = new Array<number>(total).fill(-1);
  const last = new Array<number>(total).fill(-1);
  const scratch = scratchRequests(graph, abi, kernels);
  const scratchFirst = scratch.map(() => -1);
  const scratchLast = scratch.map(() => -1);
  const opScopes: OpScope[] = [];

  let scope = 0;
  const onStack = new Set<number>();
  const mark = (s: number): void => {
    if (onStack.has(s)) throw new ModelFormatError('bad-reference', `subgraph ${s} calls itself; TFLM cannot plan a recursive model`);
    onStack.add(s);
    const sg = graph.subgraphs[s]!;
    const id = (t: number): number => tensorBase[s]! + t;
    for (const t of sg.inputs) {
      if (first[id(t)] === -1) first[id(t)] = scope;
      last[id(t)] = scope;
    }
    sg.operators.forEach((op, i) => {
      scope++;
      for (const t of op.outputs) if (first[id(t)] === -1) first[id(t)] = scope;
      const start = scope;
      for (const callee of calledSubgraphs(op)) {
        scope++;
        mark(callee);
      }
      for (const t of op.inputs) if (t >= 0) last[id(t)] = scope;
      for (const t of op.outputs) last[id(t)] = scope;
      scratch.forEach((r, k) => {
        if (r.subgraph !== s || r.op !== i) return;
        if (scratchFirst[k] === -1) scratchFirst[k] = start;
        scratchLast[k] = scope;
      });
      if (s === 0) opScopes.push({ start, end: scope });
    });
    for (const t of sg.outputs) {
      if (first[id(t)] === -1) first[id(t)] = scope;
      last[id(t)] = scope;
    }
    onStack.delete(s);
  };
  if (graph.subgraphs.length > 0) mark(0);

  const offline = offlineOffsets(graph, total, warnings);
  const entries: Omit<ArenaBuffer, 'offset'>[] = [];
  const planner: PlannerBuffer[] = [];
  graph.subgraphs.forEach((sg, s) =>
    sg.tensors.forEach((t, i) => {
      const bytes = tflmTensorBytes(t);
      if (isConstant(graph, t) || t.isVariable || bytes === 0) return;
      const gid = tensorBase[s]! + i;
      // TFLM indexes the offline table by the tensor's index within its own subgraph.
      const fixed = offline?.[i];
      const offlineOffset = fixed !== undefined && fixed >= 0 ? fixed : undefined;
      const size = alignUp(bytes);
      entries.push({
        kind: 'tensor',
        subgraph: s,
        tensor: i,
        name: t.name,
        bytes,
        size,
        first: first[gid]!,
        last: last[gid]!,
        offline: offlineOffset !== undefined,
      });
      planner.push({ size, first: first[gid]!, last: last[gid]!, ...(offlineOffset !== undefined ? { offlineOffset } : {}) });
    }),
  );
  scratch.forEach((r, k) => {
    const size = alignUp(r.bytes);
    entries.push({
      kind: 'scratch',
      subgraph: r.subgraph,
      op: r.op,
      name: `scratch of ${opName(graph, graph.subgraphs[r.subgraph]!.operators[r.op]!)} #${r.op}`,
      bytes: r.bytes,
      size,
      first: scratchFirst[k]!,
      last: scratchLast[k]!,
      offline: false,
    });
    planner.push({ size, first: scratchFirst[k]!, last: scratchLast[k]! });
  });

  const { offsets, headBytes } = planGreedy(planner);
  const buffers = entries.map((e, k) => ({ ...e, offset: offsets[k]! }));
  warnings.push(...offlinePlanProblems(buffers));
  return {
    buffers,
    headBytes,
    opScopes,
    scratchCount: scratch.length,
    warnings,
  };
}

export interface LiveSet {
  /** Buffers alive while the op runs (its inputs, outputs and anything still needed later). */
  readonly buffers: readonly ArenaBuffer[];
  /** Sum of their planned sizes. */
  readonly liveBytes: number;
  /** The highest end offset among them: how much of the arena this step touches. */
  readonly highWaterBytes: number;
}

export function liveAt(plan: ArenaPlan, op: number): LiveSet {
  const scope = plan.opScopes[op];
  if (!scope) return { buffers: [], liveBytes: 0, highWaterBytes: 0 };
  const buffers = plan.buffers.filter((b) => b.first <= scope.end && b.last >= scope.start);
  let liveBytes = 0;
  let highWaterBytes = 0;
  for (const b of buffers) {
    liveBytes += b.size;
    highWaterBytes = Math.max(highWaterBytes, b.offset + b.size);
  }
  return { buffers, liveBytes, highWaterBytes };
}
