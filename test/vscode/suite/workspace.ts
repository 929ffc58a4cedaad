/** The extension and the example workspace as the suites reach them, and where findings are listed. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TinymlLensApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'tinyml-lens.tinyml-lens';

/** The extension's API (it activates on the workspace by itself; this waits for it). */
export async function api(): Promise<TinymlLensApi> {
  const ext = vscode.extensions.getExtension<TinymlLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext.activate();
}

/** A model of the example workspace by file name. */
export async function model(name: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`);
  assert.ok(uri, `${name} is not in the workspace`);
  return uri;
}

/** The layer view's document of a model (the extension's `tinyml-layers` scheme). */
export const layerView = (m: vscode.Uri): vscode.Uri => vscode.Uri.from({ scheme: 'tinyml-layers', path: `${m.path}.layers`, query: m.toString() });

/** A model's findings wherever they are listed: on the file, or on its layer view while that is open. */
export const findings = (m: vscode.Uri): vscode.Diagnostic[] => [...vscode.languages.getDiagnostics(m), ...vscode.languages.getDiagnostics(layerView(m))];

type Warn = typeof vscode.window.showWarningMessage;

/** Answers the extension's "already exists" questions as a user would, recording what was asked. */
export async function answering<T>(answer: string | undefined, asked: string[], fn: () => Thenable<T>): Promise<T> {
  const original = vscode.window.showWarningMessage;
  const stub = (async (message: string) => {
    asked.push(message);
    return answer;
  }) as unknown as Warn;
  // The extension and this suite share one `vscode` API object (same extension folder).
  (vscode.window as { showWarningMessage: Warn }).showWarningMessage = stub;
  assert.equal(vscode.window.showWarningMessage, stub, 'could not stand in for the question');
  try {
    return await fn();
  } finally {
    (vscode.window as { showWarningMessage: Warn }).showWarningMessage = original;
  }
}
