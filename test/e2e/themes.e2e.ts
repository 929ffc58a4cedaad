/**
 * The panel follows the editor's theme: the same model in the dark and the high-contrast
 * themes (screenshots: .test-artifacts/e2e/theme-*.png), with the text color the theme gives.
 */
import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openWorkbench, type Workbench } from './harness';

// The page's own function, called inside evaluate(); this file is compiled with Node's types, not the DOM's.
declare function getComputedStyle(element: unknown): { color: string; backgroundColor: string };

const opened: Workbench[] = [];

after(async () => {
  for (const wb of opened) await wb.close();
});

for (const [name, theme] of [
  ['dark', 'Default Dark Modern'],
  ['high-contrast', 'Default High Contrast'],
] as const) {
  test(`the panel in the ${name} theme`, async () => {
    const wb = await openWorkbench({ settings: { 'workbench.colorTheme': theme } });
    opened.push(wb);
    await wb.capture(`theme-${name}`, async () => {
      await wb.explorerItem('kws_ds_cnn_int8.tflite').dblclick();
      const p = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await p.getByText('Tensor arena (SRAM)').waitFor({ timeout: 30_000 });
      // Text is light on a dark background: the panel took the theme's colors.
      const [fg, bg] = await p.locator('body').evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]);
      const luminance = (css: string) => {
        const [r, g, bl] = (css.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
      };
      assert.ok(luminance(fg!) > luminance(bg!) + 100, `text ${fg} on ${bg}`);
      await wb.screenshot(`theme-${name}`);
    });
  });
}
