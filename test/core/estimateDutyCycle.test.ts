/** Energy and battery arithmetic against hand-computed cases, and the two seed presets. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dutyCycle, DutyCycleError } from '../../src/estimate/dutyCycle';
import { activePowerMw, estimateEnergy } from '../../src/estimate/energy';
import { CAMERA_TRAP, DOORBELL, runScenario, type ScenarioContext } from '../../src/estimate/scenarios';
import { findBoard } from '../../src/targets/fit';

const near = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

describe('energy per inference', () => {
  test('power = V × µA/MHz × MHz; energy = power × latency + overhead', () => {
    const power = { volts: 3.0, activeMicroAmpsPerMHz: 110, sleepMicroAmps: 3, source: 'datasheet' as const };
    // 3.0 V × 110 µA/MHz × 120 MHz = 39.6 mW; × 100 ms = 3960 µJ; + 40 µJ.
    near(activePowerMw(power, 120), 39.6);
    const e = estimateEnergy({ ms: 100, band: { low: 0.5, high: 2 } }, power, 120, { overheadUj: 40 })!;
    near(e.uj, 4000);
    near(e.powerMw, 39.6);
    // Band: latency band × the datasheet power band (0.9–1.8) on the active part.
    near(e.bandUj.low, 3960 * 0.5 * 0.9 + 40);
    near(e.bandUj.high, 3960 * 2 * 1.8 + 40);
    near(estimateEnergy({ ms: 100, band: { low: 1, high: 1 } }, power, 120, { volts: 1.8 })!.uj, (1.8 * 110 * 120 * 100) / 1000);
  });

  test('placeholder power figures give no energy', () => {
    const corstone = findBoard('corstone-300')!.board!;
    assert.equal(corstone.power.source, 'placeholder');
    assert.equal(estimateEnergy({ ms: 10, band: { low: 1, high: 1 } }, corstone.power, 32), null);
  });

  test('every board carries the provenance of its power figures, as its notes tag it', () => {
    for (const id of ['nucleo-l4r5zi', 'ek-ra6m4', 'arduino-nano-33-ble-sense', 'stm32n6']) {
      const b = findBoard(id)!.board!;
      assert.match(b.notes ?? '', new RegExp(`Power: ${b.power.source}`), id);
    }
  });
});

describe('duty cycle and battery life, hand-computed', () => {
  test('sleep + periodic inference on a 1000 mAh 3 V cell', () => {
    // Sleep 2 µA at 3 V = 6 µW while asleep; awake 60 × 50 ms = 3 s per hour, so asleep 3597/3600.
    // 60 inferences/h × 1000 µJ = 60 000 µJ/h = 16.6667 µW.
    // Average 6 × 3597/3600 + 16.6667 = 5.995 + 16.66667 = 22.66167 µW.
    // Battery 1000 mAh × 3.6 C/mAh × 3 V = 10 800 J → 10 800 / 22.66167e-6 s = 476 577 006 s = 5515.94 days.
    const r = dutyCycle({
      sleepMicroAmps: 2,
      sleepVolts: 3,
      events: [{ name: 'inference', perHour: 60, energyUj: 1000, activeMs: 50 }],
      battery: { mAh: 1000, volts: 3 },
    });
    near(r.activeFraction, 3 / 3600);
    near(r.averageMicroWatts, 6 * (3597 / 3600) + 60000 / 3600);
    near(r.batteryJoules, 10800);
    near(r.batteryLifeDays, 10800 / (r.averageMicroWatts * 1e-6) / 86400);
    near(r.batteryLifeDays, 5515.94, 1e-5);
    near(r.batteryMicroAmps, r.averageMicroWatts / 3);
    near(
      r.breakdown.reduce((s, p) => s + p.share, 0),
      1,
    );
  });

  test('continuous loads, derating and converter efficiency', () => {
    // 10 µW sleep (fully asleep) + 90 µW PIR = 100 µW at the loads; 80% efficiency → 125 µW drawn.
    // 2000 mAh × 3.6 × 1.5 V × 0.5 usable = 5400 J → 5400 / 125e-6 = 43 200 000 s = 500 days.
    const r = dutyCycle({
      sleepMicroAmps: 5,
      sleepVolts: 2,
      events: [],
      continuous: [{ name: 'PIR', microWatts: 90 }],
      battery: { mAh: 2000, volts: 1.5, usableFraction: 0.5, converterEfficiency: 0.8 },
    });
    near(r.averageMicroWatts, 100);
    near(r.batteryMicroAmps, 125 / 1.5);
    near(r.batteryLifeDays, 500);
  });

  test('events that cannot fit in an hour, and nonsense inputs, are errors', () => {
    assert.throws(
      () =>
        dutyCycle({ sleepMicroAmps: 1, sleepVolts: 3, events: [{ name: 'kws', perHour: 3600, energyUj: 1, activeMs: 1500 }], battery: { mAh: 100, volts: 3 } }),
      DutyCycleError,
    );
    assert.throws(() => dutyCycle({ sleepMicroAmps: -1, sleepVolts: 3, events: [], battery: { mAh: 100, volts: 3 } }), DutyCycleError);
    assert.throws(() => dutyCycle({ sleepMicroAmps: 1, sleepVolts: 3, events: [], battery: { mAh: 0, volts: 3 } }), DutyCycleError);
  });
});

describe('seed presets', () => {
  const ctx: ScenarioContext = {
    inferenceUj: 10_000,
    inferenceBandUj: { low: 5000, high: 20_000 },
    inferenceMs: 100,
    mcuActiveMw: 10,
    sleepMicroAmps: 3,
    mcuVolts: 3,
  };

  test('camera trap: 10 wakes/h, each wake-up + capture + inference, 1 photo/h, PIR always on; hand-checked', () => {
    const s = runScenario(CAMERA_TRAP, ctx);
    // Per hour: wake 10 × 10 mW × 2 ms = 200 µJ; capture 10 × (20 + 10) mW × 150 ms = 45 000 µJ;
    // inference 10 × 10 000 µJ = 100 000 µJ; photo 1 × 250 mW × 2 s = 500 000 µJ → 645 200 µJ/h.
    // Awake 10 × (2 + 150 + 100) ms + 1 × 2000 ms = 4.52 s/h; sleep 9 µW × (1 − 4.52/3600); PIR 18 µW.
    const avg = 645200 / 3600 + 9 * (1 - 4.52 / 3600) + 18;
    near(s.result.averageMicroWatts, avg);
    // 2500 mAh × 3.6 × 6 V × 0.8 = 43 200 J; drawn avg / 0.85.
    near(s.result.batteryLifeDays, 43200 / ((avg / 0.85) * 1e-6) / 86400);
    assert.ok(s.lifeDaysBand.low < s.result.batteryLifeDays && s.result.batteryLifeDays < s.lifeDaysBand.high);
    assert.ok(s.assumptions.length >= 4);
    const more = runScenario(CAMERA_TRAP, ctx, { perHour: 60 });
    assert.ok(more.result.batteryLifeDays < s.result.batteryLifeDays);
  });

  test('doorbell: always-on KWS at 1/s, audio capture dominates; an inference slower than its period is an error', () => {
    const s = runScenario(DOORBELL, ctx);
    const byName = Object.fromEntries(s.result.breakdown.map((p) => [p.name, p.microWatts]));
    near(byName.inference!, 10_000); // 3600/h × 10 000 µJ / 3600 s
    near(byName['audio capture']!, 7500);
    assert.ok(s.result.batteryLifeDays > 1 && s.result.batteryLifeDays < 365);
    assert.throws(() => runScenario(DOORBELL, { ...ctx, inferenceMs: 1200 }), DutyCycleError);
  });
});
