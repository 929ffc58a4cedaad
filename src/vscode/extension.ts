/**
 * The thin VS Code layer: it maps editor actions to worker jobs and core results to what
 * the editor shows (panel, layer view, hovers, decorations, diagnostics, status bar).
 * Nothing here computes a number; the core, in the worker, does.
 */
import * as vscode from 'vscode';
import { BOARDS } from '../targets/boards';
import { formatBytes } from '../targets/fit';
import { WorkerClient } from '../worker/workerClient';
import { AnalysisService } from './analysisService';
import { ModelDiagnostics } from './diagnostics';
import { LAYER_SCHEME, LayerView, modelUriOf, openLayerView } from './layerView';
import { MODEL_EDITOR, ModelEditorProvider } from './modelEditor';
import { saveTarget } from './config';
import { ModelStatusBar } from './statusBar';
import { type CompareOptions, compareModelsCommand, runModelCommand } from './runCommands';
import { importProfileCommand, ProfileStore } from './profiles';
import { quantizeModelCommand, type QuantizeOptions } from './quantizeCommand';
import { optimizeMemoryCommand, type OptimizeOptions } from './optimizeCommand';
import { type ExportOptions, exportFirmwareCommand } from './exportCommand';
import { type EvaluateOptions, evaluateModelsCommand, openEvaluatedSample } from './evaluateCommand';
import { CHECK_FIRMWARE_COMMAND, FirmwareCodeActions } from './firmwareActions';
import { FirmwareChecker, FIRMWARE_EXTENSIONS } from './firmwareDiagnostics';
import { FirmwareHoverProvider } from './firmwareHover';
import { PrecisionEditor, type PrecisionOptions } from './precisionSession';

export interface TinymlLensApi {
  readonly service: AnalysisService;
  readonly profiles: ProfileStore;
  readonly diagnostics: ModelDiagnostics;
  readonly statusBar: ModelStatusBar;
  readonly editor: ModelEditorProvider;
  readonly firmware: FirmwareChecker;
  readonly precision: PrecisionEditor;
}

/** C and C++ sources, by language and, for `.ino` and unrecognised headers, by extension. */
const FIRMWARE_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'c' },
  { scheme: 'file', language: 'cpp' },
  { scheme: 'file', pattern: `**/*.{${FIRMWARE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}` },
];

let worker: WorkerClient | undefined;

export function activate(context: vscode.ExtensionContext): TinymlLensApi {
  worker = new WorkerClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  const profiles = new ProfileStore(context.workspaceState);
  const service = new AnalysisService(worker, profiles);
  const layerView = new LayerView(service);
  const client = worker;
  const diagnostics = new ModelDiagnostics(service);
  const exportOutput = vscode.window.createOutputChannel('TinyML Lens Firmware Export', 'cpp');
  const editor: ModelEditorProvider = new ModelEditorProvider(
    context,
    service,
    {
      run: async (model) => void (await runModelCommand(client, editor, model)),
      compare: async (model) => void (await compareModelsCommand(client, editor, model)),
      quantize: async (model) => void (await quantizeModelCommand(client, service, editor, context.workspaceState, model)),
      optimize: async (model) => void (await optimizeMemoryCommand({ worker: client, service, editor, diagnostics }, model)),
      exportFirmware: async (model) => void (await exportFirmwareCommand({ service, output: exportOutput }, model)),
      evaluate: async (model) => void (await evaluateModelsCommand({ worker: client, editor, state: context.workspaceState }, model)),
      openSample: async (model, file) => void (await openEvaluatedSample(editor.result(model, 'evaluate')?.evaluate, file)),
      precision: (model, message) => precision.handle(model, message),
    },
    profiles,
  );
  const precision = new PrecisionEditor({ worker: client, service, editor, state: context.workspaceState });
  const statusBar = new ModelStatusBar(service);
  const firmware = new FirmwareChecker(client);

  context.subscriptions.push(
    { dispose: () => void worker?.dispose() },
    service,
    layerView,
    diagnostics,
    statusBar,
    firmware,
    vscode.languages.registerHoverProvider(FIRMWARE_SELECTOR, new FirmwareHoverProvider(firmware)),
    vscode.languages.registerCodeActionsProvider(FIRMWARE_SELECTOR, new FirmwareCodeActions(firmware), {
      providedCodeActionKinds: FirmwareCodeActions.kinds,
    }),
    vscode.commands.registerCommand(CHECK_FIRMWARE_COMMAND, () => firmware.checkNow()),
    vscode.workspace.registerTextDocumentContentProvider(LAYER_SCHEME, layerView),
    vscode.languages.registerHoverProvider({ scheme: LAYER_SCHEME }, layerView),
    vscode.window.registerCustomEditorProvider(MODEL_EDITOR, editor, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.commands.registerCommand('tinymlLens.analyzeModel', async (uri?: vscode.Uri) => {
      const model = uri ?? (await pickModel(statusBar));
      if (model) await vscode.commands.executeCommand('vscode.openWith', model, MODEL_EDITOR);
    }),
    vscode.commands.registerCommand('tinymlLens.openLayerView', async (uri?: vscode.Uri) => {
      const model = uri ?? (await pickModel(statusBar));
      if (model) await openLayerView(model);
    }),
    vscode.commands.registerCommand('tinymlLens.selectTarget', selectTarget),
    vscode.commands.registerCommand('tinymlLens.runModel', async (uri?: vscode.Uri, inputs?: readonly vscode.Uri[]) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? runModelCommand(client, editor, model, Array.isArray(inputs) ? inputs : undefined) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.compareModels', async (uri?: vscode.Uri, options?: CompareOptions) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? compareModelsCommand(client, editor, model, options ?? {}) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.quantizeModel', async (uri?: vscode.Uri, options?: QuantizeOptions) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? quantizeModelCommand(client, service, editor, context.workspaceState, model, options ?? {}) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.optimizeMemory', async (uri?: vscode.Uri, options?: OptimizeOptions) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? optimizeMemoryCommand({ worker: client, service, editor, diagnostics }, model, options ?? {}) : undefined;
    }),
    exportOutput,
    vscode.commands.registerCommand('tinymlLens.exportFirmware', async (uri?: vscode.Uri, options?: ExportOptions) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? exportFirmwareCommand({ service, output: exportOutput }, model, options ?? {}) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.evaluateModels', async (uri?: vscode.Uri, options?: EvaluateOptions) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? evaluateModelsCommand({ worker: client, editor, state: context.workspaceState }, model, options ?? {}) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.editPrecision', async (uri?: vscode.Uri, options?: PrecisionOptions) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? precision.open(model, options ?? {}) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.importProfile', async (uri?: vscode.Uri, log?: vscode.Uri) => {
      const model = uri ?? (await pickModel(statusBar));
      return model ? importProfileCommand(service, profiles, model, log) : undefined;
    }),
    vscode.commands.registerCommand('tinymlLens.clearProfiles', async () => {
      await profiles.clear();
      service.invalidate();
    }),
    vscode.commands.registerCommand('tinymlLens.refreshDiagnostics', async () => {
      service.invalidate();
      await diagnostics.scan();
    }),
  );
  for (const e of vscode.window.visibleTextEditors) void layerView.decorate(e);
  void diagnostics.scan();
  void statusBar.update();
  firmware.schedule(0);
  return { service, profiles, diagnostics, statusBar, editor, firmware, precision };
}

export function deactivate(): Promise<number> | undefined {
  return worker?.dispose();
}

/** The active model, else one picked from the workspace. */
async function pickModel(statusBar: ModelStatusBar): Promise<vscode.Uri | undefined> {
  const active = statusBar.activeModel();
  if (active) return active;
  const doc = vscode.window.activeTextEditor?.document.uri;
  if (doc?.scheme === LAYER_SCHEME) return modelUriOf(doc);
  const models = await vscode.workspace.findFiles('**/*.tflite', '**/node_modules/**', 500);
  if (models.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No .tflite models in this workspace.'));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    models.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: vscode.l10n.t('Pick a .tflite model') },
  );
  return pick?.uri;
}

async function selectTarget(): Promise<void> {
  const items = BOARDS.map((b) => ({
    label: b.name,
    description: `${b.core}, ${b.maxClockMHz} MHz`,
    detail: `${formatBytes(b.sramBytes)} SRAM, ${formatBytes(b.flashBytes)} flash`,
    id: b.id,
  }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Target board for memory budgets'), matchOnDescription: true });
  if (!pick) return;
  await saveTarget(pick.id);
}
