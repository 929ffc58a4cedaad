/**
 * Cycles per instruction class on each core we estimate, from the processors' published
 * instruction timings. These are the costs of an instruction in a tight loop with its operands
 * in zero-wait-state SRAM; flash wait states are added separately (memory.ts), and the
 * compiler's scheduling is one calibrated factor per kernel library (calibration.ts).
 *
 * Sources, per core:
 * - Cortex-M0+: Cortex-M0+ Devices Generic User Guide, "Cortex-M0+ instructions" table: LDR/STR
 *   2 cycles, data processing 1, MULS 1 (the single-cycle multiplier option, which RP2040 and
 *   most parts implement), taken branch 2. No MLA, no 64-bit multiply (done in software), no DSP.
 * - Cortex-M3: Cortex-M3 TRM, "Processor instructions" timing table: LDR 2 (back-to-back loads
 *   pipeline to 1 each), MUL 1, MLA 2, SMULL 3–5, taken branch 1 + pipeline refill (1–3). No DSP.
 * - Cortex-M4: Cortex-M4 TRM, "Instruction set summary" cycle table: LDR 2 (pipelined N+1), MUL,
 *   MLA, SMULL 1, SMLAD/SMLABB and the SIMD extends (SXTB16, SXTAB16, PKHBT) 1, taken branch 1 + P.
 * - Cortex-M33: the same DSP extension and single-issue 3-stage pipeline (Cortex-M33 TRM,
 *   "DSP extension"): taken as the M4 table with a one-cycle shorter branch refill (assumption:
 *   the TRM gives no per-instruction table).
 * - Cortex-M7: dual-issue 6-stage pipeline (Cortex-M7 TRM, "Processor features"): scalar mixes
 *   issue in about `issue` of the single-issue cycles; the factor is the M7/M33 cycle ratio of
 *   the same inference engine on both cores in MLPerf Tiny (X-CUBE-AI, Plumerai), computed by
 *   the fit script, rounded here.
 * - Cortex-M55: Helium (MVE) with a dual-beat datapath: a 128-bit vector instruction takes two
 *   cycles, and consecutive instructions of different kinds (load, multiply-accumulate) overlap
 *   beat by beat (Cortex-M55 TRM, "Beat-wise execution"), so an interleaved load/MAC loop costs
 *   about one cycle per vector instruction. Scalar side as the M33.
 * - Cortex-M85: Helium, also dual-beat (assumption: taken equal to the M55 per vector
 *   instruction) with the M7's dual-issue scalar pipeline.
 * - RV32IMC, Xtensa LX6/LX7: no public per-instruction tables for the parts we model; a generic
 *   in-order scalar core (load 2, multiply 1, no multiply-accumulate, taken branch 2). Only TFLM's
 *   reference kernels run there, and their scale is calibrated on a RISC-V MLPerf board.
 */
import type { CmsisArch } from '../../analysis/cmsisNnKernels';

export interface CoreTiming {
  readonly name: string;
  /** The CMSIS-NN code path this core compiles to. */
  readonly arch: CmsisArch;
  /** Cycles of one load or store that hits zero-wait SRAM. */
  readonly load: number;
  readonly store: number;
  readonly alu: number;
  readonly mul: number;
  /** Multiply-accumulate; MUL + ADD where the ISA has none. */
  readonly mla: number;
  /** 32×32→64 multiply (SMULL); a software routine on Armv6-M. */
  readonly longMul: number;
  /** Dual 16-bit multiply-accumulate (SMLAD); null without the DSP extension. */
  readonly smlad: number | null;
  /** A taken loop branch, refill included. */
  readonly branch: number;
  /** Cycles of a scalar mix relative to single issue (dual-issue cores < 1). */
  readonly issue: number;
  /** Cycles per 128-bit vector instruction in an interleaved loop; null without Helium. */
  readonly vector: number | null;
  readonly source: string;
}

const M4: Omit<CoreTiming, 'name' | 'source'> = {
  arch: 'dsp',
  load: 2,
  store: 1,
  alu: 1,
  mul: 1,
  mla: 1,
  longMul: 1,
  smlad: 1,
  branch: 3,
  issue: 1,
  vector: null,
};

/** Dual issue on the M7 and M85: the MLPerf Tiny M7/M33 cycle ratio of the same engine (0.707 in the calibration report). */
export const DUAL_ISSUE = 0.7;

const GENERIC_SCALAR: Omit<CoreTiming, 'name' | 'source'> = {
  arch: 'none',
  load: 2,
  store: 1,
  alu: 1,
  mul: 1,
  mla: 2,
  longMul: 4,
  smlad: null,
  branch: 2,
  issue: 1,
  vector: null,
};

export const CORE_TIMINGS = {
  'cortex-m0plus': {
    name: 'Arm Cortex-M0+',
    arch: 'none',
    load: 2,
    store: 2,
    alu: 1,
    mul: 1,
    mla: 2,
    longMul: 20,
    smlad: null,
    branch: 2,
    issue: 1,
    vector: null,
    source: 'Cortex-M0+ Devices Generic User Guide, instruction cycle table',
  },
  'cortex-m3': {
    name: 'Arm Cortex-M3',
    arch: 'none',
    load: 2,
    store: 1,
    alu: 1,
    mul: 1,
    mla: 2,
    longMul: 4,
    smlad: null,
    branch: 3,
    issue: 1,
    vector: null,
    source: 'Cortex-M3 Technical Reference Manual, instruction timing table',
  },
  'cortex-m4f': { name: 'Arm Cortex-M4F', ...M4, source: 'Cortex-M4 Technical Reference Manual, instruction cycle table' },
  'cortex-m33': { name: 'Arm Cortex-M33', ...M4, branch: 2, source: 'Cortex-M33 TRM (DSP extension); timings as the Cortex-M4 table (assumption)' },
  'cortex-m7': {
    name: 'Arm Cortex-M7',
    ...M4,
    issue: DUAL_ISSUE,
    source: 'Cortex-M7 TRM (dual issue); issue factor from MLPerf Tiny M7/M33 rows of the same engine',
  },
  'cortex-m55': {
    name: 'Arm Cortex-M55 (Helium)',
    ...M4,
    arch: 'mve',
    branch: 2,
    vector: 1,
    source: 'Cortex-M55 TRM, dual-beat MVE with beat-wise overlap; scalar as Cortex-M33',
  },
  'cortex-m85': {
    name: 'Arm Cortex-M85 (Helium)',
    ...M4,
    arch: 'mve',
    issue: DUAL_ISSUE,
    vector: 1,
    source: 'Cortex-M85: Helium taken as dual-beat like the M55 (assumption); scalar dual issue as the M7',
  },
  'xtensa-lx6': { name: 'Cadence Xtensa LX6 (ESP32)', ...GENERIC_SCALAR, source: 'generic in-order scalar core (no public table used)' },
  'xtensa-lx7': { name: 'Cadence Xtensa LX7 (ESP32-S3)', ...GENERIC_SCALAR, source: 'generic in-order scalar core (no public table used)' },
  rv32imc: { name: 'generic RISC-V RV32IMC', ...GENERIC_SCALAR, source: 'generic in-order scalar core (no public table used)' },
} as const satisfies Record<string, CoreTiming>;

export type TimedCore = keyof typeof CORE_TIMINGS;
