/** Where a model's findings are listed, for the suites that read the Problems panel. */
import * as vscode from 'vscode';

/** The layer view's document of a model (the extension's `tinyml-layers` scheme). */
export const layerView = (m: vscode.Uri): vscode.Uri => vscode.Uri.from({ scheme: 'tinyml-layers', path: `${m.path}.layers`, query: m.toString() });

/** A model's findings wherever they are listed: on the file, or on its layer view while that is open. */
export const findings = (m: vscode.Uri): vscode.Diagnostic[] => [...vscode.languages.getDiagnostics(m), ...vscode.languages.getDiagnostics(layerView(m))];
