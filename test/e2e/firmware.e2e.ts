/**
 * The firmware checker as a user meets it, on the test workspace's `firmware/` folder
 * (scripts/vscode/workspace.mjs): open main.cc, read the Problems row of its too-small arena,
 * hover the arena constant, press Ctrl+. on the arena's line and take "Set tensor arena…", and
 * see the row leave Problems. Also: the model panel's toolbar keeps "Export C++…" on the line
 * of the other buttons. Screenshots: .test-artifacts/e2e/firmware-*.png.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench, type Workbench } from './harness';

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
});

after(async () => {
  await wb?.close();
});

const ARENA_ROW = /Tensor arena tensor_arena has 10 KB \(10240 bytes\) but the model needs/;

/** Polls the Problems panel until `done` holds for its rows; returns them. */
async function problemsUntil(done: (rows: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: string[] = [];
  while (Date.now() < deadline) {
    // A row that leaves while the list is read makes the read fail: read it again.
    rows = await wb.problems().catch(() => rows);
    if (done(rows)) return rows;
    await wb.page.waitForTimeout(500);
  }
  throw new Error(`Problems rows: ${rows.join(' || ')}`);
}

/**
 * The hover over the middle of a token: C++ tokens carry the spaces around them in one span,
 * so the harness's point near a span's start can fall on a space.
 */
async function hoverMiddle(text: string): Promise<string> {
  const token = wb.page.locator('.monaco-editor .view-lines .view-line span span', { hasText: text }).first();
  await token.waitFor({ state: 'visible', timeout: 15_000 });
  const box = await token.boundingBox();
  assert.ok(box, `"${text}" is not on screen`);
  await wb.page.mouse.move(box.x + box.width / 2, box.y - 40);
  await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  const hover = wb.page.locator('.monaco-hover-content').filter({ visible: true }).filter({ hasText: /\S/ }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  return (await hover.innerText()).trim();
}

test('the toolbar keeps "Export C++…" on one line with the other buttons, the whole name in its tooltip', async () => {
  await wb.capture('firmware-toolbar', async () => {
    // The camera-trap model is over budget, so its toolbar also holds "Optimize Memory…".
    await wb.explorerItem('camera_trap_mobilenet_int8.tflite').dblclick();
    const p = wb.panel();
    await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
    const button = p.locator('#export-firmware');
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await button.innerText(), /Export C\+\+…/);
    assert.equal(await button.getAttribute('title'), 'Export for Firmware…');
    await p.locator('#optimize-memory').waitFor({ state: 'visible', timeout: 15_000 });
    const [first, last] = await Promise.all([p.locator('#open-layer-view').boundingBox(), button.boundingBox()]);
    assert.ok(first && last, 'no toolbar buttons on screen');
    assert.ok(Math.abs(first.y - last.y) < 4, `the export button wrapped: layers at y=${first.y}, export at y=${last.y}`);
    await wb.screenshot('firmware-toolbar');
    await wb.runCommand('View: Close All Editors');
  });
});

test('main.cc: the too-small arena in Problems, its hover, and Ctrl+. → "Set tensor arena…" removes the row', async () => {
  await wb.capture('firmware', async () => {
    const text = readFileSync(join(wb.workspace, 'firmware', 'main.cc'), 'utf8');
    const arenaLine = text.slice(0, text.indexOf('uint8_t tensor_arena[')).split('\n').length;

    await wb.explorerItem('firmware').click();
    const main = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^main\.cc$/ }) }).first();
    await main.waitFor({ state: 'visible', timeout: 15_000 });
    await main.dblclick();
    await wb.page.locator('.monaco-editor .view-lines', { hasText: 'kTensorArenaSize' }).first().waitFor({ timeout: 30_000 });

    const rows = await problemsUntil((r) => r.some((x) => ARENA_ROW.test(x)));
    const arenaRow = rows.find((r) => ARENA_ROW.test(r))!;
    assert.match(arenaRow, /Error/i);
    assert.match(arenaRow, /\(model kws_model_data \(kws_ds_cnn_int8\.tflite\)\)/);
    assert.ok(
      rows.some((r) => /The model uses SOFTMAX .* but resolver op_resolver never adds it/.test(r)),
      `Problems rows: ${rows.join(' || ')}`,
    );
    await wb.screenshot('firmware-problems');

    await wb.runCommand('View: Focus Active Editor Group');
    const hover = await hoverMiddle('kTensorArenaSize');
    assert.match(hover, /Tensor arena tensor_arena/);
    assert.match(hover, /planned \(non-persistent head\)[\s\S]*persistent \(tail\)[\s\S]*margin/);
    assert.match(hover, /\d+% of the 256 KB SRAM of Arduino Nano 33 BLE Sense/);
    await wb.screenshot('firmware-hover');
    await wb.page.keyboard.press('Escape');

    // The cursor on the arena's line, then the keyboard's quick fix.
    await wb.page.keyboard.press('Control+g');
    await wb.page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.keyboard.type(`${arenaLine}`);
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 15_000 });
    await wb.page.keyboard.press('Control+.');
    const fix = wb.page.locator('.action-widget .monaco-list-row', { hasText: /Set tensor arena tensor_arena to \d+ bytes/ }).first();
    await fix.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('firmware-quickfix');
    // The fix is the menu's first item and has the keyboard: Enter takes it, as a user would.
    await wb.page.keyboard.press('Enter');
    await wb.page
      .locator('.monaco-editor .view-lines', { hasText: /kTensorArenaSize\s=\s\d{5};/ })
      .first()
      .waitFor({ timeout: 15_000 });

    // The check after the fix runs in the worker; let the list settle before reading it.
    await wb.page.waitForTimeout(2_000);
    const after = await problemsUntil((r) => !r.some((x) => ARENA_ROW.test(x)));
    assert.ok(
      after.some((r) => /never adds it/.test(r)),
      `the other row stays until its own fix: ${after.join(' || ')}`,
    );
    await wb.screenshot('firmware-fixed');
  });
});
