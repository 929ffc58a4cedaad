/**
 * The non-persistent part of TFLite Micro's tensor arena: which buffers it plans, when each
 * is alive, and where the GreedyMemoryPlanner puts it. Mirrors TFLM's AllocationInfoBuilder
 * (micro_allocation_info.cc) feeding memoryPlanner.ts.
 */
import type { AnalysisNotice } from '../findings/notice';
import { englishNotices } from '../findings/renderNotice';
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
  readonly warningCodes: readonly AnalysisNotice[];
  /** `warningCodes` in English, in the same order. */
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
function offlineOffsets(graph: Graph, totalTensors: number, warnings: AnalysisNotice[]): Int32Array | undefined {
  const meta = graph.metadata.find((m) => m.name === 'OfflineMemoryAllocation');
  if (!meta) return undefined;
  const data = graph.buffers[meta.buffer]!.data;
  if (data.length < 12 || data.length % 4 !== 0) {
    warnings.push({ code: 'offline-plan-not-words', params: { bytes: data.length } });
    return undefined;
  }
  const words = new Int32Array(data.slice().buffer);
  const count = words[2]!;
  if (count !== totalTensors || words.length < 3 + count) {
    warnings.push({ code: 'offline-plan-count', params: { offsets: count, tensors: totalTensors } });
    return undefined;
  }
  const offsets = words.subarray(3, 3 + count);
  const negative = offsets.findIndex((o) => o < -1);
  if (negative >= 0) warnings.push({ code: 'offline-plan-negative', params: { tensor: negative, offset: offsets[negative]! } });
  return offsets;
}

const MAX_PLAN_PROBLEMS = 3;

/**
 * What is wrong with the offsets a model fixes: TFLM takes them as given (it never checks
 * them), so two tensors alive at once in the same bytes corrupt each other's data at runtime,
 * and an offset off the 16-byte grid misaligns the tensor it places.
 */
export function offlinePlanProblems(buffers: readonly ArenaBuffer[]): AnalysisNotice[] {
  const fixed = buffers.filter((b) => b.offline);
  const where = (b: ArenaBuffer) => ({ name: b.name, subgraph: b.subgraph, tensor: b.tensor ?? -1, offset: b.offset });
  const problems: AnalysisNotice[] = [];
  for (const b of fixed) {
    if (b.offset % ARENA_ALIGNMENT !== 0) problems.push({ code: 'offline-plan-misaligned', params: { ...where(b), alignment: ARENA_ALIGNMENT } });
  }
  for (let i = 0; i < fixed.length; i++)
    for (let j = i + 1; j < fixed.length; j++) {
      const a = fixed[i]!;
      const b = fixed[j]!;
      const meet = a.first <= b.last && b.first <= a.last;
      const share = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
      if (meet && share)
        problems.push({
          code: 'offline-plan-overlap',
          params: {
            nameA: a.name,
            subgraphA: a.subgraph,
            tensorA: a.tensor ?? -1,
            offsetA: a.offset,
            nameB: b.name,
            subgraphB: b.subgraph,
            tensorB: b.tensor ?? -1,
            offsetB: b.offset,
          },
        });
    }
  if (problems.length <= MAX_PLAN_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PLAN_PROBLEMS), { code: 'offline-plan-more', params: { count: problems.length - MAX_PLAN_PROBLEMS } }];
}

export function planArena(graph: Graph, abi: Abi = 'arm32', kernels: KernelTable = TFLM_KERNELS): ArenaPlan {
  const warnings: AnalysisNotice[] = [];
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

  // Scratch requests by subgraph and operator, so that marking an op finds its own in one lookup.
  const scratchOf = new Map<string, number[]>();
  scratch.forEach((r, k) => {
    const key = `${r.subgraph}:${r.op}`;
    const list = scratchOf.get(key);
    if (list) list.push(k);
    else scratchOf.set(key, [k]);
  });

  // TFLM marks a called subgraph anew at every call, so a chain of IFs that each call the
  // next twice takes 2^depth visits. Only a subgraph's first visit (which sets `first`) and
  // its last (which sets `last`) decide its lifetimes; every visit in between only advances
  // the scope counter by the subgraph's span. So: the span of each subgraph, then where its
  // first and last visits start, then two marking passes per subgraph. Linear in the model.
  const order = callOrder(graph);
  const span = new Array<number>(graph.subgraphs.length).fill(0);
  for (const s of [...order].reverse()) {
    let n = 0;
    for (const op of graph.subgraphs[s]!.operators) {
      n += 1;
      for (const callee of calledSubgraphs(op)) n += 1 + span[callee]!;
    }
    if (n > Number.MAX_SAFE_INTEGER)
      throw new ModelFormatError('too-large', `subgraph ${s} runs its called subgraphs more than 2^53 times; TFLM could not plan it either`);
    span[s] = n;
  }
  const firstStart = new Array<number>(graph.subgraphs.length).fill(-1);
  const lastStart = new Array<number>(graph.subgraphs.length).fill(-1);
  if (order.length > 0) {
    firstStart[0] = 0;
    lastStart[0] = 0;
  }
  for (const s of order) {
    let offset = 0;
    for (const op of graph.subgraphs[s]!.operators) {
      offset++;
      for (const callee of calledSubgraphs(op)) {
        offset++;
        const first = firstStart[s]! + offset;
        const last = lastStart[s]! + offset;
        if (firstStart[callee] === -1 || first < firstStart[callee]!) firstStart[callee] = first;
        if (last > lastStart[callee]!) lastStart[callee] = last;
        offset += span[callee]!;
      }
    }
  }

  /** One visit of subgraph `s` starting at scope `base`, its calls stepped over by their spans. */
  const markVisit = (s: number, base: number): void => {
    let scope = base;
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
      for (const callee of calledSubgraphs(op)) scope += 1 + span[callee]!;
      for (const t of op.inputs) if (t >= 0) last[id(t)] = scope;
      for (const t of op.outputs) last[id(t)] = scope;
      for (const k of scratchOf.get(`${s}:${i}`) ?? []) {
        if (scratchFirst[k] === -1) scratchFirst[k] = start;
        scratchLast[k] = scope;
      }
      if (s === 0) opScopes.push({ start, end: scope });
    });
    for (const t of sg.outputs) {
      if (first[id(t)] === -1) first[id(t)] = scope;
      last[id(t)] = scope;
    }
  };
  for (const s of order) {
    markVisit(s, firstStart[s]!);
    if (lastStart[s] !== firstStart[s]) markVisit(s, lastStart[s]!);
  }

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
    warningCodes: warnings,
    warnings: englishNotices(warnings),
  };
}

/**
 * Subgraphs reachable from subgraph 0, callers before callees (empty for a model without
 * subgraphs). A subgraph that calls itself, directly or not, is refused: TFLM cannot plan it.
 */
function callOrder(graph: Graph): number[] {
  if (graph.subgraphs.length === 0) return [];
  const state = new Uint8Array(graph.subgraphs.length); // 0 unseen, 1 on the path, 2 done
  const post: number[] = [];
  // Iterative depth-first search: a chain of thousands of subgraphs must not exhaust the stack.
  const stack: { s: number; next: number; callees: number[] }[] = [];
  const enter = (s: number): void => {
    state[s] = 1;
    stack.push({ s, next: 0, callees: graph.subgraphs[s]!.operators.flatMap((op) => calledSubgraphs(op)) });
  };
  enter(0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.callees.length) {
      const c = top.callees[top.next++]!;
      if (state[c] === 1) throw new ModelFormatError('bad-reference', `subgraph ${c} calls itself; TFLM cannot plan a recursive model`);
      if (state[c] === 0) enter(c);
    } else {
      state[top.s] = 2;
      post.push(top.s);
      stack.pop();
    }
  }
  return post.reverse();
}

export interface LiveSet {
  /** Buffers alive while the op runs (its inputs, outputs and anything still needed later). */
  readonly buffers: readonly ArenaBuffer[];
  /** Sum of their planned sizes. */
  readonly liveBytes: number;
  /** The highest end offset among them: how much of the arena this step touches. */
  readonly highWaterBytes: number;
}

/**
 * liveAt for every operator of subgraph 0 at once, in one sweep: each buffer is added to the
 * operators its lifetime spans (found by binary search, the scopes being increasing), so a
 * model of n layers costs n plus the sizes of the live sets, not n times the buffers.
 */
export function liveSets(plan: ArenaPlan): LiveSet[] {
  const scopes = plan.opScopes;
  const lists: ArenaBuffer[][] = scopes.map(() => []);
  // First operator whose scope ends at or after `at` (ends are increasing).
  const firstEndingFrom = (at: number): number => {
    let lo = 0;
    let hi = scopes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (scopes[mid]!.end < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const b of plan.buffers) {
    for (let op = firstEndingFrom(b.first); op < scopes.length && scopes[op]!.start <= b.last; op++) {
      const scope = scopes[op]!;
      if (b.first <= scope.end && b.last >= scope.start) lists[op]!.push(b);
    }
  }
  return lists.map(liveSet);
}

function liveSet(buffers: readonly ArenaBuffer[]): LiveSet {
  let liveBytes = 0;
  let highWaterBytes = 0;
  for (const b of buffers) {
    liveBytes += b.size;
    highWaterBytes = Math.max(highWaterBytes, b.offset + b.size);
  }
  return { buffers, liveBytes, highWaterBytes };
}

/** The buffers alive while operator `op` of subgraph 0 runs (one operator; liveSets does them all). */
export function liveAt(plan: ArenaPlan, op: number): LiveSet {
  const scope = plan.opScopes[op];
  if (!scope) return liveSet([]);
  return liveSet(plan.buffers.filter((b) => b.first <= scope.end && b.last >= scope.start));
}
