/**
 * The model panel: a webview with a strict Content-Security-Policy (a nonce, no remote
 * resources), scripts and styles only from the extension's dist and media folders, and
 * every message from it checked against the protocol before the host acts on it.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ModelAnalysis } from '../analysis/analyzeModel';
import { isFromWebview, type ToWebview } from '../shared/protocol';
import type { FitVerdict } from '../targets/fit';

export function showModelPanel(context: vscode.ExtensionContext, model: vscode.Uri, analysis: ModelAnalysis, verdict: FitVerdict | null): void {
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const panel = vscode.window.createWebviewPanel('tinymlLens.model', `TinyML Lens: ${model.path.split('/').pop()}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [dist, media],
    retainContextWhenHidden: false,
  });
  const nonce = randomBytes(16).toString('base64');
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
  const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
  const csp = `default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}';`;
  panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}"></head>
<body><main id="app" aria-live="polite">Loading…</main><script nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
  const message: ToWebview = { type: 'analysis', analysis, verdict };
  panel.webview.onDidReceiveMessage((m: unknown) => {
    if (isFromWebview(m) && m.type === 'ready') void panel.webview.postMessage(message);
  });
}
