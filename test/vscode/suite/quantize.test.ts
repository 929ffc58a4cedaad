/**
 * Quantize to int8 from VS Code: a float model written by our writer, calibrated on a folder
 * of .npy files, becomes `<name>_int8.tflite` with its report, opens in the panel, and a
 * random-data calibration leaves a warning in the Problems panel.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { floatClassifier } from '../../helpers/floatClassifier';
import { svdfModel } from '../../helpers/fixtures';
import { writeModel } from '../../../src/model/io';
import { writeNpy } from '../../../src/runtime/inputs/npy';
import type { QuantizationReport } from '../../../src/quantize/report';
import { prng } from '../../../src/util/prng';
import { until } from './until';

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
    await vscode.workspace.fs.writeFile(model, floatClassifier());
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

  test('ops the int8 path cannot handle can stay in float', async () => {
    // SVDF has no int8 path in the quantizer (the LSTM has one now).
    const model = vscode.Uri.joinPath(root(), 'svdf_float.tflite');
    created.push(model, vscode.Uri.joinPath(root(), 'svdf_float_int8.tflite'), vscode.Uri.joinPath(root(), 'svdf_float_int8.report.json'));
    await vscode.workspace.fs.writeFile(model, writeModel(svdfModel()));
    const report = await vscode.commands.executeCommand<QuantizationReport | undefined>('tinymlLens.quantizeModel', model, {
      randomCalibration: true,
      overwrite: true,
      keepFloat: true,
    });
    assert.ok(report, 'the quantization returned nothing');
    assert.deepEqual(
      report.keptFloat.map((k) => k.op),
      ['SVDF'],
    );
  });

  test('random-data calibration warns in the report and in the Problems panel', async () => {
    const model = vscode.Uri.joinPath(root(), 'tiny_random.tflite');
    const int8 = vscode.Uri.joinPath(root(), 'tiny_random_int8.tflite');
    created.push(model, int8, vscode.Uri.joinPath(root(), 'tiny_random_int8.report.json'));
    await vscode.workspace.fs.writeFile(model, floatClassifier());
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
