/**
 * "Export for Firmware…": right-click a model (or press the panel's button), pick a folder and a
 * C symbol, and the C++ a TFLM firmware needs (src/firmware/export.ts) is written there, all
 * files or none, never over an existing file without asking once. The arena comes from the
 * model's report (the configured kernels, the target's core, arm32), so nothing is analysed twice.
 * The usage snippet goes to an output channel; a notification offers to open the arena header.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { notifyText } from './notifyText';
import { errorMessage } from '../errors';
import { symbolFromFileName, symbolProblem } from '../firmware/cArray';
import { type ArenaBreakdown, exportFirmware, TFLM_COMMIT } from '../firmware/export';
import type { BuiltinName } from '../model/ops';
import { writeFilesAtomic } from '../io/atomicWrite';
import { readModelFile } from '../jobs/load';
import type { AnalysisService } from './analysisService';

export interface ExportOptions {
  /** The folder to write into; skips the folder dialog. */
  readonly outDir?: string;
  /** The C symbol prefix; skips the question. */
  readonly name?: string;
  /** Replace existing files without asking (for scripted use). */
  readonly overwrite?: boolean;
}

export interface ExportDeps {
  readonly service: AnalysisService;
  /** Where the usage snippet is written. */
  readonly output: vscode.OutputChannel;
}

/** What was written, for scripted use and tests. */
export interface ExportOutcome {
  readonly files: readonly string[];
  readonly ops: readonly BuiltinName[];
  readonly arena: ArenaBreakdown;
  readonly arenaConstant: string;
}

async function chooseFolder(model: vscode.Uri): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(dirname(model.fsPath)),
    openLabel: vscode.l10n.t('Export Here'),
    title: vscode.l10n.t('Folder for the firmware files of {0}', basename(model.fsPath)),
  });
  return picked?.[0]?.fsPath;
}

async function chooseName(model: vscode.Uri): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('C symbol prefix for {0}', basename(model.fsPath)),
    prompt: vscode.l10n.t('The files are named <name>_model_data.cc/.h, <name>_op_resolver.h and <name>_arena.h'),
    value: symbolFromFileName(basename(model.fsPath)),
    validateInput: (v) => symbolProblem(v),
  });
}

/** Asks once about every file that is already there; true when they may be replaced. */
async function mayReplace(paths: readonly string[]): Promise<boolean> {
  const existing = paths.filter((p) => existsSync(p)).map((p) => basename(p));
  if (existing.length === 0) return true;
  const replace = vscode.l10n.t('Replace');
  const answer = await vscode.window.showWarningMessage(
    notifyText('These files already exist: {0}. Replace them?', existing.join(', ')),
    { modal: true },
    replace,
  );
  return answer === replace;
}

/** Returns what was written, or undefined when the user stopped or something failed (then said once). */
export async function exportFirmwareCommand(deps: ExportDeps, model: vscode.Uri, options: ExportOptions = {}): Promise<ExportOutcome | undefined> {
  const fileName = basename(model.fsPath);
  const analyzed = await deps.service.report(model);
  if (!analyzed.ok) {
    void vscode.window.showErrorMessage(notifyText('Cannot analyze {0}: {1}', fileName, analyzed.error));
    return undefined;
  }
  const outDir = options.outDir ?? (await chooseFolder(model));
  if (outDir === undefined) return undefined;
  const name = options.name ?? (await chooseName(model));
  if (name === undefined) return undefined;
  const problem = symbolProblem(name);
  if (problem) {
    void vscode.window.showErrorMessage(notifyText('Cannot export {0}: {1}', fileName, problem));
    return undefined;
  }
  try {
    // Reading and printing the bytes is linear and fast; the costly part, the analysis, is the report's.
    const { graph, bytes } = readModelFile(model.fsPath);
    const { analysis } = analyzed.report;
    const result = exportFirmware({ bytes, graph, analysis, name });
    const files = result.files.map((f) => ({ path: join(outDir, f.name), bytes: new TextEncoder().encode(f.text) }));
    const paths = files.map((f) => f.path);
    const overwrite = options.overwrite === true || (await mayReplace(paths));
    if (!overwrite) return undefined;
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(outDir));
    await writeFilesAtomic(files, { overwrite });

    const a = result.arena;
    deps.output.appendLine(`// ${fileName} → ${outDir}`);
    deps.output.appendLine(
      `// ${result.arenaConstant} = ${a.totalBytes} bytes (planned ${a.plannedBytes} + persistent ${a.persistentBytes} + margin ${a.marginBytes}; ${analysis.arena.kernels} kernels, ${analysis.arena.abi}, TFLM ${TFLM_COMMIT})`,
    );
    deps.output.appendLine(result.usage);
    deps.output.appendLine('');
    const header = paths.find((p) => p.endsWith('_arena.h')) ?? paths[0]!;
    const openHeader = vscode.l10n.t('Open Header');
    const showUsage = vscode.l10n.t('Show Usage');
    // Not awaited: scripted callers get the outcome without waiting for a click.
    void vscode.window
      .showInformationMessage(notifyText('Exported {0} for firmware: {1} files in {2}.', fileName, paths.length, basename(outDir)), openHeader, showUsage)
      .then(async (answer) => {
        if (answer === openHeader) await vscode.window.showTextDocument(vscode.Uri.file(header));
        else if (answer === showUsage) deps.output.show(true);
      });
    return { files: paths, ops: result.ops, arena: result.arena, arenaConstant: result.arenaConstant };
  } catch (e) {
    void vscode.window.showErrorMessage(notifyText('Cannot export {0}: {1}', fileName, errorMessage(e)));
    return undefined;
  }
}
