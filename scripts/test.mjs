// Runs every test, in stages, each ending with one closing line:
//   lint      biome lint (biome.jsonc: the recommended rules and no explicit any)
//   format    biome format, checking only: `npm run format` writes the fixes
//   compile   tsc on the Node config (tsconfig.json: src/ and test/, no DOM) into out/
//   webview   tsc on the panel's config (webview/tsconfig.json: DOM, no Node), checking only
//   tools     g++, qemu-user and qemu-system-arm for the TFLM oracle in ../shared/tflm (scripts/tools.mjs)
//   core      test/core with node's test runner
//   setup     chromium, ripgrep and code-server, installed on first use (scripts/vscode/setup.mjs)
//   bundles   scripts/build.mjs (the extension as VS Code loads it)
//   vscode    test/vscode/suite (mocha) inside code-server's real extension host
//   e2e       test/e2e/*.e2e.ts: the workbench in headless Chromium with playwright-core
//
//   node scripts/test.mjs              everything (what `npm test` and CI run)
//   node scripts/test.mjs arena        the checks, then core files whose path contains "arena" (no VS Code stages)
//   node scripts/test.mjs vscode e2e   compile, then only those VS Code stages
//   TINYML_SKIP_VSCODE=1 npm test      the checks, compile and core only, for quick local runs
// Screenshots and logs of the VS Code stages go to .test-artifacts/ (gitignored).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const STAGE_WORDS = new Set(['vscode', 'e2e']);
const args = process.argv.slice(2);
const only = args.filter((a) => !STAGE_WORDS.has(a));
const picked = args.filter((a) => STAGE_WORDS.has(a));
const runCore = args.length === 0 || only.length > 0;
const vscodeStages = args.length === 0 ? ['vscode', 'e2e'] : picked;

const results = [];
const fmt = (ms) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
const rule = (s) => console.log(`\n── ${s}`);

/** Runs one stage; a stage fails by throwing or by a command's non-zero exit. */
async function stage(name, fn) {
  const t0 = Date.now();
  let ok = false;
  let why = '';
  try {
    await fn();
    ok = true;
  } catch (e) {
    why = e?.message ?? String(e);
  }
  const ms = Date.now() - t0;
  results.push({ name, ok, ms });
  rule(`${name}: ${ok ? 'passed' : 'FAILED'} in ${fmt(ms)}${ok ? '' : ` (${why.split('\n')[0]})`}`);
  return ok;
}

function run(cmd, cmdArgs, options = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (r.error) throw r.error;
  if (r.status !== 0)
    throw new Error(
      `${[cmd, ...cmdArgs]
        .map((a) => a.replace(root, ''))
        .join(' ')
        .slice(0, 120)} exited with ${r.status ?? r.signal}`,
    );
}
const node = (nodeArgs, options) => run(process.execPath, nodeArgs, options);

function files(dir, suffix) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p, suffix) : p.endsWith(suffix) ? [p] : [];
  });
}

function finish() {
  const failed = results.filter((r) => !r.ok);
  console.log(`\n${results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(8)} ${fmt(r.ms)}`).join('\n')}`);
  console.log(failed.length ? `\n${failed.length} stage(s) failed: ${failed.map((r) => r.name).join(', ')}` : '\nall stages passed');
  process.exit(failed.length ? 1 : 0);
}

const tsc = join(root, 'node_modules/typescript/bin/tsc');
const biome = join(root, 'node_modules/@biomejs/biome/bin/biome');
// Lint and format first: they take a second and say the most about a change's shape.
if (runCore) {
  await stage('lint', () => node([biome, 'lint', '--max-diagnostics=50', '.']));
  await stage('format', () => node([biome, 'format', '--reporter=summary', '.']));
}
rmSync(join(root, 'out'), { recursive: true, force: true });
if (!(await stage('compile', () => node([tsc, '-p', root])))) finish();
if (runCore) await stage('webview', () => node([tsc, '-p', join(root, 'webview')]));

if (runCore) {
  const { ensureOracleTools } = await import('./tools.mjs');
  await stage('tools', () => {
    ensureOracleTools({ quiet: true });
  });
  await stage('core', () => {
    const core = files(join(root, 'out/test/core'), '.test.js').filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
    if (core.length === 0) throw new Error(`no core test file matches ${only.join(', ')}`);
    node(['--test', '--test-reporter=spec', ...core]);
  });
}

if (vscodeStages.length && process.env.TINYML_SKIP_VSCODE === '1') {
  rule('VS Code stages (setup, bundles, vscode, e2e): SKIPPED because TINYML_SKIP_VSCODE=1');
} else if (vscodeStages.length) {
  rmSync(join(root, '.test-artifacts'), { recursive: true, force: true });
  const { ensureVsCode } = await import('./vscode/setup.mjs');
  const ready =
    (await stage('setup', () => {
      ensureVsCode();
    })) && (await stage('bundles', () => node(['scripts/build.mjs'])));
  if (ready) {
    if (vscodeStages.includes('vscode')) await stage('vscode', () => node(['scripts/vscode/runCodeServerTests.mjs']));
    if (vscodeStages.includes('e2e')) {
      await stage('e2e', () => {
        const e2e = files(join(root, 'out/test/e2e'), '.e2e.js');
        if (e2e.length === 0) throw new Error('no out/test/e2e/*.e2e.js');
        // One file at a time: each starts its own code-server and Chromium (2-core CI).
        node(['--test', '--test-concurrency=1', '--test-timeout=300000', '--test-reporter=spec', ...e2e]);
      });
    }
  } else {
    rule('vscode, e2e: not run (setup or bundles failed)');
  }
}
finish();
