/**
 * Runs the in-extension-host suite (test/vscode/suite) in desktop VS Code (Electron) through
 * @vscode/test-electron, on a machine that can download VS Code. The same suite runs offline in
 * code-server: scripts/vscode/runCodeServerTests.mjs (what `npm test` uses).
 *
 *   npx tsc -p . && node scripts/build.mjs && node out/test/vscode/runElectron.js
 *
 * TINYML_VSCODE_VERSION picks the VS Code version (default: stable; the manifest needs
 * ^1.100.0); TINYML_VSCODE_EXECUTABLE uses an installed one instead of downloading.
 * On Linux without a display, run it under `xvfb-run -a`.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runTests } from '@vscode/test-electron';
import type * as WorkspaceModule from '../../scripts/vscode/workspace.mjs';

const ROOT = join(__dirname, '..', '..', '..');
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run node scripts/build.mjs first');
  const ws = await importEsm<typeof WorkspaceModule>(pathToFileURL(join(ROOT, 'scripts', 'vscode', 'workspace.mjs')).href);
  const workspace = ws.createTestWorkspace();
  try {
    return await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(__dirname, 'suite', 'index'),
      version: process.env.TINYML_VSCODE_VERSION || 'stable',
      ...(process.env.TINYML_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.TINYML_VSCODE_EXECUTABLE } : {}),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    console.log(`[vscode-tests] extension-host suite in VS Code desktop: ${code === 0 ? 'PASSED' : `FAILED (exit code ${code})`}`);
    process.exit(code);
  },
  (e: unknown) => {
    console.error(`[vscode-tests] extension-host suite in VS Code desktop: ERROR: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
