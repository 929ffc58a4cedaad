/**
 * The model panel: the custom editor for .tflite files. A webview with a strict
 * Content-Security-Policy (a nonce for the one script, no remote resources), resources only
 * from the extension's dist and media folders, and every message from it validated against
 * the protocol before the host acts on it.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { BOARDS } from '../targets/boards';
import { isFromWebview, PANEL_STRINGS, type PanelState, type PrecisionMessage, type ToWebview } from '../shared/protocol';
import type { AnalysisService } from './analysisService';
import { openLayerView } from './layerView';
import { saveTarget } from './config';
import { findPair } from '../runtime/modelPairs';
import type { ProfileStore } from './profiles';
import { localizedFinding, localizedNotice } from './findingText';
import { PanelPort } from './panelPort';

export const MODEL_EDITOR = 'tinymlLens.model';

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** Results of runs, comparisons, quantizations and arena optimizations for the panel. */
export type ResultMessage = Extract<ToWebview, { type: 'run' | 'compare' | 'quantize' | 'optimize' | 'evaluate' | 'precision' }>;

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  /** Open panels by model, so commands can tell whether one is showing. */
  readonly panels = new Map<string, PanelPort>();
  /** The latest run and comparison per model, shown again when its panel (re)opens. */
  private readonly results = new Map<string, Map<ResultMessage['type'], ResultMessage>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly service: AnalysisService,
    private readonly commands: {
      readonly run: (model: vscode.Uri) => Promise<void>;
      readonly compare: (model: vscode.Uri) => Promise<void>;
      readonly quantize: (model: vscode.Uri) => Promise<void>;
      readonly optimize: (model: vscode.Uri) => Promise<void>;
      readonly exportFirmware: (model: vscode.Uri) => Promise<void>;
      readonly evaluate: (model: vscode.Uri) => Promise<void>;
      /** A changed sample of the evaluation this model's panel shows, by its path in the report. */
      readonly openSample: (model: vscode.Uri, file: string) => Promise<void>;
      readonly precision: (model: vscode.Uri, message: PrecisionMessage) => Promise<void>;
    },
    private readonly profiles: ProfileStore,
  ) {}

  /**
   * Shows a result in the model's panel, opening the panel if needed. `reveal: false` leaves an
   * open panel where it is: revealing it moves the keyboard focus, which a control of the panel
   * that asked for the result (the precision editor's) should keep.
   */
  async showResult(model: vscode.Uri, message: ResultMessage, options: { readonly reveal?: boolean } = {}): Promise<void> {
    const key = model.toString();
    const stored = this.results.get(key) ?? new Map<ResultMessage['type'], ResultMessage>();
    stored.set(message.type, message);
    this.results.set(key, stored);
    const port = this.panels.get(key);
    if (port && !port.disposed) {
      if (options.reveal !== false) port.reveal();
      await port.post(message);
    } else {
      await vscode.commands.executeCommand('vscode.openWith', model, MODEL_EDITOR);
    }
  }

  /** The latest result of a kind a model's panel shows (tests read what the panel was sent). */
  result<K extends ResultMessage['type']>(model: vscode.Uri, type: K): Extract<ResultMessage, { type: K }> | undefined {
    const found = this.results.get(model.toString())?.get(type);
    return found?.type === type ? (found as Extract<ResultMessage, { type: K }>) : undefined;
  }

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  async resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): Promise<void> {
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    panel.webview.html = this.html(panel.webview, dist, media);
    const key = document.uri.toString();
    // Every message goes through the port: an analysis that ends after the panel closed is dropped, not thrown.
    const port = new PanelPort(panel);
    this.panels.set(key, port);

    const post = (message: ToWebview): Promise<boolean> => port.post(message);
    const send = async (): Promise<void> => {
      const fileName = document.uri.path.split('/').pop() ?? '';
      void post({ type: 'loading', fileName });
      const result = await this.service.report(document.uri);
      if (!result.ok) {
        void post({ type: 'error', message: vscode.l10n.t('Cannot analyze {0}: {1}', fileName, result.error) });
        return;
      }
      const { analysis, verdict, settings, estimate, energy, estimateNote } = result.report;
      const board = settings.target.board;
      const calibration = this.profiles.calibrations.get(key);
      const fitted = board && this.profiles.describe(board.id, settings.kernels);
      const folder = vscode.Uri.joinPath(document.uri, '..');
      const siblings = (await vscode.workspace.fs.readDirectory(folder).then(undefined, () => [] as [string, vscode.FileType][])).map(([name]) => name);
      const pair = findPair(fileName, siblings);
      const state: PanelState = {
        fileName,
        analysis,
        verdict,
        targets: [
          ...BOARDS.map((b) => ({ id: b.id, name: b.name, sramBytes: b.sramBytes, flashBytes: b.flashBytes })),
          { id: 'custom', name: vscode.l10n.t('Custom budget'), sramBytes: 0, flashBytes: 0 },
        ],
        targetId: settings.target.board?.id ?? 'custom',
        isDefaultTarget: settings.isDefaultTarget,
        reservedSramBytes: settings.reserve.sramBytes,
        reservedFlashBytes: settings.reserve.flashBytes,
        strings: Object.fromEntries(PANEL_STRINGS.map((s) => [s, vscode.l10n.t(s)])),
        findingMessages: verdict.findings.map(localizedFinding),
        ...(pair ? { pair } : {}),
        // The panel has no notice tables: the width reason arrives in the display language.
        ...(estimate
          ? {
              estimate: {
                ...estimate,
                total: { ...estimate.total, widthReasonText: estimate.total.widthReason && localizedNotice(estimate.total.widthReason) },
              },
            }
          : {}),
        ...(energy !== undefined ? { energy } : {}),
        ...(estimateNote ? { estimateNote } : {}),
        ...(board && energy ? { power: { sleepMicroAmps: board.power.sleepMicroAmps, volts: board.power.volts, activeMw: energy.powerMw } } : {}),
        ...(calibration ? { measured: calibration.rows.flatMap((r) => (r.measuredMs === null ? [] : [{ index: r.index, ms: r.measuredMs }])) } : {}),
        ...(fitted ? { profileNote: vscode.l10n.t('fitted to {0} from {1}', fitted.fromLog, fitted.fromModel) } : {}),
      };
      void post({ type: 'state', state });
      for (const r of this.results.get(key)?.values() ?? []) void post(r);
    };

    const subscriptions = [
      port,
      this.service.onDidChange((uri) => {
        if (uri.toString() === key && panel.visible) void send();
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) void send();
      }),
      panel.webview.onDidReceiveMessage(async (message: unknown) => {
        if (!isFromWebview(message)) return;
        switch (message.type) {
          case 'ready':
            return send();
          case 'setTarget': {
            if (message.targetId !== 'custom' && !BOARDS.some((b) => b.id === message.targetId)) return;
            await saveTarget(message.targetId, document.uri);
            return;
          }
          case 'openLayerView':
            await openLayerView(document.uri, message.layer, this.service);
            return;
          case 'runModel':
            return this.commands.run(document.uri);
          case 'compareModels':
            return this.commands.compare(document.uri);
          case 'quantizeModel':
            return this.commands.quantize(document.uri);
          case 'optimizeMemory':
            return this.commands.optimize(document.uri);
          case 'exportFirmware':
            return this.commands.exportFirmware(document.uri);
          case 'evaluateModels':
            return this.commands.evaluate(document.uri);
          case 'openSample':
            return this.commands.openSample(document.uri, message.file);
          case 'openPrecision':
          case 'setPrecision':
          case 'undoPrecision':
          case 'comparePrecision':
          case 'suggestPrecision':
          case 'applyPrecision':
          case 'savePrecision':
            return this.commands.precision(document.uri, message);
        }
      }),
    ];
    panel.onDidDispose(() => {
      if (this.panels.get(key) === port) this.panels.delete(key);
      subscriptions.forEach((s) => s.dispose());
    });
  }

  private html(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
    const csp = [
      `default-src 'none'`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
