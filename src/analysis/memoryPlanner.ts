/**
 * TensorFlow Lite Micro's GreedyMemoryPlanner, reproduced offset for offset.
 *
 * Given buffers with a size and an inclusive lifetime [first, last] (in the allocator's
 * scope counter), it places offline-planned buffers where the model says, then the rest
 * largest first, each at the lowest offset that does not collide with a buffer alive at
 * the same time. The details that decide the exact offsets, and so the arena size:
 * - online buffers are taken in descending id order before a stable sort by size, so of
 *   two equal sizes the later-added buffer is placed first;
 * - lifetimes that only touch (one ends at the scope where the other starts) overlap;
 * - the first online buffer goes to offset 0 even if an offline buffer is there.
 */

export interface PlannerBuffer {
  /** Bytes, already rounded up to the arena alignment. */
  readonly size: number;
  readonly first: number;
  readonly last: number;
  /** Offset the model fixes for this buffer (OfflineMemoryAllocation), or undefined. */
  readonly offlineOffset?: number;
}

export interface PlannerResult {
  /** Offset of each buffer, by its index in the input. */
  readonly offsets: readonly number[];
  /** The non-persistent arena size: the highest end offset. */
  readonly headBytes: number;
}

export function planGreedy(buffers: readonly PlannerBuffer[]): PlannerResult {
  const offline: number[] = [];
  const online: number[] = [];
  buffers.forEach((b, id) => (b.offlineOffset === undefined ? online : offline).push(id));
  online.reverse();
  // Array.prototype.sort is stable, which is what TFLM's bubble sort amounts to.
  online.sort((a, b) => buffers[b]!.size - buffers[a]!.size);
  const order = [...offline, ...online];

  const offsets = new Array<number>(buffers.length).fill(0);
  // TFLM scans every placed buffer by ascending offset and skips those not alive at the same
  // time: quadratic in the buffers. Only the ones alive at the same time matter, and in the
  // same order (ascending offset; of equal offsets, the earlier placed first), so they are
  // looked up in a time index instead: the same offsets, in time proportional to the overlaps.
  const index = new LifetimeIndex(buffers);
  const placedAt = new Array<number>(buffers.length).fill(-1);
  order.forEach((id, k) => {
    const buf = buffers[id]!;
    let offset = 0;
    if (buf.offlineOffset !== undefined) {
      offset = buf.offlineOffset;
    } else if (k > 0) {
      const alive = index.overlapping(buf).sort((a, b) => offsets[a]! - offsets[b]! || placedAt[a]! - placedAt[b]!);
      let candidate = 0;
      for (const other of alive) {
        if (offsets[other]! - candidate >= buf.size) break;
        candidate = Math.max(candidate, offsets[other]! + buffers[other]!.size);
      }
      offset = candidate;
    }
    offsets[id] = offset;
    placedAt[id] = k;
    index.add(id);
  });

  let headBytes = 0;
  buffers.forEach((b, id) => (headBytes = Math.max(headBytes, offsets[id]! + b.size)));
  return { offsets, headBytes };
}

/**
 * Placed buffers by lifetime, answering "which are alive at some scope in [first, last]": those
 * alive at `first` (a point query on a segment tree over the distinct scopes) and those that
 * start inside (first, last] (listed by start). The two sets are disjoint.
 */
class LifetimeIndex {
  private readonly scopes: number[];
  private readonly size: number;
  private readonly tree: number[][];
  private readonly byStart: number[][];

  constructor(private readonly buffers: readonly PlannerBuffer[]) {
    this.scopes = [...new Set(buffers.flatMap((b) => [b.first, b.last]))].sort((a, b) => a - b);
    this.size = Math.max(1, this.scopes.length);
    this.tree = Array.from({ length: 2 * this.size }, () => []);
    this.byStart = Array.from({ length: this.size }, () => []);
  }

  private at(scope: number): number {
    let lo = 0;
    let hi = this.scopes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.scopes[mid]! < scope) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(id: number): void {
    const b = this.buffers[id]!;
    const first = this.at(b.first);
    this.byStart[first]!.push(id);
    for (let l = first + this.size, r = this.at(b.last) + this.size + 1; l < r; l >>= 1, r >>= 1) {
      if (l & 1) this.tree[l++]!.push(id);
      if (r & 1) this.tree[--r]!.push(id);
    }
  }

  overlapping(b: PlannerBuffer): number[] {
    const first = this.at(b.first);
    const last = this.at(b.last);
    const out: number[] = [];
    for (let i = first + this.size; i >= 1; i >>= 1) for (const id of this.tree[i]!) out.push(id);
    for (let c = first + 1; c <= last; c++) for (const id of this.byStart[c]!) out.push(id);
    return out;
  }
}

export const ARENA_ALIGNMENT = 16;

export function alignUp(bytes: number, alignment: number = ARENA_ALIGNMENT): number {
  return Math.ceil(bytes / alignment) * alignment;
}
