/**
 * The calibration behind `coefficients.json`, as a pure function of the MLPerf Tiny CSV text and
 * the analyses of the benchmark models (`npm run fit-estimator` does the file I/O).
 *
 * What is fitted: four constants (kernels/ gives everything else from loop structure and
 * instruction timings): the CMSIS-NN and reference efficiencies (cycles spent per counted
 * instruction cycle), the exposed share of flash wait states, and the per-operator overhead.
 * It is a MAP fit in log space with weak priors, on rows of the EARLIER rounds only:
 * - v0.5 PengChengLab RV32 board, TFLM reference kernels (4 rows): the reference efficiency;
 * - v0.5 MLPerf reference submission, NUCLEO-L4R5ZI (Cortex-M4F), TFLM 2.3.1 + CMSIS-NN (4 rows);
 * - v0.7 Renesas EK-RA6M4 (Cortex-M33), TFLM + CMSIS-NN (4 rows).
 * The v0.5 L4R5 stack is CMSIS-NN as of mid-2020, older than the kernels modelled here; it was
 * declared older before any error was looked at, so it gets its own platform scale (never applied
 * to a new target) and informs only the relative costs of the four models.
 *
 * Held out, never fitted on: the later round's CMSIS-NN rows on Cortex-M (v1.0 OctoML microTVM +
 * CMSIS-NN on NUCLEO-L4R5ZI and nRF5340-DK, 8 rows). Their error, per core, is the number to
 * quote. Leave-one-out on the fit rows refits the whole chain without each row.
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { BOARDS } from '../targets/boards';
import type {
  CalibrationData,
  CalibrationPlatform,
  CalibrationRow,
  ConstantName,
  EnergyCheck,
  ErrorSummary,
  ErrorTable,
  KernelConstants,
  PriorSpec,
  PublishedPoint,
} from './calibrationData';
import { modelCycles } from './cycleModel';
import { levenbergMarquardt } from './fit';
import { parseCsv } from '../util/csv';
import { flashWaitStates } from './kernels/memory';
import { CORE_TIMINGS, type TimedCore } from './kernels/timing';

// ---------------------------------------------------------------------------------------------
// The CSV

export type MlperfRow = Readonly<Record<string, string>>;

export function mlperfRows(csv: string): MlperfRow[] {
  const [header, ...body] = parseCsv(csv);
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

// ---------------------------------------------------------------------------------------------
// What is fitted on, what is held out

export const BENCHMARK_MODELS: Readonly<Record<string, string>> = {
  kws: 'kws_ref_model',
  vww: 'vww_96_int8',
  ic: 'pretrainedResnet_quant',
  ad: 'ad01_int8',
};

interface PlatformSpec {
  readonly id: string;
  readonly name: string;
  readonly board?: string;
  readonly core: TimedCore;
  readonly kernels: KernelLibraryId;
  readonly role: 'fit' | 'held-out';
  /** Has its own fitted scale (declared an older stack, a priori). */
  readonly ownScale?: string;
  /** Flash wait states where the board table does not apply. */
  readonly waitStates?: number;
  readonly matches: (r: MlperfRow) => boolean;
}

export const PLATFORMS: readonly PlatformSpec[] = [
  {
    id: 'pcl-scepu02',
    name: 'PengChengLab PCL Scepu02 (RV32)',
    core: 'rv32imc',
    kernels: 'reference',
    role: 'fit',
    // 2 MB of SRAM and no flash listed: code and weights taken as running from zero-wait memory.
    waitStates: 0,
    matches: (r) => r.system_id === 'dividiti-closed-pcl-scepu02',
  },
  {
    id: 'nucleo-l4r5zi',
    name: 'ST NUCLEO-L4R5ZI (MLPerf v0.5 reference)',
    board: 'nucleo-l4r5zi',
    core: 'cortex-m4f',
    kernels: 'cmsis-nn',
    role: 'fit',
    ownScale: 'TFLM v2.3.1 with the CMSIS-NN of mid-2020: older kernels than those modelled',
    matches: (r) => r.org === 'reference' && r.system_id === 'Nucleo-L4R5ZI',
  },
  {
    id: 'ek-ra6m4',
    name: 'Renesas EK-RA6M4',
    board: 'ek-ra6m4',
    core: 'cortex-m33',
    kernels: 'cmsis-nn',
    role: 'fit',
    matches: (r) => r.org === 'renesas' && r.system_id === 'EK-RA6M4',
  },
  {
    id: 'microtvm-l4r5zi',
    name: 'ST NUCLEO-L4R5ZI (OctoML microTVM + CMSIS-NN, v1.0)',
    board: 'nucleo-l4r5zi',
    core: 'cortex-m4f',
    kernels: 'cmsis-nn',
    role: 'held-out',
    matches: (r) => r.system_id === 'microtvm_cmsis_nn/NUCLEO_L4R5ZI',
  },
  {
    id: 'microtvm-nrf5340',
    name: 'Nordic nRF5340-DK (OctoML microTVM + CMSIS-NN, v1.0)',
    board: 'nrf5340-dk',
    core: 'cortex-m33',
    kernels: 'cmsis-nn',
    role: 'held-out',
    matches: (r) => r.system_id === 'microtvm_cmsis_nn/NRF5340-DK',
  },
];

/** TFLM-family or microTVM+CMSIS-NN stack on a plain CPU. */
function cpuStack(r: MlperfRow): boolean {
  const s = r.software_stack ?? '';
  return (s.startsWith('TFLM') || s.startsWith('microTVM')) && (r.accelerator ?? '') === '' && !(r.core ?? '').includes('accel');
}

// ---------------------------------------------------------------------------------------------
// Priors

const LN2 = Math.log(2);
const LN3 = Math.log(3);

export const PRIORS: Readonly<Record<ConstantName, PriorSpec>> = {
  'efficiency.cmsis-nn': {
    mean: 1.3,
    sigmaLog: LN2,
    why: 'hand-scheduled intrinsics: a modest overhead over the counted instructions (load-use stalls, loop set-up)',
  },
  'efficiency.reference': {
    mean: 2,
    sigmaLog: LN3,
    why: 'portable C with Offset() index arithmetic the compiler only partly hoists',
  },
  flashExposed: { mean: 0.3, sigmaLog: LN3, why: 'flash caches and prefetch buffers hide most wait states of sequential weight reads' },
  operatorCycles: { mean: 3000, sigmaLog: LN3, why: "TFLM's interpreter dispatch and a kernel's per-Eval set-up (tensor lookups, parameter structs)" },
};

/** Expected model error of one measured total, natural log. */
export const OBSERVATION_SIGMA = 0.2;

const CONSTANT_ORDER: readonly ConstantName[] = ['efficiency.cmsis-nn', 'efficiency.reference', 'flashExposed', 'operatorCycles'];

function constantsFrom(theta: readonly number[]): KernelConstants {
  const v = (i: number) => Math.exp(theta[i]!);
  return { efficiency: { 'cmsis-nn': v(0), reference: v(1) }, flashExposed: v(2), operatorCycles: v(3) };
}

// ---------------------------------------------------------------------------------------------
// Published single measurements

interface Published {
  readonly id: string;
  readonly use: 'anchor' | 'check' | 'outlier';
  readonly core: TimedCore;
  readonly kernels: KernelLibraryId;
  readonly board?: string;
  readonly model: string;
  readonly clockMHz: number;
  readonly measuredMs: number;
  readonly source: string;
  readonly note: string;
}

export const PUBLISHED: readonly Published[] = [
  {
    id: 'esp32s3-reference-person-detect',
    use: 'anchor',
    core: 'xtensa-lx7',
    kernels: 'reference',
    board: 'esp32-s3',
    model: 'person_detect',
    clockMHz: 240,
    measuredMs: 2300,
    source: 'espressif/esp-tflite-micro README, Performance Comparison',
    note: 'without ESP-NN, invoke() only, internal memory',
  },
  {
    id: 'esp32-reference-person-detect',
    use: 'anchor',
    core: 'xtensa-lx6',
    kernels: 'reference',
    board: 'esp32',
    model: 'person_detect',
    clockMHz: 240,
    measuredMs: 4084,
    source: 'espressif/esp-tflite-micro README, Performance Comparison',
    note: 'without ESP-NN',
  },
  {
    id: 'esp32c3-reference-person-detect',
    use: 'anchor',
    core: 'rv32imc',
    kernels: 'reference',
    board: 'esp32-c3',
    model: 'person_detect',
    clockMHz: 160,
    measuredMs: 3355,
    source: 'espressif/esp-tflite-micro README, Performance Comparison',
    note: 'without ESP-NN',
  },
  {
    id: 'f413-reference-person-detect',
    use: 'outlier',
    core: 'cortex-m4f',
    kernels: 'reference',
    model: 'person_detect',
    clockMHz: 100,
    measuredMs: 13005.446,
    source: 'Samsung/ONE issue #7598 (2021), NUCLEO-F413ZH',
    note: 'about 180 cycles per MAC, 5–10× every other reference-kernel measurement (a debug or unoptimised Mbed build is likely); not used',
  },
  {
    id: 'f413-cmsis-person-detect',
    use: 'check',
    core: 'cortex-m4f',
    kernels: 'cmsis-nn',
    model: 'person_detect',
    clockMHz: 100,
    measuredMs: 386.595,
    source: 'Samsung/ONE issue #7598 (2021), NUCLEO-F413ZH',
    note: 'TFLM + CMSIS-NN, 2021',
  },
  {
    id: 'mcxn947-cmsis-person-detect',
    use: 'check',
    core: 'cortex-m33',
    kernels: 'cmsis-nn',
    model: 'person_detect',
    clockMHz: 150,
    measuredMs: 11526407 / 150000,
    source: 'embedded-agent-bridge docs, ML benchmark STM32N6 vs FRDM-MCXN947 (2026)',
    note: 'current TFLM + CMSIS-NN under Zephyr, DWT cycle count',
  },
  {
    id: 'stm32n6-cmsis-person-detect',
    use: 'outlier',
    core: 'cortex-m55',
    kernels: 'cmsis-nn',
    board: 'stm32n6',
    model: 'person_detect',
    clockMHz: 600,
    measuredMs: 132413647 / 600000,
    source: 'embedded-agent-bridge docs, ML benchmark STM32N6 vs FRDM-MCXN947 (2026)',
    note: "TFLM + CMSIS-NN Helium path built with GCC 12: 11× the cycles of an M33, which the authors blame on GCC's Helium code generation; not used",
  },
  {
    id: 'mcxn947-cmsis-micro-speech',
    use: 'check',
    core: 'cortex-m33',
    kernels: 'cmsis-nn',
    model: 'micro_speech_quantized',
    clockMHz: 150,
    measuredMs: 1705940 / 150000,
    source: 'embedded-agent-bridge docs, ML benchmark STM32N6 vs FRDM-MCXN947 (2026)',
    note: 'current TFLM + CMSIS-NN under Zephyr, DWT cycle count',
  },
];

// ---------------------------------------------------------------------------------------------
// The fit

export interface CalibrationInputs {
  readonly csv: string;
  /** Analyses by model name: the four MLPerf models, person_detect, micro_speech_quantized. */
  readonly analyses: Readonly<Record<string, ModelAnalysis>>;
}

interface Observed {
  readonly platform: PlatformSpec;
  readonly version: string;
  readonly benchmark: string;
  readonly model: string;
  readonly measuredMs: number;
  readonly clockMHz: number;
  readonly energyUj?: number;
  readonly volts?: number;
  readonly source: string;
}

const FPU: Readonly<Record<TimedCore, boolean>> = {
  'cortex-m0plus': false,
  'cortex-m3': false,
  'cortex-m4f': true,
  'cortex-m7': true,
  'cortex-m33': true,
  'cortex-m55': true,
  'cortex-m85': true,
  'xtensa-lx6': true,
  'xtensa-lx7': true,
  rv32imc: false,
};

/** Milliseconds the kernel model predicts for a model on a core (no platform scale). */
export function predictMs(
  analysis: ModelAnalysis,
  core: TimedCore,
  kernels: KernelLibraryId,
  clockMHz: number,
  constants: KernelConstants,
  waitStates: number,
): number {
  const cycles = modelCycles(analysis.layers, { kernels, timing: CORE_TIMINGS[core], fpu: FPU[core], constants, waitStates });
  return cycles / (clockMHz * 1000);
}

function waitStatesOf(p: PlatformSpec, clockMHz: number): number {
  return p.waitStates ?? flashWaitStates(clockMHz, p.board);
}

interface FitResult {
  readonly constants: KernelConstants;
  readonly scales: Readonly<Record<string, number>>;
  readonly predict: (o: Observed, withScale: boolean) => number;
}

function fitConstants(observed: readonly Observed[], analyses: Readonly<Record<string, ModelAnalysis>>): FitResult {
  const scaled = [...new Set(observed.filter((o) => o.platform.ownScale).map((o) => o.platform.id))].sort();
  const analysis = (m: string): ModelAnalysis => analyses[m] ?? fail(`analysis of ${m} missing`);
  const predictWith = (o: Observed, c: KernelConstants, scale: number) =>
    scale * predictMs(analysis(o.model), o.platform.core, o.platform.kernels, o.clockMHz, c, waitStatesOf(o.platform, o.clockMHz));
  const start = [...CONSTANT_ORDER.map((k) => Math.log(PRIORS[k].mean)), ...scaled.map(() => 0)];
  const residuals = (theta: readonly number[]): number[] => {
    const c = constantsFrom(theta);
    const out = observed.map((o) => {
      const k = scaled.indexOf(o.platform.id);
      const s = k < 0 ? 1 : Math.exp(theta[CONSTANT_ORDER.length + k]!);
      return Math.log(predictWith(o, c, s) / o.measuredMs) / OBSERVATION_SIGMA;
    });
    CONSTANT_ORDER.forEach((k, i) => out.push((theta[i]! - Math.log(PRIORS[k].mean)) / PRIORS[k].sigmaLog));
    // A platform scale is free but bounded (×/÷10 at one sigma) so the solver stays finite.
    scaled.forEach((_, i) => out.push(theta[CONSTANT_ORDER.length + i]! / Math.log(10)));
    return out;
  };
  const theta = levenbergMarquardt(residuals, start);
  const constants = constantsFrom(theta);
  const scales: Record<string, number> = {};
  scaled.forEach((id, i) => (scales[id] = Math.exp(theta[CONSTANT_ORDER.length + i]!)));
  return { constants, scales, predict: (o, withScale) => predictWith(o, constants, withScale ? (scales[o.platform.id] ?? 1) : 1) };
}

function fail(what: string): never {
  throw new Error(`calibration: ${what}`);
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function volts(notes: string | undefined): number | undefined {
  const m = /Operating at\s+(\d+(?:\.\d+)?)\s*V/i.exec(notes ?? '');
  return m ? Number(m[1]) : undefined;
}

function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Percentage and log errors of predictions against measurements. */
export function errorSummary(pairs: readonly { readonly predictedMs: number; readonly measuredMs: number }[]): ErrorSummary {
  const n = pairs.length;
  if (n === 0) return { n: 0, mape: 0, maxAbsPct: 0, rmsLog: 0, meanLog: 0 };
  const pct = pairs.map((p) => (100 * Math.abs(p.predictedMs - p.measuredMs)) / p.measuredMs);
  const logs = pairs.map((p) => Math.log(p.predictedMs / p.measuredMs));
  return {
    n,
    mape: pct.reduce((s, v) => s + v, 0) / n,
    maxAbsPct: Math.max(...pct),
    rmsLog: Math.sqrt(logs.reduce((s, v) => s + v * v, 0) / n),
    meanLog: logs.reduce((s, v) => s + v, 0) / n,
  };
}

function errorTable(rows: readonly CalibrationRow[], pick: (r: CalibrationRow) => number): ErrorTable {
  const pairs = (rs: readonly CalibrationRow[]) => rs.map((r) => ({ predictedMs: pick(r), measuredMs: r.measuredMs }));
  const cores = [...new Set(rows.map((r) => r.core))].sort();
  return { all: errorSummary(pairs(rows)), byCore: Object.fromEntries(cores.map((c) => [c, errorSummary(pairs(rows.filter((r) => r.core === c)))])) };
}

/** M7 ÷ M33 cycles for the same engine, version and benchmark (no accelerators). */
function m7OverM33(rows: readonly MlperfRow[]): CalibrationData['m7OverM33'] {
  const ratios: number[] = [];
  const groups = new Map<string, MlperfRow[]>();
  for (const r of rows) {
    if ((r.accelerator ?? '') !== '') continue;
    const key = `${r.version}|${r.org}|${r.software_stack}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const g of groups.values()) {
    for (const b of ['kws', 'vww', 'ic', 'ad']) {
      const m7 = g.find((r) => r.core === 'Cortex-M7' && r.benchmark === b);
      const m33 = g.find((r) => r.core === 'Cortex-M33' && r.benchmark === b);
      if (!m7 || !m33) continue;
      const c7 = num(m7.latency_ms)! * num(m7.clock_MHz)!;
      const c33 = num(m33.latency_ms)! * num(m33.clock_MHz)!;
      ratios.push(c7 / c33);
    }
  }
  if (ratios.length === 0) fail('no M7/M33 pairs in the CSV');
  const g = geomean(ratios);
  const logs = ratios.map((r) => Math.log(r / g));
  return {
    ratios,
    geomean: g,
    sigmaLog: Math.sqrt(logs.reduce((s, v) => s + v * v, 0) / logs.length),
    source:
      'MLPerf Tiny rows with the same engine on a Cortex-M7 and a Cortex-M33 board (X-CUBE-AI v0.7/v1.0 NUCLEO-H7A3ZI-Q vs NUCLEO-U575ZI-Q, Plumerai v1.0 DISCO_F746NG vs B_U585I_IOT02A)',
  };
}

export function runCalibration(inputs: CalibrationInputs): CalibrationData {
  const rows = mlperfRows(inputs.csv);
  const observed: Observed[] = [];
  const excluded: string[] = [];
  for (const r of rows) {
    const p = PLATFORMS.find((q) => q.matches(r));
    const model = BENCHMARK_MODELS[r.benchmark ?? ''];
    if (p && model && cpuStack(r)) {
      const ms = num(r.latency_ms) ?? fail(`latency missing in ${r.system_id} ${r.benchmark}`);
      const e = num(r.energy_uJ);
      const v = volts(r.hw_notes);
      observed.push({
        platform: p,
        version: r.version ?? '',
        benchmark: r.benchmark!,
        model,
        measuredMs: ms,
        clockMHz: num(r.clock_MHz)!,
        ...(e !== undefined ? { energyUj: e } : {}),
        ...(v !== undefined ? { volts: v } : {}),
        source: r.source ?? '',
      });
    } else if ((r.software_stack ?? '').startsWith('TFLM') || (r.software_stack ?? '').startsWith('microTVM')) {
      const s = r.software_stack ?? '';
      const why = s.includes('ported to RX')
        ? 'modified CMSIS-NN ported to the RXv2 ISA: not a core we model'
        : !cpuStack(r)
          ? 'accelerator'
          : s.includes('CMSIS') || s.startsWith('TFLM')
            ? 'vendor kernel library, not TFLM reference or CMSIS-NN'
            : 'no CMSIS-NN (microTVM native schedules)';
      excluded.push(`${r.version} ${r.org} ${r.system_id} ${r.benchmark}: ${s} — ${why}`);
    }
  }
  const fitObs = observed.filter((o) => o.platform.role === 'fit');
  const heldObs = observed.filter((o) => o.platform.role === 'held-out');
  if (fitObs.length !== 12 || heldObs.length !== 8) fail(`expected 12 fit and 8 held-out rows, found ${fitObs.length} and ${heldObs.length}`);

  const full = fitConstants(fitObs, inputs.analyses);
  const loo = fitObs.map((o, i) =>
    fitConstants(
      fitObs.filter((_, j) => j !== i),
      inputs.analyses,
    ).predict(o, true),
  );
  const row = (o: Observed, predicted: number, looMs?: number): CalibrationRow => ({
    platform: o.platform.id,
    version: o.version,
    core: o.platform.core,
    benchmark: o.benchmark,
    model: o.model,
    clockMHz: o.clockMHz,
    measuredMs: o.measuredMs,
    predictedMs: predicted,
    ...(looMs !== undefined ? { looMs } : {}),
    ...(o.energyUj !== undefined ? { measuredEnergyUj: o.energyUj } : {}),
    ...(o.volts !== undefined ? { supplyVolts: o.volts } : {}),
    source: o.source,
  });
  const calRows = fitObs.map((o, i) => row(o, full.predict(o, true), loo[i]!));
  const heldRows = heldObs.map((o) => row(o, full.predict(o, false)));

  const platforms: CalibrationPlatform[] = PLATFORMS.map((p) => {
    const o = observed.find((q) => q.platform.id === p.id) ?? fail(`no rows for ${p.id}`);
    return {
      id: p.id,
      name: p.name,
      ...(p.board ? { board: p.board } : {}),
      core: p.core,
      kernels: p.kernels,
      clockMHz: o.clockMHz,
      stack: rows.find((r) => p.matches(r))?.software_stack ?? '',
      version: o.version,
      role: p.role,
      scale: full.scales[p.id] ?? 1,
      ...(p.ownScale ? { why: p.ownScale } : {}),
    };
  });

  const published: PublishedPoint[] = PUBLISHED.map((p) => {
    const a = inputs.analyses[p.model] ?? fail(`analysis of ${p.model} missing`);
    const predicted = predictMs(a, p.core, p.kernels, p.clockMHz, full.constants, flashWaitStates(p.clockMHz, p.board));
    return { ...p, predictedMs: predicted, factor: p.measuredMs / predicted };
  });

  const energy: EnergyCheck[] = calRows
    .filter((r) => r.measuredEnergyUj !== undefined && r.supplyVolts !== undefined)
    .map((r) => {
      const p = platforms.find((q) => q.id === r.platform)!;
      const board = BOARDS.find((b) => b.id === p.board) ?? fail(`board ${p.board} missing`);
      const measuredMw = r.measuredEnergyUj! / r.measuredMs;
      const datasheetMw = (r.supplyVolts! * board.power.activeMicroAmpsPerMHz * p.clockMHz) / 1000;
      return {
        platform: r.platform,
        benchmark: r.benchmark,
        supplyVolts: r.supplyVolts!,
        measuredUj: r.measuredEnergyUj!,
        measuredMs: r.measuredMs,
        measuredMw,
        datasheetMw,
        ratio: measuredMw / datasheetMw,
      };
    });

  return {
    schema: 2,
    description:
      'Latency-estimator constants fitted by `npm run fit-estimator` (src/estimate/calibration.ts) on MLPerf Tiny rows of rounds v0.5/v0.7, tested on v1.0; do not edit by hand.',
    observationSigmaLog: OBSERVATION_SIGMA,
    priors: PRIORS,
    constants: full.constants,
    platforms,
    rows: calRows,
    heldOut: heldRows,
    loo: errorTable(calRows, (r) => r.looMs!),
    fit: errorTable(calRows, (r) => r.predictedMs),
    heldOutError: errorTable(heldRows, (r) => r.predictedMs),
    published,
    m7OverM33: m7OverM33(rows),
    energy,
    excludedRows: excluded,
  };
}
