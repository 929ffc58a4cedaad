/**
 * Every number agrees (issue 10), as a new user would read them: for vww_96_float the
 * timeline's peak marker, its caption, the finding in Problems and the table's ◆ name one
 * layer and one size (the marker was on layer 0 at 180 KB while layer 2's column stood at
 * 216 KB and the caption said 216 KB); for KWS on a 32 KB budget the budget line is what the
 * verdict compares (the columns stood under a 16 KB line while the verdict said 38.2 KB does
 * not fit 32 KB). Screenshots: .test-artifacts/e2e/consistency-*.png.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatBytes } from '../../src/util/formatBytes';
import { MODELS_DIR } from '../helpers/corpus';
import { openWorkbench, type Workbench } from './harness';

const VWW = join(MODELS_DIR, 'mlperf_tiny/vww/vww_96_float.tflite');
const KWS = join(MODELS_DIR, 'mlperf_tiny/kws/kws_ref_model.tflite');
const skip = existsSync(VWW) && existsSync(KWS) ? false : `shared models not found under ${MODELS_DIR}`;

let wb: Workbench | undefined;
let workspace: string;

before(async () => {
  if (skip) return;
  workspace = mkdtempSync(join(tmpdir(), 'tinyml-consistency-'));
  copyFileSync(VWW, join(workspace, 'vww_96_float.tflite'));
  copyFileSync(KWS, join(workspace, 'kws_ref_model.tflite'));
  mkdirSync(join(workspace, '.vscode'));
  // A small board: both models are over it, so both have an SRAM finding.
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'tinymlLens.target': 'arduino-nano-33-ble-sense', 'tinymlLens.kernels': 'reference', 'tinymlLens.sramBudgetKB': 32 }),
  );
  wb = await openWorkbench({ workspace });
});

after(async () => {
  await wb?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

async function openModel(w: Workbench, name: string) {
  await w.runCommand('View: Close All Editors');
  await w.explorerItem(name).dblclick();
  const p = w.panel();
  await p.locator('.chart rect.bar').first().waitFor({ timeout: 60_000 });
  return p;
}

test("vww_96_float: the peak marker, the caption, the table's ◆ and the finding name one peak", { skip }, async () => {
  const w = wb!;
  await w.capture('consistency-peak', async () => {
    const p = await openModel(w, 'vww_96_float.tflite');
    const bars = p.locator('.chart rect.bar');
    const heights = (await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bytes'))))) as number[];
    const marker = p.locator('.chart rect.bar.peak');
    assert.equal(await marker.count(), 1, 'one peak marker');
    const layer = await marker.getAttribute('data-layer');
    const bytes = Number(await marker.getAttribute('data-bytes'));
    // The marker is the tallest column.
    assert.equal(bytes, Math.max(...heights), `marker ${bytes} B, columns up to ${Math.max(...heights)} B`);
    const kb = formatBytes(bytes);
    // The caption names the same layer and size.
    const caption = await p.locator('.timeline .caption').innerText();
    assert.match(caption, new RegExp(`layer ${layer} \\w+, ${kb.replace('.', '\\.')}$`), caption);
    // The table's ◆ row is that layer.
    const diamond = p.locator('tr.peak');
    assert.equal(await diamond.count(), 1);
    assert.equal((await diamond.locator('td').first().innerText()).trim(), layer);
    // The arena card says the same size.
    const cards = await p.locator('.card').allInnerTexts();
    assert.ok(
      cards.some((c) => c.includes(kb)),
      `${kb} in ${cards.join(' | ')}`,
    );
    await w.screenshot('consistency-vww-panel');

    // Problems: the SRAM error names that arena and that layer, and is listed once.
    const deadline = Date.now() + 60_000;
    let rows: string[] = [];
    const ours = (r: string) => r.includes(`Tensor arena ${kb}`) && /exceeds 32 KB SRAM/.test(r);
    while (Date.now() < deadline) {
      rows = await w.problems();
      if (rows.some(ours)) break;
      await w.page.waitForTimeout(500);
    }
    const found = rows.filter(ours);
    assert.equal(found.length, 1, `Problems rows: ${rows.join(' || ')}`);
    assert.match(found[0]!, new RegExp(`peak at layer ${layer} \\w+`));
    // No file group for a layer view nobody opened (the finding only points there).
    assert.ok(!rows.some((r) => /problems? in file \S+\.layers\b/.test(r)), `Problems rows: ${rows.join(' || ')}`);
    await w.screenshot('consistency-vww-problems');
  });
});

test('KWS on a 32 KB budget: the budget line is what the verdict compares, and labelled', { skip }, async () => {
  const w = wb!;
  await w.capture('consistency-budget', async () => {
    await w.runCommand('View: Hide Panel');
    const p = await openModel(w, 'kws_ref_model.tflite');
    // The verdict: arena + reserve against SRAM, in the SRAM meter ("38.2 KB / 32 KB (119%) (reserved 16 KB)").
    const meter = await p.locator('.meter-row', { hasText: 'SRAM' }).locator('.meter-value').innerText();
    const m = /^([\d.]+ KB) \/ ([\d.]+) KB \(\d+%\) \(reserved ([\d.]+) KB\)/.exec(meter);
    assert.ok(m, meter);
    const [, used, sramKb, reservedKb] = m;
    assert.match(await p.locator('header vscode-tag').innerText(), /does not fit/i);
    const budget = (Number(sramKb) - Number(reservedKb)) * 1024;
    // The line sits at SRAM less the reserve, and says so.
    assert.equal((await p.locator('.chart .budget-label').textContent())?.trim(), formatBytes(budget));
    assert.match(await p.locator('.timeline .legend').innerText(), new RegExp(`arena budget ${formatBytes(budget)} \\(SRAM less the reserve\\)`));
    // The tallest column plus the reserve is what the verdict counts as used.
    const marker = p.locator('.chart rect.bar.peak');
    const peakBytes = Number(await marker.getAttribute('data-bytes'));
    assert.equal(formatBytes(peakBytes + Number(reservedKb) * 1024), used);
    // It does not fit, so the peak column stands above the line.
    const [barTop, lineY] = await Promise.all([marker.getAttribute('y'), p.locator('.chart line.budget').getAttribute('y1')]);
    assert.ok(Number(barTop) < Number(lineY), `column top ${barTop} vs line ${lineY}`);
    await p.locator('.timeline').scrollIntoViewIfNeeded();
    await w.screenshot('consistency-kws-budget');
  });
});

test('the timeline is one tab stop with arrow keys inside; so are the table rows', { skip }, async () => {
  const w = wb!;
  await w.capture('consistency-keys', async () => {
    const p = w.panel();
    assert.equal(await p.locator('.chart rect[tabindex="0"]').count(), 1);
    assert.equal(await p.locator('.layer-table tbody tr[tabindex="0"]').count(), 1);
    const marker = p.locator('.chart rect.bar.peak');
    const layer = Number(await marker.getAttribute('data-layer'));
    await marker.focus();
    await w.page.keyboard.press('ArrowRight');
    const next = p.locator(`.chart rect[data-layer="${layer + 1}"]`);
    assert.equal(await next.evaluate((e) => e.matches(':focus')), true, 'ArrowRight moves to the next column');
    assert.match(await p.locator('.timeline .readout').innerText(), new RegExp(`layer ${layer + 1} `));
    const first = p.locator('.layer-table tbody tr[tabindex="0"]');
    await first.focus();
    const before = await first.getAttribute('data-row');
    await w.page.keyboard.press('ArrowDown');
    const row = p.locator(`.layer-table tbody tr[data-row="${Number(before) + 1}"]`);
    assert.equal(await row.evaluate((e) => e.matches(':focus')), true, 'ArrowDown moves to the next row');
    assert.equal(await p.locator('.layer-table tbody tr[tabindex="0"]').count(), 1);
  });
});
