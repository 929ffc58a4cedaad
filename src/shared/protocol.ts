/**
 * The one place where the extension host, the worker and the webview meet. Adding a feature
 * starts here: a job the worker can do, or a message the panel can send or receive.
 * Everything crossing a boundary is plain data (structured-clone safe).
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { Abi } from '../analysis/tflmKernels';
import type { FitVerdict, Reserve } from '../targets/fit';
import type { CoreKind } from '../targets/target';
import type { LayerComparison, OutputAgreement } from '../runtime/compare';
import type { OutputSummary } from '../runtime/outputSummary';
import type { Rounding } from '../runtime/quant';
import type { EnergyEstimate, ModelEstimate } from '../estimate';
import type { ErrorCode } from '../errors';
import type { EvaluationReport } from '../evaluate/metrics';
import type { FirmwareReport } from '../firmware/report';
import type { ActivationType, IoType, LayerPrecision } from '../quantize/int8Graph';
import type { OptimizeSummary } from '../optimize/result';
import type { RangeMethodOption } from '../quantize/ranges';
import type { QuantizationReport } from '../quantize/report';

// ---- host ↔ worker -------------------------------------------------------------------
// Adding a job: write src/jobs/<name>.ts, declare its params and result here and in
// WorkerJobs, and add it to JOBS in src/jobs/index.ts (the compiler checks the two agree).

export interface AnalyzeParams {
  readonly path: string;
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  /** The target's core, which picks CMSIS-NN's code path. */
  readonly core?: CoreKind;
}

export interface RunParams {
  readonly path: string;
  /** One file per model input, in order (.npy, .bin, .png/.jpg/.bmp, .wav). */
  readonly inputs: readonly string[];
  readonly rounding: Rounding;
  /** Image normalization by name (see NORMALIZATIONS); default [0,1]. */
  readonly normalization?: string;
  /** Time this many more invokes after the first (the warm-up): RunResult.repeat. */
  readonly repeat?: number;
}

export interface RunOutput {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly bytes: Uint8Array;
  readonly summary: OutputSummary;
}

export interface RunResult {
  readonly outputs: readonly RunOutput[];
  /** The first invoke's time (the only one without `repeat`). */
  readonly ms: number;
  /** With `repeat`: the median and the minimum time per invoke over that many runs after the first. */
  readonly repeat?: RepeatTiming;
}

export interface RepeatTiming {
  readonly runs: number;
  readonly msMedian: number;
  readonly msMin: number;
}

export interface CompareParams {
  readonly floatPath: string;
  readonly int8Path: string;
  /** Samples, each one file per input; empty: `randomSamples` seeded random inputs. */
  readonly samples: readonly (readonly string[])[];
  readonly randomSamples: number;
  readonly rounding: Rounding;
  readonly normalization?: string;
  /** Threads the samples run on (default: $TINYML_LENS_THREADS, else every core); 1: the job's own thread. */
  readonly threads?: number;
}

export interface CompareResult {
  readonly layers: readonly LayerComparison[];
  readonly agreement: OutputAgreement;
  readonly random: boolean;
}

export interface QuantizeParams {
  readonly modelPath: string;
  /** A folder or a glob of calibration files; absent only with `randomCalibration`. */
  readonly calibration?: string;
  readonly io?: IoType;
  /** int16: whole-model 16x8 (int16 activations, int8 weights); default int8. */
  readonly activations?: ActivationType;
  /** Default `auto`: each range method tried on validation samples taken from the calibration data. */
  readonly method?: RangeMethodOption;
  readonly percentile?: number;
  /** Calibration samples to use (default 100, or all there are). */
  readonly samples?: number;
  /**
   * Calibration samples withheld from calibration to measure the report on (default 0: every
   * sample calibrates). Prefer `evalData`.
   */
  readonly heldOut?: number;
  /** A folder or glob of evaluation samples (same loaders as calibration): the report is measured on them; without, on calibration samples (and says so). */
  readonly evalData?: string;
  /** Data-driven rounding of conv/FC weights (default on; `auto`: kept where it wins across the calibration folds). */
  readonly weightRounding?: boolean | 'auto';
  /** Empirical per-channel bias correction (default off; `auto` or on). */
  readonly biasCorrection?: boolean | 'auto';
  /** Unset: per tensor for a fixed method, both tried by `auto`. */
  readonly perChannelFullyConnected?: boolean;
  readonly keepFloat?: boolean;
  /** Calibrate on seeded random inputs instead of files (the report warns). */
  readonly randomCalibration?: boolean;
  /** Image normalization by name (see NORMALIZATIONS); default [0,1]. */
  readonly normalization?: string;
  /** Our runtime's rounding for the report's evaluation; default tflm. */
  readonly rounding?: Rounding;
  /** Where the caller will write the model (for the report); default `<name>_int8.tflite`. */
  readonly outputPath?: string;
  /** Threads calibration runs on (default: $TINYML_LENS_THREADS, else every core); 1: the job's own thread. */
  readonly threads?: number;
  /** Per-layer overrides of `activations` (int8, int16 or float per layer: a mixed model). */
  readonly precision?: readonly LayerPrecisionChoice[];
  /**
   * The TFLM kernels the model is for (the board's): layers whose per-channel weights they refuse
   * get per-tensor ones (CMSIS-NN's FULLY_CONNECTED with an int16 input). Absent: the reference
   * kernels, which take both.
   */
  readonly kernels?: KernelLibraryId;
}

export interface QuantizeJobResult {
  /** The int8 .tflite. */
  readonly bytes: Uint8Array;
  readonly report: QuantizationReport;
  /** Where the model and its report go by default: beside the float model. */
  readonly outputPath: string;
  readonly reportPath: string;
}

/** A layer whose precision differs from the model's default (QuantizeParams.activations, else int8). */
export interface LayerPrecisionChoice {
  /** The float model's operator index in subgraph 0. */
  readonly layer: number;
  readonly precision: LayerPrecision;
}

/** The board a precision assignment is measured against: the panel's (or `--fit`'s) target. */
export interface PrecisionBoard {
  /** A board id from src/targets/boards.ts, or 'custom' (then only the budgets count). */
  readonly targetId: string;
  readonly sramBytes: number;
  readonly flashBytes: number;
  readonly reserve: Reserve;
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  readonly core?: CoreKind;
}

/** What "Suggest" searches for. */
export type PrecisionGoal =
  /** The cheapest assignment whose output SQNR against float reaches `db`. */
  | { readonly kind: 'sqnr'; readonly db: number }
  /** The cheapest assignment whose top-1 on the labeled data is within `points` (percentage points) of float's. */
  | { readonly kind: 'accuracy'; readonly points: number }
  /** The most accurate assignment that fits the board. */
  | { readonly kind: 'fit' };

export interface PrecisionParams {
  /**
   * How to calibrate and quantize (as the quantize job). The worker keeps the calibration
   * statistics of recent calls, keyed by the model file (path, size, mtime) and the calibration
   * fields, so a new assignment re-quantizes without recalibrating.
   */
  readonly quantize: QuantizeParams;
  /** Overrides of the default precision; with `suggest`, where the search starts. */
  readonly precision: readonly LayerPrecisionChoice[];
  readonly board: PrecisionBoard;
  /** Labeled data (as EvaluateParams.data/labels): accuracy beside SQNR when given. */
  readonly data?: string;
  readonly labels?: string;
  /** Search for an assignment instead of measuring the given one. */
  readonly suggest?: PrecisionGoal;
  /** With `suggest`: the search stops here and keeps the best assignment found (default PRECISION_SEARCH_MS). */
  readonly timeLimitMs?: number;
}

/** Why a search stopped. */
export type SearchStop =
  /** The goal is met (for `fit`: the most accurate assignment found fits). */
  | 'reached'
  /** Not even the ceiling (every layer at its top choice) meets the goal. */
  | 'unreachable'
  /** For `fit`: not even the starting assignment fits. */
  | 'nothing-fits'
  /** No promotion left that helps. */
  | 'exhausted'
  | 'time-limit';

/** How a search ended (PrecisionResult.search). */
export interface PrecisionSearchSummary {
  readonly goal: PrecisionGoal;
  /** Whether the chosen assignment meets the goal (for `fit`: fits the board). */
  readonly reached: boolean;
  readonly stop: SearchStop;
  /** Layers of the chosen assignment promoted from where the search started. */
  readonly promotions: number;
  /** Layers that could be promoted at all (what all-int16/all-float would change). */
  readonly promotable: number;
  readonly ms: number;
}

/** One layer of an assessed assignment. */
export interface PrecisionLayer {
  /** The float model's operator index. */
  readonly index: number;
  readonly op: string;
  readonly precision: LayerPrecision;
  /** What TFLM can run for this op, in this order of cost: the choices the panel offers. */
  readonly choices: readonly LayerPrecision[];
  /** SQNR of the layer's output against float on the measured samples (dB); absent where not comparable. */
  readonly sqnrDb?: number;
}

/** What one assignment costs and buys: the numbers the Pareto front is drawn from. */
export interface PrecisionPoint {
  readonly precision: readonly LayerPrecisionChoice[];
  /** Output SQNR against the float model on the measured samples (dB; the worst output). */
  readonly outputSqnrDb: number;
  readonly top1Agreement?: number;
  /** Top-1 on the labeled data (fraction in [0,1]), with the float model's beside it. */
  readonly accuracy?: { readonly top1: number; readonly floatTop1: number; readonly samples: number };
  /** The .tflite's size (flash) and TFLM's arena for it on the board's ABI and kernels. */
  readonly modelBytes: number;
  readonly arenaBytes: number;
  /** Estimated latency on the board (ms), when the board has a latency model. */
  readonly latencyMs?: number;
  readonly fits: boolean;
}

export interface PrecisionAssessment extends PrecisionPoint {
  readonly layers: readonly PrecisionLayer[];
  /** Arena bytes in use at each operator of the quantized model (the memory timeline). */
  readonly timeline: readonly number[];
}

export interface PrecisionResult {
  readonly assessment: PrecisionAssessment;
  /** The float model, for before/after (no precision, SQNR +∞ is left out). */
  readonly float: Omit<PrecisionPoint, 'precision' | 'outputSqnrDb' | 'top1Agreement'>;
  /** With `suggest`: every assignment the search measured; `pareto` marks the front (accuracy against arena and latency). */
  readonly explored?: readonly (PrecisionPoint & { readonly pareto: boolean })[];
  /** With `suggest`: how the search ended (added to the contract by the search; optional). */
  readonly search?: PrecisionSearchSummary;
  /** Whether the calibration statistics came from the worker's cache. */
  readonly reusedCalibration: boolean;
  /** The quantized model and its report, written by the caller like any quantize result. */
  readonly bytes: Uint8Array;
  readonly report: QuantizationReport;
  readonly outputPath: string;
  readonly reportPath: string;
}

export interface OptimizeParams {
  readonly path: string;
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  /** The target's core, which picks CMSIS-NN's code path. */
  readonly core?: CoreKind;
  /** Also search operator orders with a lower peak (never changes results). */
  readonly reorder: boolean;
  /** The search stops here and keeps the best plan found so far. */
  readonly timeLimitMs: number;
  /** Where the caller will write the model; default `<name>_opt.tflite` beside the original. */
  readonly outputPath?: string;
}

export interface OptimizeJobResult {
  /** The optimized .tflite: reordered operators and the plan as OfflineMemoryAllocation metadata. */
  readonly bytes: Uint8Array;
  readonly outputPath: string;
  readonly summary: OptimizeSummary;
}

export interface EvaluateParams {
  /** The models, the first being the reference for agreement and changed predictions. */
  readonly paths: readonly string[];
  /** A folder of class folders, or a CSV of `file,label`. */
  readonly data: string;
  /** A file of class names, one per line in the model's output order (else the model's own labels, else sorted). */
  readonly labels?: string;
  readonly rounding: Rounding;
  /** Image normalization by name (see NORMALIZATIONS); default [0,1]. */
  readonly normalization?: string;
  /** Threads the samples run on (default: $TINYML_LENS_THREADS, else as many as the set repays); 1: the job's own thread. */
  readonly threads?: number;
}

export interface CheckFirmwareParams {
  /** C/C++ sources; `text` when an editor holds unsaved changes, else the worker reads the file. */
  readonly sources: readonly { readonly path: string; readonly text?: string }[];
  /** The workspace's .tflite files, which embedded arrays are compared with and GetModel resolves to. */
  readonly models: readonly string[];
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  readonly core?: CoreKind;
}

/** Every job the worker runs: its parameters and its result. */
export interface WorkerJobs {
  readonly analyze: { readonly params: AnalyzeParams; readonly result: ModelAnalysis };
  readonly run: { readonly params: RunParams; readonly result: RunResult };
  readonly compare: { readonly params: CompareParams; readonly result: CompareResult };
  readonly quantize: { readonly params: QuantizeParams; readonly result: QuantizeJobResult };
  readonly optimize: { readonly params: OptimizeParams; readonly result: OptimizeJobResult };
  readonly evaluate: { readonly params: EvaluateParams; readonly result: EvaluationReport };
  readonly checkFirmware: { readonly params: CheckFirmwareParams; readonly result: FirmwareReport };
  readonly precision: { readonly params: PrecisionParams; readonly result: PrecisionResult };
}
export type JobName = keyof WorkerJobs;

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly job: JobName; readonly params: WorkerJobs[JobName]['params'] }
  | { readonly type: 'cancel'; readonly id: number }
  /** A batch job is coming (the user opened its flow): start the pool's threads now (see pool.ts prestartThreads). */
  | { readonly type: 'prestart'; readonly threads?: number; readonly modelPath?: string };

export type FromWorker =
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: WorkerJobs[JobName]['result'] }
  | { readonly type: 'error'; readonly id: number; readonly code: ErrorCode; readonly message: string };

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
  /** `verdict.findings` rendered by the host in the user's language, in the same order. */
  readonly findingMessages: readonly string[];
  /** The float/int8 sibling in the same folder, when there is one. */
  readonly pair?: { readonly other: string; readonly fileIs: 'float' | 'int8' };
  /** Latency and energy on the target board (estimates, with their bands). */
  readonly estimate?: ModelEstimate;
  readonly energy?: EnergyEstimate | null;
  readonly estimateNote?: string;
  /** The board's power facts, for the battery calculator. */
  readonly power?: { readonly sleepMicroAmps: number; readonly volts: number; readonly activeMw: number };
  /** Per-layer times measured on the board, when a MicroProfiler log was imported for this model. */
  readonly measured?: readonly { readonly index: number; readonly ms: number }[];
  /** Where the board's fitted calibration came from, when one is in use. */
  readonly profileNote?: string;
}

/** A run's results as the panel shows them (output bytes left out). */
export interface RunView {
  readonly inputs: readonly string[];
  readonly rounding: Rounding;
  readonly ms: number;
  readonly outputs: readonly Omit<RunOutput, 'bytes'>[];
}

/** A quantization's result for the panel of the new int8 model. */
export interface QuantizeView {
  readonly floatName: string;
  readonly int8Name: string;
  readonly report: QuantizationReport;
  /** `report.warningCodes` rendered by the host in the user's language, in the same order. */
  readonly warningMessages: readonly string[];
  /** Why there is no evaluation (`report.evaluation.skippedCode`), in the user's language. */
  readonly skippedMessage?: string;
}

/** An arena optimization's result for the panel of the optimized model. */
export interface OptimizeView {
  readonly originalName: string;
  readonly optimizedName: string;
  /** Whether operator orders were searched too. */
  readonly reorder: boolean;
  readonly timeLimitSeconds: number;
  readonly summary: OptimizeSummary;
}

export interface CompareView {
  readonly floatName: string;
  readonly int8Name: string;
  readonly samples: string;
  readonly result: CompareResult;
}

/** An evaluation on labeled data for the panel of the model it was started from. */
export interface EvaluateView {
  /** The models' file names, in the report's order: the first is the reference. */
  readonly modelNames: readonly string[];
  /** The labeled set as the user chose it (a folder or a CSV), for the heading. */
  readonly dataName: string;
  /** The folder the report's changed-sample paths are relative to (dataset.ts displayPath). */
  readonly root: string;
  readonly report: EvaluationReport;
}

/** The precision editor's session for the float model's panel (host: src/vscode/precisionSession.ts). */
export interface PrecisionView {
  readonly modelName: string;
  /** The arena's budget on the board (SRAM less the reserve), the timeline's line. */
  readonly arenaBudgetBytes: number;
  readonly float: PrecisionResult['float'];
  readonly current: PrecisionAssessment;
  /** What the current state is measured against: the pinned state, else the one before the last change. */
  readonly baseline?: { readonly assessment: PrecisionAssessment; readonly pinned: boolean };
  readonly canUndo: boolean;
  /** Whether labeled data was given (accuracy is shown beside SQNR). */
  readonly labeled: boolean;
  readonly reusedCalibration: boolean;
  /** The last "Suggest": its goal and every assignment it measured, the Pareto front marked. */
  readonly suggestion?: { readonly goal: PrecisionGoal; readonly explored: readonly (PrecisionPoint & { readonly pareto: boolean })[] };
  /** The file the current state was last saved to. */
  readonly savedAs?: string;
}

export type ToWebview =
  | { readonly type: 'state'; readonly state: PanelState }
  | { readonly type: 'evaluate'; readonly evaluate: EvaluateView }
  | { readonly type: 'precision'; readonly precision: PrecisionView }
  /** A precision job is running (`fraction` in [0,1]), or none (`busy` false). */
  | { readonly type: 'precisionBusy'; readonly busy: boolean; readonly fraction: number }
  | { readonly type: 'run'; readonly run: RunView }
  | { readonly type: 'compare'; readonly compare: CompareView }
  | { readonly type: 'quantize'; readonly quantize: QuantizeView }
  | { readonly type: 'optimize'; readonly optimize: OptimizeView }
  | { readonly type: 'loading'; readonly fileName: string }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'setTarget'; readonly targetId: string }
  | { readonly type: 'openLayerView'; readonly layer?: { readonly subgraph: number; readonly index: number } }
  | { readonly type: 'runModel' }
  | { readonly type: 'compareModels' }
  | { readonly type: 'quantizeModel' }
  | { readonly type: 'optimizeMemory' }
  | { readonly type: 'exportFirmware' }
  | { readonly type: 'evaluateModels' }
  /** A changed sample of the shown evaluation, by its path as the report gives it: the host opens it only if the report lists it. */
  | { readonly type: 'openSample'; readonly file: string }
  | PrecisionMessage;

/** The precision editor's messages (webview/precision.ts → src/vscode/precisionSession.ts). */
export type PrecisionMessage =
  | { readonly type: 'openPrecision' }
  | { readonly type: 'setPrecision'; readonly layer: number; readonly precision: LayerPrecision }
  | { readonly type: 'undoPrecision' }
  /** Pin the current state to compare later ones with, or unpin. */
  | { readonly type: 'comparePrecision'; readonly pin: boolean }
  | { readonly type: 'suggestPrecision'; readonly goal: PrecisionGoal }
  /** Apply one of the last suggestion's explored points, by its index. */
  | { readonly type: 'applyPrecision'; readonly point: number }
  | { readonly type: 'savePrecision' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e7;
const LAYER_PRECISIONS: readonly unknown[] = ['int8', 'int16', 'float'] satisfies readonly LayerPrecision[];
const within = (v: unknown, low: number, high: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= low && v <= high;

function isPrecisionGoal(v: unknown): v is PrecisionGoal {
  if (!isObject(v)) return false;
  switch (v.kind) {
    case 'sqnr':
      return Object.keys(v).length === 2 && within(v.db, 0, 200);
    case 'accuracy':
      return Object.keys(v).length === 2 && within(v.points, 0, 100);
    case 'fit':
      return Object.keys(v).length === 1;
    default:
      return false;
  }
}

/** Checks a message from the webview before the host acts on it: the webview is untrusted. */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'runModel':
    case 'compareModels':
    case 'quantizeModel':
    case 'optimizeMemory':
    case 'exportFirmware':
    case 'evaluateModels':
      return Object.keys(value).length === 1;
    case 'openSample':
      return Object.keys(value).length === 2 && typeof value.file === 'string' && value.file.length > 0 && value.file.length <= 4096;
    case 'openPrecision':
    case 'undoPrecision':
    case 'savePrecision':
      return Object.keys(value).length === 1;
    case 'setPrecision':
      return Object.keys(value).length === 3 && isIndex(value.layer) && LAYER_PRECISIONS.includes(value.precision);
    case 'comparePrecision':
      return Object.keys(value).length === 2 && typeof value.pin === 'boolean';
    case 'suggestPrecision':
      return Object.keys(value).length === 2 && isPrecisionGoal(value.goal);
    case 'applyPrecision':
      return Object.keys(value).length === 2 && isIndex(value.point);
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
  'arena in use at each layer',
  'arena budget',
  'SRAM less the reserve',
  'columns',
  'line',
  'live',
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
  'Run Model…',
  'Compare Float and Int8…',
  'Run results',
  'inputs',
  'rounding',
  'top-5',
  'min',
  'max',
  'mean',
  'histogram',
  'Float vs int8',
  'SQNR (dB)',
  'cosine',
  'max |error|',
  'top-1 agreement',
  'samples',
  'random inputs',
  'float sibling',
  'int8 sibling',
  'lowest SQNR',
  'Latency',
  'Energy per inference',
  'an estimate',
  'calibrated',
  'extrapolated',
  'profile',
  'expected',
  'latency',
  'measured',
  'Battery life',
  'scenario',
  'your own',
  'inferences per hour',
  'sleep current (µA)',
  'battery (mAh)',
  'battery (V)',
  'average power',
  'days',
  'slowest',
  'Quantize to int8…',
  'Quantization',
  'size',
  'before',
  'after',
  'range method',
  'calibration samples',
  'held-out samples',
  'layers that lose the most',
  'warnings',
  'Optimize Memory…',
  'Export for Firmware…',
  'Export C++…',
  'Arena optimization',
  'greedy (TFLM)',
  'optimized',
  'lower bound',
  'optimal: the plan reaches the lower bound',
  'within {0} of the lower bound',
  'time limit reached: the best plan found so far',
  'saved',
  'operator order searched too',
  'placement only',
  'time limit',
  'arena top at each step',
  'live bytes (no plan can go below)',
  'step',
  'Moved tensors',
  'Reordered operators',
  'No tensor moved.',
  'No operator moved.',
  'tensor',
  'name',
  'bytes',
  'greedy offset',
  'optimized offset',
  'subgraph',
  'original position',
  'new position',
  'total arena',
  'reference kernels: CMSIS-NN is for Arm Cortex-M cores only',
  // Evaluation on labeled data (webview/evaluate.ts).
  'Evaluate…',
  'Evaluation',
  'model',
  'top-1',
  'agreement with the first model',
  'changed predictions',
  'the reference',
  'Confusion matrix',
  'rows: label, columns: predicted',
  'label',
  'predicted',
  'per-class accuracy',
  'Changed predictions',
  'No prediction changed.',
  '{0} more, not listed',
  'Open the sample',
  'outputs compared with the first model',
  'mean |error|',
  'RMSE',
  'identical',
  'classes',
  'Precision…',
  'Precision',
  'precision',
  'measuring…',
  'output SQNR',
  'top-1 on labeled data',
  'points',
  'pinned',
  'now',
  'Undo',
  'Compare with this',
  'Stop comparing',
  'Save…',
  'Suggest',
  'goal',
  'output SQNR at least (dB)',
  'top-1 within (points of float)',
  'the most accurate that fits the board',
  'explored assignments',
  'click a point to apply it',
  'cost',
  'Pareto front',
  'not drawn',
  'every layer int8',
  'layers not int8',
  'accuracy on labeled data',
  'output SQNR against float only',
  'calibration reused',
  'each operator of the quantized model',
] as const;
export type PanelString = (typeof PANEL_STRINGS)[number];
