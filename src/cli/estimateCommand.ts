/**
 * `tinyml-lens estimate`: per-layer and total latency, energy per inference and, optionally, the
 * battery life of a duty-cycled device, for a model on a board or a core at a clock. Estimates,
 * never measurements: every number carries its band and the basis it was derived on. With
 * `--profile` a TFLM MicroProfiler log calibrates the board, and the table shows measured next
 * to estimated.
 */
import { readUserText } from '../io/userFile';
import { readModelFile } from '../jobs/load';
import { analyzeModel, type ModelAnalysis } from '../analysis/analyzeModel';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { ESTIMATE_CORES } from '../estimate/coreProfiles';
import { CALIBRATION } from '../estimate/defaultCalibration';
import { activePowerMw, estimateEnergy, type EnergyEstimate } from '../estimate/energy';
import { boardTarget, coreTarget, type EstimateTarget } from '../estimate/estimateTarget';
import { bandDigits, formatDays, formatDaysRange, formatMs, formatMsEstimate, formatPowerUw, formatSignificant, formatUj } from '../estimate/format';
import { estimateModel, type ModelEstimate } from '../estimate/latencyModel';
import { calibrateFromProfile, type ProfileCalibration } from '../estimate/profileCalibration';
import { matchProfile, parseProfilerLog } from '../estimate/profilerLog';
import { runScenario, SCENARIOS, type ScenarioResult } from '../estimate/scenarios';
import { errorCode, errorMessage } from '../errors';
import type { EstimateNotice } from '../findings/notice';
import { renderNotice } from '../findings/renderNotice';
import { findBoard } from '../targets/fit';
import { kernelsOption, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, type Io } from './command';

function positiveNumber(args: ParsedArgs, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number, got "${v}"`);
  return n;
}

function readModel(path: string): ModelAnalysis {
  const { graph, bytes } = cannotRead(path, () => readModelFile(path));
  return analyzeModel(graph, bytes.length, { path });
}

/** A file-system error (ENOENT…) as this command has always said it; a folder or an oversized file as userFile.ts says it. */
function cannotRead<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E')) throw new UsageError(`cannot read ${path}: ${code}`);
    throw e;
  }
}

function readText(path: string): string {
  return cannotRead(path, () => readUserText(path, 'text'));
}

function resolveTarget(args: ParsedArgs, kernels: KernelLibraryId): EstimateTarget {
  const id = args.options.get('target');
  const core = args.options.get('core');
  const mhz = positiveNumber(args, 'mhz');
  if (id !== undefined && core !== undefined) throw new UsageError('give either --target or --core, not both');
  if (id !== undefined) return boardTarget(CALIBRATION, id, kernels, mhz);
  if (core !== undefined) {
    if (mhz === undefined) throw new UsageError(`--core needs --mhz <clock>. Known cores: ${ESTIMATE_CORES.join(', ')}`);
    return coreTarget(CALIBRATION, core, mhz, kernels);
  }
  throw new UsageError('estimate needs --target <board id> or --core <core> --mhz <MHz>');
}

// ---------------------------------------------------------------------------------------------
// Output

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');

function renderText(
  analysis: ModelAnalysis,
  est: ModelEstimate,
  energy: EnergyEstimate | null,
  energyNote: EstimateNotice | null,
  profile: ProfileCalibration | null,
  scenario: ScenarioResult | null,
): string {
  const out: string[] = [];
  const t = est.target;
  out.push(`Estimate for ${analysis.model.path ?? 'model'} on ${t.name}, ${t.kernels} kernels`);
  out.push(`basis: ${t.basis} — ${t.derivation}`);
  out.push('');
  const measured = profile ? new Map(profile.rows.map((r) => [r.index, r])) : null;
  const head = `${'#'.padEnd(4)} ${'op'.padEnd(24)} ${'kind'.padEnd(16)} ${'kernels'.padEnd(10)} ${'cycles'.padStart(13)} ${'est. ms'.padStart(9)} ${'share'.padStart(6)}`;
  out.push(measured ? `${head} ${'measured'.padStart(9)} ${'meas/est'.padStart(8)}` : `${head}  kernel`);
  for (const l of est.layers) {
    const row = `${String(l.index).padEnd(4)} ${l.op.slice(0, 24).padEnd(24)} ${l.kind.padEnd(16)} ${l.library.padEnd(10)} ${n0(l.cycles).padStart(13)} ${formatSignificant(l.ms, bandDigits(l.bandMs)).padStart(9)} ${`${(l.share * 100).toFixed(1)}%`.padStart(6)}`;
    const m = measured?.get(l.index);
    const before = profile?.before.layers.find((b) => b.index === l.index && b.subgraph === l.subgraph);
    out.push(
      m && l.subgraph === 0
        ? `${row} ${m.measuredMs === null ? '—'.padStart(9) : m.measuredMs.toFixed(3).padStart(9)} ${m.measuredMs === null || !before ? ''.padStart(8) : `${(m.measuredMs / before.ms).toFixed(2)}×`.padStart(8)}`
        : `${row}  ${l.kernel}${l.subgraph > 0 ? `  (subgraph ${l.subgraph}, per call)` : ''}`,
    );
  }
  out.push('');
  if (est.total.wide) {
    // A band wider than ×2 has no meaningful middle: lead with the range and why it is wide.
    const why = est.total.widthReason ? renderNotice(est.total.widthReason) : `the calibration's error on ${t.core}`;
    out.push(
      `Latency  between ${formatMsEstimate(est.total.bandMs.low, est.total.bandMs)} and ${formatMsEstimate(est.total.bandMs.high, est.total.bandMs)} per inference — an estimate; expected range ×${(est.total.band.high / est.total.band.low).toFixed(1)} wide because: ${why}. Middle of the range ${formatMsEstimate(est.total.ms, est.total.bandMs)} (${n0(est.total.cycles)} cycles at ${t.clockMHz} MHz)`,
    );
  } else
    out.push(
      `Latency  ${formatMsEstimate(est.total.ms, est.total.bandMs)} per inference (${n0(est.total.cycles)} cycles at ${t.clockMHz} MHz) — an estimate; expected range ${formatMsEstimate(est.total.bandMs.low, est.total.bandMs)} – ${formatMsEstimate(est.total.bandMs.high, est.total.bandMs)}`,
    );
  if (energy)
    out.push(
      `Energy   ${formatUj(energy.uj)} per inference — an estimate; expected range ${formatUj(energy.bandUj.low)} – ${formatUj(energy.bandUj.high)} (${energy.note})`,
    );
  else if (energyNote) out.push(`Energy   not estimated: ${renderNotice(energyNote)}`);
  if (profile) {
    out.push('');
    out.push(
      `Profile: measured ${formatMs(profile.measuredMs)} over the matched layers; the calibrated estimate said ${formatMs(profile.estimatedMs)} (${(profile.measuredMs / profile.estimatedMs).toFixed(2)}×); refitted for this board: ${formatMs(profile.fittedMs)}.`,
    );
    out.push(
      `Board multipliers on the coefficients: ${Object.entries(profile.multipliers)
        .map(([g, v]) => `${g} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    out.push('The estimate above uses the board-fitted coefficients; they apply to other models on this board.');
  }
  if (scenario) {
    const r = scenario.result;
    out.push('');
    out.push(
      `Scenario: ${scenario.name} — average ${formatPowerUw(r.averageMicroWatts)}, ${formatSignificant(r.batteryMicroAmps, 3)} µA from the battery, battery life ${formatDays(r.batteryLifeDays)} (range ${formatDaysRange(scenario.lifeDaysBand.low, scenario.lifeDaysBand.high)} from the inference energy band alone)`,
    );
    for (const p of r.breakdown) out.push(`  ${p.name.padEnd(18)} ${formatPowerUw(p.microWatts).padStart(10)}  ${(p.share * 100).toFixed(1).padStart(5)}%`);
    out.push('  assumptions:');
    for (const a of scenario.assumptions) out.push(`  - ${a}`);
  }
  const warnings = [...est.warnings, ...(profile?.warnings ?? [])];
  if (warnings.length > 0) {
    out.push('');
    for (const w of warnings) out.push(`note: ${w}`);
  }
  return out.join('\n');
}

function jsonReport(
  analysis: ModelAnalysis,
  est: ModelEstimate,
  energy: EnergyEstimate | null,
  energyNote: EstimateNotice | null,
  profile: ProfileCalibration | null,
  scenario: ScenarioResult | null,
): unknown {
  return {
    kind: 'estimate',
    model: { path: analysis.model.path ?? null, kind: analysis.kind, macs: analysis.totals.macs },
    target: est.target,
    latencyMs: est.total.ms,
    latencyBandMs: est.total.bandMs,
    cycles: est.total.cycles,
    sigmaLog: est.total.sigmaLog,
    energyUj: energy ? energy.uj : null,
    energyBandUj: energy ? energy.bandUj : null,
    energy: energy
      ? {
          powerMw: energy.powerMw,
          volts: energy.volts,
          microAmpsPerMHz: energy.microAmpsPerMHz,
          powerSource: energy.powerSource,
          note: energy.note,
          noteCode: energy.noteCode,
        }
      : { note: energyNote && renderNotice(energyNote), noteCode: energyNote },
    layers: est.layers.map((l) => ({
      index: l.index,
      subgraph: l.subgraph,
      op: l.op,
      kind: l.kind,
      library: l.library,
      kernel: l.kernel,
      cycles: l.cycles,
      latencyMs: l.ms,
      share: l.share,
      latencyBandMs: l.bandMs,
    })),
    warnings: [...est.warnings, ...(profile?.warnings ?? [])],
    warningCodes: [...est.warningCodes, ...(profile?.warningCodes ?? [])],
    ...(profile
      ? {
          profile: {
            ticksPerMs: profile.ticksPerMs,
            tickSource: profile.tickSource,
            multipliers: profile.multipliers,
            measuredMs: profile.measuredMs,
            estimatedMs: profile.estimatedMs,
            fittedMs: profile.fittedMs,
            layers: profile.rows.map((r) => ({ index: r.index, op: r.op, measuredMs: r.measuredMs, estimatedMs: r.estimatedMs, fittedMs: r.fittedMs })),
          },
        }
      : {}),
    ...(scenario
      ? {
          scenario: {
            id: scenario.id,
            name: scenario.name,
            averageMicroWatts: scenario.result.averageMicroWatts,
            batteryMicroAmps: scenario.result.batteryMicroAmps,
            batteryLifeDays: scenario.result.batteryLifeDays,
            batteryLifeDaysBand: scenario.lifeDaysBand,
            breakdown: scenario.result.breakdown,
            assumptions: scenario.assumptions,
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------

function run(args: ParsedArgs, io: Io): number {
  const path = args.positionals[0];
  if (!path) throw new UsageError('estimate needs a model file');
  const kernels = kernelsOption(args, findBoard(args.options.get('target') ?? '')?.board?.core ?? args.options.get('core'));
  let target = resolveTarget(args, kernels);
  const model = readModel(path);

  let profile: ProfileCalibration | null = null;
  const profilePath = args.options.get('profile');
  if (profilePath !== undefined) {
    const parsed = parseProfilerLog(readText(profilePath));
    const profiled = args.options.has('profile-model') ? readModel(args.options.get('profile-model')!) : model;
    const tpm = positiveNumber(args, 'ticks-per-ms');
    const cal = calibrateFromProfile(profiled, target, parsed, matchProfile(profiled, parsed), tpm !== undefined ? { ticksPerMs: tpm } : {});
    profile = cal;
    target = cal.target;
  } else if (args.options.has('profile-model') || args.options.has('ticks-per-ms')) {
    throw new UsageError('--profile-model and --ticks-per-ms go with --profile');
  }

  const est = estimateModel(model, target);
  const volts = positiveNumber(args, 'volts');
  let energy: EnergyEstimate | null = null;
  let energyNote: EstimateNotice | null = null;
  if (!target.power) energyNote = { code: 'energy-bare-core', params: {} };
  else {
    energy = estimateEnergy({ ms: est.total.ms, band: est.total.band }, target.power, target.clockMHz, volts !== undefined ? { volts } : {});
    if (!energy) energyNote = { code: 'energy-placeholder', params: { board: target.name } };
  }

  let scenario: ScenarioResult | null = null;
  const scenarioId = args.options.get('scenario');
  if (scenarioId !== undefined) {
    const s = SCENARIOS.find((x) => x.id === scenarioId);
    if (!s) throw new UsageError(`unknown scenario "${scenarioId}". Known scenarios: ${SCENARIOS.map((x) => x.id).join(', ')}`);
    if (!energy || !target.power) throw new UsageError(`--scenario needs energy per inference: ${energyNote ? renderNotice(energyNote) : 'no power facts'}`);
    const perHour = positiveNumber(args, 'per-hour');
    const batteryMah = positiveNumber(args, 'battery-mah');
    const batteryVolts = positiveNumber(args, 'battery-v');
    scenario = runScenario(
      s,
      {
        inferenceUj: energy.uj,
        inferenceBandUj: energy.bandUj,
        inferenceMs: est.total.ms,
        mcuActiveMw: activePowerMw(target.power, target.clockMHz, volts),
        sleepMicroAmps: target.power.sleepMicroAmps,
        mcuVolts: volts ?? target.power.volts,
      },
      {
        ...(perHour !== undefined ? { perHour } : {}),
        ...(batteryMah !== undefined ? { batteryMah } : {}),
        ...(batteryVolts !== undefined ? { batteryVolts } : {}),
      },
    );
  }

  io.out(
    args.flags.has('json')
      ? JSON.stringify(jsonReport(model, est, energy, energyNote, profile, scenario), null, 2)
      : renderText(model, est, energy, energyNote, profile, scenario),
  );
  return EXIT_OK;
}

/** Exit 0 on success; bad input throws UsageError, which `main` turns into exit 2. */
export function estimateCommand(args: ParsedArgs, io: Io): number {
  try {
    return run(args, io);
  } catch (e) {
    const code = errorCode(e);
    // The estimator refuses what was typed (a core, a board, a clock, a duty cycle): usage errors here.
    if (code === 'bad-estimate' || code === 'bad-duty-cycle') throw new UsageError(errorMessage(e));
    throw e;
  }
}
