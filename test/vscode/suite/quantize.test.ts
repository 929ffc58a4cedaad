/**
 * Quantize to int8 from VS Code: a float model written by our writer, calibrated on a folder
 * of .npy files, becomes `<name>_int8.tflite` with its report, opens in the panel, and a
 * random-data calibration leaves a warning in the Problems panel.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { GraphBuilder } from '../../../src/model/graphBuilder';
import { writeNpy } from '../../../src/runtime/inputs/npy';
import type { QuantizationReport } from '../../../src/quantize/report';
import { prng } from '../../../src/util/prng';
import { until } from './until';
import { writeModel } from '../../../src/model/io';
import { makeOptions } from '../../../src/model/ops';

function floatModel(): Uint8Array {
  const r = prng(5);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const input = sg.tensor({ name: 'input', shape: [1, 8, 8, 1], dtype: 'float32' });
  const w = sg.tensor({ name: 'conv/w', shape: [4, 3, 3, 1], dtype: 'float32', data: Float32Array.from({ length: 36 }, () => r() - 0.5) });
  const b = sg.tensor({ name: 'conv/b', shape: [4], dtype: 'float32', data: Float32Array.from({ length: 4 }, () => r() * 0.1) });
  const c = sg.tensor({ name: 'conv/out', shape: [1, 8, 8, 4], dtype: 'float32' });
  const shape = sg.tensor({ name: 'shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 256]) });
  const flat = sg.tensor({ name: 'flat', shape: [1, 256], dtype: 'float32' });
  const fw = sg.tensor({ name: 'fc/w', shape: [3, 256], dtype: 'float32', data: Float32Array.from({ length: 768 }, () => (r() - 0.5) * 0.2) });
  const fb = sg.tensor({ name: 'fc/b', shape: [3], dtype: 'float32', data: new Float32Array(3) });
  const logits = sg.tensor({ name: 'logits', shape: [1, 3], dtype: 'float32' });
  const probs = sg.tensor({ name: 'probs', shape: [1, 3], dtype: 'float32' });
  sg.op({
    op: 'CONV_2D',
    inputs: [input, w, b],
    outputs: [c],
    options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' }),
  })
    .op({ op: 'RESHAPE', inputs: [c, shape], outputs: [flat], options: makeOptions('ReshapeOptions', { newShape: [1, 256] }) })
    .op({ op: 'FULLY_CONNECTED', inputs: [flat, fw, fb], outputs: [logits], options: makeOptions('FullyConnectedOptions') })
    .op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) })
    .io([input], [probs]);
  return writeModel(g.build());
}

suite('quantize in VS Code', () => {
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;
  const created: vscode.Uri[] = [];
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of created) await vscode.workspace.fs.delete(u, { recursive: true }).then(undefined, () => undefined);
  });

  test('a float model calibrated on a folder of .npy files becomes <name>_int8.tflite with its report', async () => {
    const model = vscode.Uri.joinPath(root(), 'tiny_float.tflite');
    const data = vscode.Uri.joinPath(root(), 'calibration');
    created.push(model, data, vscode.Uri.joinPath(root(), 'tiny_float_int8.tflite'), vscode.Uri.joinPath(root(), 'tiny_float_int8.report.json'));
    await vscode.workspace.fs.writeFile(model, floatModel());
    const r = prng(9);
    for (let i = 0; i < 12; i++) {
      await vscode.workspace.fs.writeFile(
        vscode.Uri.joinPath(data, `sample_${i}.npy`),
        writeNpy({ dtype: 'float32', shape: [1, 8, 8, 1], data: Float32Array.from({ length: 64 }, () => r()) }),
      );
    }
    const report = await vscode.commands.executeCommand<QuantizationReport | undefined>('tinymlLens.quantizeModel', model, {
      calibration: data.fsPath,
      overwrite: true,
    });
    assert.ok(report, 'the quantization returned nothing');
    assert.equal(report.options.randomCalibration, false);
    assert.ok(report.options.calibrationSamples > 0);
    assert.ok(report.size.afterBytes < report.size.beforeBytes);
    const int8 = vscode.Uri.joinPath(root(), 'tiny_float_int8.tflite');
    const stat = await vscode.workspace.fs.stat(int8);
    assert.ok(stat.size > 0);
    const json = JSON.parse(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root(), 'tiny_float_int8.report.json'))),
    ) as QuantizationReport;
    assert.equal(json.options.io, 'int8');
    // The new model opens in its panel.
    const tab = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === int8.toString());
    assert.ok(tab, 'the int8 model is open in the model panel');
  });

  test('an int8 model is not quantized twice', async () => {
    const [kws] = await vscode.workspace.findFiles('**/kws_ds_cnn_int8.tflite');
    const report = await vscode.commands.executeCommand<QuantizationReport | undefined>('tinymlLens.quantizeModel', kws, {
      randomCalibration: true,
      overwrite: true,
    });
    assert.equal(report, undefined);
  });

  test('ops the int8 path cannot handle can stay in float', async function () {
    // The shared LSTM model: UNIDIRECTIONAL_SEQUENCE_LSTM has no int8 path in the quantizer.
    const shared = process.env.TINYML_SHARED ?? join(__dirname, '..', '..', '..', '..', '..', 'shared');
    const lstm = join(shared, 'models', 'tflm', 'other', 'trained_lstm.tflite');
    if (!existsSync(lstm)) return this.skip();
    const model = vscode.Uri.joinPath(root(), 'lstm_float.tflite');
    created.push(model, vscode.Uri.joinPath(root(), 'lstm_float_int8.tflite'), vscode.Uri.joinPath(root(), 'lstm_float_int8.report.json'));
    await vscode.workspace.fs.writeFile(model, readFileSync(lstm));
    const report = await vscode.commands.executeCommand<QuantizationReport | undefined>('tinymlLens.quantizeModel', model, {
      randomCalibration: true,
      overwrite: true,
      keepFloat: true,
    });
    assert.ok(report, 'the quantization returned nothing');
    assert.deepEqual(
      report.keptFloat.map((k) => k.op),
      ['UNIDIRECTIONAL_SEQUENCE_LSTM'],
    );
  });

  test('random-data calibration warns in the report and in the Problems panel', async () => {
    const model = vscode.Uri.joinPath(root(), 'tiny_random.tflite');
    const int8 = vscode.Uri.joinPath(root(), 'tiny_random_int8.tflite');
    created.push(model, int8, vscode.Uri.joinPath(root(), 'tiny_random_int8.report.json'));
    await vscode.workspace.fs.writeFile(model, floatModel());
    const report = await vscode.commands.executeCommand<QuantizationReport | undefined>('tinymlLens.quantizeModel', model, {
      randomCalibration: true,
      overwrite: true,
    });
    assert.ok(report);
    assert.equal(report.options.randomCalibration, true);
    assert.ok(
      report.warnings.some((w) => /random/i.test(w)),
      report.warnings.join(' | '),
    );
    const warning = await until(() => vscode.languages.getDiagnostics(int8).find((d) => d.code === 'random-calibration'), 'the random-calibration warning');
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
  });
});
