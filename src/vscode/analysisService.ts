/**
 * Analyses of the workspace's models, computed in the worker and kept until the file or
 * the settings change. Everything that shows a number (panel, layer view, hovers,
 * diagnostics, status bar) reads it from here, so a model is analyzed once per change.
 */
import * as vscode from 'vscode';
import type { ModelAnalysis } from '../analysis/analyzeModel';
import { checkFit, type FitVerdict } from '../targets/fit';
import { CancelledError, WorkerClient } from '../worker/workerClient';
import { modelSettings, type ModelSettings } from './settings';

export interface ModelReport {
  readonly uri: vscode.Uri;
  readonly analysis: ModelAnalysis;
  readonly verdict: FitVerdict;
  readonly settings: ModelSettings;
}

export type ReportResult = { readonly ok: true; readonly report: ModelReport } | { readonly ok: false; readonly uri: vscode.Uri; readonly error: string };

export class AnalysisService implements vscode.Disposable {
  private readonly cache = new Map<string, { readonly key: string; readonly result: Promise<ReportResult> }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a model's report may differ: its file or the settings changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly worker: WorkerClient) {}

  /** The report for a model, from the cache when neither the file nor the settings changed. */
  async report(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<ReportResult> {
    const settings = modelSettings(uri);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch (e) {
      return { ok: false, uri, error: e instanceof Error ? e.message : String(e) };
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

  private async compute(uri: vscode.Uri, settings: ModelSettings, token?: vscode.CancellationToken): Promise<ReportResult> {
    const abort = new AbortController();
    const sub = token?.onCancellationRequested(() => abort.abort());
    try {
      const analysis = await this.worker.request('analyze', { path: uri.fsPath, abi: 'arm32', kernels: settings.kernels, ...(settings.target.board ? { core: settings.target.board.core } : {}) }, { signal: abort.signal });
      return { ok: true, report: { uri, analysis, verdict: checkFit(analysis, settings.target, settings.reserve), settings } };
    } catch (e) {
      this.cache.delete(uri.toString());
      if (e instanceof CancelledError) throw e;
      return { ok: false, uri, error: e instanceof Error ? e.message : String(e) };
    } finally {
      sub?.dispose();
    }
  }
}
