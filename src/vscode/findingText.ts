/**
 * Findings and notices in VS Code's display language: the English template is the l10n key, its Korean
 * text lives in l10n/bundle.l10n.ko.json. Diagnostics and the panel's list are plain text.
 */
import * as vscode from 'vscode';
import { plainText, renderFinding, type FindingSurface } from '../findings/render';
import type { FitFinding } from '../findings/finding';
import type { Notice } from '../findings/notice';
import { renderNotice } from '../findings/renderNotice';

const PLAIN: FindingSurface = { localize: (template, args) => vscode.l10n.t(template, args), escape: plainText };

export function localizedFinding(f: FitFinding): string {
  return renderFinding(f, PLAIN);
}

export function localizedNotice(n: Notice): string {
  return renderNotice(n, PLAIN);
}
