// `npm run package`: the production bundles, then a .vsix with @vscode/vsce (offline; the
// bundles carry every dependency, so --no-dependencies), then checks: its size, its contents,
// and that a real VS Code (code-server) installs it.
//
//   node scripts/vscode/package.mjs [--no-install-check]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureVsCode } from './setup.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const MAX_BYTES = 3 * 1024 * 1024;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const id = `${pkg.publisher}.${pkg.name}`;
const out = join(root, `${pkg.name}-${pkg.version}.vsix`);

function fail(msg) {
  console.error(`[package] FAILED: ${msg}`);
  process.exit(1);
}
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
};

run(process.execPath, ['scripts/build.mjs', '--production']);
rmSync(out, { force: true });
run(process.execPath, [
  join(root, 'node_modules/@vscode/vsce/vsce'),
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--out',
  out,
]);

const bytes = statSync(out).size;
const kb = (bytes / 1024).toFixed(1);
if (bytes >= MAX_BYTES) fail(`${out} is ${kb} KB, over the 3 MB limit`);
const listing = execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/webview.js', 'package.json', 'LICENSE']) {
  if (!listing.split('\n').includes(f)) fail(`${f} is not in the package (vsce ls):\n${listing}`);
}
console.log(`[package] ${out}: ${kb} KB`);

if (!process.argv.includes('--no-install-check')) {
  const { codeServer } = ensureVsCode({ quiet: false });
  const base = mkdtempSync(join(tmpdir(), 'tinyml-vsix-check-'));
  try {
    const env = { ...process.env, XDG_CONFIG_HOME: join(base, 'config'), XDG_DATA_HOME: join(base, 'data') };
    const dirs = ['--user-data-dir', join(base, 'user-data'), '--extensions-dir', join(base, 'extensions')];
    execFileSync(process.execPath, [codeServer, ...dirs, '--install-extension', out, '--force'], { env, stdio: 'pipe' });
    const listed = execFileSync(process.execPath, [codeServer, ...dirs, '--list-extensions', '--show-versions'], { env, encoding: 'utf8' });
    if (!listed.includes(`${id}@${pkg.version}`)) fail(`code-server did not list ${id}@${pkg.version} after installing the .vsix:\n${listed}`);
    console.log(`[package] code-server --install-extension: installed ${id}@${pkg.version}`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
