/**
 * The battery-life calculator: inference rate, sleep current and battery in; average power and
 * days out, recomputed on every keystroke with the same pure duty-cycle code the CLI uses.
 * The inference's energy and time come from the estimate, so the result is an estimate too
 * and shows the range its energy band implies.
 */
// The pure duty-cycle modules directly, not the estimator's index: that would bundle the
// calibration and its coefficients into the panel, which only does the arithmetic.
import { dutyCycle, type DutyCycleInput } from '../src/estimate/dutyCycle';
import { runScenario, SCENARIOS } from '../src/estimate/scenarios';
import type { PanelState, PanelString } from '../src/shared/protocol';
import { el } from './dom';
import { formatPowerUw } from '../src/estimate/format';

type T = (s: PanelString) => string;

function numberField(label: string, value: number, step: string): { row: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { type: 'number', min: '0', step, value: String(value) }) as HTMLInputElement;
  const row = el('label', { className: 'field' }, el('span', {}, label), input);
  return { row, input };
}

export function renderBattery(state: PanelState, t: T): HTMLElement | undefined {
  const energy = state.energy;
  const estimate = state.estimate;
  const power = state.power;
  if (!energy || !estimate || !power) return undefined;

  const scenario = el('select', { 'aria-label': t('scenario') }) as HTMLSelectElement;
  scenario.append(el('option', { value: '' }, t('your own')), ...SCENARIOS.map((s) => el('option', { value: s.id }, s.name)));
  const rate = numberField(t('inferences per hour'), 60, '1');
  const sleep = numberField(t('sleep current (µA)'), power.sleepMicroAmps, '0.1');
  const mah = numberField(t('battery (mAh)'), 2000, '10');
  const volts = numberField(t('battery (V)'), 3, '0.1');
  const result = el('output', { className: 'battery-result', 'aria-live': 'polite' });
  const assumptions = el('ul', { className: 'detail' });

  const update = (): void => {
    const perHour = Number(rate.input.value);
    const sleepMicroAmps = Number(sleep.input.value);
    const batteryMah = Number(mah.input.value);
    const batteryVolts = Number(volts.input.value);
    try {
      const preset = SCENARIOS.find((s) => s.id === scenario.value);
      let average: number;
      let days: number;
      let band: { low: number; high: number };
      assumptions.replaceChildren();
      if (preset) {
        const r = runScenario(
          preset,
          {
            inferenceUj: energy.uj,
            inferenceBandUj: energy.bandUj,
            inferenceMs: estimate.total.ms,
            mcuActiveMw: power.activeMw,
            sleepMicroAmps,
            mcuVolts: power.volts,
          },
          { perHour, batteryMah, batteryVolts },
        );
        average = r.result.averageMicroWatts;
        days = r.result.batteryLifeDays;
        band = r.lifeDaysBand;
        assumptions.append(...r.assumptions.map((a) => el('li', {}, a)));
      } else {
        const input = (uj: number): DutyCycleInput => ({
          sleepMicroAmps,
          sleepVolts: power.volts,
          events: [{ name: 'inference', perHour, energyUj: uj, activeMs: estimate.total.ms }],
          battery: { mAh: batteryMah, volts: batteryVolts },
        });
        const r = dutyCycle(input(energy.uj));
        average = r.averageMicroWatts;
        days = r.batteryLifeDays;
        band = { low: dutyCycle(input(energy.bandUj.high)).batteryLifeDays, high: dutyCycle(input(energy.bandUj.low)).batteryLifeDays };
      }
      // Every number with its unit, the range's ends too.
      const inDays = (d: number): string => (Number.isFinite(d) ? `${d.toFixed(d >= 10 ? 0 : 1)} ${t('days')}` : '∞');
      result.textContent = `${t('average power')} ${formatPowerUw(average)} · ${t('Battery life')} ${inDays(days)} (${t('expected')} ${inDays(band.low)} – ${inDays(band.high)}; ${t('an estimate')})`;
      result.classList.remove('error');
    } catch (e) {
      result.textContent = e instanceof Error ? e.message : String(e);
      result.classList.add('error');
    }
  };
  scenario.addEventListener('change', () => {
    const preset = SCENARIOS.find((s) => s.id === scenario.value);
    if (preset) {
      // Show the preset's own rate and battery, which the user can then change.
      const r = runScenario(preset, {
        inferenceUj: energy.uj,
        inferenceBandUj: energy.bandUj,
        inferenceMs: estimate.total.ms,
        mcuActiveMw: power.activeMw,
        sleepMicroAmps: Number(sleep.input.value),
        mcuVolts: power.volts,
      });
      const inference = r.input.events.find((e) => /inference/i.test(e.name)) ?? r.input.events[0];
      if (inference) rate.input.value = String(inference.perHour);
      mah.input.value = String(r.input.battery.mAh);
      volts.input.value = String(r.input.battery.volts);
    }
    update();
  });
  for (const f of [rate, sleep, mah, volts]) f.input.addEventListener('input', update);
  update();
  return el(
    'section',
    { className: 'battery' },
    el('h3', {}, t('Battery life')),
    el('div', { className: 'fields' }, el('label', { className: 'field' }, el('span', {}, t('scenario')), scenario), rate.row, sleep.row, mah.row, volts.row),
    result,
    assumptions,
  );
}
