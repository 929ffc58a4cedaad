/**
 * Running models and comparing float with int8 from VS Code: the commands run in the worker
 * and their results reach the model panel.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { model } from './workspace';
import { writeNpy } from '../../../src/runtime/inputs/npy';
import type { CompareView, RunView } from '../../../src/shared/protocol';
import { Cancelled } from '../../../src/errors';
import { withWorkerProgress } from '../../../src/vscode/runCommands';

suite('runtime in VS Code', () => {
  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test("Run Model runs the KWS example on a .npy input and shows a classifier's top-5", async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-run-'));
    const input = join(dir, 'mfcc.npy');
    // Real values are quantized with the input's own scale and zero point.
    writeFileSync(input, writeNpy({ dtype: 'float32', shape: [1, 49, 10, 1], data: Float32Array.from({ length: 490 }, (_, i) => Math.sin(i / 7) * 0.5) }));
    const run = await vscode.commands.executeCommand<RunView | undefined>('tinymlLens.runModel', kws, [vscode.Uri.file(input)]);
    assert.ok(run, 'the run returned nothing');
    assert.equal(run.rounding, 'tflm');
    assert.equal(run.outputs.length, 1);
    assert.deepEqual(run.outputs[0]!.shape, [1, 12]);
    assert.equal(run.outputs[0]!.summary.top5.length, 5);
    // Softmax probabilities sum to about 1.
    assert.ok(run.outputs[0]!.summary.mean * 12 > 0.9 && run.outputs[0]!.summary.mean * 12 < 1.1);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(tab instanceof vscode.TabInputCustom && tab.viewType === 'tinymlLens.model', 'the panel shows the result');
  });

  test('a wrong input gives a clear error and no result', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-run-'));
    const input = join(dir, 'short.npy');
    writeFileSync(input, writeNpy({ dtype: 'float32', shape: [10], data: new Float32Array(10) }));
    const run = await vscode.commands.executeCommand<RunView | undefined>('tinymlLens.runModel', kws, [vscode.Uri.file(input)]);
    assert.equal(run, undefined);
  });

  test('Compare Float and Int8 reports per-layer SQNR for a model and its sibling', async () => {
    const int8 = await model('kws_ds_cnn_int8.tflite');
    // Comparing a model with itself (as the "float" side) gives infinite SQNR everywhere.
    const dir = vscode.Uri.joinPath(int8, '..');
    const copy = vscode.Uri.joinPath(dir, 'kws_ds_cnn_float.tflite');
    await vscode.workspace.fs.copy(int8, copy, { overwrite: true });
    try {
      const view = await vscode.commands.executeCommand<CompareView | undefined>('tinymlLens.compareModels', int8, { random: true });
      assert.ok(view, 'the comparison returned nothing');
      assert.equal(view.floatName, 'kws_ds_cnn_float.tflite');
      assert.equal(view.result.layers.length, 13);
      assert.ok(view.result.layers.every((l) => l.sqnrDb === Infinity && l.cosine === 1));
      assert.equal(view.result.agreement.top1Agreement, 1);
    } finally {
      await vscode.workspace.fs.delete(copy);
    }
  });

  test('Compare accepts a folder of inputs: one sample per file in it', async () => {
    const int8 = await model('kws_ds_cnn_int8.tflite');
    const copy = vscode.Uri.joinPath(int8, '..', 'kws_ds_cnn_float.tflite');
    await vscode.workspace.fs.copy(int8, copy, { overwrite: true });
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-samples-'));
    for (const k of [0, 1, 2]) {
      writeFileSync(
        join(dir, `s${k}.npy`),
        writeNpy({ dtype: 'float32', shape: [1, 49, 10, 1], data: Float32Array.from({ length: 490 }, (_, i) => Math.sin((i + k) / 5) * 0.5) }),
      );
    }
    writeFileSync(join(dir, 'notes.txt'), 'not an input');
    try {
      const view = await vscode.commands.executeCommand<CompareView | undefined>('tinymlLens.compareModels', int8, { samples: [vscode.Uri.file(dir)] });
      assert.ok(view, 'the comparison returned nothing');
      assert.equal(view.samples, '3');
      assert.equal(view.result.random, false);
    } finally {
      await vscode.workspace.fs.delete(copy);
    }
  });

  test('a cancelled job says it was cancelled', async () => {
    const told: string[] = [];
    const result = await withWorkerProgress(
      'Quantizing model.tflite',
      async () => {
        throw new Cancelled();
      },
      { tell: (message) => told.push(message) },
    );
    assert.equal(result, undefined);
    assert.deepEqual(told, ['Quantizing model.tflite: cancelled.']);
  });
});
