/**
 * The lower bound on any arena plan: at every scope, the buffers alive then must sit side by
 * side, so no placement can end below the largest sum of aligned sizes alive at one scope.
 * Lifetimes are closed intervals of integer scopes, so that sum peaks at some buffer's first
 * scope; for interval lifetimes it is the heaviest set of buffers that all meet one another,
 * which is the strongest bound a per-step argument can give.
 */

export interface Lifetime {
  readonly size: number;
  readonly first: number;
  readonly last: number;
}

/** Aligned live bytes at each scope from 0 to the last scope any buffer reaches. */
export function liveBytesByScope(buffers: readonly Lifetime[]): number[] {
  let end = -1;
  for (const b of buffers) end = Math.max(end, b.last);
  const delta = new Array<number>(end + 2).fill(0);
  for (const b of buffers) {
    delta[b.first]! += b.size;
    delta[b.last + 1]! -= b.size;
  }
  const live: number[] = [];
  let sum = 0;
  for (let s = 0; s <= end; s++) {
    sum += delta[s]!;
    live.push(sum);
  }
  return live;
}

export function lowerBound(buffers: readonly Lifetime[]): number {
  let best = 0;
  for (const v of liveBytesByScope(buffers)) best = Math.max(best, v);
  // A single buffer is a bound too (it matters only when lifetimes are empty or malformed).
  for (const b of buffers) best = Math.max(best, b.size);
  return best;
}
