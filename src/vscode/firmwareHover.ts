/**
 * Hovers in firmware sources, from the firmware checker's last report: on a tensor arena (its
 * buffer or the constant its size names) what the model needs, planned + persistent + margin,
 * and its share of the target's SRAM; on `GetModel(...)` or a model array, the model's summary
 * and a link that opens its panel. Every string from the sources or the model is escaped.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { FirmwareArena, FirmwareModelFacts, FirmwareReport } from '../firmware/check';
import { formatBytes } from '../util/formatBytes';
import { modelSettings } from './config';
import { markdownCode, markdownText } from './escapeText';
import { type FirmwareChecker, modelLabel } from './firmwareDiagnostics';

const bytes = (n: number): string => `${n.toLocaleString('en-US')} B`;

export class FirmwareHoverProvider implements vscode.HoverProvider {
  constructor(private readonly checker: FirmwareChecker) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const check = this.checker.reportFor(doc.uri);
    const range = doc.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
    if (!check || !range) return undefined;
    const word = doc.getText(range);
    const { report } = check;
    const model = this.modelAt(doc, position.line, word, report);
    if (model) return new vscode.Hover(modelHover(model), range);
    const arena = this.arenaNamed(doc, word, report);
    if (arena) return new vscode.Hover(arenaHover(arena.arena, arena.model, doc.uri), range);
    return undefined;
  }

  /** `GetModel` on a line that calls it, or a model array's symbol anywhere. */
  private modelAt(doc: vscode.TextDocument, line: number, word: string, report: FirmwareReport): FirmwareModelFacts | undefined {
    const facts = report.details.models;
    const named = facts.find((m) => m.symbol === word);
    if (named) return named;
    if (word !== 'GetModel') return undefined;
    const call = /GetModel\s*\(\s*([A-Za-z_]\w*)\s*\)/.exec(doc.lineAt(line).text);
    return call ? facts.find((m) => m.symbol === call[1]) : undefined;
  }

  /** An arena of this file by its buffer's name, or by a name inside its `[…]` (the size constant). */
  private arenaNamed(
    doc: vscode.TextDocument,
    word: string,
    report: FirmwareReport,
  ): { readonly arena: FirmwareArena; readonly model: FirmwareModelFacts | undefined } | undefined {
    const path = doc.uri.fsPath;
    for (let i = 0; i < report.arenas.length; i++) {
      const a = report.arenas[i]!;
      if (a.file !== path || a.line > doc.lineCount) continue;
      const declared = doc.lineAt(a.line - 1).text;
      const size = new RegExp(`\\b${a.symbol}\\s*\\[([^\\]]*)\\]`).exec(declared)?.[1] ?? '';
      if (word === a.symbol || new RegExp(`\\b${word}\\b`).test(size)) {
        const symbol = report.details.arenaModels[i];
        return { arena: a, model: report.details.models.find((m) => m.symbol === symbol) };
      }
    }
    return undefined;
  }
}

function arenaHover(a: FirmwareArena, model: FirmwareModelFacts | undefined, doc: vscode.Uri): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${vscode.l10n.t('Tensor arena {0}', markdownCode(a.symbol))}**`);
  md.appendMarkdown(`\n\n${vscode.l10n.t('Declared: {0}', a.bytes === null ? vscode.l10n.t('cannot be evaluated') : bytes(a.bytes))}`);
  if (!model) {
    md.appendMarkdown(`\n\n${vscode.l10n.t('No model is tied to this arena (no MicroInterpreter with a known model uses it).')}`);
    return md;
  }
  const b = model.arena;
  md.appendMarkdown(
    `\n\n${vscode.l10n.t('Model {0} needs {1} with {2} kernels:', markdownText(modelLabel(model)), `**${bytes(b.totalBytes)}**`, markdownText(model.kernels))}`,
  );
  md.appendMarkdown(`\n\n| | |\n|---|---:|\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('planned (non-persistent head)')} | ${bytes(b.plannedBytes)} |\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('persistent (tail)')} | ${bytes(b.persistentBytes)} |\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('margin (AllocateTensors() while planning)')} | ${bytes(b.marginBytes)} |\n`);
  try {
    const { target } = modelSettings(doc);
    if (target.sramBytes > 0) {
      const share = Math.round((100 * b.totalBytes) / target.sramBytes);
      md.appendMarkdown(`\n${vscode.l10n.t('{0}% of the {1} SRAM of {2}', share, formatBytes(target.sramBytes), markdownText(target.name))}`);
    }
  } catch {
    // An unusable setting: the settings' own diagnostics say so; the hover shows the rest.
  }
  if (a.bytes !== null && a.bytes < b.totalBytes)
    md.appendMarkdown(`\n\n$(error) ${vscode.l10n.t('{0} short: AllocateTensors() will fail.', bytes(b.totalBytes - a.bytes))}`);
  md.supportThemeIcons = true;
  return md;
}

function modelHover(m: FirmwareModelFacts): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${vscode.l10n.t('Model {0}', markdownText(modelLabel(m)))}**`);
  const subgraphs = m.subgraphs > 1 ? vscode.l10n.t(', {0} subgraphs', m.subgraphs) : '';
  md.appendMarkdown(
    `\n\n${vscode.l10n.t('{0}, {1}, {2} operators{3}, {4} MACs', formatBytes(m.bytes), markdownText(m.kind), m.operators, subgraphs, m.macs.toLocaleString('en-US'))}`,
  );
  md.appendMarkdown(`\n\n${vscode.l10n.t('Ops: {0}', m.ops.map((o) => markdownText(o)).join(', '))}`);
  md.appendMarkdown(
    `\n\n${vscode.l10n.t('Tensor arena: {0} with {1} kernels ({2} planned + {3} persistent + {4} margin)', bytes(m.arena.totalBytes), markdownText(m.kernels), bytes(m.arena.plannedBytes), bytes(m.arena.persistentBytes), bytes(m.arena.marginBytes))}`,
  );
  if (m.matches) {
    const args = encodeURIComponent(JSON.stringify([vscode.Uri.file(m.matches)]));
    md.appendMarkdown(`\n\n[${vscode.l10n.t('Open the panel of {0}', markdownText(basename(m.matches)))}](command:tinymlLens.analyzeModel?${args})`);
    md.isTrusted = { enabledCommands: ['tinymlLens.analyzeModel'] };
  }
  return md;
}
