/**
 * Duty cycling: a device that sleeps, wakes for events (an inference, a sensor capture, a photo)
 * and may keep some loads on all the time (a PIR sensor, a microphone). Average power, the draw
 * on the battery and the battery life, from per-event energies and rates. Pure arithmetic, so
 * the tests check it against hand-computed cases.
 *
 * Units: energy µJ, power µW, current µA, time ms; 1 µJ per second is 1 µW.
 */
import { LensError } from '../errors';

export interface EventLoad {
  readonly name: string;
  readonly perHour: number;
  /** Energy of one event (µJ). */
  readonly energyUj: number;
  /** Time the MCU is out of sleep for one event (ms): it does not draw sleep current meanwhile. */
  readonly activeMs: number;
}

export interface ContinuousLoad {
  readonly name: string;
  readonly microWatts: number;
}

export interface Battery {
  readonly mAh: number;
  readonly volts: number;
  /** Share of the rated capacity actually delivered before cut-off (default 1). */
  readonly usableFraction?: number;
  /** Regulator efficiency between the battery and the loads (default 1). */
  readonly converterEfficiency?: number;
}

export interface DutyCycleInput {
  readonly sleepMicroAmps: number;
  readonly sleepVolts: number;
  readonly events: readonly EventLoad[];
  readonly continuous?: readonly ContinuousLoad[];
  readonly battery: Battery;
}

export interface DutyCycleResult {
  /** Average power at the loads (µW). */
  readonly averageMicroWatts: number;
  /** Average current drawn from the battery, after the converter (µA). */
  readonly batteryMicroAmps: number;
  readonly batteryJoules: number;
  readonly batteryLifeHours: number;
  readonly batteryLifeDays: number;
  /** Share of the time the MCU is awake. */
  readonly activeFraction: number;
  readonly breakdown: readonly { readonly name: string; readonly microWatts: number; readonly share: number }[];
}

export class DutyCycleError extends LensError {
  override readonly name = 'DutyCycleError';
  declare readonly code: 'bad-duty-cycle';
  constructor(message: string) {
    super('bad-duty-cycle', message);
  }
}

function nonNegative(v: number, what: string): void {
  if (!Number.isFinite(v) || v < 0) throw new DutyCycleError(`${what} must be a number ≥ 0 (got ${v})`);
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toPrecision(2)} s` : `${ms.toPrecision(2)} ms`;
}

/**
 * Why the events do not fit in an hour, said about the event that overruns its own period (an
 * inference slower than the rate asks for) rather than as a busy share above 100%.
 */
function overrunMessage(events: readonly EventLoad[], activeSecondsPerHour: number): string {
  const worst = events.filter((e) => e.perHour > 0).reduce((a, b) => (b.perHour * b.activeMs > a.perHour * a.activeMs ? b : a));
  const periodMs = 3_600_000 / worst.perHour;
  const fit = Math.floor(3_600_000 / worst.activeMs);
  if (worst.activeMs > periodMs)
    return `one ${worst.name} takes ${formatDuration(worst.activeMs)} but ${worst.perHour} per hour leave only ${formatDuration(periodMs)} for each: the MCU cannot keep up; at most ${fit} per hour fit (fewer with the other events), or make it faster`;
  return `the events need ${formatDuration(activeSecondsPerHour * 1000)} of MCU time per hour: more than the hour has; lower the rates`;
}

export function dutyCycle(input: DutyCycleInput): DutyCycleResult {
  nonNegative(input.sleepMicroAmps, 'sleep current');
  nonNegative(input.sleepVolts, 'sleep voltage');
  const b = input.battery;
  if (!(b.mAh > 0) || !(b.volts > 0)) throw new DutyCycleError('battery capacity (mAh) and voltage must be positive');
  const usable = b.usableFraction ?? 1;
  const efficiency = b.converterEfficiency ?? 1;
  if (!(usable > 0 && usable <= 1) || !(efficiency > 0 && efficiency <= 1))
    throw new DutyCycleError('usable fraction and converter efficiency must be in (0, 1]');
  for (const e of input.events) {
    nonNegative(e.perHour, `${e.name} rate`);
    nonNegative(e.energyUj, `${e.name} energy`);
    nonNegative(e.activeMs, `${e.name} active time`);
  }
  const activeSecondsPerHour = input.events.reduce((s, e) => s + (e.perHour * e.activeMs) / 1000, 0);
  const activeFraction = activeSecondsPerHour / 3600;
  if (activeFraction > 1) throw new DutyCycleError(overrunMessage(input.events, activeSecondsPerHour));

  const parts: { name: string; microWatts: number }[] = [{ name: 'sleep', microWatts: input.sleepMicroAmps * input.sleepVolts * (1 - activeFraction) }];
  for (const e of input.events) parts.push({ name: e.name, microWatts: (e.perHour * e.energyUj) / 3600 });
  for (const c of input.continuous ?? []) {
    nonNegative(c.microWatts, `${c.name} power`);
    parts.push({ name: c.name, microWatts: c.microWatts });
  }
  const average = parts.reduce((s, p) => s + p.microWatts, 0);
  const drawn = average / efficiency;
  const batteryJoules = b.mAh * 3.6 * b.volts * usable;
  const hours = drawn > 0 ? batteryJoules / (drawn * 1e-6) / 3600 : Number.POSITIVE_INFINITY;
  return {
    averageMicroWatts: average,
    batteryMicroAmps: drawn / b.volts,
    batteryJoules,
    batteryLifeHours: hours,
    batteryLifeDays: hours / 24,
    activeFraction,
    breakdown: parts.map((p) => ({ ...p, share: average > 0 ? p.microWatts / average : 0 })),
  };
}
