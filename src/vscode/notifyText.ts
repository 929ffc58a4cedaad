/**
 * A notification's sentence in VS Code's display language, every argument escaped
 * (notificationText): file names, model strings and error messages that quote them are shown,
 * never turned into links. One function, so a new command cannot forget a call site.
 */
import * as vscode from 'vscode';
import { notificationText } from './escapeText';

export function notifyText(template: string, ...args: (string | number)[]): string {
  return vscode.l10n.t(template, ...args.map((a) => (typeof a === 'string' ? notificationText(a) : a)));
}
