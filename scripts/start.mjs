// `npm start`: build the bundles, write the example workspace with the project's own model
// writer, analyze each example model against the default board, then open the extension in a
// real VS Code (code-server, installed on first use) on that workspace and keep it running
// until Ctrl-C. The bundles are rebuilt on change: "Developer: Reload Window" picks them up.
//
//   npm start                      (TINYML_PORT=8080 npm start for a fixed port)
//   node scripts/start.mjs --no-vscode   only build, write and analyze
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureVsCode, SetupError } from './vscode/setup.mjs';
import { startCodeServer } from './vscode/codeServer.mjs';
import { writeFirmwareExample, writeWorkspaceSettings } from './vscode/workspace.mjs';
import { killGroupOnExit, leaveSignalsToCaller } from './vscode/cleanup.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const node = (args, check = true) => {
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  } catch (e) {
    if (check) throw e;
  }
};
node(['scripts/build.mjs']);
const workspace = join(root, '.example-workspace');
node(['dist/cli.js', 'examples', workspace]);
// A firmware folder the firmware checker has something to say about; your edits to it are kept.
writeFirmwareExample(workspace, { overwrite: false });
// Defaults for the example workspace; a settings.json already there (your edits) is kept.
writeWorkspaceSettings(workspace, { 'tinymlLens.target': 'arduino-nano-33-ble-sense', 'tinymlLens.kernels': 'reference' }, { overwrite: false });
for (const f of readdirSync(workspace).filter((f) => f.endsWith('.tflite'))) {
  console.log(`\n$ tinyml-lens analyze ${f} --target arduino-nano-33-ble-sense`);
  node(['dist/cli.js', 'analyze', join(workspace, f), '--target', 'arduino-nano-33-ble-sense'], false);
}
if (process.argv.includes('--no-vscode')) process.exit(0);

console.log('\nStarting VS Code (code-server) with the extension...');
let codeServer;
try {
  ({ codeServer } = ensureVsCode());
} catch (e) {
  console.error(`could not set up code-server: ${e instanceof SetupError ? e.message : e.stack}`);
  process.exit(1);
}
const port = process.env.TINYML_PORT ? Number(process.env.TINYML_PORT) : undefined;
leaveSignalsToCaller(); // stop() below ends code-server, the watcher and the process
const server = await startCodeServer({ codeServer, port, verbose: process.argv.includes('--verbose') });
// Rebuild the bundles on change, in its own process group so it goes with us.
const watcher = spawn(process.execPath, ['scripts/build.mjs', '--watch'], { cwd: root, stdio: 'inherit', detached: true });
killGroupOnExit(watcher.pid);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping code-server...');
  await server.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));

const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: root });
console.log(`
TinyML Lens in VS Code (code-server ${server.url}), on ${workspace}:

  ${url}

Open that URL in a browser on this machine (from elsewhere: ssh -L ${server.port}:127.0.0.1:${server.port} ...).
The bundles rebuild on change; run "Developer: Reload Window" to load them. Ctrl-C stops.
code-server's log: ${server.logFile}`);

// If code-server dies on its own, say so and leave.
const timer = setInterval(async () => {
  try {
    await fetch(`${server.url}healthz`, { signal: AbortSignal.timeout(5000) });
  } catch {
    if (stopping) return;
    clearInterval(timer);
    console.error(`code-server stopped answering; its last output:\n${server.output().slice(-3000)}`);
    await stop(1);
  }
}, 10_000);
