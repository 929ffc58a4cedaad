/**
 * The latency estimate: for each layer, cycles = Σ coefficient(term) × amount(term), with the
 * library's coefficients (cycles on its anchor platform) times the core's profile (MAC terms and
 * scalar terms separately); milliseconds at the target's clock; the model's total with an error
 * band. Pure: an analysis and a target in, plain data out. An estimate, never a measurement:
 * every number carries its band and the basis it was derived on.
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { EstimateNotice } from '../findings/notice';
import { englishNotices } from '../findings/renderNotice';
import type { LayerReport, ModelAnalysis } from '../analysis/analyzeModel';
import { libraryProfile, SOFT_FLOAT_FACTOR, BOARD_TRANSFER_SIGMA, type ProfileBasis } from './coreProfiles';
import type { EstimateTarget } from './estimateTarget';
import { EstimateError } from './estimateTarget';
import { isMacTerm, layerTerms, TERMS } from './features';

/** Multiplicative band: the true value is expected between value×low and value×high (≈95%). */
export interface Band {
  readonly low: number;
  readonly high: number;
}

export interface LayerEstimate {
  readonly index: number;
  readonly subgraph: number;
  readonly op: string;
  readonly kind: string;
  readonly library: KernelLibraryId;
  readonly cycles: number;
  readonly ms: number;
  /** Share of the model's total (subgraph 0). */
  readonly share: number;
  /** Band on this layer's ms (wider than the total's: per-kind costs are less certain). */
  readonly bandMs: { readonly low: number; readonly high: number };
}

export interface ModelEstimate {
  readonly kind: 'estimate';
  readonly target: {
    readonly id: string;
    readonly name: string;
    readonly core: string;
    readonly clockMHz: number;
    readonly kernels: string;
    readonly basis: ProfileBasis;
    readonly derivation: string;
    readonly sources: readonly string[];
  };
  readonly layers: readonly LayerEstimate[];
  readonly total: {
    readonly cycles: number;
    readonly ms: number;
    readonly band: Band;
    readonly bandMs: { readonly low: number; readonly high: number };
    /** One-sigma log error behind the band. */
    readonly sigmaLog: number;
  };
  readonly warningCodes: readonly EstimateNotice[];
  /** `warningCodes` in English, in the same order. */
  readonly warnings: readonly string[];
}

export interface EstimateOptions {
  /** Sigmas each side of the band; 2 by default (≈95% if errors are log-normal). */
  readonly bandSigmas?: number;
}

/** Per-layer costs are priors with ±50% spread the model totals do not resolve. */
const LAYER_EXTRA_SIGMA = Math.log(1.5);

export function bandFrom(sigmaLog: number, driftLog: number, sigmas: number): Band {
  const up = sigmas * sigmaLog;
  return { low: Math.exp(-Math.sqrt(up * up + driftLog * driftLog)), high: Math.exp(up) };
}

function layerCycles(layer: LayerReport, target: EstimateTarget): { cycles: number; library: KernelLibraryId; costUnknown: boolean } {
  const soft = target.profile.fpu ? 1 : SOFT_FLOAT_FACTOR;
  const { library, terms, costUnknown } = layerTerms(layer, target.kernels, soft);
  const profile = libraryProfile(target.profile, library);
  if (!profile) throw new EstimateError(`${library} kernels do not apply to ${target.profile.name}`);
  const coef = target.coefficients[library];
  let cycles = 0;
  for (const t of TERMS) cycles += coef[t] * terms[t] * (isMacTerm(t) ? profile.mac : profile.scalar);
  return { cycles, library, costUnknown };
}

export function estimateModel(analysis: ModelAnalysis, target: EstimateTarget, options: EstimateOptions = {}): ModelEstimate {
  const sigmas = options.bandSigmas ?? 2;
  const perKHz = target.clockMHz * 1000;
  const raw = analysis.layers.map((l) => ({ layer: l, ...layerCycles(l, target) }));
  const main = raw.filter((r) => r.layer.subgraph === 0);
  const total = main.reduce((s, r) => s + r.cycles, 0);

  // The band: the library profiles' sigma weighted by their share of the cycles, plus the
  // transfer to a board we were not calibrated on, or the board's own profile-log fit.
  const byLibrary = new Map<KernelLibraryId, number>();
  for (const r of main) byLibrary.set(r.library, (byLibrary.get(r.library) ?? 0) + r.cycles);
  let sigma = 0;
  let drift = 0;
  for (const [lib, cycles] of byLibrary) {
    const p = libraryProfile(target.profile, lib)!;
    const w = total > 0 ? cycles / total : 0;
    sigma += w * p.sigmaLog;
    drift += w * p.driftLog;
  }
  if (target.profileCalibration) {
    sigma = target.profileCalibration.sigmaLog;
    drift = 0;
  } else if (!target.calibrationPlatform) {
    sigma = Math.sqrt(sigma * sigma + BOARD_TRANSFER_SIGMA * BOARD_TRANSFER_SIGMA);
  }
  const band = bandFrom(sigma, drift, sigmas);
  const layerSigma = target.profileCalibration ? target.profileCalibration.layerSigmaLog : Math.sqrt(sigma * sigma + LAYER_EXTRA_SIGMA * LAYER_EXTRA_SIGMA);
  const layerBand = bandFrom(layerSigma, drift, sigmas);

  const layers: LayerEstimate[] = raw.map((r) => {
    const ms = r.cycles / perKHz;
    return {
      index: r.layer.index,
      subgraph: r.layer.subgraph,
      op: r.layer.op,
      kind: r.layer.kind,
      library: r.library,
      cycles: r.cycles,
      ms,
      share: r.layer.subgraph === 0 && total > 0 ? r.cycles / total : 0,
      bandMs: { low: ms * layerBand.low, high: ms * layerBand.high },
    };
  });

  const warnings: EstimateNotice[] = [];
  const unknown = [...new Set(raw.filter((r) => r.costUnknown).map((r) => r.layer.op))];
  if (unknown.length > 0) warnings.push({ code: 'cost-unknown', params: { ops: unknown } });
  if (raw.some((r) => r.layer.subgraph > 0)) warnings.push({ code: 'subgraphs-per-call', params: {} });
  const floats = main.filter((r) => r.layer.float);
  if (floats.length > 0) {
    const softFloat = target.profile.fpu ? null : { factor: SOFT_FLOAT_FACTOR, core: target.profile.name };
    warnings.push({ code: 'float-layers', params: { layers: floats.length, softFloat } });
  }
  if (main.some((r) => r.layer.hybrid)) warnings.push({ code: 'hybrid-layers', params: {} });
  const mainProfile = libraryProfile(target.profile, target.kernels)!;
  const basis: ProfileBasis = target.profileCalibration
    ? 'profile'
    : target.calibrationPlatform
      ? 'calibrated'
      : mainProfile.basis === 'calibrated'
        ? 'calibrated'
        : 'extrapolated';
  if (basis === 'extrapolated')
    warnings.push({ code: 'extrapolated', params: { core: target.profile.name, kernels: target.kernels, derivation: mainProfile.derivation } });
  if (!target.calibrationPlatform && !target.profileCalibration && basis === 'calibrated') warnings.push({ code: 'other-board', params: {} });

  return {
    kind: 'estimate',
    target: {
      id: target.id,
      name: target.name,
      core: target.core,
      clockMHz: target.clockMHz,
      kernels: target.kernels,
      basis,
      derivation: target.profileCalibration ? target.profileCalibration.note : mainProfile.derivation,
      sources: mainProfile.sources,
    },
    layers,
    total: { cycles: total, ms: total / perKHz, band, bandMs: { low: (total / perKHz) * band.low, high: (total / perKHz) * band.high }, sigmaLog: sigma },
    warningCodes: warnings,
    warnings: englishNotices(warnings),
  };
}
