/**
 * The arena optimizer end to end, as a pure function of a graph: TFLM's greedy plan of the
 * model as it is, the lower bound, an optimized placement (placement.ts) of the model's
 * operators as they are and, on request, in a reordered sequence (reorder.ts), and the model
 * that carries the best of them as OfflineMemoryAllocation metadata (offlinePlan.ts).
 *
 * Every figure it reports for the new model comes from planning the new model itself with
 * planArena, the same simulation of TFLM that predicts any model's arena: what it promises is
 * what TFLM will do with the file. A candidate is kept only when that head is lower than the
 * original's (or ties it and replaces a broken offline plan, or `alwaysWritePlan`), so the
 * result is never worse than the input.
 */
import { liveSets, planArena, type ArenaPlan } from '../analysis/arenaPlan';
import { estimatePersistent } from '../analysis/persistentEstimate';
import type { Abi, KernelTable } from '../analysis/tflmKernels';
import type { Graph } from '../model/graph';
import { opName } from '../model/ops';
import { fixableBuffers, offlineTable, withOfflinePlan, withoutOfflinePlan } from './offlinePlan';
import { searchPlacement, type SearchControl } from './placement';
import type { ArenaTimeline, MovedTensor, OptimizeSummary, ReorderedOp } from './result';
import { searchOrder } from './reorder';

export interface OptimizeOptions {
  readonly abi: Abi;
  readonly kernels: KernelTable;
  readonly reorder: boolean;
  /** Time, deadline, cancellation and progress for the whole optimization. */
  readonly control: SearchControl;
  /** Write the plan even when it only equals TFLM's greedy head (tests use it to exercise the metadata). */
  readonly alwaysWritePlan?: boolean;
}

export interface OptimizedModel {
  readonly graph: Graph;
  readonly summary: OptimizeSummary;
}

interface Candidate {
  readonly graph: Graph;
  readonly plan: ArenaPlan;
  readonly order: readonly number[];
  readonly lowerBoundBytes: number;
  readonly timedOut: boolean;
}

function permuted(graph: Graph, order: readonly number[]): Graph {
  const [first, ...rest] = graph.subgraphs;
  if (!first) return graph;
  return { ...graph, subgraphs: [{ ...first, operators: order.map((i) => first.operators[i]!) }, ...rest] };
}

/** Places the buffers of `graph` (which has no offline plan) and writes the placement into it. */
function placeAndWrite(graph: Graph, order: readonly number[], options: OptimizeOptions, control: SearchControl): Candidate {
  const plan = planArena(graph, options.abi, options.kernels);
  const fixable = fixableBuffers(plan.buffers);
  const placement = searchPlacement(
    plan.buffers.map((b, k) => ({ size: b.size, first: b.first, last: b.last, fixable: fixable[k]! })),
    control,
  );
  const written = withOfflinePlan(graph, offlineTable(graph, plan.buffers, placement.offsets));
  const check = planArena(written, options.abi, options.kernels);
  if (check.headBytes !== placement.headBytes)
    throw new Error(`internal: the written plan gives a ${check.headBytes}-byte head, the search promised ${placement.headBytes}`);
  return { graph: written, plan: check, order, lowerBoundBytes: placement.lowerBoundBytes, timedOut: placement.timedOut };
}

function timelineOf(plan: ArenaPlan): { live: number[]; top: number[] } {
  const sets = liveSets(plan);
  return { live: sets.map((s) => s.liveBytes), top: sets.map((s) => s.highWaterBytes) };
}

function movedTensors(before: ArenaPlan, after: ArenaPlan): MovedTensor[] {
  const key = (b: { subgraph: number; tensor?: number }): string => `${b.subgraph}:${b.tensor}`;
  const old = new Map(before.buffers.filter((b) => b.kind === 'tensor').map((b) => [key(b), b]));
  const moved: MovedTensor[] = [];
  for (const b of after.buffers) {
    const o = b.kind === 'tensor' ? old.get(key(b)) : undefined;
    if (o && o.offset !== b.offset)
      moved.push({ subgraph: b.subgraph, tensor: b.tensor!, name: b.name, bytes: b.bytes, greedyOffset: o.offset, optimizedOffset: b.offset });
  }
  return moved;
}

export function optimizeModel(graph: Graph, options: OptimizeOptions): OptimizedModel {
  const { abi, kernels, control } = options;
  const t0 = control.now();
  control.checkStop?.();
  const before = planArena(graph, abi, kernels);
  const base = withoutOfflinePlan(graph);
  const basePlan = planArena(base, abi, kernels);
  const n = base.subgraphs[0]?.operators.length ?? 0;
  const identity = Array.from({ length: n }, (_, i) => i);

  let reorderedOrder: readonly number[] | undefined;
  if (options.reorder && n > 1) {
    const tensorBytes = new Array<number>(base.subgraphs[0]!.tensors.length).fill(0);
    const scratchBytes = new Array<number>(n).fill(0);
    for (const b of basePlan.buffers) {
      if (b.subgraph !== 0) continue;
      if (b.kind === 'tensor') tensorBytes[b.tensor!] = b.size;
      else scratchBytes[b.op!]! += b.size;
    }
    // A quarter of the time for the order; the placements share the rest.
    const found = searchOrder(
      { graph: base, tensorBytes, scratchBytes },
      { ...(control.checkStop ? { checkStop: control.checkStop } : {}), now: control.now, deadline: t0 + (control.deadline - t0) / 4 },
    );
    if (found.order.some((o, i) => o !== i)) reorderedOrder = found.order;
  }

  control.checkStop?.();
  // The time is shared between the operator order as it is and the reordered one.
  const t1 = control.now();
  const half: SearchControl = { ...control, deadline: reorderedOrder ? t1 + (control.deadline - t1) / 2 : control.deadline };
  const candidates = [placeAndWrite(base, identity, options, half)];
  if (reorderedOrder) candidates.push(placeAndWrite(permuted(base, reorderedOrder), reorderedOrder, options, control));
  // Of equal heads the first (no reordering) wins: a change that saves nothing is not made.
  const best = candidates.reduce((a, b) => (b.plan.headBytes < a.plan.headBytes ? b : a));
  // A model whose own offline plan is broken gets a sound one even when it saves nothing.
  const replaces = options.alwaysWritePlan === true || before.warnings.length > 0;
  const improves = best.plan.headBytes < before.headBytes || (replaces && best.plan.headBytes <= before.headBytes);
  const chosen: Candidate = improves
    ? best
    : { graph, plan: before, order: identity, lowerBoundBytes: candidates[0]!.lowerBoundBytes, timedOut: best.timedOut };

  const bound = chosen.lowerBoundBytes;
  const persistent = (g: Graph, plan: ArenaPlan): number => estimatePersistent(g, { abi, scratchCount: plan.scratchCount, kernels }).bytes;
  const sg0 = base.subgraphs[0];
  const reordered: ReorderedOp[] = [];
  chosen.order.forEach((from, to) => {
    if (from !== to && sg0) reordered.push({ subgraph: 0, op: opName(base, sg0.operators[from]!), from, to });
  });
  const greedyLine = timelineOf(before);
  const optimizedLine = timelineOf(chosen.plan);
  const timeline: ArenaTimeline = { liveBytes: optimizedLine.live, greedyTop: greedyLine.top, optimizedTop: optimizedLine.top };
  const summary: OptimizeSummary = {
    greedyHeadBytes: before.headBytes,
    optimizedHeadBytes: chosen.plan.headBytes,
    lowerBoundBytes: bound,
    totalBytesBefore: before.headBytes + persistent(graph, before),
    totalBytesAfter: chosen.plan.headBytes + persistent(chosen.graph, chosen.plan),
    optimal: chosen.plan.headBytes === bound,
    timedOut: candidates.some((c) => c.timedOut),
    reordered,
    moved: improves ? movedTensors(before, chosen.plan) : [],
    timeline,
    ms: control.now() - t0,
    ...(before.warnings.length > 0 ? { warnings: before.warnings, warningCodes: before.warningCodes } : {}),
  };
  return { graph: chosen.graph, summary };
}
