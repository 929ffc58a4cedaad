/**
 * The quantization report (`<name>_int8.report.json` beside the model): what went in, what
 * came out, the ranges chosen (with `auto`, every candidate's score on the validation samples
 * and the one kept), and what quantization cost on held-out samples. Plain data;
 * `reportJson` writes non-finite numbers (an exact layer's SQNR is Infinity) as strings.
 *
 * Every SQNR in it is pooled over its samples (runtime/compare.ts SqnrSums), so the headline
 * `evaluation.output.sqnrDb` is the output layer's own row. The selection's scores are on other
 * samples (validation ones from the calibration data) and, for a model with several outputs,
 * the mean of each output's pooled SQNR: they rank candidates and are not the headline.
 * Version 2: `evaluation.output` has `sqnrDb` and `cosine` pooled (version 1 had per-sample
 * means, `meanSqnrDb` and `meanCosine`) and `top1Agreement` only for a classifier output.
 */
import type { QuantizeNotice } from '../findings/notice';
import type { UnsupportedOp } from './errors';
import type { Evaluation, SkippedEvaluation } from './evaluate';
import type { IoType, LayerPrecision, TensorParams } from './int8Graph';
import type { RangeSelection } from './autoSelect';
import type { RangeMethod, RangeMethodOption } from './ranges';
import type { SourceKind } from './floatGraph';
import type { PtqReport } from './ptq/decide';

export interface QuantizationReport {
  readonly tool: 'tinyml-lens quantize';
  readonly reportVersion: 2;
  readonly source: {
    readonly path?: string;
    readonly kinds: readonly SourceKind[];
    readonly notes: readonly string[];
    readonly noteCodes: readonly QuantizeNotice[];
  };
  readonly output?: { readonly path?: string };
  readonly options: {
    readonly io: IoType;
    /** Present for 16x8 models only (int8 reports are unchanged). */
    readonly activations?: 'int16';
    /** The per-layer precision overrides of a mixed model (float graph layer → precision), by layer. */
    readonly precision?: readonly { readonly layer: number; readonly precision: LayerPrecision }[];
    /** What the caller asked for (`auto` by default). */
    readonly requestedMethod: RangeMethodOption;
    /** The range method of the model written (auto's winner). */
    readonly method: RangeMethod;
    readonly percentile?: number;
    /** Whether the model written has per-channel FULLY_CONNECTED weights (auto's winner). */
    readonly perChannelFullyConnected: boolean;
    readonly keepFloat: boolean;
    readonly reuseInt8Weights: boolean;
    readonly calibrationSamples: number;
    /** Evaluation samples given (0 when the report measured on calibration samples). */
    readonly heldOutSamples: number;
    /** Where `evaluation` was measured: on evaluation data, or (said in the warnings) on calibration samples. */
    readonly evaluatedOn: 'evaluation-data' | 'calibration-data';
    /** Each input's range over the calibration data (.npy/.bin data are never normalized). */
    readonly inputRanges: readonly { readonly input: string; readonly min: number; readonly max: number }[];
    /** Data-driven weight rounding and bias correction: applied or not, and why (with their cross-fold scores). */
    readonly weightRounding: PtqReport;
    readonly biasCorrection: PtqReport;
    readonly randomCalibration: boolean;
    /** How images were turned into values, when images were used. */
    readonly normalization?: { readonly name: string; readonly description: string };
  };
  /** With `auto`: every candidate's score on the validation samples and the one kept. */
  readonly selection?: RangeSelection;
  /**
   * Sentences in English, as the report has always had them; `warningCodes` and `noteCodes`
   * hold the same, in the same order, as codes and parameters (a surface renders them in its language).
   */
  readonly warnings: readonly string[];
  readonly warningCodes: readonly QuantizeNotice[];
  readonly notes: readonly string[];
  readonly noteCodes: readonly QuantizeNotice[];
  readonly size: { readonly beforeBytes: number; readonly afterBytes: number; readonly ratio: number };
  /** TFLM arena (non-persistent + persistent estimate), from analyzeModel. */
  readonly arena: { readonly beforeBytes: number; readonly afterBytes: number };
  /** Ops left in float (keep-float), by layer of the float graph. */
  readonly keptFloat: readonly UnsupportedOp[];
  readonly ranges: readonly (TensorParams & { readonly calibratedMin?: number; readonly calibratedMax?: number })[];
  readonly evaluation: Evaluation | SkippedEvaluation;
  readonly timing: {
    readonly calibrationMs: number;
    /** Float inferences alone inside calibration. */
    readonly calibrationInferenceMs: number;
    /** auto: building the candidates and running them on the validation samples. */
    readonly selectionMs: number;
    /** Deciding and applying the PTQ methods (bias correction). */
    readonly ptqMs: number;
    readonly rewriteMs: number;
    /** Everything but the evaluation. */
    readonly quantizeMs: number;
    readonly evaluationMs: number;
  };
}

/** JSON with ±Infinity and NaN written as strings, two-space indented. */
export function reportJson(report: QuantizationReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

/**
 * `model.tflite` → `model_int8.tflite` and `model_int8.report.json` (`_16x8` for whole-model
 * 16x8, `_mixed` when some layer's precision differs from the model's default).
 */
export function outputNames(modelPath: string, activations: 'int8' | 'int16' = 'int8', mixed = false): { readonly model: string; readonly report: string } {
  const base = modelPath.replace(/\.tflite$/i, '');
  const tag = mixed ? 'mixed' : activations === 'int16' ? '16x8' : 'int8';
  return { model: `${base}_${tag}.tflite`, report: `${base}_${tag}.report.json` };
}

/** The report's name for a model file chosen by the user (`x.tflite` → `x.report.json`). */
export function reportNameFor(modelPath: string): string {
  return `${modelPath.replace(/\.tflite$/i, '')}.report.json`;
}
