/**
 * The one place where the extension host, the worker and the webview meet. Adding a feature
 * starts here: a job the worker can do, or a message the panel can send or receive.
 * Everything crossing a boundary is plain data (structured-clone safe).
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { Abi } from '../analysis/tflmKernels';
import type { FitVerdict } from '../targets/fit';

// ---- host ↔ worker -------------------------------------------------------------------

export interface AnalyzeParams {
  readonly path: string;
  readonly abi: Abi;
  readonly kernels: string;
}

/** Every job the worker runs: its parameters and its result. */
export interface WorkerJobs {
  readonly analyze: { readonly params: AnalyzeParams; readonly result: ModelAnalysis };
}
export type JobName = keyof WorkerJobs;

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly job: JobName; readonly params: WorkerJobs[JobName]['params'] }
  | { readonly type: 'cancel'; readonly id: number };

export type FromWorker =
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: WorkerJobs[JobName]['result'] }
  | { readonly type: 'error'; readonly id: number; readonly code: string; readonly message: string };

// ---- host ↔ webview ------------------------------------------------------------------

export type ToWebview = { readonly type: 'analysis'; readonly analysis: ModelAnalysis; readonly verdict: FitVerdict | null } | { readonly type: 'error'; readonly message: string };

export type FromWebview = { readonly type: 'ready' };

/** Checks a message from the webview before the host acts on it: the webview is untrusted. */
export function isFromWebview(value: unknown): value is FromWebview {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ready';
}
