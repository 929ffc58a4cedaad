/**
 * "Precision…": the precision editor of a float model's panel. It asks once for calibration data
 * (quantize's own pickers, the last choice first) and, optionally, labeled data, then measures
 * assignments in the worker's `precision` job against the panel's board. Each change of a
 * layer's precision is a new measurement (the worker keeps the calibration statistics, so it
 * takes seconds); a newer request cancels the one running. The session keeps an undo stack and a
 * pinned state to compare with (src/shared/precisionHistory.ts), and "Save…" writes the state on
 * screen like any quantize result: atomically, never over a file without asking, with its report.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../errors';
import { writeFilesAtomic } from '../io/atomicWrite';
import { reportJson, reportNameFor } from '../quantize/report';
import {
  baselineOf,
  canUndo,
  currentState,
  pinState,
  precisionOutputName,
  pushState,
  startHistory,
  undoState,
  withLayer,
  type PrecisionHistory,
  type PrecisionState,
} from '../shared/precisionHistory';
import type {
  LayerPrecisionChoice,
  PrecisionBoard,
  PrecisionGoal,
  PrecisionMessage,
  PrecisionParams,
  PrecisionResult,
  PrecisionView,
  QuantizeParams,
} from '../shared/protocol';
import type { WorkerClient } from '../worker/workerClient';
import type { AnalysisService } from './analysisService';
import { runSettings, type ModelSettings } from './config';
import type { ModelEditorProvider } from './modelEditor';
import { notifyText } from './notifyText';
import { askWhereToWrite, chooseCalibration, chooseOptions, REMEMBERED, type FlowSettings, type Remembered } from './quantizeCommand';
import { withWorkerProgress } from './runCommands';

export interface PrecisionOptions {
  /** A folder or glob of calibration files; skips the question. */
  readonly calibration?: string;
  readonly randomCalibration?: boolean;
  /** Labeled data (class folders or a CSV of file,label); with `calibration`, none unless given. */
  readonly data?: string;
  readonly labels?: string;
  readonly samples?: number;
}

/** A measured state, with the quantized model it was measured on (what "Save…" writes). */
interface HostState extends PrecisionState {
  readonly result: PrecisionResult;
}

interface Session {
  readonly model: vscode.Uri;
  readonly quantize: QuantizeParams;
  /** The panel's board, read again before each measurement: the user may pick another target meanwhile. */
  board: PrecisionBoard;
  readonly data?: string;
  readonly labels?: string;
  history: PrecisionHistory<HostState>;
  suggestion?: { readonly goal: PrecisionGoal; readonly explored: NonNullable<PrecisionResult['explored']> };
  savedAs?: string;
  /** The running job, aborted by a newer request. */
  running?: AbortController | undefined;
}

export interface PrecisionDeps {
  readonly worker: WorkerClient;
  readonly service: AnalysisService;
  readonly editor: ModelEditorProvider;
  readonly state: vscode.Memento;
}

/** The board the panel shows, as the job measures against it. */
export function precisionBoard(settings: ModelSettings): PrecisionBoard {
  const board = settings.target.board;
  return {
    targetId: board ? settings.target.id : 'custom',
    sramBytes: settings.target.sramBytes,
    flashBytes: settings.target.flashBytes,
    reserve: settings.reserve,
    abi: 'arm32',
    kernels: settings.kernels,
    ...(board ? { core: board.core } : {}),
  };
}

interface LabeledChoice extends vscode.QuickPickItem {
  readonly pick: () => Promise<{ readonly data?: string } | undefined>;
}

/** Optional labeled data: accuracy beside SQNR. Undefined when the user closed the question. */
async function chooseLabeledData(model: vscode.Uri): Promise<{ readonly data?: string } | undefined> {
  const folder = vscode.Uri.file(dirname(model.fsPath));
  const items: LabeledChoice[] = [
    { label: `$(dash) ${vscode.l10n.t('No labeled data')}`, description: vscode.l10n.t('output SQNR against float only'), pick: async () => ({}) },
    {
      label: `$(folder) ${vscode.l10n.t('A folder of class folders…')}`,
      description: vscode.l10n.t('accuracy on labeled data beside SQNR'),
      pick: async () => {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, defaultUri: folder });
        return picked?.[0] ? { data: picked[0].fsPath } : undefined;
      },
    },
    {
      label: `$(file) ${vscode.l10n.t('A CSV of file,label…')}`,
      description: vscode.l10n.t('accuracy on labeled data beside SQNR'),
      pick: async () => {
        const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, defaultUri: folder, filters: { CSV: ['csv'] } });
        return picked?.[0] ? { data: picked[0].fsPath } : undefined;
      },
    },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Precision of {0}: labeled data (optional)', basename(model.fsPath)) });
  return choice?.pick();
}

export class PrecisionEditor {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: PrecisionDeps) {}

  /** What the model's panel shows now (tests read it). */
  view(model: vscode.Uri): PrecisionView | undefined {
    const s = this.sessions.get(model.toString());
    return s && this.viewOf(s);
  }

  /**
   * Opens the editor on a float model: asks for the data once, measures the all-int8 assignment
   * and shows it in the model's panel. A model with a session shows it again without asking.
   */
  async open(model: vscode.Uri, options: PrecisionOptions = {}): Promise<PrecisionView | undefined> {
    const name = basename(model.fsPath);
    const existing = this.sessions.get(model.toString());
    if (existing && options.calibration === undefined && !options.randomCalibration) {
      await this.show(existing);
      return this.viewOf(existing);
    }
    const analyzed = await this.deps.service.report(model);
    if (!analyzed.ok) {
      void vscode.window.showErrorMessage(notifyText('Cannot analyze {0}: {1}', name, analyzed.error));
      return undefined;
    }
    if (analyzed.report.analysis.kind !== 'float') {
      void vscode.window.showInformationMessage(notifyText('{0} is not a float model: the precision editor starts from one.', name));
      return undefined;
    }
    // Calibration runs on the pool: its threads start while the user picks data.
    this.deps.worker.prestartPool(model.fsPath);
    const key = `${REMEMBERED}:${model.toString()}`;
    let settings: FlowSettings = { activations: 'int8', io: 'int8', method: 'auto', samples: options.samples ?? 100 };
    let calibration: Remembered | undefined = options.randomCalibration
      ? { source: 'random', random: true }
      : options.calibration !== undefined
        ? { source: options.calibration, random: false }
        : undefined;
    while (!calibration) {
      const summary = `${settings.io} I/O, ${settings.method ?? 'auto'}, ${settings.samples} ${vscode.l10n.t('samples')}`;
      const choice = await chooseCalibration(model, this.deps.state.get<Remembered>(key), summary, vscode.l10n.t('Precision of {0}: calibration data', name));
      if (!choice) return undefined;
      if (choice === 'options') settings = await chooseOptions(settings, false);
      else calibration = choice;
    }
    // Scripted use names its data (or none) with the calibration; a person is asked.
    const labeled =
      options.calibration !== undefined || options.randomCalibration ? { ...(options.data ? { data: options.data } : {}) } : await chooseLabeledData(model);
    if (!labeled) return undefined;
    await this.deps.state.update(key, calibration);

    const quantize: QuantizeParams = {
      modelPath: model.fsPath,
      ...(calibration.random ? { randomCalibration: true } : { calibration: calibration.source }),
      io: settings.io,
      ...(settings.method ? { method: settings.method } : {}),
      samples: settings.samples,
      normalization: runSettings(model).normalization,
    };
    const fresh = {
      model,
      quantize,
      board: precisionBoard(analyzed.report.settings),
      ...(labeled.data ? { data: labeled.data } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
    };
    existing?.running?.abort();
    const result = await this.measure(fresh, []);
    if (!result) return undefined;
    const session: Session = { ...fresh, history: startHistory({ precision: [], assessment: result.assessment, result }) };
    this.sessions.set(model.toString(), session);
    await this.show(session);
    return this.viewOf(session);
  }

  /** A message from the model's panel (already validated by isFromWebview). */
  async handle(model: vscode.Uri, message: PrecisionMessage): Promise<void> {
    if (message.type === 'openPrecision') {
      await this.open(model);
      return;
    }
    const session = this.sessions.get(model.toString());
    if (!session) return;
    switch (message.type) {
      case 'setPrecision': {
        const layer = currentState(session.history).assessment.layers.find((l) => l.index === message.layer);
        // Only what the job said TFLM can run for that op.
        if (!layer?.choices.includes(message.precision)) return;
        return this.assign(session, withLayer(currentState(session.history).precision, message.layer, message.precision));
      }
      case 'undoPrecision':
        session.running?.abort();
        session.history = undoState(session.history);
        return this.show(session, true);
      case 'comparePrecision':
        session.history = pinState(session.history, message.pin);
        return this.show(session, true);
      case 'suggestPrecision':
        return this.suggest(session, message.goal);
      case 'applyPrecision': {
        const point = session.suggestion?.explored[message.point];
        if (point) return this.assign(session, point.precision);
        return;
      }
      case 'savePrecision':
        await this.save(model);
        return;
    }
  }

  /** Measures an assignment and makes it the current state. */
  private async assign(session: Session, precision: readonly LayerPrecisionChoice[]): Promise<void> {
    await this.refreshBoard(session);
    const result = await this.measure(session, precision);
    if (!result) return;
    session.history = pushState(session.history, { precision: result.assessment.precision, assessment: result.assessment, result });
    await this.show(session, true);
  }

  private async suggest(session: Session, goal: PrecisionGoal): Promise<void> {
    await this.refreshBoard(session);
    const result = await this.measure(session, currentState(session.history).precision, goal);
    if (!result) return;
    session.suggestion = { goal, explored: result.explored ?? [] };
    session.history = pushState(session.history, { precision: result.assessment.precision, assessment: result.assessment, result });
    await this.show(session, true);
  }

  private async refreshBoard(session: Session): Promise<void> {
    const analyzed = await this.deps.service.report(session.model);
    if (analyzed.ok) session.board = precisionBoard(analyzed.report.settings);
  }

  /** Writes the state on screen and its report; returns the model's path, or undefined when nothing was written. */
  async save(model: vscode.Uri, options: { readonly overwrite?: boolean } = {}): Promise<string | undefined> {
    const session = this.sessions.get(model.toString());
    if (!session) return undefined;
    const { result, precision } = currentState(session.history);
    const out = await askWhereToWrite(precisionOutputName(model.fsPath, precision), options.overwrite ?? false);
    if (!out) return undefined;
    try {
      await writeFilesAtomic(
        [
          { path: reportNameFor(out.path), bytes: new TextEncoder().encode(reportJson(result.report)) },
          { path: out.path, bytes: result.bytes },
        ],
        { overwrite: out.overwrite },
      );
    } catch (e) {
      void vscode.window.showErrorMessage(notifyText('Could not save {0}: {1}', basename(out.path), errorMessage(e)));
      return undefined;
    }
    session.savedAs = basename(out.path);
    this.deps.service.invalidate(vscode.Uri.file(out.path));
    await this.show(session);
    const open = vscode.l10n.t('Open');
    void vscode.window.showInformationMessage(notifyText('Saved {0} and its report.', basename(out.path)), open).then((answer) => {
      if (answer === open) void vscode.commands.executeCommand('tinymlLens.analyzeModel', vscode.Uri.file(out.path));
    });
    return out.path;
  }

  private params(
    session: Pick<Session, 'model' | 'quantize' | 'board' | 'data' | 'labels'>,
    precision: readonly LayerPrecisionChoice[],
    goal?: PrecisionGoal,
  ): PrecisionParams {
    return {
      quantize: { ...session.quantize, outputPath: precisionOutputName(session.model.fsPath, precision) },
      precision,
      board: session.board,
      ...(session.data ? { data: session.data } : {}),
      ...(session.labels ? { labels: session.labels } : {}),
      ...(goal ? { suggest: goal } : {}),
    };
  }

  /** Runs the job with a cancellable notification; a newer request cancels this one without a word. */
  private async measure(
    session: Pick<Session, 'model' | 'quantize' | 'board' | 'data' | 'labels'> & { running?: AbortController | undefined },
    precision: readonly LayerPrecisionChoice[],
    goal?: PrecisionGoal,
  ): Promise<PrecisionResult | undefined> {
    session.running?.abort();
    const abort = new AbortController();
    session.running = abort;
    const name = basename(session.model.fsPath);
    const busy = (on: boolean, fraction: number): void => {
      void this.deps.editor.panels.get(session.model.toString())?.post({ type: 'precisionBusy', busy: on, fraction });
    };
    busy(true, 0);
    try {
      return await withWorkerProgress(
        goal ? vscode.l10n.t('Searching precisions for {0}', name) : vscode.l10n.t('Measuring precisions of {0}', name),
        (signal, report) =>
          this.deps.worker.request('precision', this.params(session, precision, goal), {
            signal,
            onProgress: (fraction, message) => {
              report(fraction, message);
              busy(true, fraction);
            },
          }),
        // A request replaced by a newer one is not news.
        { cancel: abort.signal, tell: (message) => (session.running === abort ? vscode.window.showInformationMessage(message) : undefined) },
      );
    } catch (e) {
      if (session.running === abort) void vscode.window.showErrorMessage(notifyText('Could not measure {0}: {1}', name, errorMessage(e)));
      return undefined;
    } finally {
      if (session.running === abort) {
        session.running = undefined;
        busy(false, 1);
      }
    }
  }

  private viewOf(session: Session): PrecisionView {
    const now = currentState(session.history);
    const base = baselineOf(session.history);
    const { sramBytes } = session.board;
    return {
      modelName: basename(session.model.fsPath),
      arenaBudgetBytes: Math.max(0, sramBytes - session.board.reserve.sramBytes),
      float: now.result.float,
      current: now.assessment,
      ...(base ? { baseline: { assessment: base.state.assessment, pinned: base.pinned } } : {}),
      canUndo: canUndo(session.history),
      labeled: session.data !== undefined,
      reusedCalibration: now.result.reusedCalibration,
      ...(session.suggestion ? { suggestion: session.suggestion } : {}),
      ...(session.savedAs ? { savedAs: session.savedAs } : {}),
    };
  }

  /** `fromPanel`: the panel asked, so it is open and its control keeps the keyboard. */
  private show(session: Session, fromPanel = false): Promise<void> {
    return this.deps.editor.showResult(session.model, { type: 'precision', precision: this.viewOf(session) }, { reveal: !fromPanel });
  }
}
