/**
 * The shape of `coefficients.json`: what `npm run fit-estimator` writes and the estimator reads.
 * The per-kernel cost models (kernels/) are fixed by the kernels' loop structure and the cores'
 * instruction timings; what is fitted is a handful of constants (`KernelConstants`), on MLPerf
 * Tiny rows of the earlier rounds only, with the later rounds' rows kept out as a held-out test.
 * Nothing in the file is edited by hand; `readCalibration` checks its shape when it is loaded.
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';

/** The free constants of the latency model. */
export interface KernelConstants {
  /**
   * Cycles actually spent per cycle of the kernels' instruction count, per library: what the
   * compiler's scheduling, register spills, loop set-up and pipeline stalls add.
   */
  readonly efficiency: Readonly<Record<KernelLibraryId, number>>;
  /** Share of the flash wait states a 32-bit weight read pays (the rest hidden by caches and prefetch). */
  readonly flashExposed: number;
  /** Cycles per operator invocation: TFLM's interpreter, the kernel's Eval set-up. */
  readonly operatorCycles: number;
}

export type ConstantName = 'efficiency.cmsis-nn' | 'efficiency.reference' | 'flashExposed' | 'operatorCycles';

export interface PriorSpec {
  readonly mean: number;
  /** Prior spread, natural log (ln 2 ≈ 0.69 means "within ×/÷2 at one sigma"). */
  readonly sigmaLog: number;
  readonly why: string;
}

export interface CalibrationPlatform {
  readonly id: string;
  readonly name: string;
  /** boards.ts id when the platform is one of our boards. */
  readonly board?: string;
  readonly core: string;
  readonly kernels: KernelLibraryId;
  readonly clockMHz: number;
  readonly stack: string;
  readonly version: string;
  /** 'fit': its rows calibrate the constants; 'held-out': its rows only test them. */
  readonly role: 'fit' | 'held-out';
  /**
   * A platform-only cycle scale, fitted with the constants and never applied to a new target:
   * set (≠ 1) only for a stack declared older than the kernels modelled, before looking at any error.
   */
  readonly scale: number;
  readonly why?: string;
}

export interface CalibrationRow {
  readonly platform: string;
  readonly version: string;
  readonly core: string;
  readonly benchmark: string;
  readonly model: string;
  readonly clockMHz: number;
  readonly measuredMs: number;
  /** The full fit's prediction (held-out rows: the prediction, the rows were never fitted on). */
  readonly predictedMs: number;
  /** Predicted by a fit that did not see this row (fit rows only). */
  readonly looMs?: number;
  readonly measuredEnergyUj?: number;
  readonly supplyVolts?: number;
  readonly source: string;
}

export interface ErrorSummary {
  readonly n: number;
  /** Mean absolute percentage error, |predicted − measured| / measured, in percent. */
  readonly mape: number;
  readonly maxAbsPct: number;
  /** Root mean square of ln(predicted / measured). */
  readonly rmsLog: number;
  readonly meanLog: number;
}

/** Error summaries overall and per core. */
export interface ErrorTable {
  readonly all: ErrorSummary;
  readonly byCore: Readonly<Record<string, ErrorSummary>>;
}

/**
 * A published single measurement, used to place a core the MLPerf rows do not cover
 * (`anchor`), to check the estimator (`check`), or kept out as implausible (`outlier`, with why).
 */
export interface PublishedPoint {
  readonly id: string;
  readonly use: 'anchor' | 'check' | 'outlier';
  readonly core: string;
  readonly kernels: KernelLibraryId;
  readonly board?: string;
  readonly model: string;
  readonly clockMHz: number;
  readonly measuredMs: number;
  /** What the calibrated kernel model predicts for it, before any anchor factor. */
  readonly predictedMs: number;
  /** measured / predicted. */
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
  readonly schema: 2;
  readonly description: string;
  readonly observationSigmaLog: number;
  readonly priors: Readonly<Record<ConstantName, PriorSpec>>;
  readonly constants: KernelConstants;
  readonly platforms: readonly CalibrationPlatform[];
  /** Rows of the earlier rounds the constants are fitted on, with their leave-one-out predictions. */
  readonly rows: readonly CalibrationRow[];
  /** Rows of the later rounds, never fitted on. */
  readonly heldOut: readonly CalibrationRow[];
  readonly loo: ErrorTable;
  readonly fit: ErrorTable;
  readonly heldOutError: ErrorTable;
  readonly published: readonly PublishedPoint[];
  /** M7 cycles ÷ M33 cycles for the same engine and model (X-CUBE-AI, Plumerai MLPerf rows). */
  readonly m7OverM33: { readonly ratios: readonly number[]; readonly geomean: number; readonly sigmaLog: number; readonly source: string };
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

/** Checks the parts the estimator computes with; the rest is reporting data. */
export function readCalibration(json: unknown): CalibrationData {
  if (!isRecord(json) || json.schema !== 2) fail('schema 2 expected (run npm run fit-estimator)');
  const c = json.constants;
  if (!isRecord(c) || !isRecord(c.efficiency)) fail('constants missing');
  positive(c.efficiency.reference, 'constants.efficiency.reference');
  positive(c.efficiency['cmsis-nn'], 'constants.efficiency.cmsis-nn');
  positive(c.flashExposed, 'constants.flashExposed');
  positive(c.operatorCycles, 'constants.operatorCycles');
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
  if (!isRecord(json.loo) || !isRecord(json.heldOutError)) fail('error tables missing');
  positive(json.observationSigmaLog, 'observationSigmaLog');
  return json as unknown as CalibrationData;
}

export function platform(data: CalibrationData, id: string): CalibrationPlatform {
  return data.platforms.find((p) => p.id === id) ?? fail(`platform ${id} missing`);
}

export function publishedPoint(data: CalibrationData, id: string): PublishedPoint {
  return data.published.find((p) => p.id === id) ?? fail(`published point ${id} missing`);
}
