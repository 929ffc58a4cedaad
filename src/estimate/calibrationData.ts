/**
 * The shape of `coefficients.json`: what `npm run fit-estimator` writes and the estimator reads.
 * Everything in it is derived from measurements (the MLPerf Tiny rows and a few published
 * single measurements, each with its source) by the procedure in `calibration.ts`; nothing is
 * edited by hand. `readCalibration` checks the shape at load time so a damaged file fails loudly.
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { TERMS, type Term } from './features';

/** Cycles per unit of each term on the library's anchor platform. */
export type LibraryCoefficients = Readonly<Record<Term, number>>;

export interface PriorSpec {
  /** Prior median: cycles per unit, or for pointwise/depthwise/FC/other MACs a ratio to `conv`. */
  readonly mean: number;
  /** Prior spread, natural log (ln 1.5 ≈ 0.41 means "within ×/÷1.5 at one sigma"). */
  readonly sigmaLog: number;
  readonly why: string;
}

export type LibraryPriors = Readonly<Record<Term, PriorSpec>>;

export interface CalibrationPlatform {
  readonly id: string;
  readonly name: string;
  /** boards.ts id when the platform is one of our boards. */
  readonly board?: string;
  readonly core: string;
  readonly kernels: KernelLibraryId;
  readonly clockMHz: number;
  readonly stack: string;
  /** Fitted cycle scale relative to the library's anchor (the anchor itself is 1). */
  readonly scale: number;
  readonly anchor: boolean;
}

export interface CalibrationRow {
  readonly platform: string;
  readonly benchmark: string;
  readonly model: string;
  readonly measuredMs: number;
  /** The full fit's prediction. */
  readonly fittedMs: number;
  /** Predicted by a fit that did not see this row (leave-one-out). */
  readonly looMs: number;
  readonly measuredEnergyUj?: number;
  readonly supplyVolts?: number;
  readonly source: string;
}

export interface ErrorSummary {
  readonly n: number;
  /** Root mean square of ln(predicted / measured). */
  readonly rmsLog: number;
  readonly maxAbsLog: number;
  readonly meanLog: number;
}

/**
 * A published single measurement used either to place an uncalibrated core (`use: 'anchor'`)
 * or only to check the estimator (`use: 'check'`). `factor` is measured cycles divided by the
 * cycles the anchor platform of `kernels` would need for the same model.
 */
export interface PublishedPoint {
  readonly id: string;
  readonly use: 'anchor' | 'check';
  readonly core: string;
  readonly kernels: KernelLibraryId;
  readonly board?: string;
  readonly model: string;
  readonly clockMHz: number;
  readonly measuredMs: number;
  readonly anchorPredictedMs: number;
  readonly factor: number;
  readonly source: string;
  readonly note: string;
}

export interface EnergyCheck {
  readonly platform: string;
  readonly benchmark: string;
  readonly supplyVolts: number;
  readonly measuredUj: number;
  readonly measuredMs: number;
  /** Measured average power during inference (µJ / ms = mW). */
  readonly measuredMw: number;
  /** Board datasheet current per MHz × clock × supply voltage. */
  readonly datasheetMw: number;
  readonly ratio: number;
}

export interface CalibrationData {
  readonly schema: 1;
  readonly description: string;
  readonly observationSigmaLog: number;
  readonly priors: Readonly<Record<KernelLibraryId, LibraryPriors>>;
  readonly libraries: Readonly<Record<KernelLibraryId, LibraryCoefficients>>;
  readonly platforms: readonly CalibrationPlatform[];
  readonly rows: readonly CalibrationRow[];
  readonly loo: Readonly<Record<KernelLibraryId | 'all', ErrorSummary>>;
  readonly fit: Readonly<Record<KernelLibraryId | 'all', ErrorSummary>>;
  readonly published: readonly PublishedPoint[];
  /** M7 cycles ÷ M33 cycles for the same engine and model (X-CUBE-AI, Plumerai MLPerf rows). */
  readonly m7OverM33: { readonly ratios: readonly number[]; readonly geomean: number; readonly sigmaLog: number; readonly source: string };
  /** The RX65N rows (modified CMSIS-NN ported to RX), fitted with one scale only: a transfer check. */
  readonly rx65n: {
    readonly scale: number;
    readonly rows: readonly { readonly benchmark: string; readonly measuredMs: number; readonly predictedMs: number; readonly looMs: number }[];
    readonly loo: ErrorSummary;
  };
  readonly energy: readonly EnergyCheck[];
  readonly excludedRows: readonly string[];
}

function fail(what: string): never {
  throw new Error(`coefficients.json: ${what}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${what} must be a positive number`);
  return v;
}

function coefficients(v: unknown, what: string): LibraryCoefficients {
  if (!isRecord(v)) fail(`${what} missing`);
  const out: Partial<Record<Term, number>> = {};
  for (const t of TERMS) out[t] = positive(v[t], `${what}.${t}`);
  return out as LibraryCoefficients;
}

/** Checks the parts the estimator computes with; the rest is reporting data. */
export function readCalibration(json: unknown): CalibrationData {
  if (!isRecord(json) || json.schema !== 1) fail('schema 1 expected');
  if (!isRecord(json.libraries)) fail('libraries missing');
  coefficients(json.libraries.reference, 'libraries.reference');
  coefficients(json.libraries['cmsis-nn'], 'libraries.cmsis-nn');
  if (!Array.isArray(json.platforms) || json.platforms.length === 0) fail('platforms missing');
  for (const p of json.platforms) {
    if (!isRecord(p) || typeof p.id !== 'string') fail('platform without id');
    positive(p.scale, `platforms.${p.id}.scale`);
    positive(p.clockMHz, `platforms.${p.id}.clockMHz`);
  }
  if (!Array.isArray(json.published)) fail('published missing');
  for (const p of json.published) {
    if (!isRecord(p) || typeof p.id !== 'string') fail('published point without id');
    positive(p.factor, `published.${p.id}.factor`);
  }
  if (!isRecord(json.loo) || !isRecord(json.loo.reference) || !isRecord(json.loo['cmsis-nn'])) fail('loo missing');
  positive(json.observationSigmaLog, 'observationSigmaLog');
  return json as unknown as CalibrationData;
}

export function platform(data: CalibrationData, id: string): CalibrationPlatform {
  return data.platforms.find((p) => p.id === id) ?? fail(`platform ${id} missing`);
}

export function publishedPoint(data: CalibrationData, id: string): PublishedPoint {
  return data.published.find((p) => p.id === id) ?? fail(`published point ${id} missing`);
}
