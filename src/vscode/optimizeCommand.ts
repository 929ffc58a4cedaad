/**
 * "Optimize Memory…": right-click a model (or press the panel's button when it is near or over
 * its SRAM budget), say whether operators may run in another order, and the worker searches a
 * smaller arena plan within the time limit setting, with a cancellable progress notification.
 * The result is written beside the model as `<name>_opt.tflite`, atomically, never over an
 * existing file without asking and never over the original; its panel opens with what changed,
 * and its fit diagnostics are checked at once. When no plan beats TFLM's own, nothing is
 * written and a notification says so, as the CLI does.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { notifyText } from './notifyText';
import { errorMessage } from '../errors';
import { optimizedName } from '../optimize/outputName';
import { optimizationChangesModel } from '../optimize/result';
import { formatBytes } from '../util/formatBytes';
import { writeFileAtomic } from '../io/atomicWrite';
import type { OptimizeParams, OptimizeView } from '../shared/protocol';
import type { WorkerClient } from '../worker/workerClient';
import type { AnalysisService } from './analysisService';
import { optimizeSettings } from './config';
import type { ModelDiagnostics } from './diagnostics';
import { MODEL_EDITOR, type ModelEditorProvider } from './modelEditor';
import { withWorkerProgress } from './runCommands';

export interface OptimizeOptions {
  /** Also search operator orders; skips the question. */
  readonly reorder?: boolean;
  /** Overrides the `optimizeTimeLimitSeconds` setting. */
  readonly timeLimitSeconds?: number;
  /** Overwrite an existing `<name>_opt.tflite` without asking (for scripted use). */
  readonly overwrite?: boolean;
  /** Stops the search like the notification's Cancel button (for scripted use and tests). */
  readonly signal?: AbortSignal;
}

export interface OptimizeDeps {
  readonly worker: WorkerClient;
  readonly service: AnalysisService;
  readonly editor: ModelEditorProvider;
  readonly diagnostics: ModelDiagnostics;
}

async function chooseReorder(model: vscode.Uri, seconds: number): Promise<boolean | undefined> {
  const items = [
    {
      label: `$(symbol-array) ${vscode.l10n.t('Placement only')}`,
      description: vscode.l10n.t('moves tensors in the arena; operators keep their order'),
      reorder: false,
    },
    {
      label: `$(list-ordered) ${vscode.l10n.t('Placement and operator order')}`,
      description: vscode.l10n.t('may also run independent branches in another order; results stay the same'),
      reorder: true,
    },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Optimize the arena of {0}', basename(model.fsPath)),
    placeHolder: vscode.l10n.t('Time limit {0} s (setting: TinyML Lens › Optimize Time Limit Seconds)', seconds),
  });
  return pick?.reorder;
}

/** Where to write: the default name, or after asking when it exists; never the original. */
async function outputPath(model: vscode.Uri, overwrite: boolean): Promise<{ readonly path: string; readonly overwrite: boolean } | undefined> {
  const path = optimizedName(model.fsPath);
  if (!existsSync(path) || overwrite) return { path, overwrite };
  const replace = vscode.l10n.t('Replace');
  const saveAs = vscode.l10n.t('Save As…');
  const answer = await vscode.window.showWarningMessage(notifyText('{0} already exists.', basename(path)), { modal: true }, replace, saveAs);
  if (answer === replace) return { path, overwrite: true };
  if (answer !== saveAs) return undefined;
  const other = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path), filters: { TFLite: ['tflite'] } });
  if (!other) return undefined;
  if (other.fsPath === model.fsPath) {
    void vscode.window.showErrorMessage(notifyText('The optimized model cannot replace the original {0}.', basename(model.fsPath)));
    return undefined;
  }
  return { path: other.fsPath, overwrite: true };
}

/** Returns what the optimized model's panel shows, or undefined when nothing was written. */
export async function optimizeMemoryCommand(deps: OptimizeDeps, model: vscode.Uri, options: OptimizeOptions = {}): Promise<OptimizeView | undefined> {
  const name = basename(model.fsPath);
  const analyzed = await deps.service.report(model);
  if (!analyzed.ok) {
    void vscode.window.showErrorMessage(notifyText('Cannot analyze {0}: {1}', name, analyzed.error));
    return undefined;
  }
  const seconds = options.timeLimitSeconds ?? optimizeSettings(model).timeLimitSeconds;
  const reorder = options.reorder ?? (await chooseReorder(model, seconds));
  if (reorder === undefined) return undefined;
  const out = await outputPath(model, options.overwrite ?? false);
  if (!out) return undefined;

  const { settings } = analyzed.report;
  const params: OptimizeParams = {
    path: model.fsPath,
    abi: 'arm32',
    kernels: settings.kernels,
    ...(settings.target.board ? { core: settings.target.board.core } : {}),
    reorder,
    timeLimitMs: Math.round(seconds * 1000),
    outputPath: out.path,
  };
  try {
    const result = await withWorkerProgress(
      vscode.l10n.t('Optimizing the arena of {0}', name),
      (signal, report) => deps.worker.request('optimize', params, { signal, onProgress: report }),
      { cancel: options.signal },
    );
    if (!result) return undefined;
    // As the CLI: a plan no better than TFLM's own would only be a copy of the original.
    if (!optimizationChangesModel(result.summary)) {
      void vscode.window.showInformationMessage(
        notifyText(
          "No arena plan smaller than TFLM's own was found for {0} (planned head {1}): nothing written.",
          name,
          formatBytes(result.summary.greedyHeadBytes),
        ),
      );
      return undefined;
    }
    await writeFileAtomic(out.path, result.bytes, { overwrite: out.overwrite });
    const optimized = vscode.Uri.file(out.path);
    // The file watcher would get there too, but not for a model outside the workspace, and later.
    deps.service.invalidate(optimized);
    void deps.diagnostics.refresh(optimized);
    const view: OptimizeView = { originalName: name, optimizedName: basename(out.path), reorder, timeLimitSeconds: seconds, summary: result.summary };
    // Beside the panel or file the user came from; in the one group when nothing is open.
    const column = vscode.window.tabGroups.activeTabGroup.activeTab ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    await vscode.commands.executeCommand('vscode.openWith', optimized, MODEL_EDITOR, column);
    await deps.editor.showResult(optimized, { type: 'optimize', optimize: view });
    return view;
  } catch (e) {
    void vscode.window.showErrorMessage(notifyText('Could not optimize {0}: {1}', name, errorMessage(e)));
    return undefined;
  }
}
