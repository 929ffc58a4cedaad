// `npm start`: build the bundles, write the example workspace with the project's own model
// writer, and analyze each example model against the default board.
// (Opening the extension in code-server on this workspace is the VS Code issue's part.)
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
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
for (const f of readdirSync(workspace).filter((f) => f.endsWith('.tflite'))) {
  console.log(`\n$ tinyml-lens analyze ${f} --target arduino-nano-33-ble-sense`);
  node(['dist/cli.js', 'analyze', join(workspace, f), '--target', 'arduino-nano-33-ble-sense'], false);
}
