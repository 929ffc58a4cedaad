/**
 * The extension is installed in the real VS Code, activates on a workspace holding .tflite
 * models (activationEvents: workspaceContains), and registers its commands.
 */
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { until } from './until';

const EXTENSION_ID = 'tinyml-lens.tinyml-lens';

suite('activation', () => {
  test('the workspace holds the example models', async () => {
    const models = await vscode.workspace.findFiles('**/*.tflite');
    const names = models.map((u) => u.path.split('/').pop()).sort();
    assert.ok(names.includes('kws_ds_cnn_int8.tflite'), `models found: ${names.join(', ') || 'none'}`);
  });

  test(`${EXTENSION_ID} is present and activates on the workspace by itself`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(
      ext,
      `${EXTENSION_ID} is not installed; extensions: ${vscode.extensions.all
        .map((e) => e.id)
        .filter((id) => !id.startsWith('vscode.'))
        .join(', ')}`,
    );
    // workspaceContains:**/*.tflite activates it without anyone calling activate().
    await until(() => ext.isActive, 'the extension to activate on a workspace with .tflite files', 30_000);
    const api = await ext.activate();
    assert.ok(api, 'activate() returned no API');
  });

  test('tinymlLens.analyzeModel is registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('tinymlLens.analyzeModel'), 'command tinymlLens.analyzeModel not found');
  });
});
