/**
 * A 27 MB model with 440 layers opens in the panel and its table renders only the rows on
 * screen (screenshot: .test-artifacts/e2e/big-model.png).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { openWorkbench, type Workbench } from './harness';
import { writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';

const LAYERS = 440;

function bigModel(): Uint8Array {
  const g = new GraphBuilder('a 27 MB stack of dense layers');
  const sg = g.subgraph();
  let x = sg.tensor({ name: 'input', shape: [1, 128], dtype: 'float32' });
  const input = x;
  for (let i = 0; i < LAYERS; i++) {
    const w = sg.tensor({ name: `dense_${i}/w`, shape: [128, 128], dtype: 'float32', data: new Float32Array(128 * 128).fill(i / LAYERS) });
    const y = sg.tensor({ name: `dense_${i}`, shape: [1, 128], dtype: 'float32' });
    sg.op({ op: 'FULLY_CONNECTED', inputs: [x, w, -1], outputs: [y], options: makeOptions('FullyConnectedOptions') });
    x = y;
  }
  sg.io([input], [x]);
  return writeModel(g.build());
}

let wb: Workbench;

let workspace: string;

before(async () => {
  // The model is in the workspace before the window opens, as a user's would be.
  workspace = mkdtempSync(join(tmpdir(), 'tinyml-big-'));
  const bytes = bigModel();
  assert.ok(bytes.length > 27 * 1024 * 1024, `${bytes.length} bytes`);
  writeFileSync(join(workspace, 'big_dense.tflite'), bytes);
  wb = await openWorkbench({ workspace });
});

after(async () => {
  await wb?.close();
  rmSync(workspace, { recursive: true, force: true });
});

test('a 27 MB, 440-layer model opens and its table renders virtually', async () => {
  await wb.capture('big-model', async () => {
    const row = wb.explorerItem('big_dense.tflite');
    await row.waitFor({ timeout: 30_000 });
    await row.dblclick();
    const p = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 60_000 });
    const cards = await p.locator('.card').allInnerTexts();
    assert.ok(
      cards.some((c) => /OPERATORS\s+440/i.test(c)),
      cards.join(' | '),
    );
    // Only a window of rows is in the page, not all 440.
    const rendered = await p.locator('.layer-table tbody tr:not(.spacer)').count();
    assert.ok(rendered > 10 && rendered < 100, `${rendered} rows rendered`);
    // Scrolling to the end brings the last layers in.
    const table = p.locator('.table-scroll');
    await table.scrollIntoViewIfNeeded();
    // Spacers stand in for the unrendered rows: the scroll range covers every layer.
    const height = await table.evaluate((el) => el.scrollHeight);
    assert.ok(height > 440 * 20, `scroll height ${height}`);
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await wb.page.waitForTimeout(200);
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await p
      .locator('.layer-table tbody tr', { hasText: 'FULLY_CONNECTED' })
      .filter({ hasText: /^\s*439/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await wb.screenshot('big-model');
  });
});
