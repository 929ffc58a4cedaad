/**
 * A user's first minutes with TinyML Lens, in a real VS Code: open a model from the explorer
 * and read its panel, open the layer view and hover a layer, lower the SRAM budget in the
 * settings and find the new row in the Problems panel. Screenshots go to .test-artifacts/e2e.
 */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openWorkbench, type Workbench } from './harness';

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
});

after(async () => {
  await wb?.close();
});

test('opening a model from the explorer shows the model panel', async () => {
  await wb.capture('panel', async () => {
    await wb.explorerItem('kws_ds_cnn_int8.tflite').dblclick();
    const p = wb.panel();
    await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
    const header = await p.locator('header h2').innerText();
    assert.match(header, /kws_ds_cnn_int8\.tflite/);
    const cards = await p.locator('.card').allInnerTexts();
    assert.ok(
      cards.some((c) => /MACs\s+2,656,768/i.test(c)),
      cards.join(' | '),
    );
    // The peak row of the layer table is marked, and the timeline has a column per layer.
    assert.equal(await p.locator('tr.peak').count(), 1);
    assert.equal(await p.locator('.chart rect.bar').count(), 13);
    // The SRAM meter's fill is as wide as the share it shows (inline styles survive the CSP).
    const share = await p.locator('.meter-row', { hasText: 'SRAM' }).locator('.meter-value').innerText();
    const percent = Number(/\((\d+)%\)/.exec(share)![1]);
    const [fill, track] = await Promise.all([
      p.locator('.meter-row', { hasText: 'SRAM' }).locator('.fill').boundingBox(),
      p.locator('.meter-row', { hasText: 'SRAM' }).locator('.meter').boundingBox(),
    ]);
    assert.ok(fill && track && Math.abs(fill.width / track.width - percent / 100) < 0.02, `fill ${fill?.width} of ${track?.width} for ${percent}%`);
    await wb.screenshot('panel');
  });
});

test('the panel estimates latency and energy, and its battery calculator follows the numbers', async () => {
  await wb.capture('battery', async () => {
    const p = wb.panel();
    const cards = await p.locator('.card').allInnerTexts();
    assert.ok(
      cards.some((c) => /LATENCY\s+[\d.]+ m?s( – [\d.]+ m?s)?\s+an estimate/i.test(c)),
      cards.join(' | '),
    );
    assert.ok(
      cards.some((c) => /ENERGY PER INFERENCE\s+[\d.]+ (µJ|mJ)/i.test(c)),
      cards.join(' | '),
    );
    assert.equal(await p.locator('tr.slow').count(), 3, 'the three slowest layers are highlighted');
    const result = p.locator('.battery-result');
    await result.scrollIntoViewIfNeeded();
    const before = await result.innerText();
    assert.match(before, /Battery life [\d.]+ days/);
    const rate = p.locator('.battery input').first();
    // Ten times fewer inferences: the battery lasts longer.
    await rate.fill('6');
    await wb.page.waitForTimeout(200);
    const after = await result.innerText();
    assert.notEqual(after, before, 'the result follows the inference rate');
    const days = (t: string) => Number(/Battery life ([\d.]+) days/.exec(t)?.[1]);
    assert.ok(days(after) > days(before), `${after} vs ${before}`);
    // A rate the MCU cannot keep up with is refused, not computed.
    await rate.fill('100000');
    await wb.page.waitForTimeout(200);
    assert.match(await result.innerText(), /the MCU cannot keep up; at most \d+ per hour fit/);
    await rate.fill('6');
    await wb.screenshot('battery');
  });
});

test("the layer view shows a layer's memory cost on hover", async () => {
  await wb.capture('hover', async () => {
    await wb.runCommand('TinyML Lens: Open Layer View');
    const text = await wb.hover('DEPTHWISE_CONV_2D');
    assert.match(text, /DEPTHWISE_CONV_2D/);
    assert.match(text, /Weights \(flash\)/);
    assert.match(text, /Arena live at this step/);
    assert.match(text, /of 256 KB SRAM on Arduino Nano 33 BLE Sense/);
    await wb.screenshot('hover');
  });
});

test('lowering the SRAM budget in the settings puts an error in the Problems panel', async () => {
  await wb.capture('problems', async () => {
    await wb.runCommand('Preferences: Open Workspace Settings');
    const search = wb.page.locator('.settings-header .suggest-input-container textarea, .settings-header .monaco-editor textarea').first();
    await search.waitFor({ timeout: 15_000 });
    await search.fill('tinymlLens.sramBudgetKB');
    // Wait for the search to settle (the list re-renders), then type into that setting's box.
    const item = wb.page.locator('.setting-item-contents', { hasText: 'Sram Budget KB' }).first();
    await item.waitFor({ timeout: 15_000 });
    await wb.page.waitForTimeout(500);
    const input = item.locator('input').first();
    await input.click();
    await wb.page.keyboard.type('24');
    await wb.page.keyboard.press('Tab');
    const deadline = Date.now() + 30_000;
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await wb.problems();
      if (rows.some((r) => /exceeds 24 KB SRAM/.test(r))) break;
      await wb.page.waitForTimeout(500);
    }
    const row = rows.find((r) => /exceeds 24 KB SRAM/.test(r));
    assert.ok(row, `Problems rows: ${rows.join(' || ')}`);
    assert.match(row, /Error/i);
    await wb.screenshot('problems');
  });
});
