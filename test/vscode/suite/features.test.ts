/**
 * The extension's features in a real VS Code, on the example workspace: the model panel opens
 * as the custom editor, diagnostics follow the SRAM budget, the layer view's hovers give a
 * layer's memory cost, and the status bar shows the active model's arena.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TinymlLensApi } from '../../../src/vscode/extension';
import { until } from './until';

const EXTENSION_ID = 'tinyml-lens.tinyml-lens';

async function api(): Promise<TinymlLensApi> {
  const ext = vscode.extensions.getExtension<TinymlLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext.activate();
}

async function model(name: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`);
  assert.ok(uri, `${name} is not in the workspace`);
  return uri;
}

const layerView = (m: vscode.Uri): vscode.Uri => vscode.Uri.from({ scheme: 'tinyml-layers', path: `${m.path}.layers`, query: m.toString() });
const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('tinymlLens');

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

  test("the status bar shows the active model's arena against SRAM", async () => {
    const { statusBar } = await api();
    const text = await until(() => (statusBar.item.text.includes('Arena') ? statusBar.item.text : undefined), 'the status bar item');
    assert.match(text, /^\$\(pass\) Arena [\d.]+ KB \/ 256 KB$/);
  });

  test('the camera-trap model gets an SRAM error on its peak layer and on the file', async () => {
    const cam = await model('camera_trap_mobilenet_int8.tflite');
    const onLayers = await until(() => {
      const d = vscode.languages.getDiagnostics(layerView(cam)).filter((x) => x.code === 'sram-over');
      return d.length ? d : undefined;
    }, 'the sram-over diagnostic');
    assert.equal(onLayers[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(onLayers[0]!.message, /^Tensor arena [\d.]+ KB \+ 16 KB reserved exceeds 256 KB SRAM on Arduino Nano 33 BLE Sense; peak at layer \d+ \w+/);
    // The diagnostic sits on the peak layer's line of the layer view.
    const doc = await vscode.workspace.openTextDocument(layerView(cam));
    const peak = /peak at layer (\d+) (\w+)/.exec(onLayers[0]!.message)!;
    assert.match(doc.lineAt(onLayers[0]!.range.start.line).text, new RegExp(`^${peak[1]}\\s+${peak[2]}\\s`));
    const onFile = vscode.languages.getDiagnostics(cam);
    assert.equal(onFile.length, 1);
    assert.equal(onFile[0]!.severity, vscode.DiagnosticSeverity.Error);
  });

  test('diagnostics appear when the budget tightens and go when it grows', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const errors = () => vscode.languages.getDiagnostics(layerView(kws)).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
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
    const late = () => vscode.languages.getDiagnostics(layerView(kws)).filter((d) => d.code === 'latency-over');
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
});
