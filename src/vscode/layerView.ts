/**
 * The layer view: a read-only virtual document per model (scheme `tinyml-layers`), one line
 * per layer, with a hover of each layer's memory cost and an inline bar of its live arena
 * bytes. Diagnostics point at these lines, so clicking a problem lands on its layer.
 */
import * as vscode from 'vscode';
import { timelinePeak } from '../analysis/peak';
import type { AnalysisService } from './analysisService';
import { layerAtLine, layerHoverMarkdown, layerLine, layerViewText } from './layerViewText';

export const LAYER_SCHEME = 'tinyml-layers';

/** `tinyml-layers:/path/model.tflite.layers?<model uri>`: readable tab title, exact way back. */
export function layerViewUri(model: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: LAYER_SCHEME, path: `${model.path}.layers`, query: model.toString() });
}

export function modelUriOf(layerView: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(layerView.query);
}

export async function openLayerView(
  model: vscode.Uri,
  layer?: { readonly subgraph: number; readonly index: number },
  service?: AnalysisService,
): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(layerViewUri(model));
  const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  if (layer && service) {
    const report = await service.cached(model);
    if (report) {
      const line = layerLine(report.analysis, layer.subgraph, layer.index);
      editor.selection = new vscode.Selection(line, 0, line, 0);
      editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
    }
  }
  return editor;
}

const BAR_WIDTH = 24;

export class LayerView implements vscode.TextDocumentContentProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly bar = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2ch' },
  });
  private readonly peak = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly service: AnalysisService) {
    this.subscriptions.push(
      service.onDidChange((model) => this.changed.fire(layerViewUri(model))),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => void this.decorate(e))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== LAYER_SCHEME) return;
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === e.document) void this.decorate(editor);
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const model = modelUriOf(uri);
    const result = await this.service.report(model, token);
    const name = vscode.workspace.asRelativePath(model);
    if (!result.ok) return `${name}: ${vscode.l10n.t('cannot analyze this model: {0}', result.error)}\n`;
    return layerViewText(name, result.report.analysis, result.report.verdict);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const report = await this.service.cached(modelUriOf(document.uri));
    const layer = report && layerAtLine(report.analysis, position.line);
    if (!report || !layer) return undefined;
    const time = report.estimate?.layers.find((e) => e.subgraph === layer.subgraph && e.index === layer.index);
    const md = new vscode.MarkdownString(layerHoverMarkdown(report.analysis, layer, report.verdict, time, report.estimate?.target.name));
    return new vscode.Hover(md, document.lineAt(position.line).range);
  }

  /** Inline bars of the arena each layer needs, as the panel's timeline draws them; its peak highlighted. */
  async decorate(editor: vscode.TextEditor): Promise<void> {
    if (editor.document.uri.scheme !== LAYER_SCHEME) return;
    const report = await this.service.cached(modelUriOf(editor.document.uri));
    if (!report) return;
    const a = report.analysis;
    const timeline = timelinePeak(a);
    const bytes = new Map(timeline.columns.map((c) => [c.layer.index, c.bytes]));
    const max = Math.max(1, timeline.bytes);
    const bars: vscode.DecorationOptions[] = [];
    const peaks: vscode.Range[] = [];
    for (const l of a.layers) {
      const line = layerLine(a, l.subgraph, l.index);
      if (line >= editor.document.lineCount) continue;
      const range = editor.document.lineAt(line).range;
      const filled = Math.round((BAR_WIDTH * (l.subgraph === 0 ? (bytes.get(l.index) ?? 0) : 0)) / max);
      bars.push({ range, renderOptions: { after: { contentText: `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}` } } });
      if (l.subgraph === 0 && l.index === timeline.layer) peaks.push(range);
    }
    editor.setDecorations(this.bar, bars);
    editor.setDecorations(this.peak, peaks);
  }

  dispose(): void {
    this.changed.dispose();
    this.bar.dispose();
    this.peak.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}
