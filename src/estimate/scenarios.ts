/**
 * The two battery-powered examples the project grew from (../shared/seeds), as duty-cycle
 * presets. The model's inference energy and latency come from the estimator; everything else is
 * an assumption listed with the preset, with a source where one exists. Change any of them by
 * building your own DutyCycleInput: the presets are examples, not measurements.
 */
import { dutyCycle, type DutyCycleInput, type DutyCycleResult } from './dutyCycle';

export interface ScenarioContext {
  /** Estimated energy and latency of one inference on the target. */
  readonly inferenceUj: number;
  readonly inferenceBandUj: { readonly low: number; readonly high: number };
  readonly inferenceMs: number;
  /** MCU active power at the target clock (mW). */
  readonly mcuActiveMw: number;
  readonly sleepMicroAmps: number;
  readonly mcuVolts: number;
}

export interface ScenarioOverrides {
  /** Wake-ups per hour (camera trap) or inferences per second × 3600 (doorbell). */
  readonly perHour?: number;
  readonly batteryMah?: number;
  readonly batteryVolts?: number;
}

export interface Scenario {
  readonly id: 'camera-trap' | 'doorbell';
  readonly name: string;
  readonly summary: string;
  readonly assumptions: readonly string[];
  readonly build: (ctx: ScenarioContext, inferenceUj: number, o: ScenarioOverrides) => DutyCycleInput;
}

export interface ScenarioResult {
  readonly id: string;
  readonly name: string;
  readonly assumptions: readonly string[];
  readonly input: DutyCycleInput;
  readonly result: DutyCycleResult;
  /** Battery life with the inference energy at the low and high ends of its band. */
  readonly lifeDaysBand: { readonly low: number; readonly high: number };
}

/** MCU wake from a stop mode takes microseconds (STM32F1 datasheet: 3.6–5.4 µs); restarting the PLL and re-initialising drivers takes longer: 2 ms assumed. */
const WAKE_MS = 2;

export const CAMERA_TRAP: Scenario = {
  id: 'camera-trap',
  name: 'Wildlife camera trap',
  summary: 'PIR wake-ups; each captures one low-resolution frame and runs one image classification; only animals or people trigger a high-resolution photo',
  assumptions: [
    'PIR sensor always on: 6 µA at 3.0 V (Panasonic EKMB family is rated 1, 2 or 6 µA; the 6 µA type has the noise-resistant input)',
    'PIR wake-ups: 10 per hour (animals, people and foliage; override with --per-hour)',
    `each wake: ${WAKE_MS} ms of MCU re-initialisation at active power, then a low-resolution capture: image sensor 20 mW for 150 ms with the MCU active (assumption for a low-power QVGA sensor)`,
    'one inference per wake; 10% of wakes are animals or people (the seed example removes over 90% of useless shots), each taking a high-resolution photo and writing it to SD: 250 mW for 2 s (assumption)',
    'battery: 4 × AA alkaline in series, 6.0 V, 2500 mAh, 80% usable (cut-off voltage, cold), 85% regulator efficiency',
  ],
  build(ctx, inferenceUj, o) {
    const perHour = o.perHour ?? 10;
    const captureMs = 150;
    return {
      sleepMicroAmps: ctx.sleepMicroAmps,
      sleepVolts: ctx.mcuVolts,
      events: [
        { name: 'wake-up', perHour, energyUj: ctx.mcuActiveMw * WAKE_MS, activeMs: WAKE_MS },
        { name: 'low-res capture', perHour, energyUj: (20 + ctx.mcuActiveMw) * captureMs, activeMs: captureMs },
        { name: 'inference', perHour, energyUj: inferenceUj, activeMs: ctx.inferenceMs },
        { name: 'high-res photo', perHour: perHour * 0.1, energyUj: 250 * 2000, activeMs: 2000 },
      ],
      continuous: [{ name: 'PIR sensor', microWatts: 6 * 3.0 }],
      battery: { mAh: o.batteryMah ?? 2500, volts: o.batteryVolts ?? 6.0, usableFraction: 0.8, converterEfficiency: 0.85 },
    };
  },
};

export const DOORBELL: Scenario = {
  id: 'doorbell',
  name: 'Smart doorbell',
  summary: 'always-on keyword spotting on microphone audio; a detection (a visitor) turns on the camera and the radio',
  assumptions: [
    'keyword spotting: 1 inference per second (a 1-s window without overlap; override with --per-hour, inferences per hour)',
    'audio front end (feature extraction) per inference: 4 ms at MCU active power (assumption)',
    'audio capture always on: PDM MEMS microphone plus the PDM peripheral and its high-frequency clock, 2.5 mA at 3.0 V = 7.5 mW (reported on Nordic DevZone for an nRF52832 with an MP34DT05, the microphone alone about 650 µA)',
    'visitors: 10 per day, each turning on camera and Wi-Fi streaming for 20 s at 700 mW (assumption)',
    'battery: Li-ion pack 6000 mAh at 3.6 V nominal, 90% usable, 90% regulator efficiency (assumption, typical battery doorbell size)',
  ],
  build(ctx, inferenceUj, o) {
    const perHour = o.perHour ?? 3600;
    const featureMs = 4;
    return {
      sleepMicroAmps: ctx.sleepMicroAmps,
      sleepVolts: ctx.mcuVolts,
      events: [
        { name: 'inference', perHour, energyUj: inferenceUj, activeMs: ctx.inferenceMs },
        { name: 'audio features', perHour, energyUj: ctx.mcuActiveMw * featureMs, activeMs: featureMs },
        { name: 'camera + Wi-Fi', perHour: 10 / 24, energyUj: 700 * 20000, activeMs: 0 },
      ],
      continuous: [{ name: 'audio capture', microWatts: 2500 * 3.0 }],
      battery: { mAh: o.batteryMah ?? 6000, volts: o.batteryVolts ?? 3.6, usableFraction: 0.9, converterEfficiency: 0.9 },
    };
  },
};

export const SCENARIOS: readonly Scenario[] = [CAMERA_TRAP, DOORBELL];

export function runScenario(scenario: Scenario, ctx: ScenarioContext, overrides: ScenarioOverrides = {}): ScenarioResult {
  const input = scenario.build(ctx, ctx.inferenceUj, overrides);
  const result = dutyCycle(input);
  const atHigh = dutyCycle(scenario.build(ctx, ctx.inferenceBandUj.high, overrides));
  const atLow = dutyCycle(scenario.build(ctx, ctx.inferenceBandUj.low, overrides));
  return {
    id: scenario.id,
    name: scenario.name,
    assumptions: scenario.assumptions,
    input,
    result,
    lifeDaysBand: { low: atHigh.batteryLifeDays, high: atLow.batteryLifeDays },
  };
}
