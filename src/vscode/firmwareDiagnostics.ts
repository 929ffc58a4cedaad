/**
 * The firmware checker in the Problems panel: the workspace's C/C++ sources against the models
 * they ship (src/firmware/check.ts, run in the worker), one check per workspace folder with
 * that folder's kernel library. Re-checked, debounced, when a source is saved or changes on
 * disk, when a .tflite changes, when the settings change and after a quick fix; an editor's
 * unsaved text is what is checked for that file. The last reports feed the hovers and quick
 * fixes (firmwareHover.ts, firmwareActions.ts).
 */
import { basename, extname } from 'node:path';
import * as vscode from 'vscode';
import { errorCode, errorMessage } from '../errors';
import type { FirmwareFinding, FirmwareModelFacts, FirmwareReport, FirmwareSeverity, SourceFile } from '../firmware/check';
import { renderFirmwareFinding } from '../firmware/check';
import type { WorkerClient } from '../worker/workerClient';
import { affectsSettings, modelSettings } from './config';

export const FIRMWARE_EXTENSIONS = ['.c', '.cc', '.cpp', '.cxx', '.h', '.hpp', '.ino'] as const;
const SOURCE_GLOB = `**/*.{${FIRMWARE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`;
const EXCLUDE = '**/{node_modules,.git,build,.pio}/**';
/** Sources and models looked at per folder: a firmware project has far fewer; a vendored SDK is cut off. */
const MAX_SOURCES = 2000;
const MAX_MODELS = 500;
/** Saves and watcher events within this many ms make one check. */
const DEBOUNCE_MS = 400;
const SOURCE = 'TinyML Lens';

const SEVERITY: Readonly<Record<FirmwareSeverity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const isFirmwareSource = (uri: vscode.Uri): boolean =>
  uri.scheme === 'file' && (FIRMWARE_EXTENSIONS as readonly string[]).includes(extname(uri.fsPath).toLowerCase());

/** A firmware finding in VS Code's display language. */
export function localizedFirmwareFinding(f: FirmwareFinding): string {
  return renderFirmwareFinding(f, (template, args) => vscode.l10n.t(template, args));
}

/** `g_model_data (model.tflite)`: the array's symbol and the workspace file it equals. */
export function modelLabel(m: Pick<FirmwareModelFacts, 'symbol' | 'matches'>): string {
  return m.matches ? `${m.symbol} (${basename(m.matches)})` : m.symbol;
}

interface FolderCheck {
  readonly report: FirmwareReport;
  readonly sources: readonly string[];
}

export class FirmwareChecker implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tinymlLens.firmware');
  private readonly reports = new Map<string, FolderCheck>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly checked = new vscode.EventEmitter<void>();
  /** Fires after each check has set its diagnostics. */
  readonly onDidCheck = this.checked.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;
  private current: Promise<void> = Promise.resolve();
  private readonly texts = new Map<string, { readonly mtime: number; readonly text: string }>();

  constructor(private readonly worker: WorkerClient) {
    const sources = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
    const models = vscode.workspace.createFileSystemWatcher('**/*.tflite');
    const again = (): void => this.schedule();
    this.subscriptions.push(
      sources,
      models,
      this.checked,
      sources.onDidCreate(again),
      sources.onDidChange(again),
      sources.onDidDelete(again),
      models.onDidCreate(again),
      models.onDidChange(again),
      models.onDidDelete(again),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (isFirmwareSource(doc.uri)) this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSettings(e)) this.schedule();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(again),
    );
  }

  /** Checks again after a short quiet time; the last call wins. */
  schedule(delayMs = DEBOUNCE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.checkAll();
    }, delayMs);
  }

  /** Checks now and resolves when the diagnostics are set (for commands and tests). */
  async checkNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.current = this.checkAll();
    await this.current;
  }

  /** The last report of the folder holding `uri`, with the sources it read. */
  reportFor(uri: vscode.Uri): FolderCheck | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.reports.get(folder.uri.toString()) : undefined;
  }

  /** The findings of the last check on 1-based `line` of `uri`. */
  findingsAt(uri: vscode.Uri, line: number): FirmwareFinding[] {
    return (this.reportFor(uri)?.report.findings ?? []).filter((f) => f.file === uri.fsPath && f.line === line);
  }

  /** The text of each source as the editor has it (an open document) or as it is on disk (cached by mtime). */
  async sourceTexts(paths: readonly string[]): Promise<SourceFile[]> {
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
    const out: SourceFile[] = [];
    for (const path of paths) {
      const doc = open.get(path);
      if (doc) {
        out.push({ path, text: doc.getText() });
        continue;
      }
      try {
        const uri = vscode.Uri.file(path);
        const { mtime } = await vscode.workspace.fs.stat(uri);
        const cached = this.texts.get(path);
        if (cached?.mtime === mtime) out.push({ path, text: cached.text });
        else {
          const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
          this.texts.set(path, { mtime, text });
          out.push({ path, text });
        }
      } catch {
        // Deleted since the check: its fixes are not offered.
      }
    }
    return out;
  }

  private async checkAll(): Promise<void> {
    this.running?.abort();
    const abort = new AbortController();
    this.running = abort;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const seen = new Set<string>();
    for (const folder of folders) {
      try {
        const done = await this.checkFolder(folder, abort.signal);
        if (abort.signal.aborted) return;
        if (done) seen.add(folder.uri.toString());
      } catch (e) {
        if (errorCode(e) === 'cancelled' || abort.signal.aborted) return;
        console.error(`TinyML Lens: firmware check of ${folder.name} failed: ${errorMessage(e)}`);
      }
    }
    for (const key of [...this.reports.keys()]) if (!seen.has(key)) this.reports.delete(key);
    this.publish();
    this.checked.fire();
  }

  private async checkFolder(folder: vscode.WorkspaceFolder, signal: AbortSignal): Promise<boolean> {
    const [sourceUris, modelUris] = await Promise.all([
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, SOURCE_GLOB), EXCLUDE, MAX_SOURCES),
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.tflite'), EXCLUDE, MAX_MODELS),
    ]);
    if (sourceUris.length === 0) return false;
    const dirty = new Map(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => [d.uri.fsPath, d.getText()]));
    const settings = modelSettings(folder.uri);
    const sources = sourceUris.map((u) => u.fsPath).sort();
    const report = await this.worker.request(
      'checkFirmware',
      {
        sources: sources.map((path) => (dirty.has(path) ? { path, text: dirty.get(path)! } : { path })),
        models: modelUris.map((u) => u.fsPath).sort(),
        abi: 'arm32',
        kernels: settings.kernels,
        ...(settings.target.board ? { core: settings.target.board.core } : {}),
      },
      { signal },
    );
    this.reports.set(folder.uri.toString(), { report, sources });
    return true;
  }

  private publish(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const { report } of this.reports.values()) {
      for (const f of report.findings) {
        const list = byFile.get(f.file) ?? [];
        list.push(this.diagnostic(f, report));
        byFile.set(f.file, list);
      }
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  private diagnostic(f: FirmwareFinding, report: FirmwareReport): vscode.Diagnostic {
    const line = Math.max(0, f.line - 1);
    const model = modelOf(f, report);
    const text = localizedFirmwareFinding(f);
    const message = model ? vscode.l10n.t('{0} (model {1})', text, modelLabel(model)) : text;
    const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), message, SEVERITY[f.severity]);
    d.source = SOURCE;
    d.code = f.code;
    if (model) {
      const where = model.matches ? new vscode.Location(vscode.Uri.file(model.matches), new vscode.Position(0, 0)) : arrayLocation(model.symbol, report);
      if (where) d.relatedInformation = [new vscode.DiagnosticRelatedInformation(where, vscode.l10n.t('model {0}', modelLabel(model)))];
    }
    return d;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.running?.abort();
    this.collection.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

function arrayLocation(symbol: string, report: FirmwareReport): vscode.Location | undefined {
  const m = report.models.find((x) => x.symbol === symbol);
  return m ? new vscode.Location(vscode.Uri.file(m.file), new vscode.Position(Math.max(0, m.line - 1), 0)) : undefined;
}

/** The model a finding is about, where the finding's own text does not name it. */
export function modelOf(f: FirmwareFinding, report: FirmwareReport): FirmwareModelFacts | undefined {
  const facts = report.details.models;
  switch (f.code) {
    case 'arena-too-small':
    case 'arena-oversized': {
      const i = report.arenas.findIndex((a) => a.file === f.file && a.line === f.line && a.symbol === f.params.arena);
      const symbol = i >= 0 ? report.details.arenaModels[i] : undefined;
      return facts.find((m) => m.symbol === symbol);
    }
    case 'op-missing': {
      const users = facts.filter((m) => m.ops.includes(String(f.params.op)));
      return users.length === 1 ? users[0] : undefined;
    }
    default:
      return undefined;
  }
}
