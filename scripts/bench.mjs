// Compiles the TypeScript and runs the benchmarks (test/bench/index.ts).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
run([join(root, 'node_modules/typescript/bin/tsc'), '-p', root]);
run([join(root, 'out/test/bench/index.js')]);
