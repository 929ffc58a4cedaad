/**
 * What an arena optimization found, as plain data: the CLI prints it, `--json` emits it, the
 * panel draws it. Byte figures are the planned (head) section of TFLM's arena unless named
 * `total…`, which adds the persistent tail for the same kernels and ABI.
 */
import type { AnalysisNotice } from '../findings/notice';

/** An operator that runs at another position in the optimized model. */
export interface ReorderedOp {
  readonly subgraph: number;
  readonly op: string;
  /** Its index in the original operator list, and in the optimized one. */
  readonly from: number;
  readonly to: number;
}

/** A planned tensor whose arena offset differs between TFLM's greedy plan and ours. */
export interface MovedTensor {
  readonly subgraph: number;
  readonly tensor: number;
  readonly name: string;
  readonly bytes: number;
  readonly greedyOffset: number;
  readonly optimizedOffset: number;
}

/** Subgraph 0's arena at each operator step, before and after, for the overlaid timelines. */
export interface ArenaTimeline {
  /** Aligned bytes of the buffers alive at each step: no placement can go below its maximum. */
  readonly liveBytes: readonly number[];
  /** The top of the highest buffer alive at each step, in TFLM's greedy plan of the original. */
  readonly greedyTop: readonly number[];
  /** The same in the optimized model (after any reordering, so its steps are the new order's). */
  readonly optimizedTop: readonly number[];
}

export interface OptimizeSummary {
  readonly greedyHeadBytes: number;
  readonly optimizedHeadBytes: number;
  /** The strongest lower bound proven for the head; `optimal` when the optimized head reaches it. */
  readonly lowerBoundBytes: number;
  readonly totalBytesBefore: number;
  readonly totalBytesAfter: number;
  readonly optimal: boolean;
  /** True when the time limit ended the search (the best plan found so far is kept). */
  readonly timedOut: boolean;
  readonly reordered: readonly ReorderedOp[];
  readonly moved: readonly MovedTensor[];
  readonly timeline: ArenaTimeline;
  readonly ms: number;
  /** What the original model's own offline plan gets wrong (malformed, overlapping), when it has one. */
  readonly warnings?: readonly string[];
  /** The same as data, for surfaces that render them in the user's language. */
  readonly warningCodes?: readonly AnalysisNotice[];
}

/**
 * Whether the optimized model is worth a file: a smaller planned head, another operator order,
 * or a replaced broken offline plan (the warnings say how). Otherwise it is the original again.
 */
export function optimizationChangesModel(s: OptimizeSummary): boolean {
  return s.optimizedHeadBytes < s.greedyHeadBytes || s.reordered.length > 0 || (s.warnings?.length ?? 0) > 0;
}
