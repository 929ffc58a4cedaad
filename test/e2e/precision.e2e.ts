/**
 * The precision editor as a user meets it, on a small float classifier written into the example
 * workspace with a folder of calibration inputs: the panel's "Precision…" asks for calibration
 * data (a glob) and labeled data (none), then shows every layer's precision as a select; setting
 * one layer to int16 or float re-measures and the figures change against "before"; Undo takes it
 * back; "Suggest" (fit the board) draws the explored assignments with their Pareto front, and a
 * click on a point applies it. Needs the `precision` job (src/jobs/precision.ts). Screenshots:
 * .test-artifacts/e2e/precision*.png.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { floatClassifier, floatClassifierInputs } from '../helpers/floatClassifier';
import { openWorkbench, type Workbench } from './harness';

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
  writeFileSync(join(wb.workspace, 'tiny_float.tflite'), floatClassifier());
  mkdirSync(join(wb.workspace, 'calibration'), { recursive: true });
  floatClassifierInputs(16).forEach((bytes, i) => writeFileSync(join(wb.workspace, 'calibration', `sample_${i}.npy`), bytes));
});

after(async () => {
  await wb?.close();
});

const row = (text: string) => wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

test('Precision…: change a layer, see the figures move, undo, and Suggest with its Pareto front', async () => {
  await wb.capture('precision', async () => {
    await wb.explorerItem('tiny_float.tflite').dblclick();
    const p = wb.panel();
    await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
    const open = p.locator('#open-precision');
    await open.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await open.innerText(), /Precision…/);
    await open.click();

    // Asked once: calibration data, then (optional) labeled data.
    await row('A glob pattern…').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await wb.page.locator('.quick-input-title').first().innerText()) ?? '', /Precision of tiny_float\.tflite: calibration data/);
    await row('A glob pattern…').click();
    const input = wb.page.locator('.quick-input-widget input').first();
    await input.fill('calibration/*.npy');
    await input.press('Enter');
    await row('No labeled data').waitFor({ state: 'visible', timeout: 15_000 });
    await row('No labeled data').click();

    const section = p.locator('section.precision');
    await section.waitFor({ state: 'visible', timeout: 180_000 });
    const selects = section.locator('select.precision-select');
    assert.equal(await selects.count(), 4, 'one control per layer of the float model');
    const now = async (): Promise<string[]> => section.locator('.precision-summary td.now').allInnerTexts();
    /** The figures once they differ from `previous` (the host answers in seconds, not at once). */
    const changed = async (previous: readonly string[], timeoutMs = 120_000): Promise<string[]> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const figures = await now();
        if (figures.join('|') !== previous.join('|')) return figures;
        if (Date.now() > deadline) throw new Error(`the figures stayed ${previous.join(' | ')}`);
        await wb.page.waitForTimeout(250);
      }
    };
    const first = await now();
    assert.match(first[0] ?? '', /dB|∞/, `output SQNR: ${first.join(' | ')}`);
    assert.equal(await section.locator('.precision-summary thead th').count(), 3, 'float and now: nothing before yet');
    assert.equal(await section.locator('#precision-undo').getAttribute('disabled'), '');
    assert.equal((await section.locator('.timeline, .chart rect.bar').count()) > 0, true, 'the quantized timeline is drawn');
    await wb.screenshot('precision-open');

    // Only what TFLM can run for the op is offered; the conv is set to the widest choice it has after int8.
    const conv = selects.first();
    const offered = await conv.locator('option').allInnerTexts();
    assert.ok(offered.includes('int8') && offered.length >= 2, `choices: ${offered.join(', ')}`);
    const target = offered.includes('int16') ? 'int16' : 'float';
    await conv.selectOption(target);
    await section.locator('.precision-summary thead th', { hasText: 'before' }).waitFor({ timeout: 120_000 });
    assert.equal(await section.locator('select.precision-select').first().inputValue(), target);
    const moved = await now();
    assert.notDeepEqual(moved, first, 'the figures changed with the layer');
    assert.ok(
      (await section.locator('.precision-summary td.delta').allInnerTexts()).some((d) => d !== '' && d !== '±0'),
      'some delta is not zero',
    );
    assert.equal(await section.locator('#precision-undo').getAttribute('disabled'), null);
    assert.equal(await section.locator('.precision-layers tr.changed').count(), 1);
    await wb.screenshot('precision-changed');

    await section.locator('#precision-undo').click();
    await section.locator('.precision-summary thead th', { hasText: 'before' }).waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await section.locator('select.precision-select').first().inputValue(), 'int8');
    assert.deepEqual(await now(), first, 'undo shows the first state again');

    // The keyboard alone: arrow keys on a layer's select change it, and the select keeps the focus
    // through the re-render that brings the new figures.
    const fc = section.locator('select.precision-select[data-layer="2"]');
    await fc.focus();
    await fc.press('ArrowDown');
    await changed(first);
    assert.notEqual(await fc.inputValue(), 'int8');
    assert.equal(await fc.evaluate((e) => e.matches(':focus')), true, 'the focus stayed on the select');
    await section.locator('#precision-undo').click();
    await section.locator('.precision-summary thead th', { hasText: 'before' }).waitFor({ state: 'detached', timeout: 30_000 });

    await section.locator('#precision-goal').selectOption('fit');
    await section.locator('#precision-suggest').click();
    const points = section.locator('.pareto-chart circle.point');
    await points.first().waitFor({ state: 'visible', timeout: 180_000 });
    assert.ok((await points.count()) >= 1);
    assert.ok((await section.locator('.pareto-chart circle.point.front').count()) >= 1, 'the front is marked');
    await section.locator('div.pareto').scrollIntoViewIfNeeded();
    await wb.screenshot('precision-suggest');

    // A point of the scatter applies its assignment (Enter on a focused point does the same).
    const beforeApply = await now();
    const other = section.locator('.pareto-chart circle.point:not(.current)').first();
    if ((await other.count()) > 0) {
      await other.focus();
      await other.press('Enter');
      await changed(beforeApply);
      await wb.screenshot('precision-applied');
    }
    assert.deepEqual(wb.pageErrors, []);
  });
});
