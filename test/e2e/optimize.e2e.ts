/**
 * Optimize Memory as a user meets it: the over-budget camera-trap model's panel offers the
 * button (the keyword spotter, which fits, does not); right-click → "Optimize Memory…" on the
 * camera-trap model, which TFLM already plans at the bound, says so and writes nothing; on a
 * model whose branches TFLM interleaves (test/helpers/branchModel.ts), "Placement and operator
 * order" opens `branches_opt.tflite` with its arena optimization section. Screenshots:
 * .test-artifacts/e2e/optimize*.png.
 */
import * as assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeModel } from '../../src/model/io';
import { branchModel } from '../helpers/branchModel';
import { openWorkbench, type Workbench } from './harness';

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
  writeFileSync(join(wb.workspace, 'branches.tflite'), writeModel(branchModel()));
});

after(async () => {
  await wb?.close();
});

test('the panel offers "Optimize Memory…" only when the arena is near or over the SRAM budget', async () => {
  await wb.capture('optimize-button', async () => {
    await wb.explorerItem('kws_ds_cnn_int8.tflite').dblclick();
    await wb.panel().getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
    assert.equal(await wb.panel().locator('#optimize-memory').count(), 0, 'the keyword spotter fits: no button');
    await wb.runCommand('View: Close All Editors');
    await wb.explorerItem('camera_trap_mobilenet_int8.tflite').dblclick();
    const p = wb.panel();
    await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
    await p.locator('#optimize-memory').waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await p.locator('#optimize-memory').innerText(), /Optimize Memory…/);
    await wb.screenshot('optimize-button');
    await wb.runCommand('View: Close All Editors');
  });
});

test('right-click → Optimize Memory…: nothing written when TFLM plans at the bound; else the optimized model opens with its section', async () => {
  await wb.capture('optimize', async () => {
    const items = await wb.explorerContextMenu('camera_trap_mobilenet_int8.tflite', 'Optimize Memory…');
    assert.ok(items.includes('Optimize Memory…'), `context menu items: ${items.join(' | ')}`);
    await wb.clickMenuItem('Optimize Memory…');
    const choice = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Placement only' }).first();
    await choice.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await wb.page.locator('.quick-input-widget input').first().getAttribute('placeholder')) ?? '', /Time limit 10 s/);
    await choice.click();
    const said = await wb.waitForNotification(/nothing written/, 120_000);
    assert.match(said, /No arena plan smaller than TFLM's own was found for camera_trap_mobilenet_int8\.tflite/);
    await wb.screenshot('optimize-nothing-written');
    assert.equal(existsSync(join(wb.workspace, 'camera_trap_mobilenet_int8_opt.tflite')), false);

    await wb.explorerContextMenu('branches.tflite', 'Optimize Memory…');
    await wb.clickMenuItem('Optimize Memory…');
    const reorder = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Placement and operator order' }).first();
    await reorder.waitFor({ state: 'visible', timeout: 30_000 });
    await reorder.click();

    const p = wb.panel();
    const section = p.locator('section.optimize');
    await section.waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await p.locator('header h2').innerText(), /branches_opt\.tflite/);
    assert.match(await section.locator('h3').first().innerText(), /branches\.tflite → branches_opt\.tflite/i);
    const cards = await section.locator('.card').allInnerTexts();
    assert.equal(cards.length, 3, cards.join(' | '));
    assert.match(cards.join(' | '), /GREEDY \(TFLM\)[\s\S]*OPTIMIZED[\s\S]*LOWER BOUND/i);
    assert.match(await section.locator('.verdict').innerText(), /optimal|within [\d,]+ B of the lower bound/);
    // Both timelines over the live-bytes floor, one focusable column per step.
    assert.equal(await section.locator('.opt-chart path.greedy').count(), 1);
    assert.equal(await section.locator('.opt-chart path.optimized').count(), 1);
    assert.equal(await section.locator('.opt-chart path.live').count(), 1);
    const steps = section.locator('.opt-chart rect.step');
    assert.equal(await steps.count(), 5, 'one step per operator of the branch model');
    await steps.nth(3).focus();
    await steps.nth(3).press('ArrowRight');
    assert.match(await section.locator('.readout').innerText(), /^step 4: greedy \(TFLM\)/);
    // What changed: a table, or a sentence when nothing did.
    const moved = await section.locator('table.moved tbody tr').count();
    if (moved === 0) await section.getByText('No tensor moved.').waitFor({ timeout: 5_000 });
    await section.scrollIntoViewIfNeeded();
    await wb.screenshot('optimize');

    // The new model is checked like any other; that its fit findings reach the Problems panel
    // is the VS Code suite's (test/vscode/suite/optimize.test.ts): this small model fits.
  });
});
