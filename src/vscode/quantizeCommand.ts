/**
 * "Quantize to int8…": right-click a float model, pick the calibration data (the last choice
 * for this model comes first), and the defaults do the rest: two clicks. The work runs in the
 * worker with a cancellable progress notification; the result is written beside the model
 * atomically, never over an existing file without asking, and opens next to the float model
 * with its report. Its options offer int16 activations (whole-model 16x8, `<name>_16x8.tflite`):
 * about twice the arena for activations, for accuracy int8 cannot reach.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { notifyText } from './notifyText';
import { errorCode, errorMessage } from '../errors';
import { writeFilesAtomic } from '../io/atomicWrite';
import { outputNames, reportJson, reportNameFor, type QuantizationReport } from '../quantize/report';
import type { QuantizeParams, QuantizeView } from '../shared/protocol';
import type { WorkerClient } from '../worker/workerClient';
import type { AnalysisService } from './analysisService';
import { localizedNotice } from './findingText';
import { MODEL_EDITOR, type ModelEditorProvider } from './modelEditor';
import { runSettings } from './config';
import { withWorkerProgress } from './runCommands';

/** Where the calibration source last used for a model is kept (workspace state, `<key>:<model uri>`). */
export const REMEMBERED = 'tinymlLens.calibration';

/** The calibration source last used for a model: a folder, a glob, or random data. */
export interface Remembered {
  readonly source: string;
  readonly random: boolean;
}

export interface QuantizeOptions {
  /** A folder or glob of calibration files; skips the question. */
  readonly calibration?: string | undefined;
  readonly randomCalibration?: boolean;
  readonly io?: 'int8' | 'float';
  readonly method?: QuantizeParams['method'];
  readonly samples?: number;
  /** Overwrite an existing `<name>_int8.tflite` without asking (for scripted use). */
  readonly overwrite?: boolean;
  /** Keep ops the int8 path cannot handle in float, with QUANTIZE/DEQUANTIZE around them. */
  readonly keepFloat?: boolean;
  /** int16: whole-model 16x8 (int16 activations, int8 weights), written as `<name>_16x8.tflite`. */
  readonly activations?: ActivationType;
}

type ActivationType = NonNullable<QuantizeParams['activations']>;

interface Choice extends vscode.QuickPickItem {
  readonly pick: () => Promise<Remembered | 'options' | undefined>;
}

/** `title` names the flow asking (default: quantizing to int8). */
export async function chooseCalibration(
  model: vscode.Uri,
  remembered: Remembered | undefined,
  summary: string,
  title = vscode.l10n.t('Quantize {0} to int8: calibration data', basename(model.fsPath)),
): Promise<Remembered | 'options' | undefined> {
  const folder = dirname(model.fsPath);
  const items: Choice[] = [];
  if (remembered) {
    items.push({
      label: `$(history) ${remembered.random ? vscode.l10n.t('Random data (as last time)') : remembered.source}`,
      description: vscode.l10n.t('last used for this model'),
      pick: async () => remembered,
    });
  }
  items.push(
    {
      label: `$(folder) ${vscode.l10n.t('Choose a folder of calibration data…')}`,
      description: '.npy .bin .png .jpg .bmp .wav',
      pick: async () => {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          defaultUri: vscode.Uri.file(folder),
          openLabel: vscode.l10n.t('Calibrate with this folder'),
        });
        return picked?.[0] ? { source: picked[0].fsPath, random: false } : undefined;
      },
    },
    {
      label: `$(filter) ${vscode.l10n.t('A glob pattern…')}`,
      description: vscode.l10n.t('relative to the model, e.g. calibration/*.npy'),
      pick: async () => {
        const glob = await vscode.window.showInputBox({
          prompt: vscode.l10n.t('Calibration files, as a glob relative to the model'),
          value: 'calibration/*.npy',
        });
        return glob ? { source: join(folder, glob), random: false } : undefined;
      },
    },
    {
      label: `$(warning) ${vscode.l10n.t('Random data')}`,
      description: vscode.l10n.t('only to try the flow: the result will be poor'),
      pick: async () => ({ source: 'random', random: true }),
    },
    { label: `$(gear) ${vscode.l10n.t('Options: {0}', summary)}`, description: vscode.l10n.t('change…'), pick: async () => 'options' },
  );
  const choice = await vscode.window.showQuickPick(items, { title });
  return choice?.pick();
}

export interface FlowSettings {
  readonly activations: ActivationType;
  readonly io: 'int8' | 'float';
  readonly method: QuantizeParams['method'] | undefined;
  readonly samples: number;
}

/** `askActivations` false: a flow whose layers choose their own precision (the precision editor) skips that question. */
export async function chooseOptions(current: FlowSettings, askActivations = true): Promise<FlowSettings> {
  // Asked first: it is the choice that changes what the model costs on the board.
  const activations = !askActivations
    ? undefined
    : await vscode.window.showQuickPick(
        [
          { label: 'int8', description: vscode.l10n.t('int8 activations and weights: the smallest arena (default)'), value: 'int8' as const },
          {
            label: 'int16 (16x8)',
            description: vscode.l10n.t('int16 activations, int8 weights: about twice the arena for activations, more accurate'),
            value: 'int16' as const,
          },
        ],
        { title: vscode.l10n.t('Activation type') },
      );
  const io = await vscode.window.showQuickPick(
    [
      { label: 'int8', description: vscode.l10n.t('int8 inputs and outputs: what an MCU wants'), value: 'int8' as const },
      { label: 'float', description: vscode.l10n.t('float inputs and outputs, QUANTIZE/DEQUANTIZE at the edges'), value: 'float' as const },
    ],
    { title: vscode.l10n.t('Input and output type') },
  );
  const method = await vscode.window.showQuickPick(
    [
      { label: 'auto', description: vscode.l10n.t('tries each method and keeps the best on validation samples (default)'), value: 'auto' as const },
      { label: 'minmax', description: vscode.l10n.t('the default of the TensorFlow converter'), value: 'minmax' as const },
      { label: 'percentile', description: vscode.l10n.t('clips outliers'), value: 'percentile' as const },
      { label: 'mse', description: vscode.l10n.t('range with the least squared error'), value: 'mse' as const },
    ],
    { title: vscode.l10n.t('Range method') },
  );
  const samples = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('Calibration samples'),
    value: String(current.samples),
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 ? undefined : vscode.l10n.t('a positive whole number')),
  });
  return {
    activations: activations?.value ?? current.activations,
    io: io?.value ?? current.io,
    method: method ? method.value : current.method,
    samples: samples ? Number(samples) : current.samples,
  };
}

/** Where to write: the default name, or after asking when it exists. */
function outputPath(
  model: vscode.Uri,
  overwrite: boolean,
  activations: ActivationType,
): Promise<{ readonly path: string; readonly overwrite: boolean } | undefined> {
  return askWhereToWrite(outputNames(model.fsPath, activations).model, overwrite);
}

/** Where a quantized model and its report go: `path`, or after asking when either exists. */
export async function askWhereToWrite(path: string, overwrite: boolean): Promise<{ readonly path: string; readonly overwrite: boolean } | undefined> {
  // The model and its report are one unit: either existing is reason to ask.
  const existing = [path, reportNameFor(path)].find((p) => existsSync(p));
  if (existing === undefined || overwrite) return { path, overwrite };
  const replace = vscode.l10n.t('Replace');
  const saveAs = vscode.l10n.t('Save As…');
  const answer = await vscode.window.showWarningMessage(notifyText('{0} already exists.', basename(existing)), { modal: true }, replace, saveAs);
  if (answer === replace) return { path, overwrite: true };
  if (answer === saveAs) {
    const other = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path), filters: { TFLite: ['tflite'] } });
    if (!other) return undefined;
    // The dialog asked about the model only; a report of that name from another run is asked about here.
    const report = reportNameFor(other.fsPath);
    if (!existsSync(other.fsPath) && existsSync(report)) {
      const again = await vscode.window.showWarningMessage(notifyText('{0} already exists.', basename(report)), { modal: true }, replace);
      if (again !== replace) return undefined;
    }
    return { path: other.fsPath, overwrite: true };
  }
  return undefined;
}

export async function quantizeModelCommand(
  worker: WorkerClient,
  service: AnalysisService,
  editor: ModelEditorProvider,
  state: vscode.Memento,
  model: vscode.Uri,
  options: QuantizeOptions = {},
): Promise<QuantizationReport | undefined> {
  const analyzed = await service.report(model);
  if (analyzed.ok && analyzed.report.analysis.kind === 'int8') {
    void vscode.window.showInformationMessage(notifyText('{0} is already an int8 model: there is nothing to quantize.', basename(model.fsPath)));
    return undefined;
  }
  // Calibration runs on the pool: its threads start while the user picks data and options.
  worker.prestartPool(model.fsPath);
  const key = `${REMEMBERED}:${model.toString()}`;
  let settings: FlowSettings = {
    activations: options.activations ?? 'int8',
    io: options.io ?? 'int8',
    method: options.method ?? 'auto',
    samples: options.samples ?? 100,
  };
  let calibration: Remembered | undefined = options.randomCalibration
    ? { source: 'random', random: true }
    : options.calibration
      ? { source: options.calibration, random: false }
      : undefined;
  while (!calibration) {
    const summary = `${settings.activations === 'int16' ? '16x8' : 'int8'}, ${settings.io} I/O, ${settings.method ?? 'auto'}, ${settings.samples} ${vscode.l10n.t('samples')}`;
    const title =
      settings.activations === 'int16'
        ? vscode.l10n.t('Quantize {0} to 16x8: calibration data', basename(model.fsPath))
        : vscode.l10n.t('Quantize {0} to int8: calibration data', basename(model.fsPath));
    const choice = await chooseCalibration(model, state.get<Remembered>(key), summary, title);
    if (!choice) return undefined;
    if (choice === 'options') settings = await chooseOptions(settings);
    else calibration = choice;
  }
  const out = await outputPath(model, options.overwrite ?? false, settings.activations);
  if (!out) return undefined;
  await state.update(key, calibration);

  const { normalization } = runSettings(model);
  const params: QuantizeParams = {
    modelPath: model.fsPath,
    ...(calibration.random ? { randomCalibration: true } : { calibration: calibration.source }),
    io: settings.io,
    ...(settings.activations === 'int16' ? { activations: 'int16' as const } : {}),
    ...(settings.method ? { method: settings.method } : {}),
    samples: settings.samples,
    normalization,
    outputPath: out.path,
    ...(options.keepFloat ? { keepFloat: true } : {}),
    // The kernels of the board chosen for this model (what its analysis and fit checks use), so a
    // 16x8 FULLY_CONNECTED gets weights that board's TFLM allocates (CMSIS-NN: per tensor).
    ...(analyzed.ok ? { kernels: analyzed.report.settings.kernels } : {}),
  };
  try {
    const result = await withWorkerProgress(vscode.l10n.t('Quantizing {0}', basename(model.fsPath)), (signal, report) =>
      worker.request('quantize', params, { signal, onProgress: report }),
    );
    if (!result) return undefined;
    await writeFilesAtomic(
      [
        { path: reportNameFor(out.path), bytes: new TextEncoder().encode(reportJson(result.report)) },
        { path: out.path, bytes: result.bytes },
      ],
      { overwrite: out.overwrite },
    );
    const int8 = vscode.Uri.file(out.path);
    const view: QuantizeView = {
      floatName: basename(model.fsPath),
      int8Name: basename(out.path),
      report: result.report,
      warningMessages: result.report.warningCodes.map(localizedNotice),
      ...('skipped' in result.report.evaluation ? { skippedMessage: localizedNotice(result.report.evaluation.skippedCode) } : {}),
    };
    await vscode.commands.executeCommand('vscode.openWith', int8, MODEL_EDITOR, vscode.ViewColumn.Beside);
    await editor.showResult(int8, { type: 'quantize', quantize: view });
    return result.report;
  } catch (e) {
    const detail = errorMessage(e);
    if (errorCode(e) === 'unsupported-ops' && !options.keepFloat) {
      // The ops were named before any work started; offer the float fallback.
      const keep = vscode.l10n.t('Keep them in float');
      const answer = await vscode.window.showErrorMessage(notifyText('Could not quantize {0}: {1}', basename(model.fsPath), detail), keep);
      if (answer === keep)
        return quantizeModelCommand(worker, service, editor, state, model, {
          ...options,
          calibration: calibration.random ? undefined : calibration.source,
          randomCalibration: calibration.random,
          io: settings.io,
          activations: settings.activations,
          ...(settings.method ? { method: settings.method } : {}),
          samples: settings.samples,
          overwrite: out.overwrite,
          keepFloat: true,
        });
      return undefined;
    }
    void vscode.window.showErrorMessage(notifyText('Could not quantize {0}: {1}', basename(model.fsPath), detail));
    return undefined;
  }
}
