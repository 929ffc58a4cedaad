/**
 * "Run Model…" and "Compare Float and Int8…": pick inputs (files, or a folder of them), run in
 * the worker with a cancellable progress notification, and show the results in the model's
 * panel. Compare offers the model's float or int8 sibling first; a cancelled job says so.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { notifyText } from './notifyText';
import { errorCode, errorMessage } from '../errors';
import { findPair } from '../runtime/modelPairs';
import type { CompareView, RunView } from '../shared/protocol';
import type { WorkerClient } from '../worker/workerClient';
import type { ModelEditorProvider } from './modelEditor';
import { runSettings } from './config';

const INPUT_EXTENSIONS = ['npy', 'bin', 'png', 'jpg', 'jpeg', 'bmp', 'wav'];
const INPUT_FILTERS = { [vscode.l10n.t('Model inputs')]: INPUT_EXTENSIONS, [vscode.l10n.t('All files')]: ['*'] };

/** Files as picked, each folder replaced by the input files directly in it, in name order. */
export async function expandInputs(picked: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const uri of picked) {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.Directory) === 0) {
      out.push(uri);
      continue;
    }
    const entries = await vscode.workspace.fs.readDirectory(uri);
    const files = entries
      .filter(([name, type]) => (type & vscode.FileType.File) !== 0 && INPUT_EXTENSIONS.includes(name.split('.').pop()?.toLowerCase() ?? ''))
      .map(([name]) => name)
      .sort();
    out.push(...files.map((name) => vscode.Uri.joinPath(uri, name)));
  }
  return out;
}

export interface ProgressOptions {
  /** Cancels the work as the notification's Cancel button does (for scripted use). */
  readonly cancel?: AbortSignal | undefined;
  /** Says that the work was cancelled; a notification by default. */
  readonly tell?: (message: string) => unknown;
}

/** Runs `work` in a cancellable notification; undefined when it was cancelled, which `tell` says in so many words. */
export async function withWorkerProgress<T>(
  title: string,
  work: (signal: AbortSignal, report: (fraction: number, message: string) => void) => Promise<T>,
  options: ProgressOptions = {},
): Promise<T | undefined> {
  const { cancel, tell = (message: string) => vscode.window.showInformationMessage(message) } = options;
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
      if (errorCode(e) !== 'cancelled') throw e;
      void tell(notifyText('{0}: cancelled.', title));
      return undefined;
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
  const picked =
    inputs ??
    (await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Run with these inputs'),
      title: vscode.l10n.t('Input files for {0} (one per model input, in order)', basename(model.fsPath)),
      filters: INPUT_FILTERS,
      defaultUri: vscode.Uri.file(dirname(model.fsPath)),
    }));
  const files = picked && (await expandInputs(picked));
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
    void vscode.window.showErrorMessage(notifyText('Could not run {0}: {1}', basename(model.fsPath), errorMessage(e)));
    return undefined;
  }
}

export interface CompareOptions {
  /** Compare on seeded random inputs without asking. */
  readonly random?: boolean;
  /** Sample files or folders of them (one sample per file), without asking. */
  readonly samples?: readonly vscode.Uri[];
}

/** Options skip the questions (for keybindings, tasks and tests). Returns what the panel shows. */
export async function compareModelsCommand(
  worker: WorkerClient,
  editor: ModelEditorProvider,
  model: vscode.Uri,
  options: CompareOptions = {},
): Promise<CompareView | undefined> {
  const siblings = (await vscode.workspace.fs.readDirectory(vscode.Uri.file(dirname(model.fsPath)))).map(([name]) => name);
  const pair = findPair(basename(model.fsPath), siblings);
  let other: vscode.Uri | undefined = pair && vscode.Uri.file(`${dirname(model.fsPath)}/${pair.other}`);
  let fileIs = pair?.fileIs;
  const scripted = options.random === true || options.samples !== undefined;
  if (pair && !scripted) {
    // Offer the sibling found beside the model first; another model stays one pick away.
    const sibling = { label: pair.other, description: pair.fileIs === 'float' ? vscode.l10n.t('int8 sibling') : vscode.l10n.t('float sibling') };
    const another = { label: vscode.l10n.t('Choose another model…'), description: '' };
    const answer = await vscode.window.showQuickPick([sibling, another], {
      title: vscode.l10n.t('Compare {0} with', basename(model.fsPath)),
    });
    if (!answer) return undefined;
    if (answer === another) other = undefined;
  }
  if (!other) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      title: vscode.l10n.t('The other model to compare {0} with (float or int8)', basename(model.fsPath)),
      filters: { TFLite: ['tflite'] },
      defaultUri: vscode.Uri.file(dirname(model.fsPath)),
    });
    if (!picked?.[0]) return undefined;
    other = picked[0];
    // The names say which side is which: this model's, or else the other's (kws_ref_model ↔ kws_ref_model_float32).
    fileIs = /int8|quant/i.test(basename(model.fsPath)) || /float|fp32|f32/i.test(basename(other.fsPath)) ? 'int8' : 'float';
  }
  const [floatUri, int8Uri] = fileIs === 'int8' ? [other, model] : [model, other];
  const settings = runSettings(model);
  const random = vscode.l10n.t('{0} seeded random inputs', settings.samples);
  const chooseFiles = vscode.l10n.t('Choose input files…');
  // A separate choice: on Windows and Linux one dialog cannot pick both files and folders.
  const chooseFolder = vscode.l10n.t('Choose a folder of inputs…');
  const choice = options.random
    ? random
    : options.samples
      ? 'given'
      : await vscode.window.showQuickPick([random, chooseFiles, chooseFolder], {
          title: vscode.l10n.t('Compare {0} with {1} on', basename(floatUri.fsPath), basename(int8Uri.fsPath)),
        });
  if (!choice) return undefined;
  let samples: string[][] = [];
  if (choice !== random) {
    const picked =
      options.samples ??
      (await vscode.window.showOpenDialog({
        canSelectMany: choice === chooseFiles,
        canSelectFiles: choice === chooseFiles,
        canSelectFolders: choice === chooseFolder,
        title: choice === chooseFolder ? vscode.l10n.t('A folder of inputs: one sample per file') : vscode.l10n.t('Input files: one sample each'),
        filters: INPUT_FILTERS,
        defaultUri: vscode.Uri.file(dirname(model.fsPath)),
      }));
    const files = picked && (await expandInputs(picked));
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
    void vscode.window.showErrorMessage(notifyText('Could not compare the models: {0}', errorMessage(e)));
    return undefined;
  }
}
