/**
 * The quantization report (`<name>_int8.report.json` beside the model): what went in, what
 * came out, the ranges chosen, and what quantization cost on held-out samples. Plain data;
 * `reportJson` writes non-finite numbers (an exact layer's SQNR is Infinity) as strings.
 */
import type { UnsupportedOp } from './errors';
import type { Evaluation } from './evaluate';
import type { IoType, TensorParams } from './int8Graph';
import type { RangeMethod } from './ranges';
import type { SourceKind } from './floatGraph';
import type { Rounding } from '../runtime/quant';

export interface QuantizationReport {
  readonly tool: 'tinyml-lens quantize';
  readonly reportVersion: 1;
  readonly source: { readonly path?: string; readonly kinds: readonly SourceKind[]; readonly notes: readonly string[] };
  readonly output?: { readonly path?: string };
  readonly options: {
    readonly io: IoType;
    readonly method: RangeMethod;
    readonly percentile?: number;
    readonly perChannelFullyConnected: boolean;
    readonly keepFloat: boolean;
    readonly reuseInt8Weights: boolean;
    readonly calibrationSamples: number;
    readonly heldOutSamples: number;
    readonly randomCalibration: boolean;
    /** How images were turned into values, when images were used. */
    readonly normalization?: { readonly name: string; readonly description: string };
  };
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
  readonly size: { readonly beforeBytes: number; readonly afterBytes: number; readonly ratio: number };
  /** TFLM arena (non-persistent + persistent estimate), from analyzeModel. */
  readonly arena: { readonly beforeBytes: number; readonly afterBytes: number };
  /** Ops left in float (keep-float), by layer of the float graph. */
  readonly keptFloat: readonly UnsupportedOp[];
  readonly ranges: readonly (TensorParams & { readonly calibratedMin?: number; readonly calibratedMax?: number })[];
  readonly evaluation: Evaluation | { readonly skipped: string };
  readonly timing: {
    readonly calibrationMs: number;
    /** Float inferences alone inside calibration. */
    readonly calibrationInferenceMs: number;
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

/** `model.tflite` → `model_int8.tflite` and `model_int8.report.json`. */
export function outputNames(modelPath: string): { readonly model: string; readonly report: string } {
  const base = modelPath.replace(/\.tflite$/i, '');
  return { model: `${base}_int8.tflite`, report: `${base}_int8.report.json` };
}

/** The report's name for a model file chosen by the user (`x.tflite` → `x.report.json`). */
export function reportNameFor(modelPath: string): string {
  return `${modelPath.replace(/\.tflite$/i, '')}.report.json`;
}
