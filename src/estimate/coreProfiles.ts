/**
 * What we know about each core's latency, on top of the kernel cost models: its instruction
 * timings (kernels/timing.ts), how the estimate for it was validated (its basis), and the error
 * that validation leaves (the band). The per-kernel models apply to every core; what differs is
 * how much evidence stands behind them:
 * - calibrated: CMSIS-NN on Cortex-M4F and Cortex-M33, whose held-out MLPerf Tiny rows (v1.0,
 *   never fitted on) give the error; TFLM reference kernels on the RISC-V MLPerf board.
 * - extrapolated: every other core with the same constants and its own instruction timings
 *   (M0+/M3 plain-C path, M7 dual issue, M55/M85 Helium), and the reference kernels on Arm. Their
 *   bands add a sigma for what is not validated.
 * - Xtensa LX6/LX7 (ESP32, ESP32-S3) and the ESP32-C3: reference kernels scaled to one published
 *   person_detect time each (Espressif's esp-tflite-micro README).
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { CalibrationData } from './calibrationData';
import { publishedPoint } from './calibrationData';
import { CORE_TIMINGS, type CoreTiming } from './kernels/timing';
import type { CoreKind } from '../targets/target';

export const ESTIMATE_CORES = [
  'cortex-m0plus',
  'cortex-m4f',
  'cortex-m7',
  'cortex-m33',
  'cortex-m55',
  'cortex-m85',
  'xtensa-lx6',
  'xtensa-lx7',
  'rv32imc',
  // Listed last: added after the others, and users' scripts match the list's start.
  'cortex-m3',
] as const;
export type EstimateCore = (typeof ESTIMATE_CORES)[number];

export function isEstimateCore(s: string): s is EstimateCore {
  return (ESTIMATE_CORES as readonly string[]).includes(s);
}

export type ProfileBasis = 'calibrated' | 'extrapolated' | 'profile';

export interface LibraryProfile {
  /** Multiplier on the kernel model's cycles: 1 except where a published measurement places the core. */
  readonly scale: number;
  /** One-sigma log error of a model total. */
  readonly sigmaLog: number;
  /** Extra error on the fast side only (libraries get faster after their calibration stacks). */
  readonly driftLog: number;
  readonly basis: ProfileBasis;
  readonly derivation: string;
  readonly sources: readonly string[];
}

export interface CoreProfile {
  readonly core: EstimateCore;
  readonly name: string;
  /** Has a hardware FPU: float layers run at about the int8 reference speed. */
  readonly fpu: boolean;
  readonly timing: CoreTiming;
  readonly reference: LibraryProfile;
  /** null where CMSIS-NN does not apply (not an Arm Cortex-M core). */
  readonly cmsisNn: LibraryProfile | null;
}

export { SOFT_FLOAT_FACTOR } from './kernels/layerKernel';

/** Floor on a calibrated one-sigma error: four held-out rows per core cannot promise less. */
export const CALIBRATED_SIGMA_FLOOR = 0.15;

/** Transfer error to a board that is not a calibration platform (same core, other memory system). */
export const BOARD_TRANSFER_SIGMA = Math.log(1.5) / 2;

const SOURCES = {
  mlperf: 'MLPerf Tiny results v0.5–v1.0 (../shared/mlperf_tiny_results.csv): fitted on v0.5/v0.7, tested on v1.0',
  cmsis: 'CMSIS-NN kernel sources (ARM-software/CMSIS-NN): loop structure of the convolution, depthwise and fully connected kernels',
  tflm: 'TFLite Micro reference kernels (tensorflow/lite/kernels/internal/reference/integer_ops): loop structure',
  esp: 'espressif/esp-tflite-micro README: person detection without ESP-NN, ESP32-S3 2300 ms @240 MHz, ESP32 4084 ms @240 MHz, ESP32-C3 3355 ms @160 MHz',
} as const;

function combine(...sigmas: number[]): number {
  return Math.sqrt(sigmas.reduce((s, v) => s + v * v, 0));
}

/** The held-out error of CMSIS-NN on a calibrated core (or the worst of them for other cores). */
function cmsisSigma(data: CalibrationData, core?: string): number {
  const byCore = data.heldOutError.byCore;
  const s = core && byCore[core] ? byCore[core].rmsLog : Math.max(0, ...Object.values(byCore).map((e) => e.rmsLog));
  return Math.max(CALIBRATED_SIGMA_FLOOR, s);
}

function referenceSigma(data: CalibrationData): number {
  return Math.max(CALIBRATED_SIGMA_FLOOR, data.loo.byCore.rv32imc?.rmsLog ?? data.loo.all.rmsLog);
}

function profile(scale: number, sigmaLog: number, basis: ProfileBasis, derivation: string, sources: readonly string[]): LibraryProfile {
  return { scale, sigmaLog, driftLog: 0, basis, derivation, sources };
}

const HELIUM_EXTRA = Math.log(2);
const PLAIN_C_EXTRA = Math.log(1.5);
const ARM_REFERENCE_EXTRA = Math.log(1.5);
const ANCHORED_EXTRA = Math.log(1.5);

/** Every core's profile from one calibration. */
export function coreProfiles(data: CalibrationData): Readonly<Record<EstimateCore, CoreProfile>> {
  const cal = (core: string) =>
    profile(
      1,
      cmsisSigma(data, core),
      'calibrated',
      `CMSIS-NN kernel models with ${CORE_TIMINGS[core as 'cortex-m4f'].name} instruction timings; held-out MLPerf Tiny v1.0 error on this core sets the band`,
      [SOURCES.cmsis, SOURCES.mlperf, CORE_TIMINGS[core as 'cortex-m4f'].source],
    );
  const ext = (core: keyof typeof CORE_TIMINGS, extra: number, what: string) =>
    profile(
      1,
      combine(cmsisSigma(data), extra),
      'extrapolated',
      `CMSIS-NN kernel models with ${CORE_TIMINGS[core].name} instruction timings (${what}); not validated on this core`,
      [SOURCES.cmsis, SOURCES.mlperf, CORE_TIMINGS[core].source],
    );
  const r7 = data.m7OverM33;
  const armRef = (core: keyof typeof CORE_TIMINGS) =>
    profile(
      1,
      combine(referenceSigma(data), ARM_REFERENCE_EXTRA),
      'extrapolated',
      `TFLM reference kernel models with ${CORE_TIMINGS[core].name} instruction timings; the reference efficiency is calibrated on a RISC-V board only`,
      [SOURCES.tflm, SOURCES.mlperf, CORE_TIMINGS[core].source],
    );
  const anchored = (id: string, what: string) => {
    const p = publishedPoint(data, id);
    return profile(
      p.factor,
      combine(referenceSigma(data), ANCHORED_EXTRA),
      'extrapolated',
      `TFLM reference kernel models scaled ×${p.factor.toFixed(2)} to ${what}`,
      [SOURCES.tflm, SOURCES.esp],
    );
  };
  const rv = profile(
    1,
    referenceSigma(data),
    'calibrated',
    'TFLM reference kernel models; efficiency calibrated on the PengChengLab RV32 board (MLPerf Tiny v0.5)',
    [SOURCES.tflm, SOURCES.mlperf],
  );
  const arm = (
    core: 'cortex-m0plus' | 'cortex-m3' | 'cortex-m4f' | 'cortex-m7' | 'cortex-m33' | 'cortex-m55' | 'cortex-m85',
    fpu: boolean,
    cmsisNn: LibraryProfile,
  ): CoreProfile => ({
    core,
    name: CORE_TIMINGS[core].name,
    fpu,
    timing: CORE_TIMINGS[core],
    reference: armRef(core),
    cmsisNn,
  });
  return {
    'cortex-m0plus': arm('cortex-m0plus', false, ext('cortex-m0plus', PLAIN_C_EXTRA, 'plain-C path, no DSP extension')),
    'cortex-m3': arm('cortex-m3', false, ext('cortex-m3', PLAIN_C_EXTRA, 'plain-C path, no DSP extension')),
    'cortex-m4f': arm('cortex-m4f', true, cal('cortex-m4f')),
    'cortex-m7': arm(
      'cortex-m7',
      true,
      ext('cortex-m7', Math.max(r7.sigmaLog, Math.log(1.3)), `dual issue ×${r7.geomean.toFixed(2)} from MLPerf M7/M33 pairs`),
    ),
    'cortex-m33': arm('cortex-m33', true, cal('cortex-m33')),
    'cortex-m55': arm('cortex-m55', true, ext('cortex-m55', HELIUM_EXTRA, 'Helium path')),
    'cortex-m85': arm('cortex-m85', true, ext('cortex-m85', HELIUM_EXTRA, 'Helium path')),
    'xtensa-lx6': {
      core: 'xtensa-lx6',
      name: CORE_TIMINGS['xtensa-lx6'].name,
      fpu: true,
      timing: CORE_TIMINGS['xtensa-lx6'],
      reference: anchored('esp32-reference-person-detect', "Espressif's ESP32 person_detect time"),
      cmsisNn: null,
    },
    'xtensa-lx7': {
      core: 'xtensa-lx7',
      name: CORE_TIMINGS['xtensa-lx7'].name,
      fpu: true,
      timing: CORE_TIMINGS['xtensa-lx7'],
      reference: anchored('esp32s3-reference-person-detect', "Espressif's ESP32-S3 person_detect time"),
      cmsisNn: null,
    },
    rv32imc: { core: 'rv32imc', name: CORE_TIMINGS.rv32imc.name, fpu: false, timing: CORE_TIMINGS.rv32imc, reference: rv, cmsisNn: null },
  };
}

/** A board with its own published measurement replaces its core's profile for that library. */
export function boardOverride(data: CalibrationData, boardId: string, p: CoreProfile): CoreProfile {
  if (boardId === 'esp32-c3') {
    const pt = publishedPoint(data, 'esp32c3-reference-person-detect');
    return {
      ...p,
      reference: profile(
        pt.factor,
        combine(referenceSigma(data), ANCHORED_EXTRA),
        'extrapolated',
        `TFLM reference kernel models scaled ×${pt.factor.toFixed(2)} to Espressif's ESP32-C3 person_detect time (flash through a cache)`,
        [SOURCES.tflm, SOURCES.esp],
      ),
    };
  }
  return p;
}

/** Our core list from the board table's CoreKind; undefined for cores without a profile. */
export function estimateCoreFor(kind: CoreKind): EstimateCore | undefined {
  switch (kind) {
    case 'cortex-m4':
      return 'cortex-m4f';
    case 'rv32imac':
      return 'rv32imc';
    default:
      return kind;
  }
}

export function libraryProfile(p: CoreProfile, library: KernelLibraryId): LibraryProfile | null {
  return library === 'reference' ? p.reference : p.cmsisNn;
}

export const CALIBRATION_SOURCES = SOURCES;
