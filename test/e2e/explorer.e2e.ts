/**
 * The explorer offers "Analyze Model" on a .tflite file: right-click the keyword-spotting
 * example in a real VS Code and find the item (screenshot: .test-artifacts/e2e/explorer-context-menu.png).
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

test('right-clicking a .tflite file in the explorer offers "Analyze Model"', async () => {
  await wb.capture('explorer-context-menu', async () => {
    const items = await wb.explorerContextMenu('kws_ds_cnn_int8.tflite', 'Analyze Model');
    assert.ok(items.includes('Analyze Model'), `context menu items: ${items.join(' | ')}`);
    const shot = await wb.screenshot('explorer-context-menu');
    assert.ok(shot.endsWith('.png'));
    await wb.page.keyboard.press('Escape');
  });
  assert.deepEqual(
    wb.blocked.filter((u) => !u.startsWith('http://127.0.0.1')),
    wb.blocked,
    'only non-local requests are blocked',
  );
});
