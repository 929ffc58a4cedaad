/**
 * A board's own calibration from one TFLM MicroProfiler log: the measured ticks of each layer
 * (matched by `matchProfile`) fit per-kind multipliers on the estimator's coefficients (standard
 * conv, pointwise, depthwise, fully connected, other MACs, element-wise work, and the
 * per-operator/byte overheads together), on top of one overall scale. The result is a target
 * whose coefficients apply to every other model on that board, and a table of measured next to
 * estimated per layer.
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { ProfileNotice } from '../findings/notice';
import { englishNotices, renderNotice } from '../findings/renderNotice';
import { libraryProfile } from './coreProfiles';
import { layerCycles } from './cycleModel';
import type { EstimateTarget } from './estimateTarget';
import { EstimateError } from './estimateTarget';
import { levenbergMarquardt } from './fit';
import { groupOf, PROFILE_GROUPS, type ProfileGroup } from './layerGroups';
import { estimateModel, type ModelEstimate } from './latencyModel';
import type { ParsedProfile, ProfileMatch } from './profilerLog';

const GROUPS = PROFILE_GROUPS;
export type { ProfileGroup };

/** Per-layer error the fit allows (ln): layers of one kind still differ by shape. */
const LAYER_SIGMA = 0.3;
/** How far one kind may move from the overall scale before the data must insist (ln 2). */
const GROUP_PRIOR_SIGMA = Math.log(2);
/** Floor on the error of another model's total on the same board (heuristic, not validated). */
const TRANSFER_FLOOR = 0.1;

export type TickSource = 'given' | 'printed-ms' | 'cpu-cycles';

export interface ProfileRow {
  readonly index: number;
  readonly op: string;
  readonly kind: string;
  readonly measuredTicks: number | null;
  readonly measuredMs: number | null;
  readonly estimatedMs: number;
  /** After fitting the board's own coefficients to this log. */
  readonly fittedMs: number;
}

export interface ProfileCalibration {
  readonly target: EstimateTarget;
  readonly multipliers: Readonly<Record<ProfileGroup, number>>;
  readonly ticksPerMs: number;
  readonly tickSource: TickSource;
  readonly rows: readonly ProfileRow[];
  readonly measuredMs: number;
  /** Sums over matched layers only. */
  readonly estimatedMs: number;
  readonly fittedMs: number;
  readonly before: ModelEstimate;
  readonly after: ModelEstimate;
  /** Where the fitted coefficients came from; `target.profileCalibration.note` in English. */
  readonly fitNote: ProfileNotice;
  /** The log's and the fit's; the estimates carry their own. */
  readonly warningCodes: readonly ProfileNotice[];
  /** `warningCodes` in English, in the same order. */
  readonly warnings: readonly string[];
}

export interface ProfileCalibrationOptions {
  /** Profiler ticks per millisecond; otherwise from the printed ms, else ticks are CPU cycles. */
  readonly ticksPerMs?: number;
}

function ticksPerMs(target: EstimateTarget, profile: ParsedProfile, options: ProfileCalibrationOptions): { value: number; source: TickSource } {
  if (options.ticksPerMs !== undefined) {
    if (!(options.ticksPerMs > 0)) throw new EstimateError(`ticks per ms must be positive (got ${options.ticksPerMs})`);
    return { value: options.ticksPerMs, source: 'given' };
  }
  if (profile.ticksPerMs) return { value: profile.ticksPerMs.value, source: 'printed-ms' };
  return { value: target.clockMHz * 1000, source: 'cpu-cycles' };
}

/** Cycles of each group for one layer on `target`, before the board's own multipliers. */
function groupCycles(analysisLayer: ModelAnalysis['layers'][number], target: EstimateTarget): Record<ProfileGroup, number> {
  const c = layerCycles(analysisLayer, {
    kernels: target.kernels,
    timing: target.profile.timing,
    fpu: target.profile.fpu,
    constants: target.constants,
    waitStates: target.waitStates,
  });
  const scale = libraryProfile(target.profile, c.library)!.scale * (target.platformScale ?? 1);
  const m = target.multipliers;
  const g = groupOf(analysisLayer);
  const out = Object.fromEntries(GROUPS.map((k) => [k, 0])) as Record<ProfileGroup, number>;
  out[g] += (c.compute + c.memory) * scale * (m ? m[g] : 1);
  out.overhead += c.overhead * scale * (m ? m.overhead : 1);
  return out;
}

export function calibrateFromProfile(
  analysis: ModelAnalysis,
  target: EstimateTarget,
  profile: ParsedProfile,
  match: ProfileMatch,
  options: ProfileCalibrationOptions = {},
): ProfileCalibration {
  const tpm = ticksPerMs(target, profile, options);
  const perKHz = target.clockMHz * 1000;
  const byIndex = new Map(match.layers.map((m) => [m.index, m]));
  const main = analysis.layers.filter((l) => l.subgraph === 0);
  const observed = main
    .map((l) => ({ layer: l, groups: groupCycles(l, target), measured: byIndex.get(l.index) }))
    .filter((o): o is typeof o & { measured: NonNullable<typeof o.measured> } => o.measured !== undefined && o.measured.ticks > 0);
  if (observed.length === 0) throw new EstimateError('no layer of this model could be matched to a profiler event with ticks > 0');

  const used = GROUPS.filter((g) => observed.some((o) => o.groups[g] > 0));
  const measuredCycles = (ticks: number) => (ticks / tpm.value) * perKHz;
  const residuals = (theta: readonly number[]): number[] => {
    const g0 = Math.exp(theta[0]!);
    const r = observed.map((o) => {
      let c = 0;
      used.forEach((g, k) => (c += o.groups[g] * Math.exp(theta[k + 1]!)));
      return Math.log((g0 * c) / measuredCycles(o.measured.ticks)) / LAYER_SIGMA;
    });
    used.forEach((_, k) => r.push(theta[k + 1]! / GROUP_PRIOR_SIGMA));
    return r;
  };
  const theta = levenbergMarquardt(residuals, [0, ...used.map(() => 0)]);
  const g0 = Math.exp(theta[0]!);
  const multipliers = Object.fromEntries(GROUPS.map((g) => [g, g0 * (used.includes(g) ? Math.exp(theta[used.indexOf(g) + 1]!) : 1)])) as Record<
    ProfileGroup,
    number
  >;

  const fitted = residuals(theta)
    .slice(0, observed.length)
    .map((v) => v * LAYER_SIGMA);
  const layerRms = Math.sqrt(fitted.reduce((s, v) => s + v * v, 0) / fitted.length);
  const layerSigmaLog = Math.max(0.05, layerRms);
  const sigmaLog = Math.sqrt(TRANSFER_FLOOR * TRANSFER_FLOOR + (layerRms / 2) ** 2);

  // On top of any multipliers the target already had (a log fitted on a log).
  const combined = Object.fromEntries(GROUPS.map((g) => [g, multipliers[g] * (target.multipliers ? target.multipliers[g] : 1)])) as Record<
    ProfileGroup,
    number
  >;
  const fitNote: ProfileNotice = {
    code: 'profile-fitted',
    params: {
      model: analysis.model.path ?? null,
      layers: observed.length,
      ticks: tpm.source === 'cpu-cycles' ? { source: tpm.source } : { source: tpm.source, ticksPerMs: tpm.value },
    },
  };
  const calibrated: EstimateTarget = { ...target, multipliers: combined, profileCalibration: { sigmaLog, layerSigmaLog, note: renderNotice(fitNote) } };

  const before = estimateModel(analysis, target);
  const after = estimateModel(analysis, calibrated);
  const afterByIndex = new Map(after.layers.filter((l) => l.subgraph === 0).map((l) => [l.index, l]));
  const rows: ProfileRow[] = before.layers
    .filter((l) => l.subgraph === 0)
    .map((l) => {
      const m = byIndex.get(l.index);
      return {
        index: l.index,
        op: l.op,
        kind: l.kind,
        measuredTicks: m ? m.ticks : null,
        measuredMs: m ? m.ticks / tpm.value : null,
        estimatedMs: l.ms,
        fittedMs: afterByIndex.get(l.index)!.ms,
      };
    });
  const matchedRows = rows.filter((r) => r.measuredMs !== null);
  const warnings = [...profile.warningCodes, ...match.warningCodes];
  if (tpm.source === 'cpu-cycles') warnings.push({ code: 'profile-ticks-as-cycles', params: { clockMHz: target.clockMHz } });
  return {
    target: calibrated,
    multipliers,
    ticksPerMs: tpm.value,
    tickSource: tpm.source,
    rows,
    measuredMs: matchedRows.reduce((s, r) => s + r.measuredMs!, 0),
    estimatedMs: matchedRows.reduce((s, r) => s + r.estimatedMs, 0),
    fittedMs: matchedRows.reduce((s, r) => s + r.fittedMs, 0),
    before,
    after,
    fitNote,
    warningCodes: warnings,
    warnings: englishNotices(warnings),
  };
}
