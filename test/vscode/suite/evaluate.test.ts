/**
 * "Evaluate…" and Quantize's int16 offer from VS Code, on a small labeled set with a float
 * classifier and its int8 version (test/helpers/labeledSet.ts) in a folder of the workspace:
 * the questions a user answers (data, then the models with the versions pre-selected), the
 * report the panel is sent, the data remembered for next time, a changed sample opened only
 * when the report lists it, a clear error for unusable data, a cancelled run; and 16x8 chosen
 * in Quantize's options writes `<name>_16x8.tflite`.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { QuantizationReport } from '../../../src/quantize/report';
import type { EvaluateView } from '../../../src/shared/protocol';
import { openEvaluatedSample } from '../../../src/vscode/evaluateCommand';
import { type LabeledFixture, writeLabeledSet } from '../../helpers/labeledSet';
import { until } from './until';
import { api } from './workspace';

type Window = typeof vscode.window;
type Item = vscode.QuickPickItem;

/** What the stand-in quick pick was shown: the title and the items with their pre-selection. */
interface Asked {
  readonly title: string | undefined;
  readonly items: readonly Item[];
}

/**
 * Stands in for some of `vscode.window`'s questions while `fn` runs (the extension and this
 * suite share one API object). Quick picks are answered in order by `picks`: a label pattern
 * for one item, 'picked' for the pre-selected items of a multi-select, null to dismiss.
 */
async function answering<T>(
  answers: {
    readonly picks?: readonly (RegExp | 'picked' | null)[];
    readonly dialogs?: readonly vscode.Uri[];
    readonly inputs?: readonly string[];
    readonly errors?: string[];
    /** The button an error message is answered with, when it offers it. */
    readonly errorButton?: string;
  },
  asked: Asked[],
  fn: () => Thenable<T>,
): Promise<T> {
  const w = vscode.window as { -readonly [K in keyof Window]: Window[K] };
  const saved = { showQuickPick: w.showQuickPick, showOpenDialog: w.showOpenDialog, showInputBox: w.showInputBox, showErrorMessage: w.showErrorMessage };
  const picks = [...(answers.picks ?? [])];
  const dialogs = [...(answers.dialogs ?? [])];
  const inputs = [...(answers.inputs ?? [])];
  w.showQuickPick = (async (items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => {
    const list = await items;
    asked.push({ title: options?.title, items: list });
    const answer = picks.shift();
    if (answer === undefined || answer === null) return undefined;
    if (answer === 'picked') return list.filter((i) => i.picked);
    return list.find((i) => answer.test(i.label));
  }) as unknown as Window['showQuickPick'];
  w.showOpenDialog = (async () => {
    const uri = dialogs.shift();
    return uri ? [uri] : undefined;
  }) as Window['showOpenDialog'];
  w.showInputBox = (async () => inputs.shift()) as Window['showInputBox'];
  w.showErrorMessage = (async (message: string, ...buttons: unknown[]) => {
    answers.errors?.push(message);
    return buttons.find((b) => b === answers.errorButton);
  }) as Window['showErrorMessage'];
  try {
    return await fn();
  } finally {
    Object.assign(w, saved);
  }
}

suite('evaluate on labeled data in VS Code', () => {
  let folder: vscode.Uri;
  let set: LabeledFixture;
  const uri = (path: string): vscode.Uri => vscode.Uri.file(path);
  suiteSetup(async () => {
    folder = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'evaluate-fixture');
    set = await writeLabeledSet(folder.fsPath);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(folder, { recursive: true }).then(undefined, () => undefined);
  });

  test('asks for the data, then the models with the float and int8 versions pre-selected; the panel gets the report', async () => {
    const asked: Asked[] = [];
    const view = await answering({ picks: [/A folder of class folders/, 'picked'], dialogs: [uri(set.data)] }, asked, () =>
      vscode.commands.executeCommand<EvaluateView | undefined>('tinymlLens.evaluateModels', uri(set.int8Model)),
    );
    assert.ok(view, 'the evaluation returned nothing');
    assert.match(asked[0]?.title ?? '', /Evaluate pets_float_int8\.tflite: labeled data/);
    assert.deepEqual(
      asked[1]?.items.map((i) => [i.label, i.picked]),
      [
        ['pets_float.tflite', true],
        ['pets_float_int8.tflite', true],
      ],
      'the float model first: it is the reference',
    );
    assert.deepEqual(view.modelNames, ['pets_float.tflite', 'pets_float_int8.tflite']);
    const { report } = view;
    assert.equal(report.samples, set.samples);
    assert.deepEqual(report.classes, ['bird', 'cat', 'dog', 'frog', 'horse']);
    assert.equal(report.models[1]!.changedCount, 4);
    assert.ok((report.models[1]!.agreementWithFirst ?? 1) < 1);
    // The panel of the model it started from is open and was sent the report.
    const lens = await api();
    await until(() => lens.editor.result(uri(set.int8Model), 'evaluate'), 'the evaluation in the panel');
    assert.deepEqual(lens.editor.result(uri(set.int8Model), 'evaluate')?.evaluate, view);
    assert.ok(lens.editor.panels.has(uri(set.int8Model).toString()), 'the panel is open');
  });

  test('the data chosen last in this workspace is offered first', async () => {
    const asked: Asked[] = [];
    const view = await answering({ picks: [/evaluate-fixture/] }, asked, () =>
      vscode.commands.executeCommand<EvaluateView | undefined>('tinymlLens.evaluateModels', uri(set.floatModel), { models: [uri(set.floatModel)] }),
    );
    assert.equal(asked[0]?.items[0]?.description, 'last used in this workspace');
    assert.ok(view);
    assert.equal(view.report.models.length, 1);
    assert.equal(view.report.samples, set.samples);
  });

  test('a changed sample opens only when the shown report lists it', async () => {
    const lens = await api();
    const view = lens.editor.result(uri(set.int8Model), 'evaluate')?.evaluate;
    assert.ok(view);
    const changed = view.report.models[1]!.changed[0]!.file;
    assert.equal(await openEvaluatedSample(view, '../pets_float.tflite'), false);
    assert.equal(await openEvaluatedSample(view, set.floatModel), false);
    assert.equal(await openEvaluatedSample(view, changed), true);
    const expected = uri(join(set.data, changed)).toString();
    await until(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.toString() === expected),
      `a tab for ${changed}`,
    );
  });

  test('unusable data is one clear error, and a cancelled run shows nothing', async () => {
    const errors: string[] = [];
    const empty = vscode.Uri.joinPath(folder, 'empty');
    await vscode.workspace.fs.createDirectory(empty);
    const none = await answering({ errors }, [], () =>
      vscode.commands.executeCommand<EvaluateView | undefined>('tinymlLens.evaluateModels', uri(set.floatModel), {
        data: empty.fsPath,
        models: [uri(set.floatModel)],
      }),
    );
    assert.equal(none, undefined);
    assert.equal(errors.length, 1, errors.join(' | '));
    assert.match(errors[0]!, /Could not evaluate pets_float\.tflite: .*holds no samples/);

    const stop = new AbortController();
    stop.abort();
    const cancelled = await vscode.commands.executeCommand<EvaluateView | undefined>('tinymlLens.evaluateModels', uri(set.floatModel), {
      data: set.data,
      models: [uri(set.floatModel), uri(set.int8Model)],
      signal: stop.signal,
    });
    assert.equal(cancelled, undefined);
  });

  test("Quantize's options offer int16 activations: 16x8 writes <name>_16x8.tflite", async () => {
    const asked: Asked[] = [];
    const errors: string[] = [];
    // Ops without a 16x8 kernel yet (SOFTMAX, until it has one) are offered to stay in float: accepted.
    const report = await answering(
      { picks: [/Options:/, /int16/, null, null, /A glob pattern/], inputs: ['', 'data/*/*.npy'], errors, errorButton: 'Keep them in float' },
      asked,
      () => vscode.commands.executeCommand<QuantizationReport | undefined>('tinymlLens.quantizeModel', uri(set.floatModel), { overwrite: true }),
    );
    assert.ok(report, `the quantization returned nothing; asked: ${asked.map((a) => a.title).join(' | ')}; errors: ${errors.join(' | ')}`);
    const activation = asked.find((a) => a.title === 'Activation type');
    assert.ok(activation, 'the activation type was asked');
    assert.match(activation.items.find((i) => /int16/.test(i.label))?.description ?? '', /twice the arena for activations/);
    assert.match(asked.at(-1)?.title ?? '', /Quantize pets_float\.tflite to 16x8/);
    assert.equal(report.options.activations, 'int16');
    assert.ok(existsSync(join(folder.fsPath, 'pets_float_16x8.tflite')), 'the 16x8 model is written beside the float one');
  });
});
