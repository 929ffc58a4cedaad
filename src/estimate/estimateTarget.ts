/**
 * What an estimate is computed for: a core at a clock with a kernel library, the core's timings
 * and profile, the calibrated constants, the flash wait states at that clock, a board's own
 * multipliers from a profiler log and, for a board, its power facts. Built from a board id, from
 * a core and a clock, or from one of the MLPerf platforms the constants were fitted or tested on.
 */
import { LensError } from '../errors';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { BOARDS } from '../targets/boards';
import type { PowerFacts } from '../targets/target';
import { platform, type CalibrationData, type KernelConstants } from './calibrationData';
import {
  boardOverride,
  coreProfiles,
  estimateCoreFor,
  isEstimateCore,
  ESTIMATE_CORES,
  type CoreProfile,
  type EstimateCore,
  type LibraryProfile,
} from './coreProfiles';
import { PLATFORMS } from './calibration';
import { flashWaitStates } from './kernels/memory';
import type { ProfileGroup } from './layerGroups';

export class EstimateError extends LensError {
  override readonly name = 'EstimateError';
  declare readonly code: 'bad-estimate';
  constructor(message: string) {
    super('bad-estimate', message);
  }
}

export interface EstimateTarget {
  /** Board id, calibration platform id, or `<core>@<MHz>`. */
  readonly id: string;
  readonly name: string;
  readonly core: EstimateCore;
  readonly clockMHz: number;
  readonly kernels: KernelLibraryId;
  readonly profile: CoreProfile;
  readonly constants: KernelConstants;
  /** Flash wait states of one weight read at `clockMHz`. */
  readonly waitStates: number;
  /** A board's own multipliers per layer group, fitted to its MicroProfiler log. */
  readonly multipliers?: Readonly<Record<ProfileGroup, number>>;
  /** An MLPerf platform's own scale (an older stack); 1 elsewhere. */
  readonly platformScale?: number;
  /** The target is one of the MLPerf platforms the constants were fitted or tested on. */
  readonly calibrationPlatform: boolean;
  readonly boardId?: string;
  readonly power?: PowerFacts;
  /** Set when the coefficients were fitted to this board's own MicroProfiler log. */
  readonly profileCalibration?: { readonly sigmaLog: number; readonly layerSigmaLog: number; readonly note: string };
}

function checkKernels(profile: CoreProfile, kernels: KernelLibraryId): void {
  if (kernels === 'cmsis-nn' && !profile.cmsisNn) {
    const arm = ESTIMATE_CORES.filter((c) => c.startsWith('cortex-'));
    throw new EstimateError(
      `CMSIS-NN runs only on Arm Cortex-M cores (${arm.join(', ')}); ${profile.name} has TFLM reference kernels here (vendor libraries such as ESP-NN are not modelled): use --kernels reference`,
    );
  }
}

function checkClock(mhz: number): void {
  if (!Number.isFinite(mhz) || mhz <= 0 || mhz > 2000) throw new EstimateError(`clock must be a positive number of MHz (got ${mhz})`);
}

export function coreTarget(data: CalibrationData, core: string, clockMHz: number, kernels: KernelLibraryId): EstimateTarget {
  if (!isEstimateCore(core)) throw new EstimateError(`unknown core "${core}". Known cores: ${ESTIMATE_CORES.join(', ')}`);
  checkClock(clockMHz);
  const profile = coreProfiles(data)[core];
  checkKernels(profile, kernels);
  return {
    id: `${core}@${clockMHz}`,
    name: `${profile.name} @ ${clockMHz} MHz`,
    core,
    clockMHz,
    kernels,
    profile,
    constants: data.constants,
    waitStates: flashWaitStates(clockMHz),
    calibrationPlatform: false,
  };
}

/** A board from boards.ts, at its maximum clock unless `clockMHz` is given. */
export function boardTarget(data: CalibrationData, boardId: string, kernels: KernelLibraryId, clockMHz?: number): EstimateTarget {
  const board = BOARDS.find((b) => b.id === boardId);
  if (!board) throw new EstimateError(`unknown target "${boardId}". Known targets: ${BOARDS.map((b) => b.id).join(', ')}`);
  const core = estimateCoreFor(board.core);
  if (!core) throw new EstimateError(`no latency profile for ${board.core} (${board.name}); known cores: ${ESTIMATE_CORES.join(', ')}`);
  const mhz = clockMHz ?? board.maxClockMHz;
  checkClock(mhz);
  const profile = boardOverride(data, board.id, coreProfiles(data)[core]);
  checkKernels(profile, kernels);
  const cal = data.platforms.find((p) => p.board === board.id && p.kernels === kernels && p.scale === 1 && p.clockMHz === mhz);
  return {
    id: board.id,
    name: `${board.name} @ ${mhz} MHz`,
    core,
    clockMHz: mhz,
    kernels,
    profile,
    constants: data.constants,
    waitStates: flashWaitStates(mhz, board.id),
    calibrationPlatform: cal !== undefined,
    boardId: board.id,
    power: board.power,
  };
}

/** One of the platforms the MLPerf rows were measured on, at its measured clock. */
export function calibrationTarget(data: CalibrationData, platformId: string): EstimateTarget {
  const p = platform(data, platformId);
  const core = p.core;
  if (!isEstimateCore(core)) throw new EstimateError(`calibration platform ${p.id} has an unknown core ${core}`);
  const base = coreProfiles(data)[core];
  const lib = p.kernels === 'reference' ? base.reference : base.cmsisNn;
  if (!lib) throw new EstimateError(`calibration platform ${p.id}: ${p.kernels} does not apply to ${core}`);
  // A fit platform's band is at least its core's leave-one-out error (the older stack's rows fit worst).
  const loo = p.role === 'fit' ? (data.loo.byCore[core]?.rmsLog ?? 0) : 0;
  const own: LibraryProfile = {
    ...lib,
    sigmaLog: Math.max(lib.sigmaLog, loo),
    basis: 'calibrated',
    derivation: `${p.role === 'fit' ? 'fitted on' : 'held-out test platform'} ${p.name} (${p.stack})`,
  };
  const profile: CoreProfile = p.kernels === 'reference' ? { ...base, reference: own } : { ...base, cmsisNn: own };
  const board = p.board ? BOARDS.find((b) => b.id === p.board) : undefined;
  const waitStates = PLATFORMS.find((q) => q.id === p.id)?.waitStates ?? flashWaitStates(p.clockMHz, p.board);
  return {
    id: p.id,
    name: `${p.name} @ ${p.clockMHz} MHz`,
    core,
    clockMHz: p.clockMHz,
    kernels: p.kernels,
    profile,
    constants: data.constants,
    waitStates,
    platformScale: p.scale,
    calibrationPlatform: true,
    ...(board ? { boardId: board.id, power: board.power } : {}),
  };
}
