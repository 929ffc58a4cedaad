/**
 * Optimize Memory from VS Code, on the example workspace plus a model whose two branches TFLM
 * interleaves (test/helpers/branchModel.ts): that model, over a tight SRAM budget, becomes
 * `<name>_opt.tflite`, whose panel is sent the optimization and whose fit is checked in the
 * Problems panel; a model TFLM already plans at the bound (the example models) gets nothing
 * written, as in the CLI; a cancelled run writes nothing; an existing `_opt` file is replaced
 * only when the user says so.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { writeModel } from '../../../src/model/io';
import type { OptimizeView } from '../../../src/shared/protocol';
import { branchModel } from '../../helpers/branchModel';
import { until } from './until';
import { answering, api, findings, model } from './workspace';

const optimizedOf = (m: vscode.Uri): vscode.Uri => vscode.Uri.file(m.fsPath.replace(/\.tflite$/, '_opt.tflite'));

/** A model the optimizer improves, written into the workspace (the example models are already optimal). */
async function branchesModel(created: vscode.Uri[]): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, 'branches.tflite');
  if (!created.some((u) => u.toString() === uri.toString())) {
    created.push(uri);
    await vscode.workspace.fs.writeFile(uri, writeModel(branchModel()));
  }
  return uri;
}

suite('optimize memory in VS Code', () => {
  const created: vscode.Uri[] = [];
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of created) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
  });

  test('an over-budget model becomes <name>_opt.tflite; its panel gets the summary and its fit is checked', async () => {
    const branches = await branchesModel(created);
    const opt = optimizedOf(branches);
    created.push(opt);
    // A tight budget (256 KB SRAM, all but 3 KB reserved) puts this small model over it.
    const config = vscode.workspace.getConfiguration('tinymlLens');
    await config.update('reservedSramKB', 253, vscode.ConfigurationTarget.Workspace);
    try {
      const view = await vscode.commands.executeCommand<OptimizeView | undefined>('tinymlLens.optimizeMemory', branches, { reorder: true, overwrite: true });
      assert.ok(view, 'the optimization returned nothing');
      assert.equal(view.originalName, 'branches.tflite');
      assert.equal(view.optimizedName, 'branches_opt.tflite');
      assert.equal(view.reorder, true);
      assert.equal(view.timeLimitSeconds, 10, 'the time limit comes from the setting');
      const s = view.summary;
      assert.ok(s.optimizedHeadBytes < s.greedyHeadBytes, `${s.optimizedHeadBytes} >= ${s.greedyHeadBytes}`);
      assert.ok(s.optimizedHeadBytes >= s.lowerBoundBytes, `${s.optimizedHeadBytes} < ${s.lowerBoundBytes}`);
      assert.ok(s.timeline.liveBytes.length > 0);
      assert.equal(s.timeline.greedyTop.length, s.timeline.liveBytes.length);
      assert.equal(s.timeline.optimizedTop.length, s.timeline.liveBytes.length);
      await checkOptimized(opt, view);
    } finally {
      await config.update('reservedSramKB', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  async function checkOptimized(opt: vscode.Uri, view: OptimizeView): Promise<void> {
    const { editor, service } = await api();
    // The file is there and is a model the extension can read.
    assert.ok((await vscode.workspace.fs.stat(opt)).size > 0);
    const report = await until(async () => {
      const r = await service.report(opt);
      return r.ok ? r.report : undefined;
    }, 'the analysis of the optimized model');
    // Its panel is open and was sent the same summary.
    const tab = await until(
      () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === opt.toString()),
      'the optimized model in the model panel',
    );
    assert.ok(tab);
    assert.deepEqual(editor.result(opt, 'optimize')?.optimize, view);
    // Its fit findings reach the Problems panel without anyone asking (the original is over budget).
    const expected = report.verdict.findings.map((f) => f.code).sort();
    assert.ok(expected.length > 0, 'the optimized model has findings on the tight budget');
    const codes = await until(() => {
      const c = findings(opt)
        .map((d) => String(d.code))
        .sort();
      return c.length === expected.length ? c : undefined;
    }, 'the diagnostics of the optimized model');
    assert.deepEqual(codes, expected);
  }

  test('a model TFLM already plans at the bound: nothing is written, as in the CLI', async () => {
    const cam = await model('camera_trap_mobilenet_int8.tflite');
    const opt = optimizedOf(cam);
    created.push(opt);
    await vscode.workspace.fs.delete(opt).then(undefined, () => undefined);
    const view = await vscode.commands.executeCommand<OptimizeView | undefined>('tinymlLens.optimizeMemory', cam, { reorder: true, overwrite: true });
    assert.equal(view, undefined);
    assert.equal(existsSync(opt.fsPath), false, `${opt.fsPath} was written though it saves nothing`);
  });

  test('a cancelled run writes nothing', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const opt = optimizedOf(kws);
    created.push(opt);
    await vscode.workspace.fs.delete(opt).then(undefined, () => undefined);
    const stop = new AbortController();
    stop.abort();
    const view = await vscode.commands.executeCommand<OptimizeView | undefined>('tinymlLens.optimizeMemory', kws, { reorder: false, signal: stop.signal });
    assert.equal(view, undefined);
    assert.equal(existsSync(opt.fsPath), false, `${opt.fsPath} was written after a cancel`);
  });

  test('an existing <name>_opt.tflite is replaced only when the user says so', async () => {
    const branches = await branchesModel(created);
    const opt = optimizedOf(branches);
    created.push(opt);
    const mine = new TextEncoder().encode('my own file, not a model');
    writeFileSync(opt.fsPath, mine);

    const asked: string[] = [];
    const dismissed = await answering(undefined, asked, () =>
      vscode.commands.executeCommand<OptimizeView | undefined>('tinymlLens.optimizeMemory', branches, { reorder: true }),
    );
    assert.equal(dismissed, undefined);
    assert.deepEqual(asked, ['branches_opt.tflite already exists.']);
    assert.deepEqual(new Uint8Array(readFileSync(opt.fsPath)), mine, 'the file was replaced without asking');

    const replaced = await answering('Replace', asked, () =>
      vscode.commands.executeCommand<OptimizeView | undefined>('tinymlLens.optimizeMemory', branches, { reorder: true }),
    );
    assert.ok(replaced, 'answering Replace optimizes');
    assert.equal(asked.length, 2);
    assert.notDeepEqual(new Uint8Array(readFileSync(opt.fsPath)), mine);
  });
});
