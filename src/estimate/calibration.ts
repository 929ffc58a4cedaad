/**
 * The calibration procedure behind `coefficients.json`, as a pure function of the MLPerf Tiny
 * CSV text and the analyses of the benchmark models (`npm run fit-estimator` does the file I/O).
 *
 * Rows used: TFLM or TFLM + CMSIS-NN on a plain CPU (no accelerator, no vendor library):
 * PengChengLab's RISC-V board (TFLM reference kernels, v0.5), ST's NUCLEO-L4R5ZI reference
 * submission (TFLM 2.3.1 + CMSIS-NN, Cortex-M4F, v0.5) and Renesas' EK-RA6M4 (TFLM + CMSIS-NN,
 * Cortex-M33, v0.7): 12 rows. Renesas' RX65N rows run a *modified* CMSIS-NN ported to the RXv2
 * ISA: not a core we estimate and not CMSIS-NN's Arm code paths, so they are kept out of the fit
 * and used only as a transfer check (one free scale).
 *
 * Structure (few free parameters): per library, cycles per unit of each term on the library's
 * anchor platform, shared by every platform of that library, times one scale per platform.
 * The reference library is fitted on the RISC-V rows alone (anchor, scale 1); CMSIS-NN on the
 * M33 (anchor) and M4F rows together, the M4F scale free. It is a MAP fit in log space: the
 * relative MAC costs (pointwise, depthwise, FC versus standard conv) and the per-byte, per-element
 * and per-operator costs have priors from the kernels' loop structure; the data move them where
 * they can. The four MLPerf models cannot separate everything: kws and vww have the same
 * conv/depthwise/pointwise mix and ad's weight bytes equal its MACs, so those ratios stay near
 * their priors. Leave-one-out: each row predicted by a fit without it (the whole chain refitted).
 */
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { ModelAnalysis } from '../analysis/analyzeModel';
import { BOARDS } from '../targets/boards';
import type {
  CalibrationData,
  CalibrationPlatform,
  CalibrationRow,
  EnergyCheck,
  ErrorSummary,
  LibraryCoefficients,
  LibraryPriors,
  PublishedPoint,
} from './calibrationData';
import { COREMARK_PER_MHZ, SOFT_FLOAT_FACTOR } from './coreProfiles';
import { addTerms, layerTerms, zeroTerms, type Term, type TermSums } from './features';
import { fitLibrary, predictCycles, summarizeLogErrors, type LibraryObservation } from './fit';

// ---------------------------------------------------------------------------------------------
// The CSV

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export type MlperfRow = Readonly<Record<string, string>>;

export function mlperfRows(csv: string): MlperfRow[] {
  const [header, ...body] = parseCsv(csv);
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

// ---------------------------------------------------------------------------------------------
// What is fitted on

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
  readonly core: string;
  readonly kernels: KernelLibraryId;
  readonly anchor: boolean;
  readonly matches: (r: MlperfRow) => boolean;
}

const PLATFORMS: readonly PlatformSpec[] = [
  {
    id: 'pcl-scepu02',
    name: 'PengChengLab PCL Scepu02 (RV32)',
    core: 'rv32imc',
    kernels: 'reference',
    anchor: true,
    matches: (r) => r.system_id === 'dividiti-closed-pcl-scepu02',
  },
  {
    id: 'nucleo-l4r5zi',
    name: 'ST NUCLEO-L4R5ZI (MLPerf reference)',
    board: 'nucleo-l4r5zi',
    core: 'cortex-m4f',
    kernels: 'cmsis-nn',
    anchor: false,
    matches: (r) => r.org === 'reference' && r.system_id === 'Nucleo-L4R5ZI',
  },
  {
    id: 'ek-ra6m4',
    name: 'Renesas EK-RA6M4',
    board: 'ek-ra6m4',
    core: 'cortex-m33',
    kernels: 'cmsis-nn',
    anchor: true,
    matches: (r) => r.org === 'renesas' && r.system_id === 'EK-RA6M4',
  },
];

const RX65N = (r: MlperfRow): boolean => r.org === 'renesas' && r.system_id === 'RX65N-Cloud-Kit';

/** TFLM-family stack on a plain CPU. */
function tflmOnCpu(r: MlperfRow): boolean {
  const s = r.software_stack ?? '';
  return (s === 'TFLM' || s.startsWith('TFLM')) && (r.accelerator ?? '') === '' && !(r.core ?? '').includes('accel');
}

// ---------------------------------------------------------------------------------------------
// Priors: relative costs from the kernels' loop structure

const LN15 = Math.log(1.5);
const LN2 = Math.log(2);

export const PRIORS: Readonly<Record<KernelLibraryId, LibraryPriors>> = {
  reference: {
    conv: { mean: 10, sigmaLog: Math.log(10), why: 'level set by the data (very weak prior)' },
    pointwise: { mean: 0.9, sigmaLog: LN15, why: 'same conv loop nest; the 1×1 filter skips most per-tap bounds checks' },
    depthwise: { mean: 1.5, sigmaLog: LN15, why: 'innermost loop is the filter tap itself: a bounds check and offset computation per MAC' },
    fullyConnected: { mean: 0.5, sigmaLog: LN15, why: 'one flat dot-product loop, no spatial indexing' },
    otherMac: { mean: 1, sigmaLog: LN2, why: 'transpose conv, batch matmul, SVDF, LSTM: no data, taken as conv-like' },
    activationByte: { mean: 15, sigmaLog: LN2, why: 'per output: 64-bit fixed-point requantisation in portable C (~30 cycles) over in+out bytes' },
    weightByte: { mean: 0.5, sigmaLog: Math.log(3), why: 'flash reads beyond those hidden in the MAC loop (wait states)' },
    elementOp: { mean: 30, sigmaLog: LN2, why: 'reference int8 ADD requantises each input and the output per element' },
    operator: { mean: 2000, sigmaLog: LN2, why: 'interpreter dispatch and per-invoke kernel setup' },
  },
  'cmsis-nn': {
    conv: { mean: 10, sigmaLog: Math.log(10), why: 'level set by the data (very weak prior)' },
    pointwise: { mean: 0.7, sigmaLog: LN15, why: '1×1 fast path: matrix multiply without im2col' },
    depthwise: { mean: 1.5, sigmaLog: LN15, why: 'depthwise kernels use the dual-MAC instructions less well' },
    fullyConnected: { mean: 0.8, sigmaLog: LN15, why: 'vector × matrix, weights streamed once' },
    otherMac: { mean: 1, sigmaLog: LN2, why: 'no data, taken as conv-like' },
    activationByte: { mean: 5, sigmaLog: LN2, why: 'per output requantisation with SMULL-based helpers, im2col copies' },
    weightByte: { mean: 0.5, sigmaLog: Math.log(3), why: 'flash reads beyond those hidden in the MAC loop (wait states)' },
    elementOp: { mean: 6, sigmaLog: LN2, why: 'SIMD element-wise add/mul and pooling' },
    operator: { mean: 2000, sigmaLog: LN2, why: 'interpreter dispatch and per-invoke kernel setup' },
  },
};

/** Expected model error of one measured total, natural log (chosen by leave-one-out: 0.2–0.3 was best). */
export const OBSERVATION_SIGMA = 0.25;

// ---------------------------------------------------------------------------------------------
// Published single measurements (sources in coreProfiles.ts)

interface Published {
  readonly id: string;
  readonly use: 'anchor' | 'check';
  readonly core: string;
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
    use: 'anchor',
    core: 'cortex-m4f',
    kernels: 'reference',
    model: 'person_detect',
    clockMHz: 100,
    measuredMs: 13005.446,
    source: 'Samsung/ONE issue #7598 (2021), NUCLEO-F413ZH',
    note: 'TFLM reference kernels, Mbed build',
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
    note: 'TFLM + CMSIS-NN, a newer stack than the MLPerf M4F rows',
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
    use: 'check',
    core: 'cortex-m55',
    kernels: 'cmsis-nn',
    board: 'stm32n6',
    model: 'person_detect',
    clockMHz: 600,
    measuredMs: 132413647 / 600000,
    source: 'embedded-agent-bridge docs, ML benchmark STM32N6 vs FRDM-MCXN947 (2026)',
    note: "TFLM + CMSIS-NN Helium path, GCC 12, code in SRAM; the authors blame GCC's Helium code generation",
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
// The fit chain

export interface CalibrationInputs {
  readonly csv: string;
  /** Analyses by model name: the four MLPerf models, person_detect, micro_speech_quantized. */
  readonly analyses: Readonly<Record<string, ModelAnalysis>>;
}

interface Observed {
  readonly platform: string;
  readonly benchmark: string;
  readonly model: string;
  readonly measuredMs: number;
  readonly clockMHz: number;
  readonly energyUj?: number;
  readonly volts?: number;
  readonly source: string;
}

/** Term sums of a model's subgraph 0 as built with `kernels`, split by the library that runs each layer. */
export function modelTerms(analysis: ModelAnalysis, kernels: KernelLibraryId, fpu: boolean): Readonly<Record<KernelLibraryId, TermSums>> {
  const out: Record<KernelLibraryId, Record<Term, number>> = { reference: zeroTerms(), 'cmsis-nn': zeroTerms() };
  for (const l of analysis.layers) {
    if (l.subgraph !== 0) continue;
    const t = layerTerms(l, kernels, fpu ? 1 : SOFT_FLOAT_FACTOR);
    addTerms(out[t.library], t.terms);
  }
  return out;
}

const FPU: Readonly<Record<string, boolean>> = { rv32imc: false, 'cortex-m4f': true, 'cortex-m33': true, 'xtensa-lx7': true, 'xtensa-lx6': true };

/** Reference kernels on an Arm core relative to the reference anchor: the F413 factor × CoreMark ratio. */
export function armReferenceFactor(core: string, f413Factor: number): number {
  const k = core as keyof typeof COREMARK_PER_MHZ;
  return COREMARK_PER_MHZ[k] ? f413Factor * (COREMARK_PER_MHZ['cortex-m4f'] / COREMARK_PER_MHZ[k]) : f413Factor;
}

interface ChainResult {
  readonly libraries: Record<KernelLibraryId, LibraryCoefficients>;
  readonly scales: Record<string, number>;
  readonly anchors: Record<string, number>;
  readonly predictMs: (o: { platform: string; model: string; clockMHz: number }) => number;
}

function chain(observed: readonly Observed[], analyses: Readonly<Record<string, ModelAnalysis>>): ChainResult {
  const spec = (id: string): PlatformSpec => PLATFORMS.find((p) => p.id === id)!;
  const analysis = (m: string): ModelAnalysis => analyses[m] ?? fail(`analysis of ${m} missing`);
  const cyclesOf = (o: { measuredMs: number; clockMHz: number }) => o.measuredMs * o.clockMHz * 1000;

  // 1. Reference kernels on the RISC-V rows.
  const refObs: LibraryObservation[] = observed
    .filter((o) => spec(o.platform).kernels === 'reference')
    .map((o) => ({
      platform: o.platform,
      sums: modelTerms(analysis(o.model), 'reference', FPU[spec(o.platform).core] ?? true).reference,
      fixedCycles: 0,
      measuredCycles: cyclesOf(o),
    }));
  const ref = fitLibrary(refObs, PRIORS.reference, 'pcl-scepu02', OBSERVATION_SIGMA);

  // 2. Published reference-kernel measurements place the other cores' reference kernels.
  const anchors: Record<string, number> = {};
  for (const p of PUBLISHED.filter((q) => q.kernels === 'reference')) {
    const sums = modelTerms(analysis(p.model), 'reference', FPU[p.core] ?? true).reference;
    anchors[p.id] = cyclesOf(p) / predictCycles(ref.coefficients, sums, 1);
  }
  const f413 = anchors['f413-reference-person-detect']!;

  // 3. CMSIS-NN on the M33 (anchor) and M4F rows; reference fallback layers at their fixed cost.
  const fallback = (model: string, core: string): number =>
    predictCycles(ref.coefficients, modelTerms(analysis(model), 'cmsis-nn', true).reference, armReferenceFactor(core, f413));
  const cmsisObs: LibraryObservation[] = observed
    .filter((o) => spec(o.platform).kernels === 'cmsis-nn')
    .map((o) => ({
      platform: o.platform,
      sums: modelTerms(analysis(o.model), 'cmsis-nn', true)['cmsis-nn'],
      fixedCycles: fallback(o.model, spec(o.platform).core),
      measuredCycles: cyclesOf(o),
    }));
  const cmsis = fitLibrary(cmsisObs, PRIORS['cmsis-nn'], 'ek-ra6m4', OBSERVATION_SIGMA);

  const libraries = { reference: ref.coefficients, 'cmsis-nn': cmsis.coefficients };
  const scales = { ...ref.scales, ...cmsis.scales };
  const predictMs = (o: { platform: string; model: string; clockMHz: number }): number => {
    const p = spec(o.platform);
    const scale = scales[o.platform] ?? 1;
    const terms = modelTerms(analysis(o.model), p.kernels, FPU[p.core] ?? true);
    const cycles =
      p.kernels === 'reference'
        ? predictCycles(ref.coefficients, terms.reference, scale)
        : predictCycles(cmsis.coefficients, terms['cmsis-nn'], scale) + fallback(o.model, p.core);
    return cycles / (o.clockMHz * 1000);
  };
  return { libraries, scales, anchors, predictMs };
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
    if (p && model && tflmOnCpu(r)) {
      const ms = num(r.latency_ms) ?? fail(`latency missing in ${r.system_id} ${r.benchmark}`);
      const e = num(r.energy_uJ);
      const v = volts(r.hw_notes);
      observed.push({
        platform: p.id,
        benchmark: r.benchmark!,
        model,
        measuredMs: ms,
        clockMHz: num(r.clock_MHz)!,
        ...(e !== undefined ? { energyUj: e } : {}),
        ...(v !== undefined ? { volts: v } : {}),
        source: r.source ?? '',
      });
    } else if ((r.software_stack ?? '').startsWith('TFLM')) {
      const why = RX65N(r)
        ? 'modified CMSIS-NN ported to the RXv2 ISA (transfer check only)'
        : !tflmOnCpu(r)
          ? 'accelerator'
          : 'vendor kernel library, not TFLM reference or CMSIS-NN';
      excluded.push(`${r.version} ${r.org} ${r.system_id} ${r.benchmark}: ${r.software_stack} — ${why}`);
    }
  }
  if (observed.length !== 12) fail(`expected 12 calibration rows, found ${observed.length}`);

  const full = chain(observed, inputs.analyses);
  const loo = observed.map((o, i) =>
    chain(
      observed.filter((_, j) => j !== i),
      inputs.analyses,
    ).predictMs(o),
  );

  const calRows: CalibrationRow[] = observed.map((o, i) => ({
    platform: o.platform,
    benchmark: o.benchmark,
    model: o.model,
    measuredMs: o.measuredMs,
    fittedMs: full.predictMs(o),
    looMs: loo[i]!,
    ...(o.energyUj !== undefined ? { measuredEnergyUj: o.energyUj } : {}),
    ...(o.volts !== undefined ? { supplyVolts: o.volts } : {}),
    source: o.source,
  }));
  const libOf = (r: CalibrationRow): KernelLibraryId => PLATFORMS.find((p) => p.id === r.platform)!.kernels;
  const summary = (pick: (r: CalibrationRow) => number, filter: (r: CalibrationRow) => boolean): ErrorSummary =>
    summarizeLogErrors(calRows.filter(filter).map((r) => Math.log(pick(r) / r.measuredMs)));
  const errors = (pick: (r: CalibrationRow) => number): Record<KernelLibraryId | 'all', ErrorSummary> => ({
    reference: summary(pick, (r) => libOf(r) === 'reference'),
    'cmsis-nn': summary(pick, (r) => libOf(r) === 'cmsis-nn'),
    all: summary(pick, () => true),
  });

  const platforms: CalibrationPlatform[] = PLATFORMS.map((p) => {
    const clock = observed.find((o) => o.platform === p.id)!.clockMHz;
    return {
      id: p.id,
      name: p.name,
      ...(p.board ? { board: p.board } : {}),
      core: p.core,
      kernels: p.kernels,
      clockMHz: clock,
      stack: rows.find((r) => p.matches(r))?.software_stack ?? '',
      scale: full.scales[p.id] ?? 1,
      anchor: p.anchor,
    };
  });

  // Published points: anchors place cores; checks only compare.
  const anchorMs = (model: string, kernels: KernelLibraryId, clockMHz: number): number => {
    const a = inputs.analyses[model] ?? fail(`analysis of ${model} missing`);
    const t = modelTerms(a, kernels, true);
    const cycles =
      kernels === 'reference'
        ? predictCycles(full.libraries.reference, t.reference, 1)
        : predictCycles(full.libraries['cmsis-nn'], t['cmsis-nn'], 1) +
          predictCycles(full.libraries.reference, t.reference, armReferenceFactor('cortex-m33', full.anchors['f413-reference-person-detect']!));
    return cycles / (clockMHz * 1000);
  };
  const published: PublishedPoint[] = PUBLISHED.map((p) => {
    const predicted = anchorMs(p.model, p.kernels, p.clockMHz);
    const factor = p.kernels === 'reference' && full.anchors[p.id] !== undefined ? full.anchors[p.id]! : p.measuredMs / predicted;
    return { ...p, anchorPredictedMs: predicted, factor };
  });

  // RX65N: the CMSIS-NN structure with one free scale (leave-one-out over its four rows).
  const rx = rows
    .filter(RX65N)
    .map((r) => ({ benchmark: r.benchmark!, model: BENCHMARK_MODELS[r.benchmark!]!, measuredMs: num(r.latency_ms)!, clockMHz: num(r.clock_MHz)! }));
  const rxBase = rx.map((r) => anchorMs(r.model, 'cmsis-nn', r.clockMHz));
  const rxScale = (skip: number) => geomean(rx.filter((_, i) => i !== skip).map((r, i) => r.measuredMs / rxBase.filter((_, j) => j !== skip)[i]!));
  const s = rxScale(-1);
  const rxRows = rx.map((r, i) => ({ benchmark: r.benchmark, measuredMs: r.measuredMs, predictedMs: rxBase[i]! * s, looMs: rxBase[i]! * rxScale(i) }));

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
    schema: 1,
    description: 'Latency-estimator coefficients fitted by `npm run fit-estimator` (src/estimate/calibration.ts) on MLPerf Tiny rows; do not edit by hand.',
    observationSigmaLog: OBSERVATION_SIGMA,
    priors: PRIORS,
    libraries: full.libraries,
    platforms,
    rows: calRows,
    loo: errors((r) => r.looMs),
    fit: errors((r) => r.fittedMs),
    published,
    m7OverM33: m7OverM33(rows),
    rx65n: { scale: s, rows: rxRows, loo: summarizeLogErrors(rxRows.map((r) => Math.log(r.looMs / r.measuredMs))) },
    energy,
    excludedRows: excluded,
  };
}
