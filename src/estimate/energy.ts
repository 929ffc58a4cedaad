/**
 * Energy per inference: the target's active power at its clock and supply voltage (the board's
 * datasheet run current per MHz, boards.ts) times the estimated latency, plus an optional fixed
 * overhead. Its band multiplies the latency band by a power band. The power band's high side
 * comes from the MLPerf Tiny energy rows: measured inference power was 1.7× the datasheet
 * figure on the NUCLEO-L4R5ZI (at 1.8 V) and 1.2× on the EK-RA6M4 (at 3.0 V), because datasheet
 * run currents are quoted for light loads (CoreMark, while-loops) and inference keeps the MAC
 * units, SRAM and flash busy. Placeholder power figures give no energy at all.
 */
import type { EstimateNotice } from '../findings/notice';
import { renderNotice } from '../findings/renderNotice';
import type { PowerFacts, PowerSource } from '../targets/target';
import type { Band } from './latencyModel';

export interface EnergyEstimate {
  readonly uj: number;
  readonly band: Band;
  readonly bandUj: { readonly low: number; readonly high: number };
  /** Active power during inference (mW). */
  readonly powerMw: number;
  readonly volts: number;
  readonly microAmpsPerMHz: number;
  readonly clockMHz: number;
  readonly overheadUj: number;
  readonly powerSource: PowerSource;
  /** The formula in English; `noteCode` holds it as a code and its parameters. */
  readonly note: string;
  readonly noteCode: EstimateNotice;
}

export interface EnergyOptions {
  /** Supply voltage to use instead of the board's (e.g. the voltage a measurement was taken at). */
  readonly volts?: number;
  /** Fixed energy per inference on top of active power × time (µJ): wake-up, sensor read-out… */
  readonly overheadUj?: number;
}

/** How far actual inference power may sit from the quoted figure, by the figure's provenance. */
export const POWER_BANDS: Readonly<Record<Exclude<PowerSource, 'placeholder'>, Band>> = {
  datasheet: { low: 0.9, high: 1.8 },
  derived: { low: 0.85, high: 1.9 },
  estimate: { low: 0.7, high: 2.2 },
};

export function activePowerMw(power: PowerFacts, clockMHz: number, volts = power.volts): number {
  return (volts * power.activeMicroAmpsPerMHz * clockMHz) / 1000;
}

/** null when the board's power figures are placeholders (FPGA, simulator, unchecked guesses). */
export function estimateEnergy(
  latency: { readonly ms: number; readonly band: Band },
  power: PowerFacts,
  clockMHz: number,
  options: EnergyOptions = {},
): EnergyEstimate | null {
  const source: PowerSource = power.source ?? 'estimate';
  if (source === 'placeholder') return null;
  const volts = options.volts ?? power.volts;
  if (!(volts > 0)) throw new RangeError(`supply voltage must be positive (got ${volts})`);
  const overheadUj = options.overheadUj ?? 0;
  if (!(overheadUj >= 0)) throw new RangeError(`energy overhead must be ≥ 0 µJ (got ${overheadUj})`);
  const powerMw = activePowerMw(power, clockMHz, volts);
  const noteCode: EstimateNotice = {
    code: 'energy-formula',
    params: { microAmpsPerMHz: power.activeMicroAmpsPerMHz, clockMHz, volts, source, overheadUj },
  };
  // mW × ms = µJ.
  const active = powerMw * latency.ms;
  const pb = POWER_BANDS[source];
  const band: Band = { low: latency.band.low * pb.low, high: latency.band.high * pb.high };
  return {
    uj: active + overheadUj,
    band,
    bandUj: { low: active * band.low + overheadUj, high: active * band.high + overheadUj },
    powerMw,
    volts,
    microAmpsPerMHz: power.activeMicroAmpsPerMHz,
    clockMHz,
    overheadUj,
    powerSource: source,
    note: renderNotice(noteCode),
    noteCode,
  };
}
