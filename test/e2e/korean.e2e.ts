/**
 * TinyML Lens under a Korean VS Code: the Problems panel shows the fit findings in Korean.
 * code-server runs with `--locale ko` and a Korean language pack (scripts/vscode/languagePack.mjs),
 * so the extension host reports `ko` and vscode.l10n loads l10n/bundle.l10n.ko.json. The
 * workspace's camera-trap model does not fit the default board's SRAM; Optimize Memory runs on a
 * model whose branches TFLM interleaves (the example models are already optimal, so nothing
 * would be written for them).
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeModel } from '../../src/model/io';
import { branchModel } from '../helpers/branchModel';
import { openWorkbench, type Workbench } from './harness';

let wb: Workbench;

before(async () => {
  // The extension's command titles come from package.nls.ko.json here.
  wb = await openWorkbench({ locale: 'ko', readyCommand: 'TinyML Lens: 모델 분석' });
  writeFileSync(join(wb.workspace, 'branches.tflite'), writeModel(branchModel()));
});

after(async () => {
  await wb?.close();
});

test('the Problems panel shows Korean findings under a Korean VS Code', async () => {
  await wb.capture('problems-ko', async () => {
    const korean = /텐서 아레나\([\d.]+ KB \+ 예약 16 KB\)가 Arduino Nano 33 BLE Sense의 SRAM 용량\(256 KB\)을 초과합니다; 최대 사용 지점: 레이어 \d+ \w+/;
    const deadline = Date.now() + 60_000;
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await wb.problems();
      if (rows.some((r) => korean.test(r))) break;
      await wb.page.waitForTimeout(500);
    }
    assert.ok(
      rows.some((r) => korean.test(r)),
      `Problems rows: ${rows.join(' || ')}`,
    );
    // No finding is left in English.
    assert.deepStrictEqual(
      rows.filter((r) => /Tensor arena|exceeds|SRAM on/.test(r)),
      [],
    );
    await wb.screenshot('problems-ko');
  });
});

test('Optimize Memory speaks Korean: the menu, the question and the panel section', async () => {
  await wb.capture('optimize-ko', async () => {
    await wb.explorerContextMenu('branches.tflite', '메모리 최적화…');
    await wb.clickMenuItem('메모리 최적화…');
    const choice = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: '배치와 연산자 순서' }).first();
    await choice.waitFor({ state: 'visible', timeout: 30_000 });
    await choice.click();
    const p = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const section = p.locator('section.optimize');
    await section.waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await section.locator('h3').first().innerText(), /^아레나 최적화:/);
    assert.match(await section.locator('.cards').innerText(), /그리디 \(TFLM\)[\s\S]*최적화 후[\s\S]*하한/);
    assert.match(await section.locator('.verdict').innerText(), /최적: 계획이 하한에 도달했습니다|하한과의 차이/);
    await section.scrollIntoViewIfNeeded();
    await wb.screenshot('optimize-ko');
  });
});
