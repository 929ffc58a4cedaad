/**
 * What `AllocateTensors()` needs beyond `arena_used_bytes()` for a moment. While TFLM commits
 * its memory plan (MicroAllocator::CommitStaticMemoryPlan), the temporary section holds one
 * AllocationInfo per tensor and scratch request and the greedy planner's working arrays (40
 * bytes per planned buffer), between the persistent tail and the head. On a small model that
 * peak is larger than the planned head, so an arena of exactly `arena_used_bytes()` fails.
 *
 * Measured on the x86-64 host build of TFLM 90b983c2 (../shared/tflm) by bisecting the
 * smallest arena AllocateTensors() accepts: hello_world_int8 1,608 (used 1,184),
 * hello_world_float 1,608 (1,216), ad01_int8 4,080 (3,424); every other shared model succeeds
 * at exactly its used bytes. The bound below covers each of them with at most 88 bytes to spare.
 * On the 32-bit ABIs (smaller AllocationInfo) the same bound leaves 52-60 bytes to spare on
 * hello_world_int8 and ad01_int8, measured with the i386, Cortex-M4 reference and Cortex-M4
 * CMSIS-NN runners' `-a` (test/core/firmwareArenaRunners.test.ts).
 */
import type { Abi } from '../analysis/tflmKernels';

/** sizeof(AllocationInfo): size_t, a pointer, three ints and a bool, padded to the pointer. */
const ALLOCATION_INFO_BYTES: Readonly<Record<Abi, number>> = { arm32: 24, i386: 24, x86_64: 32 };
/** GreedyMemoryPlanner::per_buffer_size(): its requirement, two sorted ints, a list entry and an offset. */
const PLANNER_BYTES_PER_BUFFER = 40;
/** Alignment and the scratch-request block the head holds at the same time, from the measurements above. */
const SLACK_BYTES = 64;

export interface TransientNeed {
  readonly abi: Abi;
  readonly persistentBytes: number;
  readonly tensors: number;
  readonly scratchBuffers: number;
  readonly plannedBuffers: number;
}

/** The arena AllocateTensors() needs while planning, rounded up to TFLM's 16-byte alignment. */
export function transientArenaBytes(n: TransientNeed): number {
  const bytes = n.persistentBytes + ALLOCATION_INFO_BYTES[n.abi] * (n.tensors + n.scratchBuffers) + PLANNER_BYTES_PER_BUFFER * n.plannedBuffers + SLACK_BYTES;
  return Math.ceil(bytes / 16) * 16;
}
