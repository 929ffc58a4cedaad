/**
 * Quick fixes for the firmware checker's diagnostics: the edits come from the core
 * (src/firmware/fixes.ts) over the sources as the editor has them; this only turns them into a
 * WorkspaceEdit, and checks again once it is applied so that the fixed row leaves Problems.
 */
import * as vscode from 'vscode';
import { FIRMWARE_FIX_TITLES } from '../findings/firmwareMessages';
import { type FirmwareFix, firmwareFixes } from '../firmware/fixes';
import { type FirmwareChecker, isFirmwareSource } from './firmwareDiagnostics';

export const CHECK_FIRMWARE_COMMAND = 'tinymlLens.checkFirmware';
/** Fixes whose edit is the one a user wants (VS Code applies a preferred fix with "Auto Fix"). */
const PREFERRED = new Set(['set-arena', 'add-ops', 'set-capacity']);

export class FirmwareCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly checker: FirmwareChecker) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === 'TinyML Lens' && d.code !== undefined);
    const check = this.checker.reportFor(doc.uri);
    if (ours.length === 0 || !check || !isFirmwareSource(doc.uri)) return [];
    const { report } = check;
    const sources = await this.checker.sourceTexts(check.sources);
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const finding = this.checker.findingsAt(doc.uri, d.range.start.line + 1).find((f) => f.code === d.code);
      if (!finding) continue;
      const i = report.arenas.findIndex((a) => a.file === finding.file && a.line === finding.line);
      const arenaModel = i >= 0 ? report.details.arenaModels[i] : undefined;
      const arenaBytes = report.details.models.find((m) => m.symbol === arenaModel)?.arena.totalBytes;
      for (const fix of firmwareFixes(finding, report.findings, sources, arenaBytes)) actions.push(codeAction(fix, d));
    }
    return actions;
  }
}

function codeAction(fix: FirmwareFix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(fix.params)) args[k] = String(v);
  const action = new vscode.CodeAction(vscode.l10n.t(FIRMWARE_FIX_TITLES[fix.kind], args), vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    edit.replace(vscode.Uri.file(e.file), new vscode.Range(e.from.line, e.from.character, e.to.line, e.to.character), e.newText);
  }
  action.edit = edit;
  action.diagnostics = [diagnostic];
  action.isPreferred = PREFERRED.has(fix.kind);
  action.command = { command: CHECK_FIRMWARE_COMMAND, title: vscode.l10n.t('Check Firmware Sources') };
  return action;
}
