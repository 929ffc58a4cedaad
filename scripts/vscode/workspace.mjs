// The workspaces VS Code is opened on: example models written by the project's own CLI
// (`dist/cli.js examples`, so run `node scripts/build.mjs` first) and workspace settings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './cleanup.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** Workspace settings for the test workspace (and defaults for the example workspace). */
export const WORKSPACE_SETTINGS = {
  'tinymlLens.target': 'arduino-nano-33-ble-sense',
  'tinymlLens.kernels': 'reference',
};

/** Writes the example models into `dir` and returns their file names. */
export function writeExampleModels(dir) {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` first`);
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [cli, 'examples', dir], { stdio: 'pipe' });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tflite'))
    .sort();
}

/** Writes `.vscode/settings.json` unless one is there (a user's edits are kept). */
export function writeWorkspaceSettings(dir, settings = WORKSPACE_SETTINGS, { overwrite = true } = {}) {
  const file = join(dir, '.vscode', 'settings.json');
  if (!overwrite && existsSync(file)) return file;
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return file;
}

/**
 * A fresh temporary workspace with the example models and settings. Returns its path; it is
 * removed when the process ends, if the caller has not removed it before.
 */
export function createTestWorkspace({ settings = WORKSPACE_SETTINGS, parent = tmpdir() } = {}) {
  const dir = mkdtempSync(join(parent, 'tinyml-ws-'));
  removeOnExit(dir);
  writeExampleModels(dir);
  writeWorkspaceSettings(dir, settings);
  return dir;
}
