/**
 * The placement search: offsets for the buffers TFLM lets a model fix (OfflineMemoryAllocation),
 * chosen so that TFLM's arena head ends as low as it can. The buffers TFLM always plans itself
 * (scratch buffers, and tensors the offline table cannot address) stay online: every candidate
 * is scored by running TFLM's own greedy planner with the fixed offsets, so the score is the
 * head TFLM will really use, not an estimate.
 *
 * The method: first fit over several orderings (TFLM's own, largest first, longest lived
 * first, largest area first, earliest first), then a local search on the best ordering (move
 * one buffer earlier, preferring those that touch the top), until the head reaches the lower
 * bound, the search stalls, or the time runs out; for a handful of buffers an exhaustive search
 * then proves the optimum. A candidate places the online buffers too,
 * as reservations, so that tensors leave room for the scratch buffers TFLM adds around them.
 */
import { planGreedy, type PlannerBuffer } from '../analysis/memoryPlanner';
import { prng } from '../util/prng';
import { lowerBound, type Lifetime } from './lowerBound';

export interface PlacementBuffer extends Lifetime {
  /** False for buffers TFLM plans at runtime whatever the model says (scratch buffers). */
  readonly fixable: boolean;
}

export interface SearchControl {
  /** Milliseconds since some origin (performance.now in practice; injected for tests). */
  readonly now: () => number;
  /** When `now()` reaches it, the search returns the best placement found so far. */
  readonly deadline: number;
  /** Called between rounds: throws to cancel (stopIfAsked). */
  readonly checkStop?: () => void;
  readonly progress?: (fraction: number, message: string) => void;
  /** Rounds of local search without improvement before it gives up; default 4000. */
  readonly maxStall?: number;
  readonly seed?: number;
}

export interface Placement {
  /** Offset of every buffer, as TFLM places it with the fixable ones fixed. */
  readonly offsets: readonly number[];
  readonly headBytes: number;
  readonly lowerBoundBytes: number;
  readonly optimal: boolean;
  readonly timedOut: boolean;
  /** Candidate placements scored. */
  readonly evaluations: number;
}

function overlapMatrix(buffers: readonly Lifetime[]): Uint8Array {
  const n = buffers.length;
  const m = new Uint8Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = buffers[i]!;
      const b = buffers[j]!;
      if (!(a.first > b.last || b.first > a.last)) m[i * n + j] = 1;
    }
  return m;
}

/** First fit in `order`: each buffer at the lowest offset clear of the placed buffers it meets. */
export function firstFit(buffers: readonly Lifetime[], order: readonly number[], overlap: Uint8Array = overlapMatrix(buffers)): number[] {
  const n = buffers.length;
  const offsets = new Array<number>(n).fill(0);
  const placed: number[] = [];
  const near: number[] = [];
  for (const id of order) {
    near.length = 0;
    for (const p of placed) if (overlap[id * n + p]) near.push(p);
    near.sort((a, b) => offsets[a]! - offsets[b]!);
    const size = buffers[id]!.size;
    let candidate = 0;
    for (const p of near) {
      if (offsets[p]! - candidate >= size) break;
      candidate = Math.max(candidate, offsets[p]! + buffers[p]!.size);
    }
    offsets[id] = candidate;
    placed.push(id);
  }
  return offsets;
}

/** TFLM's head when the fixable buffers sit at `fixed` and it plans the rest. */
export function tflmHead(buffers: readonly PlacementBuffer[], fixed: readonly number[]): { offsets: readonly number[]; headBytes: number } {
  const planner: PlannerBuffer[] = buffers.map((b, i) =>
    b.fixable ? { size: b.size, first: b.first, last: b.last, offlineOffset: fixed[i]! } : { size: b.size, first: b.first, last: b.last },
  );
  return planGreedy(planner);
}

/** The orderings the search starts from; the first is TFLM's own (largest first, later ids first on ties). */
export function seedOrders(buffers: readonly Lifetime[]): number[][] {
  const ids = buffers.map((_, i) => i);
  const length = (i: number): number => buffers[i]!.last - buffers[i]!.first + 1;
  const by = (key: (i: number) => number): number[] => [...ids].sort((a, b) => key(b) - key(a) || a - b);
  const tflm = [...ids].reverse().sort((a, b) => buffers[b]!.size - buffers[a]!.size);
  return [
    tflm,
    by((i) => buffers[i]!.size),
    by((i) => length(i) * 1e9 + buffers[i]!.size),
    by((i) => length(i) * buffers[i]!.size),
    by((i) => -buffers[i]!.first * 1e9 + buffers[i]!.size),
    [...ids].sort((a, b) => buffers[a]!.first - buffers[b]!.first || buffers[b]!.last - buffers[a]!.last),
  ];
}

export function searchPlacement(buffers: readonly PlacementBuffer[], control: SearchControl): Placement {
  const bound = lowerBound(buffers);
  const overlap = overlapMatrix(buffers);
  let evaluations = 0;
  const score = (order: readonly number[]): { order: readonly number[]; offsets: readonly number[]; headBytes: number } => {
    evaluations++;
    const result = tflmHead(buffers, firstFit(buffers, order, overlap));
    return { order, ...result };
  };
  if (buffers.length === 0) return { offsets: [], headBytes: 0, lowerBoundBytes: 0, optimal: true, timedOut: false, evaluations };

  const seeds = seedOrders(buffers);
  let best = score(seeds[0]!);
  for (const order of seeds.slice(1)) {
    const s = score(order);
    if (s.headBytes < best.headBytes) best = s;
  }
  const start = control.now();
  const span = Math.max(1, control.deadline - start);
  const random = prng(control.seed ?? 1);
  const pick = (n: number): number => Math.floor(random() * n);
  const maxStall = control.maxStall ?? 4000;
  let current = best;
  let stall = 0;
  let timedOut = false;
  let round = 0;
  while (best.headBytes > bound && stall < maxStall) {
    if (round++ % 64 === 0) {
      control.checkStop?.();
      const t = control.now();
      if (t >= control.deadline) {
        timedOut = true;
        break;
      }
      control.progress?.(Math.min(1, (t - start) / span), `arena ${best.headBytes} bytes, bound ${bound}`);
    }
    const order = [...current.order];
    // Buffers that reach the top are what a move must push down; half the moves take one of them.
    const top = order.filter((id) => current.offsets[id]! + buffers[id]!.size === current.headBytes);
    const from = random() < 0.5 && top.length > 0 ? order.indexOf(top[pick(top.length)]!) : pick(order.length);
    const to = pick(order.length);
    if (from === to) continue;
    const [moved] = order.splice(from, 1);
    order.splice(to, 0, moved!);
    const s = score(order);
    if (s.headBytes <= current.headBytes) current = s;
    if (s.headBytes < best.headBytes) {
      best = s;
      stall = 0;
    } else stall++;
  }
  if (best.headBytes > bound && !timedOut && buffers.length <= EXACT_MAX_BUFFERS && buffers.every((b) => b.fixable)) {
    const exact = exactPlacement(buffers, best.headBytes, overlap);
    evaluations += exact.nodes;
    const proven = exact.offsets ? tflmHead(buffers, exact.offsets) : best;
    // The exhaustive search proves its head optimal, which makes that head a lower bound too.
    return { offsets: proven.offsets, headBytes: proven.headBytes, lowerBoundBytes: proven.headBytes, optimal: true, timedOut, evaluations };
  }
  return {
    offsets: best.offsets,
    headBytes: best.headBytes,
    lowerBoundBytes: bound,
    optimal: best.headBytes === bound,
    timedOut,
    evaluations,
  };
}

/** Up to this many buffers, every ordering is tried (with pruning) when the heuristics stop above the bound. */
export const EXACT_MAX_BUFFERS = 8;

/**
 * Branch and bound over the orders first fit can take. It is exhaustive: sort any optimal
 * placement by offset and place the buffers first fit in that order; each lands at or below
 * its optimal offset (every buffer it meets and that came before ends at or below it), so
 * some order reaches the optimum. Returns better offsets than `incumbent`, or none.
 */
export function exactPlacement(
  buffers: readonly Lifetime[],
  incumbent: number,
  overlap: Uint8Array = overlapMatrix(buffers),
): { offsets: number[] | undefined; nodes: number } {
  const n = buffers.length;
  const offsets = new Array<number>(n).fill(0);
  const used = new Uint8Array(n);
  const placed: number[] = [];
  let best = incumbent;
  let bestOffsets: number[] | undefined;
  let nodes = 0;
  const lowest = (id: number): number => {
    const near = placed.filter((p) => overlap[id * n + p]).sort((a, b) => offsets[a]! - offsets[b]!);
    let candidate = 0;
    for (const p of near) {
      if (offsets[p]! - candidate >= buffers[id]!.size) break;
      candidate = Math.max(candidate, offsets[p]! + buffers[p]!.size);
    }
    return candidate;
  };
  const visit = (top: number): void => {
    nodes++;
    if (placed.length === n) {
      best = top;
      bestOffsets = [...offsets];
      return;
    }
    for (let id = 0; id < n; id++) {
      if (used[id]) continue;
      const at = lowest(id);
      const end = Math.max(top, at + buffers[id]!.size);
      if (end >= best) continue;
      used[id] = 1;
      offsets[id] = at;
      placed.push(id);
      visit(end);
      placed.pop();
      used[id] = 0;
    }
  };
  visit(0);
  return { offsets: bestOffsets, nodes };
}
