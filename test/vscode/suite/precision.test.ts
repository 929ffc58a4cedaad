/**
 * The precision editor's wiring in the extension host: "tinymlLens.editPrecision" on a float
 * model measures the all-int8 assignment and shows it in the model's panel; the panel's messages
 * change a layer (only to a precision the job offers for it), undo, pin a state to compare with;
 * "Save…" writes the state on screen with its report, atomically, asking before replacing.
 * Needs the `precision` job (src/jobs/precision.ts).
 */
import * as assert from 'node:assert/strict';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { PrecisionView } from '../../../src/shared/protocol';
import { floatClassifier, floatClassifierInputs } from '../../helpers/floatClassifier';
import { answering, api } from './workspace';

suite('precision editor in VS Code', () => {
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;
  const created: vscode.Uri[] = [];
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of created) await vscode.workspace.fs.delete(u, { recursive: true }).then(undefined, () => undefined);
  });

  test('open, change a layer, undo, compare and save', async function () {
    this.timeout(240_000);
    const model = vscode.Uri.joinPath(root(), 'precision_float.tflite');
    const data = vscode.Uri.joinPath(root(), 'precision_calibration');
    const saved = vscode.Uri.joinPath(root(), 'precision_float_mixed.tflite');
    created.push(model, data, saved, vscode.Uri.joinPath(root(), 'precision_float_mixed.report.json'));
    await vscode.workspace.fs.writeFile(model, floatClassifier());
    for (const [i, bytes] of floatClassifierInputs(12).entries()) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(data, `s${i}.npy`), bytes);
    const { precision, editor } = await api();

    const first = await vscode.commands.executeCommand<PrecisionView | undefined>('tinymlLens.editPrecision', model, { calibration: data.fsPath });
    assert.ok(first, 'the editor opened nothing');
    assert.deepEqual(first.current.precision, [], 'it starts from every layer int8');
    assert.equal(first.current.layers.length, 4);
    assert.equal(first.canUndo, false);
    assert.equal(editor.result(model, 'precision')?.precision.current.outputSqnrDb, first.current.outputSqnrDb, 'the panel was sent the view');

    // A precision the job does not offer for the layer is ignored, as a forged message would be.
    const conv = first.current.layers[0]!;
    const offered = conv.choices.find((c) => c !== 'int8');
    assert.ok(offered, `the conv offers ${conv.choices.join(', ')}`);
    const reshape = first.current.layers.find((l) => l.op === 'RESHAPE');
    const refused = (['int16', 'float'] as const).find((p) => reshape && !reshape.choices.includes(p));
    if (reshape && refused) {
      await precision.handle(model, { type: 'setPrecision', layer: reshape.index, precision: refused });
      assert.equal(precision.view(model)?.canUndo, false);
    }

    await precision.handle(model, { type: 'setPrecision', layer: conv.index, precision: offered });
    const changed = precision.view(model);
    assert.deepEqual(changed?.current.precision, [{ layer: conv.index, precision: offered }]);
    assert.equal(changed?.canUndo, true);
    assert.equal(changed?.baseline?.pinned, false);
    assert.deepEqual(changed?.baseline?.assessment.precision, []);

    await precision.handle(model, { type: 'comparePrecision', pin: true });
    assert.equal(precision.view(model)?.baseline?.pinned, true);
    await precision.handle(model, { type: 'undoPrecision' });
    const undone = precision.view(model);
    assert.deepEqual(undone?.current.precision, []);
    assert.equal(undone?.canUndo, false);
    assert.deepEqual(undone?.baseline?.assessment.precision, [{ layer: conv.index, precision: offered }], 'the pinned state outlives the undo');
    await precision.handle(model, { type: 'comparePrecision', pin: false });
    await precision.handle(model, { type: 'setPrecision', layer: conv.index, precision: offered });

    const path = await precision.save(model);
    assert.equal(path, saved.fsPath);
    assert.ok((await vscode.workspace.fs.stat(saved)).size > 0);
    assert.ok((await vscode.workspace.fs.stat(vscode.Uri.joinPath(root(), 'precision_float_mixed.report.json'))).size > 0);
    // Saving again asks before replacing; declining writes nothing.
    const asked: string[] = [];
    assert.equal(await answering(undefined, asked, () => precision.save(model)), undefined);
    assert.match(asked.join(' | '), /precision_float_mixed\.(tflite|report\.json) already exists/);
  });

  test('with labeled data, accuracy stands beside SQNR and Suggest may aim at it', async function () {
    this.timeout(240_000);
    const model = vscode.Uri.joinPath(root(), 'labeled_float.tflite');
    const labeled = vscode.Uri.joinPath(root(), 'precision_labeled');
    created.push(model, labeled);
    await vscode.workspace.fs.writeFile(model, floatClassifier(7));
    // Class folders (ImageFolder layout), one per output of the classifier.
    const inputs = floatClassifierInputs(12, 3);
    for (const [i, bytes] of inputs.entries()) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(labeled, ['a', 'b', 'c'][i % 3]!, `s${i}.npy`), bytes);
    const { precision } = await api();
    const view = await vscode.commands.executeCommand<PrecisionView | undefined>('tinymlLens.editPrecision', model, {
      randomCalibration: true,
      data: labeled.fsPath,
    });
    assert.ok(view, 'the editor opened nothing');
    assert.equal(view.labeled, true);
    assert.ok(view.current.accuracy, 'accuracy on the labeled data');
    assert.ok(view.current.accuracy.samples > 0);
    await precision.handle(model, { type: 'suggestPrecision', goal: { kind: 'accuracy', points: 50 } });
    const suggested = precision.view(model);
    assert.deepEqual(suggested?.suggestion?.goal, { kind: 'accuracy', points: 50 });
    assert.ok((suggested?.suggestion?.explored.length ?? 0) > 0, 'the search says what it measured');
    assert.ok(
      suggested?.suggestion?.explored.some((p) => p.pareto),
      'with its front marked',
    );
  });

  test('an int8 model is refused with a sentence, not opened', async () => {
    const [kws] = await vscode.workspace.findFiles('**/kws_ds_cnn_int8.tflite');
    assert.ok(kws);
    assert.equal(await vscode.commands.executeCommand('tinymlLens.editPrecision', kws, { randomCalibration: true }), undefined);
  });
});
