/**
 * The one place where the extension host, the worker and the webview meet. Adding a feature
 * starts here: a job the worker can do, or a message the panel can send or receive.
 * Everything crossing a boundary is plain data (structured-clone safe).
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { Abi } from '../analysis/tflmKernels';
import type { FitVerdict } from '../targets/fit';
import type { CoreKind } from '../targets/target';

// ---- host ↔ worker -------------------------------------------------------------------

export interface AnalyzeParams {
  readonly path: string;
  readonly abi: Abi;
  readonly kernels: string;
  /** The target's core, which picks CMSIS-NN's code path. */
  readonly core?: CoreKind;
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

export interface TargetChoice {
  readonly id: string;
  readonly name: string;
  readonly sramBytes: number;
  readonly flashBytes: number;
}

/** Everything the panel shows for one model. */
export interface PanelState {
  readonly fileName: string;
  readonly analysis: ModelAnalysis;
  readonly verdict: FitVerdict;
  readonly targets: readonly TargetChoice[];
  readonly targetId: string;
  /** True when no board was chosen and the default is shown: the panel says so. */
  readonly isDefaultTarget: boolean;
  readonly reservedSramBytes: number;
  readonly reservedFlashBytes: number;
  /** UI strings in the user's language, keyed by their English text. */
  readonly strings: Readonly<Record<string, string>>;
}

export type ToWebview =
  | { readonly type: 'state'; readonly state: PanelState }
  | { readonly type: 'loading'; readonly fileName: string }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'setTarget'; readonly targetId: string }
  | { readonly type: 'openLayerView'; readonly layer?: { readonly subgraph: number; readonly index: number } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e7;

/** Checks a message from the webview before the host acts on it: the webview is untrusted. */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return Object.keys(value).length === 1;
    case 'setTarget':
      return typeof value.targetId === 'string' && /^[a-z0-9-]{1,64}$/.test(value.targetId);
    case 'openLayerView': {
      const layer = value.layer;
      return layer === undefined || (isObject(layer) && isIndex(layer.subgraph) && isIndex(layer.index));
    }
    default:
      return false;
  }
}

/** Every UI string the panel shows, in English; the host sends their translations. */
export const PANEL_STRINGS = [
  'Model (flash)',
  'Tensor arena (SRAM)',
  'MACs',
  'Operators',
  'Weights by type',
  'Model kind',
  'fits',
  'does not fit',
  'Target',
  'default board: choose yours',
  'reserved',
  'Open Layer View',
  'Layers',
  'Memory timeline',
  'arena bytes live at each layer',
  'budget',
  'peak',
  'layer',
  'op',
  'output',
  'dtype',
  'weights',
  'activations',
  'arena live',
  'unknown',
  'Findings',
  'No findings: the model fits.',
  'Analyzing…',
  'planned',
  'persistent',
  'tensors alive',
] as const;
export type PanelString = (typeof PANEL_STRINGS)[number];
