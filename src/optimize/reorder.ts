/**
 * Operator reordering: among the orders that respect every data dependency, one whose peak of
 * live bytes is lowest. TFLM runs operators in list order and plans lifetimes from it, so a
 * branching graph (residual adds, concatenations) can need less arena when one branch runs
 * before the other. Results cannot change: each op still sees exactly the tensors it saw.
 *
 * What stays in its place relative to others: operators with side effects beyond their
 * outputs (those that call subgraphs, touch variable tensors or resource variables, custom
 * operators, operators without outputs) keep their order among themselves; everything else
 * moves only as far as its data dependencies allow.
 *
 * The search runs over the sets of operators already executed: the tensors alive after a set
 * depend only on the set, so keeping, for each set, the order that reached it with the lowest
 * peak is exact. When a step has more sets than `width`, only the `width` best are kept (a beam
 * search) and the result is no longer proven best; `exact` says which happened.
 */
import { calledSubgraphs, opName } from '../model/ops';
import type { Graph } from '../model/graph';

export interface ReorderInput {
  readonly graph: Graph;
  /** Planned (aligned) bytes of each tensor of subgraph 0; 0 for tensors TFLM does not plan. */
  readonly tensorBytes: readonly number[];
  /** Scratch bytes each operator of subgraph 0 asks for while it runs. */
  readonly scratchBytes: readonly number[];
}

export interface ReorderResult {
  /** Operator indices in the new order (a permutation of subgraph 0's operators). */
  readonly order: readonly number[];
  readonly peakBytes: number;
  /** The same measure for the original order. */
  readonly originalPeakBytes: number;
  readonly exact: boolean;
}

const SIDE_EFFECT_OPS = new Set(['VAR_HANDLE', 'READ_VARIABLE', 'ASSIGN_VARIABLE', 'CALL_ONCE', 'IF', 'WHILE', 'CUSTOM']);

/** For each operator, the operators that must run before it. */
export function dependencies(graph: Graph): number[][] {
  const sg = graph.subgraphs[0];
  if (!sg) return [];
  const producer = new Map<number, number>();
  sg.operators.forEach((op, i) => {
    for (const t of op.outputs) producer.set(t, i);
  });
  let lastOrdered = -1;
  return sg.operators.map((op, i) => {
    const preds = new Set<number>();
    for (const t of op.inputs) {
      const p = producer.get(t);
      if (t >= 0 && p !== undefined && p !== i) preds.add(p);
    }
    const touchesVariable = [...op.inputs, ...op.outputs].some((t) => t >= 0 && sg.tensors[t]?.isVariable === true);
    const name = opName(graph, op);
    const ordered =
      touchesVariable ||
      op.outputs.length === 0 ||
      calledSubgraphs(op).length > 0 ||
      SIDE_EFFECT_OPS.has(name) ||
      graph.operatorCodes[op.opcodeIndex]?.customCode !== undefined;
    if (ordered) {
      if (lastOrdered >= 0) preds.add(lastOrdered);
      lastOrdered = i;
    }
    return [...preds];
  });
}

interface State {
  readonly done: Uint8Array;
  readonly order: readonly number[];
  /** Bytes of the tensors still alive after the executed set. */
  readonly liveBytes: number;
  readonly peak: number;
}

/** Live bytes while each op runs, in `order`, by the same rule TFLM's lifetimes follow. */
export function peakOfOrder(input: ReorderInput, order: readonly number[]): number {
  const model = liveModel(input);
  let state = model.initial;
  for (const op of order) state = model.step(state, op);
  return state.peak;
}

function liveModel(input: ReorderInput): { initial: State; step: (s: State, op: number) => State } {
  const sg = input.graph.subgraphs[0]!;
  const n = sg.operators.length;
  const size = (t: number): number => (t >= 0 ? (input.tensorBytes[t] ?? 0) : 0);
  const consumers = new Map<number, number[]>();
  sg.operators.forEach((op, i) => {
    for (const t of new Set(op.inputs)) if (t >= 0) consumers.set(t, [...(consumers.get(t) ?? []), i]);
  });
  const graphOutputs = new Set(sg.outputs);
  const keepsLiving = (t: number, done: Uint8Array): boolean => graphOutputs.has(t) || (consumers.get(t) ?? []).some((c) => !done[c]);
  let initialLive = 0;
  for (const t of new Set(sg.inputs)) if (keepsLiving(t, new Uint8Array(n))) initialLive += size(t);
  const initial: State = { done: new Uint8Array(n), order: [], liveBytes: initialLive, peak: initialLive };
  const step = (s: State, o: number): State => {
    const op = sg.operators[o]!;
    const outputs = new Set(op.outputs);
    let during = s.liveBytes + (input.scratchBytes[o] ?? 0);
    for (const t of outputs) if (t >= 0) during += size(t);
    const done = s.done.slice();
    done[o] = 1;
    let after = s.liveBytes;
    for (const t of outputs) if (t >= 0 && keepsLiving(t, done)) after += size(t);
    for (const t of new Set(op.inputs)) if (t >= 0 && !outputs.has(t) && !keepsLiving(t, done)) after -= size(t);
    return { done, order: [...s.order, o], liveBytes: after, peak: Math.max(s.peak, during) };
  };
  return { initial, step };
}

/** The beam for `n` operators: every set up to 4096 per step, fewer on large graphs so a search stays within seconds. */
export function beamWidth(n: number): number {
  return Math.max(8, Math.min(4096, Math.floor(1e8 / Math.max(1, n) ** 3)));
}

export interface OrderSearchControl {
  readonly width?: number;
  readonly checkStop?: () => void;
  readonly now?: () => number;
  /** From here on the beam narrows to one set per step, so the search ends soon after. */
  readonly deadline?: number;
}

export function searchOrder(input: ReorderInput, control: OrderSearchControl = {}): ReorderResult {
  const sg = input.graph.subgraphs[0];
  const n = sg?.operators.length ?? 0;
  const original = Array.from({ length: n }, (_, i) => i);
  if (n === 0) return { order: original, peakBytes: 0, originalPeakBytes: 0, exact: true };
  const preds = dependencies(input.graph);
  const model = liveModel(input);
  const originalPeakBytes = peakOfOrder(input, original);
  let level: State[] = [model.initial];
  let exact = true;
  let width = control.width ?? beamWidth(n);
  for (let k = 0; k < n; k++) {
    control.checkStop?.();
    if (control.now && control.deadline !== undefined && width > 1 && control.now() >= control.deadline) width = 1;
    const next = new Map<string, State>();
    for (const s of level)
      for (let o = 0; o < n; o++) {
        if (s.done[o] || !preds[o]!.every((p) => s.done[p])) continue;
        const t = model.step(s, o);
        const key = t.done.join('');
        const seen = next.get(key);
        // Strictly better only: of equal peaks the first found wins, which keeps ops near their places.
        if (!seen || t.peak < seen.peak || (t.peak === seen.peak && t.liveBytes < seen.liveBytes)) next.set(key, t);
      }
    level = [...next.values()];
    if (level.length > width) {
      exact = false;
      level.sort((a, b) => a.peak - b.peak || a.liveBytes - b.liveBytes);
      level.length = width;
    }
  }
  const best = level.reduce((a, b) => (b.peak < a.peak ? b : a));
  if (best.peak >= originalPeakBytes) return { order: original, peakBytes: originalPeakBytes, originalPeakBytes, exact };
  return { order: best.order, peakBytes: best.peak, originalPeakBytes, exact };
}
