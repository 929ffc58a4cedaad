/**
 * The extension's features in a real VS Code, on the example workspace: the model panel opens
 * as the custom editor, diagnostics follow the SRAM budget, the layer view's hovers give a
 * layer's memory cost, and the status bar shows the active model's arena.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { until } from './until';
import { api, findings, layerView, model } from './workspace';
import { formatBytes } from '../../../src/util/formatBytes';
import { PanelPort } from '../../../src/vscode/panelPort';
import { ourRejections } from './rejections';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('tinymlLens');
const isOpen = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

suite('features', () => {
  suiteTeardown(async () => {
    await config().update('sramBudgetKB', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opening a .tflite opens the model panel (custom editor)', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    await vscode.commands.executeCommand('vscode.open', kws);
    const tab = await until(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.viewType === 'tinymlLens.model' ? input : undefined;
    }, 'the model panel tab');
    assert.equal(tab.uri.toString(), kws.toString());
  });

  test("the status bar shows the active model's arena against SRAM, the reserve it adds named", async () => {
    const { statusBar, service } = await api();
    const text = await until(() => (statusBar.item.text.includes('Arena') ? statusBar.item.text : undefined), 'the status bar item');
    // Was "Arena <arena + reserve> / 256 KB": a number the panel shows nowhere, the reserve silently added.
    assert.match(text, /^\$\(pass\) Arena [\d.]+ KB \+ 16 KB reserved \/ 256 KB$/);
    const report = await service.report(await model('kws_ds_cnn_int8.tflite'));
    assert.ok(report.ok);
    // The arena is the panel's number: the analysis's total, not arena + reserve.
    assert.equal(/Arena ([\d.]+ KB)/.exec(text)?.[1], formatBytes(report.report.analysis.arena.totalBytes));
  });

  test('the camera-trap SRAM error is listed once: on the file until the layer view opens, then on its peak layer', async () => {
    const cam = await model('camera_trap_mobilenet_int8.tflite');
    const view = layerView(cam);
    const sramOver = () => findings(cam).filter((x) => x.code === 'sram-over');
    const first = await until(() => sramOver()[0], 'the sram-over diagnostic');
    assert.equal(first.severity, vscode.DiagnosticSeverity.Error);
    assert.match(first.message, /^Tensor arena [\d.]+ KB \+ 16 KB reserved exceeds 256 KB SRAM on Arduino Nano 33 BLE Sense; peak at layer \d+ \w+/);
    // Once in Problems, never on a .layers document nobody opened (it was listed on both).
    assert.equal(sramOver().length, 1);
    if (!isOpen(view)) {
      assert.equal(vscode.languages.getDiagnostics(view).length, 0, 'nothing on a layer view the user never opened');
      assert.equal(vscode.languages.getDiagnostics(cam).filter((x) => x.code === 'sram-over').length, 1);
      // It points at its layer's line.
      assert.equal(first.relatedInformation?.[0]?.location.uri.toString(), view.toString());
    }
    // Open the layer view: the error moves to the peak layer's line, still listed once.
    const doc = await vscode.workspace.openTextDocument(view);
    const onLine = await until(() => vscode.languages.getDiagnostics(view).find((x) => x.code === 'sram-over'), 'the error on the layer view');
    assert.equal(sramOver().length, 1);
    const peak = /peak at layer (\d+) (\w+)/.exec(onLine.message)!;
    assert.match(doc.lineAt(onLine.range.start.line).text, new RegExp(`^${peak[1]}\\s+${peak[2]}\\s`));
    // Every finding appears exactly once.
    const messages = findings(cam).map((d) => `${d.code}:${d.message}`);
    assert.equal(new Set(messages).size, messages.length, messages.join(' | '));
  });

  test('diagnostics appear when the budget tightens and go when it grows', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const errors = () => findings(kws).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.equal(errors().length, 0, 'the KWS model fits the default board');
    await config().update('sramBudgetKB', 24, vscode.ConfigurationTarget.Workspace);
    const tight = await until(() => (errors().length ? errors() : undefined), 'an SRAM error under a 24 KB budget');
    assert.match(tight[0]!.message, /exceeds 24 KB SRAM/);
    await config().update('sramBudgetKB', 512, vscode.ConfigurationTarget.Workspace);
    await until(() => errors().length === 0, 'the error to go under a 512 KB budget');
  });

  test("the layer view has one line per layer and its hover gives the layer's memory cost", async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const doc = await vscode.workspace.openTextDocument(layerView(kws));
    await vscode.window.showTextDocument(doc);
    const line = await until(() => {
      const k = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text).findIndex((t) => /^1\s+DEPTHWISE_CONV_2D/.test(t));
      return k >= 0 ? k : undefined;
    }, 'the layer view content');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 4));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /\*\*1 DEPTHWISE_CONV_2D\*\*/);
    assert.match(text, /Weights \(flash\) \| [\d.]+ (B|KB)/);
    assert.match(text, /Arena live at this step \| [\d.]+ KB \([\d.]+% of 512 KB SRAM/);
    assert.match(text, /MACs \| 72,000/);
    assert.match(text, /Tensors alive: `/);
    // The estimated time on the target board, marked as an estimate.
    assert.match(text, /Estimated time on Arduino Nano 33 BLE Sense @ 64 MHz \| [\d.]+ m?s \(expected [\d.]+ m?s – [\d.]+ m?s\): an estimate/);
  });

  test('a real-time budget below the estimated latency gives a warning on the slowest layer', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const late = () => findings(kws).filter((d) => d.code === 'latency-over');
    await config().update('latencyBudgetMs', 1, vscode.ConfigurationTarget.Workspace);
    const found = await until(() => (late().length ? late() : undefined), 'the latency warning');
    assert.equal(found[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(
      found[0]!.message,
      /^Estimated latency [\d.]+ m?s \(expected [\d.]+ m?s – [\d.]+ m?s\) exceeds the 1 ms real-time budget on Arduino Nano 33 BLE Sense @ 64 MHz; slowest layer \d+ CONV_2D/,
    );
    await config().update('latencyBudgetMs', undefined, vscode.ConfigurationTarget.Workspace);
    await until(() => late().length === 0, 'the latency warning to go');
  });

  test('a MicroProfiler log from the board calibrates the estimate for every model in the workspace', async () => {
    const { service } = await api();
    const kws = await model('kws_ds_cnn_int8.tflite');
    const cam = await model('camera_trap_mobilenet_int8.tflite');
    const before = await service.report(cam);
    assert.ok(before.ok && before.report.estimate);
    // MicroProfiler::Log lines for the 13 layers, twice as slow as estimated, 64,000 ticks per ms (64 MHz).
    const kwsReport = await service.report(kws);
    assert.ok(kwsReport.ok && kwsReport.report.estimate);
    const lines = kwsReport.report.estimate.layers.map((l) => `${l.op} took ${Math.round(l.ms * 2 * 64000)} ticks (${Math.floor(l.ms * 2)} ms).`);
    const log = vscode.Uri.joinPath(kws, '..', 'board.log');
    await vscode.workspace.fs.writeFile(log, new TextEncoder().encode(`${lines.join('\n')}\n`));
    try {
      const calibration = await vscode.commands.executeCommand<{ measuredMs: number; estimatedMs: number } | undefined>('tinymlLens.importProfile', kws, log);
      assert.ok(calibration, 'the import returned nothing');
      assert.ok(Math.abs(calibration.measuredMs / (2 * kwsReport.report.estimate.total.ms) - 1) < 0.05, `${calibration.measuredMs}`);
      // The other model's estimate now uses the board's fitted coefficients: about twice as slow.
      const after = await until(async () => {
        const r = await service.report(cam);
        return r.ok && r.report.estimate && r.report.estimate.total.ms > 1.5 * before.report.estimate!.total.ms ? r.report.estimate : undefined;
      }, 'the fitted estimate for the camera-trap model');
      assert.ok(after.total.ms < 2.6 * before.report.estimate.total.ms);
    } finally {
      await vscode.commands.executeCommand('tinymlLens.clearProfiles');
      await vscode.workspace.fs.delete(log);
    }
  });

  test('a post to a closed panel says false instead of throwing "Webview is disposed"', async () => {
    const panel = vscode.window.createWebviewPanel('tinymlLens.test', 'closed', vscode.ViewColumn.Active, {});
    const port = new PanelPort(panel);
    assert.equal(await port.post({ type: 'loading', fileName: 'x.tflite' }), true);
    panel.dispose();
    // VS Code itself throws: what the panel's messages used to meet after a close.
    assert.throws(() => panel.webview.postMessage({}), /disposed/i);
    assert.equal(await port.post({ type: 'loading', fileName: 'x.tflite' }), false);
    port.reveal();
  });

  test('closing a model panel while its analysis runs leaves no unhandled rejection', async () => {
    const { service } = await api();
    const cam = await model('camera_trap_mobilenet_int8.tflite');
    for (let i = 0; i < 5; i++) {
      await vscode.commands.executeCommand('vscode.openWith', cam, 'tinymlLens.model');
      // Let the panel load and show its state, as a user would see it.
      await new Promise((r) => setTimeout(r, 1000));
      // A setting changes: the visible panel asks for a fresh analysis, and the user closes it meanwhile.
      service.invalidate(cam);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await service.report(cam);
    }
    // Node reports an unhandled rejection on the next turns of the event loop.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(ourRejections(), []);
  });
});
