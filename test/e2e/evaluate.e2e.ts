/**
 * "Evaluate…" as a user meets it, on a small labeled set written into the workspace
 * (test/helpers/labeledSet.ts: five class folders of .npy samples, a float classifier and its
 * int8 version): the int8 model's panel → Evaluate… → a folder of class folders, typed into the
 * file dialog → both versions pre-selected → the panel shows top-1, agreement, two confusion
 * matrices and the changed predictions; clicking one (and pressing Enter on another) opens that
 * sample. The explorer's context menu offers the command too. Screenshots:
 * .test-artifacts/e2e/evaluate*.png.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeLabeledSet } from '../helpers/labeledSet';
import { openWorkbench, type Workbench } from './harness';

let wb: Workbench;

/** Fifteen classes: more than the matrix shows without scrolling. */
const WIDE_CLASSES = Array.from({ length: 15 }, (_, i) => `class_${String(i).padStart(2, '0')}`);

before(async () => {
  wb = await openWorkbench();
  await writeLabeledSet(wb.workspace);
  await writeLabeledSet(wb.workspace, { stem: 'wide', classes: WIDE_CLASSES, dataName: 'wide_data' });
});

/** Picks "A folder of class folders…" and types `folder` into code-server's file dialog, a quick input. */
async function chooseDataFolder(folder: string): Promise<void> {
  const { page } = wb;
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const folderChoice = rows.filter({ hasText: 'A folder of class folders…' }).first();
  await folderChoice.waitFor({ state: 'visible', timeout: 30_000 });
  await folderChoice.click();
  const input = page.locator('.quick-input-widget input').first();
  const accept = page.locator('.quick-input-widget .monaco-button', { hasText: 'Evaluate on this folder' }).first();
  await accept.waitFor({ state: 'visible', timeout: 15_000 });
  // The dialog fills in its starting folder after it opens, over anything typed before: type until the folder's content shows.
  for (let attempt = 0; ; attempt++) {
    await input.fill(`${folder}/`);
    try {
      await rows
        .filter({ hasText: /^\.\.$/ })
        .first()
        .waitFor({ state: 'visible', timeout: 5_000 });
      await page.waitForTimeout(500);
      if ((await input.inputValue()) === `${folder}/`) break;
      if (attempt >= 3) throw new Error(`the file dialog shows ${await input.inputValue()}`);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  await accept.click();
}

after(async () => {
  await wb?.close();
});

test('the explorer offers "Evaluate on Labeled Data…" on a model', async () => {
  await wb.capture('evaluate-menu', async () => {
    const items = await wb.explorerContextMenu('pets_float_int8.tflite', 'Evaluate on Labeled Data…');
    assert.ok(items.includes('Evaluate on Labeled Data…'), `context menu items: ${items.join(' | ')}`);
    await wb.page.keyboard.press('Escape');
  });
});

test('panel → Evaluate… → data folder → both versions: accuracy, confusion matrices and changed samples that open', async () => {
  await wb.capture('evaluate', async () => {
    const { page } = wb;
    await wb.explorerItem('pets_float_int8.tflite').dblclick();
    const p = wb.panel();
    await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
    await p.locator('#evaluate-models').click();

    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'A folder of class folders…' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('evaluate-data-choice');
    await chooseDataFolder(join(wb.workspace, 'data'));
    const input = page.locator('.quick-input-widget input').first();

    const int8Row = rows.filter({ hasText: 'pets_float_int8.tflite' }).first();
    await int8Row.waitFor({ state: 'visible', timeout: 30_000 });
    const listed = (await rows.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    assert.match(listed[0] ?? '', /^pets_float\.tflite/, listed.join(' | '));
    assert.match(listed[1] ?? '', /^pets_float_int8\.tflite/, listed.join(' | '));
    assert.equal(
      await page.locator('.quick-input-list .monaco-list-row .monaco-checkbox.checked, .quick-input-list .monaco-list-row input:checked').count(),
      2,
    );
    await wb.screenshot('evaluate-models');
    await input.press('Enter');

    const section = p.locator('section.evaluate');
    await section.waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await section.locator('h3').first().innerText(), /Evaluation: data/i);
    assert.match(await section.locator('p.detail').first().innerText(), /35 samples · 5 classes/);
    const summary = await section.locator('table.eval-summary tbody tr').allInnerTexts();
    assert.equal(summary.length, 2, summary.join(' | '));
    assert.match(summary[0]!, /pets_float\.tflite\s+85\.7%\s+—\s+the reference/);
    assert.match(summary[1]!, /pets_float_int8\.tflite\s+74\.3%\s+—\s+88\.6%\s+4/);
    const matrices = section.locator('table.confusion');
    assert.equal(await matrices.count(), 2);
    assert.equal(await matrices.first().locator('tbody td.diag').count(), 5);
    assert.equal(await matrices.first().locator('tbody td.off').count(), 20);
    // The diagonal is heated by each class's share: 6 of 7 samples right.
    const heat = await matrices.first().locator('tbody td.diag').first().getAttribute('style');
    assert.match(heat ?? '', /--heat: 60%/);
    await section.scrollIntoViewIfNeeded();
    await matrices.nth(1).scrollIntoViewIfNeeded();
    await wb.screenshot('evaluate-results');

    const links = section.locator('ul.changed a.sample');
    assert.equal(await links.count(), 4);
    assert.deepEqual(await links.allInnerTexts(), ['cat/sample_30.npy', 'dog/sample_31.npy', 'frog/sample_32.npy', 'horse/sample_33.npy']);
    await links.first().click();
    await page.locator('.tabs-container .tab', { hasText: 'sample_30.npy' }).waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('evaluate-open-sample');

    // The keyboard reaches the links too (the panel stays beside the sample).
    await links.nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    await links.nth(1).focus();
    await links.nth(1).press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'sample_31.npy' }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(wb.pageErrors, []);
  });
});

test('fifteen classes: the confusion matrix scrolls inside its own focusable region', async () => {
  await wb.capture('evaluate-wide', async () => {
    const { page } = wb;
    await wb.runCommand('View: Close All Editors');
    await wb.explorerContextMenu('wide_float.tflite', 'Evaluate on Labeled Data…');
    await wb.clickMenuItem('Evaluate on Labeled Data…');
    await chooseDataFolder(join(wb.workspace, 'wide_data'));
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'wide_float_int8.tflite' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.quick-input-widget input').first().press('Enter');
    const p = wb.panel();
    const section = p.locator('section.evaluate');
    await section.waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await section.locator('p.detail').first().innerText(), /15 classes/);
    const region = section.locator('.confusion-scroll').first();
    assert.equal(await region.locator('tbody tr').count(), 15);
    const size = await region.evaluate((r) => ({ scroll: r.scrollHeight, client: r.clientHeight, tabIndex: r.tabIndex }));
    assert.ok(size.scroll > size.client, `the matrix does not scroll: ${JSON.stringify(size)}`);
    assert.equal(size.tabIndex, 0);
    await region.focus();
    await region.press('PageDown');
    await region.scrollIntoViewIfNeeded();
    await wb.screenshot('evaluate-wide');
  });
});
