/**
 * "Run Model…" and "Compare Float and Int8…": pick inputs, run in the worker with a
 * cancellable progress notification, and show the results in the model's panel.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { errorCode, errorMessage } from '../errors';
import { findPair } from '../runtime/modelPairs';
import type { CompareView, RunView } from '../shared/protocol';
import type { WorkerClient } from '../worker/workerClient';
import type { ModelEditorProvider } from './modelEditor';
import { runSettings } from './config';
import { notificationText } from './escapeText';

const INPUT_FILTERS = { [vscode.l10n.t('Model inputs')]: ['npy', 'bin', 'png', 'jpg', 'jpeg', 'bmp', 'wav'], [vscode.l10n.t('All files')]: ['*'] };

/** Runs `work` in a cancellable notification; undefined when the user (or `cancel`, for scripted use) cancelled. */
export async function withWorkerProgress<T>(
  title: string,
  work: (signal: AbortSignal, report: (fraction: number, message: string) => void) => Promise<T>,
  cancel?: AbortSignal,
): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    if (cancel?.aborted) abort.abort();
    cancel?.addEventListener('abort', () => abort.abort(), { once: true });
    let last = 0;
    try {
      return await work(abort.signal, (fraction, message) => {
        progress.report({ increment: Math.max(0, 100 * fraction - last), message });
        last = 100 * fraction;
      });
    } catch (e) {
      if (errorCode(e) === 'cancelled') return undefined;
      throw e;
    }
  });
}

/** `inputs` skips the file dialog (for keybindings, tasks and tests). Returns what the panel shows. */
export async function runModelCommand(
  worker: WorkerClient,
  editor: ModelEditorProvider,
  model: vscode.Uri,
  inputs?: readonly vscode.Uri[],
): Promise<RunView | undefined> {
  const files =
    inputs ??
    (await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Run with these inputs'),
      title: vscode.l10n.t('Input files for {0} (one per model input, in order)', basename(model.fsPath)),
      filters: INPUT_FILTERS,
      defaultUri: vscode.Uri.file(dirname(model.fsPath)),
    }));
  if (!files || files.length === 0) return undefined;
  const settings = runSettings(model);
  try {
    const result = await withWorkerProgress(vscode.l10n.t('Running {0}', basename(model.fsPath)), (signal, report) =>
      worker.request(
        'run',
        { path: model.fsPath, inputs: files.map((f) => f.fsPath), rounding: settings.rounding, normalization: settings.normalization },
        { signal, onProgress: report },
      ),
    );
    if (!result) return undefined;
    const run: RunView = {
      inputs: files.map((f) => vscode.workspace.asRelativePath(f)),
      rounding: settings.rounding,
      ms: result.ms,
      outputs: result.outputs.map(({ bytes: _bytes, ...rest }) => rest),
    };
    await editor.showResult(model, { type: 'run', run });
    return run;
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not run {0}: {1}', notificationText(basename(model.fsPath)), notificationText(errorMessage(e))));
    return undefined;
  }
}

/** `options.random` skips the questions and compares on seeded random inputs. Returns what the panel shows. */
export async function compareModelsCommand(
  worker: WorkerClient,
  editor: ModelEditorProvider,
  model: vscode.Uri,
  options: { readonly random?: boolean } = {},
): Promise<CompareView | undefined> {
  const siblings = (await vscode.workspace.fs.readDirectory(vscode.Uri.file(dirname(model.fsPath)))).map(([name]) => name);
  const pair = findPair(basename(model.fsPath), siblings);
  let other: vscode.Uri | undefined = pair && vscode.Uri.file(`${dirname(model.fsPath)}/${pair.other}`);
  let fileIs = pair?.fileIs;
  if (!other) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      title: vscode.l10n.t('The other model to compare {0} with (float or int8)', basename(model.fsPath)),
      filters: { TFLite: ['tflite'] },
      defaultUri: vscode.Uri.file(dirname(model.fsPath)),
    });
    if (!picked?.[0]) return undefined;
    other = picked[0];
    fileIs = basename(model.fsPath).match(/int8|quant/i) ? 'int8' : 'float';
  }
  const [floatUri, int8Uri] = fileIs === 'int8' ? [other, model] : [model, other];
  const settings = runSettings(model);
  const random = vscode.l10n.t('{0} seeded random inputs', settings.samples);
  const choice = options.random
    ? random
    : await vscode.window.showQuickPick([random, vscode.l10n.t('Choose input files…')], {
        title: vscode.l10n.t('Compare {0} with {1} on', basename(floatUri.fsPath), basename(int8Uri.fsPath)),
      });
  if (!choice) return undefined;
  let samples: string[][] = [];
  if (choice !== random) {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: true,
      title: vscode.l10n.t('Input files: one sample each'),
      filters: INPUT_FILTERS,
      defaultUri: vscode.Uri.file(dirname(model.fsPath)),
    });
    if (!files?.length) return undefined;
    samples = files.map((f) => [f.fsPath]);
  }
  try {
    const result = await withWorkerProgress(vscode.l10n.t('Comparing {0} and {1}', basename(floatUri.fsPath), basename(int8Uri.fsPath)), (signal, report) =>
      worker.request(
        'compare',
        {
          floatPath: floatUri.fsPath,
          int8Path: int8Uri.fsPath,
          samples,
          randomSamples: settings.samples,
          rounding: settings.rounding,
          normalization: settings.normalization,
        },
        { signal, onProgress: report },
      ),
    );
    if (!result) return undefined;
    const compare: CompareView = {
      floatName: basename(floatUri.fsPath),
      int8Name: basename(int8Uri.fsPath),
      samples: samples.length ? `${samples.length}` : random,
      result,
    };
    await editor.showResult(model, { type: 'compare', compare });
    return compare;
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not compare the models: {0}', notificationText(errorMessage(e))));
    return undefined;
  }
}
