/**
 * The latency estimate: for each layer, the cycles of the kernel that runs it (its loops on the
 * target's core, flash wait states, per-operator overhead: cycleModel.ts), times a board's own
 * multipliers when a profiler log fitted them; milliseconds at the target's clock; the model's
 * total with an error band. Pure: an analysis and a target in, plain data out. An estimate,
 * never a measurement: every number carries its band and the basis it was derived on.
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { EstimateNotice } from '../findings/notice';
import { englishNotices } from '../findings/renderNotice';
import type { LayerReport, ModelAnalysis } from '../analysis/analyzeModel';
import { libraryProfile, SOFT_FLOAT_FACTOR, BOARD_TRANSFER_SIGMA, type ProfileBasis } from './coreProfiles';
import { layerCycles } from './cycleModel';
import type { EstimateTarget } from './estimateTarget';
import { EstimateError } from './estimateTarget';
import { groupOf } from './layerGroups';

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
  /** The kernel function the library's dispatch picks for this layer's shapes. */
  readonly kernel: string;
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
    /** The band spans more than ×2: show the range and why, not a single figure. */
    readonly wide: boolean;
    /** Why the band is as wide as it is (one of the warnings), null when it is the calibration's own error. */
    readonly widthReason: EstimateNotice | null;
    /** `widthReason` in English (the panel shows it without the notice tables). */
    readonly widthReasonText: string | null;
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

/** A band spanning more than this factor end to end is shown as a range, not a figure. */
export const WIDE_BAND = 2;

function cyclesOf(layer: LayerReport, target: EstimateTarget): { cycles: number; library: KernelLibraryId; kernel: string; costUnknown: boolean } {
  const c = layerCycles(layer, {
    kernels: target.kernels,
    timing: target.profile.timing,
    fpu: target.profile.fpu,
    constants: target.constants,
    waitStates: target.waitStates,
  });
  const profile = libraryProfile(target.profile, c.library);
  if (!profile) throw new EstimateError(`${c.library} kernels do not apply to ${target.profile.name}`);
  const m = target.multipliers;
  const work = (c.compute + c.memory) * (m ? m[groupOf(layer)] : 1);
  const overhead = c.overhead * (m ? m.overhead : 1);
  const cycles = (work + overhead) * profile.scale * (target.platformScale ?? 1);
  return { cycles, library: c.library, kernel: c.kernel, costUnknown: c.costUnknown };
}

export function estimateModel(analysis: ModelAnalysis, target: EstimateTarget, options: EstimateOptions = {}): ModelEstimate {
  const sigmas = options.bandSigmas ?? 2;
  const perKHz = target.clockMHz * 1000;
  const raw = analysis.layers.map((l) => ({ layer: l, ...cyclesOf(l, target) }));
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
      kernel: r.kernel,
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
  const wide = band.high / band.low > WIDE_BAND;
  const widthReason = wide ? (warnings.find((w) => w.code === 'extrapolated' || w.code === 'other-board' || w.code === 'float-layers') ?? null) : null;

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
    total: {
      cycles: total,
      ms: total / perKHz,
      band,
      bandMs: { low: (total / perKHz) * band.low, high: (total / perKHz) * band.high },
      sigmaLog: sigma,
      wide,
      widthReason,
      widthReasonText: widthReason ? englishNotices([widthReason])[0]! : null,
    },
    warningCodes: warnings,
    warnings: englishNotices(warnings),
  };
}
