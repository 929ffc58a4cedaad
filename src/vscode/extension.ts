/**
 * The thin VS Code layer: it maps editor actions to worker jobs and core results to what the
 * editor shows. Nothing here computes a number; the core and the worker do.
 */
import * as vscode from 'vscode';
import { checkFit, findBoard, NO_RESERVE } from '../targets/fit';
import { CancelledError, WorkerClient } from '../worker/workerClient';
import { renderReport } from '../cli/textReport';
import { showModelPanel } from './modelPanel';

let worker: WorkerClient | undefined;

/** The board used when the user has not chosen one: a common TinyML board, named in the UI. */
export const DEFAULT_TARGET = 'arduino-nano-33-ble-sense';

export function activate(context: vscode.ExtensionContext): void {
  worker = new WorkerClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  const output = vscode.window.createOutputChannel('TinyML Lens');
  context.subscriptions.push(
    output,
    { dispose: () => void worker?.dispose() },
    vscode.commands.registerCommand('tinymlLens.analyzeModel', (uri?: vscode.Uri) => analyzeCommand(context, output, uri)),
  );
}

export function deactivate(): Promise<number> | undefined {
  return worker?.dispose();
}

async function analyzeCommand(context: vscode.ExtensionContext, output: vscode.OutputChannel, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (await pickModel());
  if (!target || !worker) return;
  const client = worker;
  try {
    const analysis = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Analyzing ${vscode.workspace.asRelativePath(target)}`, cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return client.request('analyze', { path: target.fsPath, abi: 'arm32', kernels: 'reference' }, { signal: abort.signal });
      },
    );
    const board = findBoard(DEFAULT_TARGET);
    const verdict = board ? checkFit(analysis, board, NO_RESERVE) : undefined;
    output.clear();
    output.appendLine(renderReport(analysis, verdict));
    showModelPanel(context, target, analysis, verdict ?? null);
  } catch (e) {
    if (e instanceof CancelledError) return;
    void vscode.window.showErrorMessage(`TinyML Lens could not analyze ${vscode.workspace.asRelativePath(target)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function pickModel(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith('.tflite')) return active;
  const models = await vscode.workspace.findFiles('**/*.tflite', '**/node_modules/**', 500);
  const pick = await vscode.window.showQuickPick(
    models.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Pick a .tflite model to analyze' },
  );
  return pick?.uri;
}
