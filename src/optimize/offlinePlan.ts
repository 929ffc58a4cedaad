/**
 * The OfflineMemoryAllocation metadata TFLM reads (micro_allocation_info.cc,
 * GetOfflinePlannedOffsets; layout in micro/docs/memory_management.md): a buffer of
 * little-endian int32 words [version, subgraph, n, offset of tensor 0 … offset of tensor n−1],
 * −1 meaning "plan this one at runtime". TFLM checks that n equals the number of tensors of
 * all subgraphs together, yet looks an offset up by the tensor's index within its own
 * subgraph: a multi-subgraph model shares entry i between the i-th tensors of every
 * subgraph, so an entry can only fix a tensor whose index no other subgraph plans.
 */
import type { ArenaBuffer } from '../analysis/arenaPlan';
import type { Graph } from '../model/graph';

export const OFFLINE_PLAN_METADATA = 'OfflineMemoryAllocation';
/** The format version Vela writes; TFLM does not check it. */
export const OFFLINE_PLAN_VERSION = 1;
export const PLAN_ONLINE = -1;

export function encodeOfflinePlan(offsets: readonly number[]): Uint8Array {
  const words = Int32Array.from([OFFLINE_PLAN_VERSION, 0, offsets.length, ...offsets]);
  return new Uint8Array(words.buffer);
}

/** The offsets in a metadata buffer, or undefined when it is not a well-formed table. */
export function decodeOfflinePlan(data: Uint8Array): Int32Array | undefined {
  if (data.length < 12 || data.length % 4 !== 0) return undefined;
  const words = new Int32Array(data.slice().buffer);
  const n = words[2]!;
  if (n < 0 || words.length < 3 + n) return undefined;
  return words.slice(3, 3 + n);
}

/** For each buffer of a plan: can an offline entry fix it (a tensor whose index only its subgraph plans)? */
export function fixableBuffers(buffers: readonly ArenaBuffer[]): boolean[] {
  const planners = new Map<number, number>();
  for (const b of buffers) if (b.kind === 'tensor') planners.set(b.tensor!, (planners.get(b.tensor!) ?? 0) + 1);
  return buffers.map((b) => b.kind === 'tensor' && planners.get(b.tensor!) === 1);
}

/** The table for a graph: `offsets[k]` for every fixable buffer k, −1 for everything else. */
export function offlineTable(graph: Graph, buffers: readonly ArenaBuffer[], offsets: readonly number[]): number[] {
  const total = graph.subgraphs.reduce((n, sg) => n + sg.tensors.length, 0);
  const table = new Array<number>(total).fill(PLAN_ONLINE);
  const fixable = fixableBuffers(buffers);
  buffers.forEach((b, k) => {
    if (fixable[k]) table[b.tensor!] = offsets[k]!;
  });
  return table;
}

export function withoutOfflinePlan(graph: Graph): Graph {
  return { ...graph, metadata: graph.metadata.filter((m) => m.name !== OFFLINE_PLAN_METADATA) };
}

/** The graph with `table` as its only OfflineMemoryAllocation, in a buffer of its own. */
export function withOfflinePlan(graph: Graph, table: readonly number[]): Graph {
  const data = encodeOfflinePlan(table);
  const used = new Set<number>();
  for (const sg of graph.subgraphs) for (const t of sg.tensors) used.add(t.buffer);
  for (const m of graph.metadata) if (m.name !== OFFLINE_PLAN_METADATA) used.add(m.buffer);
  const old = graph.metadata.find((m) => m.name === OFFLINE_PLAN_METADATA);
  const buffers = [...graph.buffers];
  let index: number;
  // Reuse the old plan's buffer when nothing else points at it, so the file does not keep a dead copy.
  if (old && old.buffer > 0 && !used.has(old.buffer) && old.buffer < buffers.length) {
    index = old.buffer;
    buffers[index] = { data };
  } else {
    index = buffers.length;
    buffers.push({ data });
  }
  return {
    ...graph,
    buffers,
    metadata: [...graph.metadata.filter((m) => m.name !== OFFLINE_PLAN_METADATA), { name: OFFLINE_PLAN_METADATA, buffer: index }],
  };
}
