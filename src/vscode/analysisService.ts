/**
 * Analyses of the workspace's models, computed in the worker and kept until the file or
 * the settings change. Everything that shows a number (panel, layer view, hovers,
 * diagnostics, status bar) reads it from here, so a model is analyzed once per change.
 */
import * as vscode from 'vscode';
import type { ModelAnalysis } from '../analysis/analyzeModel';
import { errorCode, errorMessage } from '../errors';
import { checkFit, type FitVerdict } from '../targets/fit';
import type { WorkerClient } from '../worker/workerClient';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { modelSettings, type ModelSettings } from './config';
import { boardTarget, CALIBRATION, estimateEnergy, estimateModel, type EnergyEstimate, type EstimateTarget, type ModelEstimate } from '../estimate';
import { latencyFinding } from '../estimate/latencyBudget';
import { localizedNotice } from './findingText';

export interface ModelReport {
  readonly uri: vscode.Uri;
  readonly analysis: ModelAnalysis;
  readonly verdict: FitVerdict;
  readonly settings: ModelSettings;
  /** Latency and energy on the target board; absent for custom budgets or unsupported cores. */
  readonly estimate?: ModelEstimate;
  readonly energy?: EnergyEstimate | null;
  /** Why there is no estimate, when there is a board but none could be made. */
  readonly estimateNote?: string;
}

/** Calibrations fitted from a board's own MicroProfiler log, by board and kernel library. */
export interface FittedTargets {
  get(boardId: string, kernels: KernelLibraryId): EstimateTarget | undefined;
}

export type ReportResult = { readonly ok: true; readonly report: ModelReport } | { readonly ok: false; readonly uri: vscode.Uri; readonly error: string };

export class AnalysisService implements vscode.Disposable {
  private readonly cache = new Map<string, { readonly key: string; readonly result: Promise<ReportResult> }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a model's report may differ: its file or the settings changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly worker: WorkerClient,
    private readonly fitted: FittedTargets,
  ) {}

  /** The report for a model, from the cache when neither the file nor the settings changed. */
  async report(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<ReportResult> {
    let settings: ModelSettings;
    let stat: vscode.FileStat;
    try {
      settings = modelSettings(uri);
      stat = await vscode.workspace.fs.stat(uri);
    } catch (e) {
      return { ok: false, uri, error: errorMessage(e) };
    }
    const key = `${stat.mtime}:${stat.size}:${JSON.stringify(settings)}`;
    const cached = this.cache.get(uri.toString());
    if (cached?.key === key) return cached.result;
    const result = this.compute(uri, settings, token);
    this.cache.set(uri.toString(), { key, result });
    return result;
  }

  /** A report already computed for these settings, without waiting: for hovers and status. */
  async cached(uri: vscode.Uri): Promise<ModelReport | undefined> {
    const entry = this.cache.get(uri.toString());
    const r = entry && (await entry.result);
    return r?.ok ? r.report : undefined;
  }

  invalidate(uri?: vscode.Uri): void {
    if (uri) {
      this.cache.delete(uri.toString());
      this.changed.fire(uri);
    } else {
      const all = [...this.cache.keys()];
      this.cache.clear();
      for (const u of all) this.changed.fire(vscode.Uri.parse(u));
    }
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** Estimates are arithmetic over the analysed layers: microseconds, fine on this thread. */
  private estimate(analysis: ModelAnalysis, settings: ModelSettings): Pick<ModelReport, 'estimate' | 'energy' | 'estimateNote'> {
    const board = settings.target.board;
    if (!board) return { estimateNote: localizedNotice({ code: 'estimate-needs-board', params: {} }) };
    try {
      const target = this.fitted.get(board.id, settings.kernels) ?? boardTarget(CALIBRATION, board.id, settings.kernels);
      const estimate = estimateModel(analysis, target);
      const energy = target.power ? estimateEnergy({ ms: estimate.total.ms, band: estimate.total.band }, target.power, target.clockMHz) : null;
      return { estimate, energy };
    } catch (e) {
      if (errorCode(e) === 'bad-estimate') return { estimateNote: errorMessage(e) };
      throw e;
    }
  }

  private async compute(uri: vscode.Uri, settings: ModelSettings, token?: vscode.CancellationToken): Promise<ReportResult> {
    const abort = new AbortController();
    const sub = token?.onCancellationRequested(() => abort.abort());
    try {
      const analysis = await this.worker.request(
        'analyze',
        { path: uri.fsPath, abi: 'arm32', kernels: settings.kernels, ...(settings.target.board ? { core: settings.target.board.core } : {}) },
        { signal: abort.signal },
      );
      const verdict = checkFit(analysis, settings.target, settings.reserve);
      const latency = this.estimate(analysis, settings);
      const findings = [...verdict.findings];
      const late = latency.estimate && settings.latencyBudgetMs > 0 ? latencyFinding(latency.estimate, settings.latencyBudgetMs) : undefined;
      if (late) findings.push(late);
      return { ok: true, report: { uri, analysis, verdict: { ...verdict, findings }, settings, ...latency } };
    } catch (e) {
      this.cache.delete(uri.toString());
      if (errorCode(e) === 'cancelled') throw e;
      return { ok: false, uri, error: errorMessage(e) };
    } finally {
      sub?.dispose();
    }
  }
}
