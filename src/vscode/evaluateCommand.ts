/**
 * "Evaluate…": accuracy on the user's labeled data, from the panel, the palette or the explorer.
 * Pick the data (a folder of class folders or a labels CSV; the last choice in this workspace
 * comes first), then the models: this one and its float/int8/16x8/mixed siblings are
 * pre-selected, the first being the reference. The job runs in the worker with a cancellable
 * progress notification and the report opens in the panel of the model it started from.
 * A changed sample clicked in the panel opens only when the shown report lists it.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { errorCode, errorMessage } from '../errors';
import { evaluationCandidates } from '../evaluate/modelFamily';
import type { EvaluateParams, EvaluateView } from '../shared/protocol';
import type { WorkerClient } from '../worker/workerClient';
import { runSettings } from './config';
import type { ModelEditorProvider } from './modelEditor';
import { evaluatedSamplePath } from './evaluatedSample';
import { notifyText } from './notifyText';
import { withWorkerProgress } from './runCommands';

const REMEMBERED = 'tinymlLens.evaluationData';

/** The labeled data last used in this workspace. */
interface Remembered {
  readonly data: string;
  readonly labels?: string;
}

export interface EvaluateOptions {
  /** A folder of class folders or a labels CSV; skips the question. */
  readonly data?: string;
  /** Class names in the model's output order, one per line. */
  readonly labels?: string;
  /** The models in order, the first the reference; skips the question. */
  readonly models?: readonly vscode.Uri[];
  /** Stops the job like the notification's Cancel button (for scripted use and tests). */
  readonly signal?: AbortSignal;
}

export interface EvaluateDeps {
  readonly worker: WorkerClient;
  readonly editor: ModelEditorProvider;
  /** Workspace state: where the last choice of data is kept. */
  readonly state: vscode.Memento;
}

interface DataChoice extends vscode.QuickPickItem {
  readonly pick: () => Promise<Remembered | undefined>;
}

async function chooseData(model: vscode.Uri, remembered: Remembered | undefined): Promise<Remembered | undefined> {
  const folder = vscode.Uri.file(dirname(model.fsPath));
  const items: DataChoice[] = [];
  if (remembered) {
    items.push({
      label: `$(history) ${vscode.workspace.asRelativePath(remembered.data)}`,
      description: vscode.l10n.t('last used in this workspace'),
      pick: async () => remembered,
    });
  }
  items.push(
    {
      label: `$(folder) ${vscode.l10n.t('A folder of class folders…')}`,
      description: vscode.l10n.t('one folder per class, named after it'),
      pick: async () => {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          defaultUri: folder,
          openLabel: vscode.l10n.t('Evaluate on this folder'),
        });
        return picked?.[0] ? { data: picked[0].fsPath } : undefined;
      },
    },
    {
      label: `$(file) ${vscode.l10n.t('A labels CSV…')}`,
      description: vscode.l10n.t('one "file,label" row per sample'),
      pick: async () => {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: false,
          defaultUri: folder,
          filters: { CSV: ['csv'] },
          openLabel: vscode.l10n.t('Evaluate on this list'),
        });
        return picked?.[0] ? { data: picked[0].fsPath } : undefined;
      },
    },
  );
  const choice = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Evaluate {0}: labeled data', basename(model.fsPath)) });
  return choice?.pick();
}

async function chooseModels(model: vscode.Uri): Promise<vscode.Uri[] | undefined> {
  const folder = dirname(model.fsPath);
  const names = (await vscode.workspace.fs.readDirectory(vscode.Uri.file(folder)).then(undefined, () => [] as [string, vscode.FileType][]))
    .filter(([, type]) => (type & vscode.FileType.File) !== 0)
    .map(([name]) => name);
  const candidates = evaluationCandidates(basename(model.fsPath), names);
  if (candidates.length === 1) return [model];
  const items = candidates.map((c) => ({
    label: c.name,
    description: c.name === basename(model.fsPath) ? vscode.l10n.t('this model') : c.sibling ? vscode.l10n.t('a version of this model') : '',
    picked: c.sibling,
    uri: vscode.Uri.file(join(folder, c.name)),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: vscode.l10n.t('Models to evaluate (the first is the reference for agreement)'),
  });
  return picked && picked.length > 0 ? picked.map((p) => p.uri) : undefined;
}

/** Where a report's sample paths are relative to: the folder, or the CSV's folder (dataset.ts). */
function dataRoot(data: string): string {
  const st = statSync(data, { throwIfNoEntry: false });
  return st?.isDirectory() ? resolve(data) : dirname(resolve(data));
}

/** Options skip the questions (for keybindings, tasks and tests). Returns what the panel shows. */
export async function evaluateModelsCommand(deps: EvaluateDeps, model: vscode.Uri, options: EvaluateOptions = {}): Promise<EvaluateView | undefined> {
  // The samples run on the pool: its threads start while the user picks the data.
  deps.worker.prestartPool(model.fsPath);
  const chosen: Remembered | undefined = options.data
    ? { data: options.data, ...(options.labels ? { labels: options.labels } : {}) }
    : await chooseData(model, deps.state.get<Remembered>(REMEMBERED));
  if (!chosen) return undefined;
  const models = options.models ?? (await chooseModels(model));
  if (!models) return undefined;
  await deps.state.update(REMEMBERED, chosen);
  return evaluate(deps, model, models, chosen, options.signal);
}

async function evaluate(
  deps: EvaluateDeps,
  model: vscode.Uri,
  models: readonly vscode.Uri[],
  chosen: Remembered,
  signal: AbortSignal | undefined,
): Promise<EvaluateView | undefined> {
  const settings = runSettings(model);
  const params: EvaluateParams = {
    paths: models.map((m) => m.fsPath),
    data: chosen.data,
    rounding: settings.rounding,
    normalization: settings.normalization,
    ...(chosen.labels ? { labels: chosen.labels } : {}),
  };
  const names = models.map((m) => basename(m.fsPath));
  try {
    const report = await withWorkerProgress(
      vscode.l10n.t('Evaluating {0}', names.join(', ')),
      (stop, progress) => deps.worker.request('evaluate', params, { signal: stop, onProgress: progress }),
      { cancel: signal },
    );
    if (!report) return undefined;
    const view: EvaluateView = { modelNames: names, dataName: vscode.workspace.asRelativePath(chosen.data), root: dataRoot(chosen.data), report };
    await deps.editor.showResult(model, { type: 'evaluate', evaluate: view });
    return view;
  } catch (e) {
    const message = notifyText('Could not evaluate {0}: {1}', names.join(', '), errorMessage(e));
    // A set whose classes the model does not name in order needs the class names: offer to give them.
    if (errorCode(e) === 'bad-dataset' && !chosen.labels) {
      const give = vscode.l10n.t('Choose a Labels File…');
      if ((await vscode.window.showErrorMessage(message, give)) !== give) return undefined;
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        title: vscode.l10n.t('Class names, one per line, in the order of the model outputs'),
        defaultUri: vscode.Uri.file(dirname(model.fsPath)),
      });
      if (!picked?.[0]) return undefined;
      const withLabels = { ...chosen, labels: picked[0].fsPath };
      await deps.state.update(REMEMBERED, withLabels);
      return evaluate(deps, model, models, withLabels, signal);
    }
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

/** Opens a changed sample beside the panel; false when the report does not list it. */
export async function openEvaluatedSample(view: EvaluateView | undefined, file: string): Promise<boolean> {
  const path = evaluatedSamplePath(view, file);
  if (path === undefined) return false;
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path), { viewColumn: vscode.ViewColumn.Beside, preview: true });
  return true;
}
