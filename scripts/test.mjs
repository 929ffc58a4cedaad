// Runs every test: compiles the TypeScript (strict), then the core suite with node's test
// runner. Each later stage (VS Code, end-to-end) is added here so `npm test` stays the one
// command CI and developers run.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

rmSync(join(root, 'out'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root]);

function testFiles(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? testFiles(p) : p.endsWith('.test.js') ? [p] : [];
  });
}
const only = process.argv.slice(2);
const files = testFiles(join(root, 'out/test/core')).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
run(process.execPath, ['--test', '--test-reporter=spec', ...files]);
