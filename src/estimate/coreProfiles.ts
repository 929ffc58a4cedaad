/**
 * How fast each core runs each kernel library, relative to that library's calibration anchor:
 * the TFLM reference kernels on the PengChengLab RISC-V board (MLPerf Tiny v0.5) and TFLM with
 * CMSIS-NN on the Renesas EK-RA6M4 Cortex-M33 (v0.7). A profile scales the MAC terms (`mac`)
 * and the scalar terms (`scalar`: activation bytes, weight bytes, element ops, per-operator
 * overhead) separately, because SIMD (DSP extension, Helium) speeds up the first and not the
 * second.
 *
 * Calibrated profiles come straight from the fit (`coefficients.json`). Every other profile is
 * an extrapolation from a calibrated one by a factor with its source, and carries an extra
 * log-sigma that widens its error band. The factors:
 * - Arm scalar code between cores: Arm's published CoreMark/MHz (M0+ 2.46, M4 3.42, M33 4.02,
 *   M55 4.2, M7 5.01, M85 6.28).
 * - CMSIS-NN on M7 vs M33: MLPerf Tiny rows of the same engine on both cores (X-CUBE-AI,
 *   Plumerai), computed by the fit script from the shared CSV.
 * - Helium (M55, M85): Arm's claims (M55 "up to 5×" ML uplift over M33/M4-class cores, M85
 *   "up to 4×" over M7), of which we take the square root (half the claim in log terms) because
 *   claims are best cases and one public TFLM build on an STM32N6 ran 11× *slower* per cycle
 *   than an M33; hence a very wide band.
 * - Reference kernels on Arm, ESP32, ESP32-S3, ESP32-C3: single published measurements of
 *   person_detect (Samsung/ONE issue #7598 for an STM32F413 Cortex-M4F; Espressif's
 *   esp-tflite-micro README for the ESP chips), turned into factors by the fit script.
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { CalibrationData } from './calibrationData';
import { platform, publishedPoint } from './calibrationData';
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
] as const;
export type EstimateCore = (typeof ESTIMATE_CORES)[number];

export function isEstimateCore(s: string): s is EstimateCore {
  return (ESTIMATE_CORES as readonly string[]).includes(s);
}

export type ProfileBasis = 'calibrated' | 'extrapolated' | 'profile';

export interface LibraryProfile {
  /** Multiplier on the MAC terms' anchor cycles. */
  readonly mac: number;
  /** Multiplier on activation-byte, weight-byte, element-op and per-operator anchor cycles. */
  readonly scalar: number;
  /** One-sigma log error of a model total: the fit's leave-one-out error, plus extrapolation. */
  readonly sigmaLog: number;
  /** Extra error on the fast side only (libraries got faster after the calibration stacks). */
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
  readonly reference: LibraryProfile;
  /** null where CMSIS-NN does not apply (not an Arm Cortex-M core). */
  readonly cmsisNn: LibraryProfile | null;
}

/** Arm's published CoreMark/MHz per processor: the ratio scales scalar C code between Arm cores. */
export const COREMARK_PER_MHZ: Readonly<Record<'cortex-m0plus' | 'cortex-m4f' | 'cortex-m7' | 'cortex-m33' | 'cortex-m55' | 'cortex-m85', number>> = {
  'cortex-m0plus': 2.46,
  'cortex-m4f': 3.42,
  'cortex-m33': 4.02,
  'cortex-m55': 4.2,
  'cortex-m7': 5.01,
  'cortex-m85': 6.28,
};
const COREMARK_SOURCE = "Arm's published CoreMark/MHz per Cortex-M processor (M0+ 2.46, M4 3.42, M33 4.02, M55 4.2, M7 5.01, M85 6.28)";

/** Float layers on a core without an FPU: each multiply-add becomes a soft-float call. */
export const SOFT_FLOAT_FACTOR = 10;

/**
 * Floor on a calibrated library's one-sigma error: the reference kernels' leave-one-out rms
 * (4 rows, priors set knowing the data) is too few and too optimistic to go below this.
 */
export const CALIBRATED_SIGMA_FLOOR = 0.15;

export function calibratedSigma(data: CalibrationData, library: KernelLibraryId): number {
  return Math.max(CALIBRATED_SIGMA_FLOOR, data.loo[library].rmsLog);
}

/** Transfer error to a board that is not a calibration platform (same core, other memory system). */
export const BOARD_TRANSFER_SIGMA = Math.log(1.5) / 2;

const SOURCES = {
  mlperf: 'MLPerf Tiny v0.5/v0.7 results (../shared/mlperf_tiny_results.csv)',
  esp: 'espressif/esp-tflite-micro README: person detection without ESP-NN, ESP32-S3 2300 ms @240 MHz, ESP32 4084 ms @240 MHz, ESP32-C3 3355 ms @160 MHz (invoke() only, internal memory)',
  f413: 'Samsung/ONE issue #7598: person_detection on NUCLEO-F413ZH (Cortex-M4F @100 MHz), TFLM 2021: 386.6 ms with CMSIS-NN, 13005 ms without',
  helium: 'Arm Cortex-M55 launch material (up to 5× ML over Cortex-M4/M33-class, as reported by WikiChip 2020); Arm Cortex-M85 (up to 4× ML over Cortex-M7)',
  n6: 'embedded-agent-bridge ML benchmark (2026): TFLM + CMSIS-NN MVE on STM32N6 (M55) used 11.5× the cycles of an MCXN947 (M33) for person_detect with GCC 12',
  mcxn: 'embedded-agent-bridge ML benchmark (2026): FRDM-MCXN947 (Cortex-M33 @150 MHz), current TFLM + CMSIS-NN, person_detect 11.53 M cycles (DWT)',
} as const;

function combine(...sigmas: number[]): number {
  return Math.sqrt(sigmas.reduce((s, v) => s + v * v, 0));
}

/** The fast-side drift of each library, from the newest public measurement we have. */
function drift(data: CalibrationData, library: KernelLibraryId): number {
  if (library === 'cmsis-nn') {
    const check = data.published.find((p) => p.id === 'mcxn947-cmsis-person-detect');
    const cal = data.platforms.find((p) => p.id === 'ek-ra6m4');
    if (check && cal) return Math.max(0, -Math.log(check.factor / cal.scale));
    return 0;
  }
  // Reference kernels also got faster in places (e.g. Edge Impulse's conv.h loop rewrite took an
  // M4F image model from 388 to 302 ms, tensorflow/tensorflow PR #45227).
  return Math.log(388 / 302);
}

function calibrated(data: CalibrationData, library: KernelLibraryId, platformId: string, derivation: string): LibraryProfile {
  const s = platform(data, platformId).scale;
  return {
    mac: s,
    scalar: s,
    sigmaLog: calibratedSigma(data, library),
    driftLog: drift(data, library),
    basis: 'calibrated',
    derivation,
    sources: [SOURCES.mlperf],
  };
}

function scaled(base: LibraryProfile, mac: number, scalar: number, extraSigma: number, derivation: string, sources: readonly string[]): LibraryProfile {
  return {
    mac: base.mac * mac,
    scalar: base.scalar * scalar,
    sigmaLog: combine(base.sigmaLog, extraSigma),
    driftLog: base.driftLog,
    basis: 'extrapolated',
    derivation,
    sources: [...new Set([...base.sources, ...sources])],
  };
}

function fromPublished(data: CalibrationData, id: string, extraSigma: number, derivation: string, source: string): LibraryProfile {
  const p = publishedPoint(data, id);
  return {
    mac: p.factor,
    scalar: p.factor,
    sigmaLog: combine(calibratedSigma(data, p.kernels), extraSigma),
    driftLog: drift(data, p.kernels),
    basis: 'extrapolated',
    derivation,
    sources: [SOURCES.mlperf, source],
  };
}

function cm(from: keyof typeof COREMARK_PER_MHZ, to: keyof typeof COREMARK_PER_MHZ): number {
  return COREMARK_PER_MHZ[from] / COREMARK_PER_MHZ[to];
}

/** Every core's profile from one calibration. */
export function coreProfiles(data: CalibrationData): Readonly<Record<EstimateCore, CoreProfile>> {
  const m4Ref = fromPublished(
    data,
    'f413-reference-person-detect',
    Math.log(2),
    'TFLM reference kernels on a Cortex-M4F: one published person_detect time on an STM32F413 @100 MHz, divided by the reference fit',
    SOURCES.f413,
  );
  const armRef = (core: keyof typeof COREMARK_PER_MHZ): LibraryProfile =>
    core === 'cortex-m4f'
      ? m4Ref
      : scaled(
          m4Ref,
          cm('cortex-m4f', core),
          cm('cortex-m4f', core),
          0,
          `reference kernels: the Cortex-M4F value × CoreMark/MHz ratio ${cm('cortex-m4f', core).toFixed(2)}`,
          [COREMARK_SOURCE],
        );
  const m33 = calibrated(data, 'cmsis-nn', 'ek-ra6m4', 'TFLM + CMSIS-NN calibrated on Renesas EK-RA6M4 (Cortex-M33, MLPerf Tiny v0.7)');
  const m4f = calibrated(
    data,
    'cmsis-nn',
    'nucleo-l4r5zi',
    'TFLM v2.3.1 + CMSIS-NN calibrated on NUCLEO-L4R5ZI (Cortex-M4F, MLPerf Tiny v0.5 reference): an older stack than the M33 rows',
  );
  const r7 = data.m7OverM33;
  const m7 = scaled(
    m33,
    r7.geomean,
    r7.geomean,
    Math.max(r7.sigmaLog, Math.log(1.3)),
    `CMSIS-NN on M7: the M33 value × ${r7.geomean.toFixed(2)}, the geometric mean M7/M33 cycle ratio of the same engines in MLPerf Tiny`,
    [r7.source],
  );
  const heliumM55 = 1 / Math.sqrt(5);
  const heliumM85 = 1 / Math.sqrt(4);
  const m55 = scaled(
    m33,
    heliumM55,
    cm('cortex-m33', 'cortex-m55'),
    Math.log(3),
    `CMSIS-NN Helium path: M33 MAC cycles × 1/√5, scalar × CoreMark ratio ${cm('cortex-m33', 'cortex-m55').toFixed(2)}`,
    [SOURCES.helium, SOURCES.n6, COREMARK_SOURCE],
  );
  const m85 = scaled(
    m7,
    heliumM85,
    cm('cortex-m7', 'cortex-m85'),
    Math.log(3),
    `CMSIS-NN Helium path: M7 MAC cycles × 1/√4, scalar × CoreMark ratio ${cm('cortex-m7', 'cortex-m85').toFixed(2)}`,
    [SOURCES.helium, COREMARK_SOURCE],
  );
  // CMSIS-NN's plain-C path on a core without the DSP extension: single multiply-accumulates
  // instead of dual 16-bit SMLADs (assumed ×2.5 on MAC loops) on a slower core (CoreMark).
  const m0Cmsis = scaled(
    m4f,
    2.5 * cm('cortex-m4f', 'cortex-m0plus'),
    cm('cortex-m4f', 'cortex-m0plus'),
    Math.log(2.5),
    'CMSIS-NN plain-C path (no DSP extension): Cortex-M4F value × 2.5 on MAC loops (no dual MACs, assumption) × CoreMark ratio 1.39',
    [COREMARK_SOURCE],
  );
  const c3 = publishedPoint(data, 'esp32c3-reference-person-detect');
  const rv = calibrated(data, 'reference', 'pcl-scepu02', 'TFLM reference kernels calibrated on the PengChengLab RV32 board (MLPerf Tiny v0.5), 336 MHz');
  return {
    'cortex-m0plus': { core: 'cortex-m0plus', name: 'Arm Cortex-M0+', fpu: false, reference: armRef('cortex-m0plus'), cmsisNn: m0Cmsis },
    'cortex-m4f': { core: 'cortex-m4f', name: 'Arm Cortex-M4F', fpu: true, reference: m4Ref, cmsisNn: m4f },
    'cortex-m7': { core: 'cortex-m7', name: 'Arm Cortex-M7', fpu: true, reference: armRef('cortex-m7'), cmsisNn: m7 },
    'cortex-m33': { core: 'cortex-m33', name: 'Arm Cortex-M33', fpu: true, reference: armRef('cortex-m33'), cmsisNn: m33 },
    'cortex-m55': { core: 'cortex-m55', name: 'Arm Cortex-M55 (Helium)', fpu: true, reference: armRef('cortex-m55'), cmsisNn: m55 },
    'cortex-m85': { core: 'cortex-m85', name: 'Arm Cortex-M85 (Helium)', fpu: true, reference: armRef('cortex-m85'), cmsisNn: m85 },
    'xtensa-lx6': {
      core: 'xtensa-lx6',
      name: 'Cadence Xtensa LX6 (ESP32)',
      fpu: true,
      reference: fromPublished(
        data,
        'esp32-reference-person-detect',
        Math.log(1.5),
        "TFLM reference kernels on ESP32 (LX6): Espressif's person_detect time without ESP-NN, divided by the reference fit",
        SOURCES.esp,
      ),
      cmsisNn: null,
    },
    'xtensa-lx7': {
      core: 'xtensa-lx7',
      name: 'Cadence Xtensa LX7 (ESP32-S3)',
      fpu: true,
      reference: fromPublished(
        data,
        'esp32s3-reference-person-detect',
        Math.log(1.5),
        "TFLM reference kernels on ESP32-S3 (LX7): Espressif's person_detect time without ESP-NN, divided by the reference fit",
        SOURCES.esp,
      ),
      cmsisNn: null,
    },
    // The generic RV32IMC is the calibrated RISC-V board; an MCU-class part that runs from flash
    // through a cache (ESP32-C3) measured slower, so the band is widened to reach it.
    rv32imc: {
      core: 'rv32imc',
      name: 'generic RISC-V RV32IMC',
      fpu: false,
      reference: {
        ...rv,
        sigmaLog: combine(rv.sigmaLog, Math.abs(Math.log(c3.factor / rv.mac)) / 2),
        basis: 'extrapolated',
        derivation: `${rv.derivation}; band widened to include ESP32-C3 (${(c3.factor / rv.mac).toFixed(2)}× its cycles)`,
        sources: [...rv.sources, SOURCES.esp],
      },
      cmsisNn: null,
    },
  };
}

/** A board with its own published measurement replaces its core's profile for that library. */
export function boardOverride(data: CalibrationData, boardId: string, profile: CoreProfile): CoreProfile {
  if (boardId === 'esp32-c3') {
    return {
      ...profile,
      reference: fromPublished(
        data,
        'esp32c3-reference-person-detect',
        Math.log(1.5),
        "TFLM reference kernels on ESP32-C3: Espressif's person_detect time without ESP-NN, divided by the reference fit",
        SOURCES.esp,
      ),
    };
  }
  return profile;
}

/** Our core list from the board table's CoreKind; undefined for cores without a profile. */
export function estimateCoreFor(kind: CoreKind): EstimateCore | undefined {
  switch (kind) {
    case 'cortex-m4':
      return 'cortex-m4f';
    case 'rv32imac':
      return 'rv32imc';
    case 'cortex-m3':
      return undefined;
    default:
      return kind;
  }
}

export function libraryProfile(profile: CoreProfile, library: KernelLibraryId): LibraryProfile | null {
  return library === 'reference' ? profile.reference : profile.cmsisNn;
}

export const CALIBRATION_SOURCES = SOURCES;
