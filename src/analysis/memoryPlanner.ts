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

function overlaps(a: PlannerBuffer, b: PlannerBuffer): boolean {
  return !(a.first > b.last || b.first > a.last);
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
  // Placed buffers by ascending offset; a new one goes after all with an offset <= its own.
  const placed: number[] = [];
  order.forEach((id, k) => {
    const buf = buffers[id]!;
    let offset = 0;
    if (buf.offlineOffset !== undefined) {
      offset = buf.offlineOffset;
    } else if (k > 0) {
      let candidate = 0;
      for (const other of placed) {
        const o = buffers[other]!;
        if (!overlaps(o, buf)) continue;
        if (offsets[other]! - candidate >= buf.size) break;
        candidate = Math.max(candidate, offsets[other]! + o.size);
      }
      offset = candidate;
    }
    offsets[id] = offset;
    let at = placed.length;
    while (at > 0 && offsets[placed[at - 1]!]! > offset) at--;
    placed.splice(at, 0, id);
  });

  let headBytes = 0;
  buffers.forEach((b, id) => (headBytes = Math.max(headBytes, offsets[id]! + b.size)));
  return { offsets, headBytes };
}

export const ARENA_ALIGNMENT = 16;

export function alignUp(bytes: number, alignment: number = ARENA_ALIGNMENT): number {
  return Math.ceil(bytes / alignment) * alignment;
}
