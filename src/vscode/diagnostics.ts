/**
 * Problems-panel findings for every model in the workspace, each listed once: on the model file
 * (pointing at its layer's line) while the layer view is closed, on that line of the layer view
 * while it is open. A user never sees a `.layers` document in Problems they did not open, nor
 * the same error twice. A bounded scan at activation, then file watching, setting changes and
 * the layer view opening or closing keep them current.
 */
import * as vscode from 'vscode';
import type { FitFinding, Severity } from '../findings/finding';
import { localizedFinding } from './findingText';
import type { AnalysisService } from './analysisService';
import { LAYER_SCHEME, layerViewUri, modelUriOf } from './layerView';
import { layerLine } from './layerViewText';
import { affectsSettings, windowSettings } from './config';
import { reportNameFor } from '../quantize/report';

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};
const SOURCE = 'TinyML Lens';

export class ModelDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tinymlLens');
  private readonly models = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly service: AnalysisService) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.tflite');
    this.subscriptions.push(
      watcher,
      watcher.onDidCreate((uri) => this.refresh(uri)),
      watcher.onDidChange((uri) => {
        service.invalidate(uri);
        void this.refresh(uri);
      }),
      watcher.onDidDelete((uri) => this.forget(uri)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.layerViewToggled(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.layerViewToggled(doc)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsSettings(e)) return;
        service.invalidate();
        void this.refreshAll();
      }),
    );
  }

  /** Finds the workspace's models, up to the scan limit, and checks each. */
  async scan(): Promise<void> {
    const limit = windowSettings().scanLimit;
    if (limit <= 0) return;
    const uris = await vscode.workspace.findFiles('**/*.tflite', '**/node_modules/**', limit);
    await Promise.all(uris.map((u) => this.refresh(u)));
  }

  /** The findings move between the model file and its layer view as the view opens and closes. */
  private layerViewToggled(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== LAYER_SCHEME) return;
    const model = modelUriOf(doc.uri);
    if (this.models.has(model.toString())) void this.refresh(model);
  }

  async refreshAll(): Promise<void> {
    await Promise.all([...this.models].map((u) => this.refresh(vscode.Uri.parse(u))));
  }

  async refresh(model: vscode.Uri): Promise<void> {
    this.models.add(model.toString());
    const result = await this.service.report(model);
    if (!this.models.has(model.toString())) return;
    const view = layerViewUri(model);
    if (!result.ok) {
      this.collection.set(model, [
        this.diagnostic(new vscode.Range(0, 0, 0, 0), vscode.l10n.t('Cannot read this model: {0}', result.error), vscode.DiagnosticSeverity.Error, 'bad-model'),
      ]);
      this.collection.delete(view);
      return;
    }
    const { analysis, verdict } = result.report;
    const random = await calibratedOnRandomData(model);
    const lineOf = (f: FitFinding): number => (f.layer === null ? 2 : layerLine(analysis, f.subgraph, f.layer));
    const onFile: vscode.Diagnostic[] = [];
    if (isOpen(view)) {
      this.collection.set(
        view,
        verdict.findings.map((f) => this.diagnostic(new vscode.Range(lineOf(f), 0, lineOf(f), 1000), localizedFinding(f), SEVERITY[f.severity], f.code)),
      );
    } else {
      this.collection.delete(view);
      for (const f of sortedBySeverity(verdict.findings)) {
        const d = this.diagnostic(new vscode.Range(0, 0, 0, 0), localizedFinding(f), SEVERITY[f.severity], f.code);
        d.relatedInformation = [
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(view, new vscode.Range(lineOf(f), 0, lineOf(f), 0)),
            f.layer === null ? vscode.l10n.t('layer view') : vscode.l10n.t('responsible layer'),
          ),
        ];
        onFile.push(d);
      }
    }
    if (random) {
      // This one belongs to the model file itself: every layer is affected.
      onFile.push(
        this.diagnostic(
          new vscode.Range(0, 0, 0, 0),
          vscode.l10n.t(
            'This model was calibrated on random data: its int8 ranges are guesses, expect poor accuracy. Quantize it again with real calibration data.',
          ),
          vscode.DiagnosticSeverity.Warning,
          'random-calibration',
        ),
      );
    }
    if (onFile.length > 0) this.collection.set(model, onFile);
    else this.collection.delete(model);
  }

  private forget(model: vscode.Uri): void {
    this.models.delete(model.toString());
    this.service.invalidate(model);
    this.collection.delete(model);
    this.collection.delete(layerViewUri(model));
  }

  private diagnostic(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, code: string): vscode.Diagnostic {
    const d = new vscode.Diagnostic(range, message, severity);
    d.source = SOURCE;
    d.code = code;
    return d;
  }

  dispose(): void {
    this.collection.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

/** Reads the quantization report written beside a model, if any, for its random-calibration flag. */
async function calibratedOnRandomData(model: vscode.Uri): Promise<boolean> {
  try {
    const report = vscode.Uri.file(reportNameFor(model.fsPath));
    const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(report))) as { options?: { randomCalibration?: unknown } };
    return json.options?.randomCalibration === true;
  } catch {
    return false;
  }
}

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Errors first, so the explorer's badge and the first row are the worst finding. */
function sortedBySeverity(findings: readonly FitFinding[]): FitFinding[] {
  return [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

const isOpen = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
