/**
 * What the analysis, the estimator and the quantizer say beside their numbers, as data: a code
 * and its parameters, like a finding (finding.ts) but without a severity or a layer to blame.
 * No sentence is built here; renderNotice.ts renders them per surface from messages.ts.
 *
 * Strings in `params` may come from the model (op and tensor names) or from an error (a
 * `reason`): every surface escapes them.
 */

type Notice_<C extends string, P = Readonly<Record<string, never>>> = { readonly code: C; readonly params: P };

/** The arena planner and the persistent estimate. */
export type AnalysisNotice =
  | Notice_<'offline-plan-not-words', { readonly bytes: number }>
  | Notice_<'offline-plan-count', { readonly offsets: number; readonly tensors: number }>
  | Notice_<'offline-plan-negative', { readonly tensor: number; readonly offset: number }>
  | Notice_<
      'offline-plan-misaligned',
      { readonly name: string; readonly subgraph: number; readonly tensor: number; readonly offset: number; readonly alignment: number }
    >
  | Notice_<
      'offline-plan-overlap',
      {
        readonly nameA: string;
        readonly subgraphA: number;
        readonly tensorA: number;
        readonly offsetA: number;
        readonly nameB: string;
        readonly subgraphB: number;
        readonly tensorB: number;
        readonly offsetB: number;
      }
    >
  | Notice_<'offline-plan-more', { readonly count: number }>
  | Notice_<'persistent-unverified', { readonly ops: readonly string[]; readonly errorBytes: number }>
  | Notice_<'kernels-reference-core', { readonly core: string }>;

/** The latency and energy estimate. */
export type EstimateNotice =
  | Notice_<'cost-unknown', { readonly ops: readonly string[] }>
  | Notice_<'subgraphs-per-call'>
  | Notice_<'float-layers', { readonly layers: number; readonly softFloat: { readonly factor: number; readonly core: string } | null }>
  | Notice_<'hybrid-layers'>
  | Notice_<'extrapolated', { readonly core: string; readonly kernels: string; readonly derivation: string }>
  | Notice_<'other-board'>
  | Notice_<'estimate-needs-board'>
  | Notice_<'energy-bare-core'>
  | Notice_<'energy-placeholder', { readonly board: string }>
  /** How an energy figure was computed (a formula, for the CLI and JSON). */
  | Notice_<
      'energy-formula',
      {
        readonly microAmpsPerMHz: number;
        readonly clockMHz: number;
        readonly volts: number;
        /** Where the power figure comes from: datasheet, derived or estimate. */
        readonly source: string;
        readonly overheadUj: number;
      }
    >;

/** Reading a MicroProfiler log and fitting a board to it. */
export type ProfileNotice =
  | Notice_<'profile-negative-ticks', { readonly events: number }>
  | Notice_<'profile-per-tag-only'>
  | Notice_<'profile-truncated', { readonly runs: number }>
  | Notice_<'profile-wrong-model'>
  | Notice_<'profile-empty'>
  | Notice_<'profile-unmatched', { readonly layers: number; readonly ops: readonly string[] }>
  | Notice_<'profile-median', { readonly runs: number }>
  | Notice_<'profile-ticks-as-cycles', { readonly clockMHz: number }>
  /** Where a board's fitted coefficients came from; `model` null when the log's model has no path. */
  | Notice_<
      'profile-fitted',
      {
        readonly model: string | null;
        readonly layers: number;
        readonly ticks: { readonly source: 'cpu-cycles' } | { readonly source: 'given' | 'printed-ms'; readonly ticksPerMs: number };
      }
    >;

/** What a quantize wrote, as a refusal names it: whole-model int8 or 16x8, or per-layer mixed. */
export type QuantizedKind = 'int8' | '16x8' | 'mixed';

/**
 * Why a quantization report has no evaluation. `kind` is absent in the codes of reports written
 * before it was recorded: those were int8 models.
 */
export type EvaluationSkip = Notice_<'evaluation-no-held-out'> | Notice_<'evaluation-refused', { readonly error: string; readonly kind?: QuantizedKind }>;

/** The quantizer's warnings and the notes of its report. */
export type QuantizeNotice =
  | Notice_<'samples-short', { readonly asked: number; readonly available: number; readonly heldOut: number }>
  | Notice_<'no-held-out'>
  | Notice_<'non-finite', { readonly tensor: string; readonly values: number }>
  | Notice_<'random-calibration'>
  | Notice_<'few-samples', { readonly samples: number }>
  /** `reason`: why the first candidate was skipped (an English error message), null when there were none. */
  | Notice_<'auto-unmeasured', { readonly reason: string | null; readonly kept: string }>
  | Notice_<'auto-in-sample', { readonly samples: number }>
  | EvaluationSkip
  | Notice_<'not-evaluated', { readonly why: EvaluationSkip }>
  | Notice_<'dequantize-folded', { readonly ops: number }>
  | Notice_<'hybrid-dequantized', { readonly tensors: number }>
  | Notice_<'weights-reused', { readonly tensors: number }>
  | Notice_<'bias-widened', { readonly channels: number; readonly layers: number }>
  | Notice_<'weights-per-tensor', { readonly layers: number }>
  | Notice_<'evaluation-on-calibration', { readonly samples: number }>
  | Notice_<
      'input-range',
      { readonly input: string; readonly min: number; readonly max: number; readonly expectedMin: number; readonly expectedMax: number; readonly from: string }
    >
  | Notice_<'bias-corrected', { readonly layers: number; readonly samples: number }>
  | Notice_<'weights-rounded', { readonly layers: number; readonly weights: number; readonly samples: number }>
  /** Comparison layers (float graph operator indices) kept in float: an int8 input would need a scale ≥ 1. */
  | Notice_<'comparison-float', { readonly count: number; readonly layers: readonly number[] }>;

/** Every notice, discriminated by `code`; `params` is typed per code. */
export type Notice = AnalysisNotice | EstimateNotice | ProfileNotice | QuantizeNotice;
export type NoticeCode = Notice['code'];
export type NoticeOf<C extends NoticeCode> = Extract<Notice, { readonly code: C }>;
