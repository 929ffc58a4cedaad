// Runs the in-extension-host mocha suite (out/test/vscode/suite) inside a real VS Code:
// code-server's Node extension host, driven by headless Chromium. The same suite runs on the
// desktop through test/vscode/runElectron.ts.
//
// Needs: `tsc` output in out/ and the bundles in dist/ (scripts/test.mjs does both).
// Exit code: the suite's (0 when every test passed).
//
//   node scripts/vscode/runCodeServerTests.mjs [--verbose] [--keep]
//   TINYML_VSCODE_GREP=<title> filters tests.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { ensureVsCode, SetupError } from './setup.mjs';
import { startCodeServer, launchChromium } from './codeServer.mjs';
import { ROOT, createTestWorkspace } from './workspace.mjs';

const verbose = process.argv.includes('--verbose');
const keep = process.argv.includes('--keep');
const TIMEOUT_MS = Number(process.env.TINYML_VSCODE_TIMEOUT_MS || 180_000);
const ARTIFACTS = join(ROOT, '.test-artifacts', 'vscode');

const SUITE_START = '[tinyml-lens suite] start';
const NOISE = /ECONNREFUSED 127\.0\.0\.1:9\b/;

const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

async function main() {
  const suiteIndex = join(ROOT, 'out/test/vscode/suite/index.js');
  if (!existsSync(suiteIndex)) throw new Error(`${suiteIndex} is missing: compile with tsc first (npm test does)`);
  if (!existsSync(join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run node scripts/build.mjs first');
  const { codeServer } = ensureVsCode();
  const workspace = createTestWorkspace();
  let server;
  let browser;
  try {
    server = await startCodeServer({ codeServer, verbose });
    browser = await launchChromium();
    const { page } = browser;
    let lastLogAt = Date.now();
    let resolveExit;
    const exitCode = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    // Until the suite starts (its index.ts prints SUITE_START), the lines are the workbench's
    // own start-up chatter: kept, and shown only with --verbose or when something goes wrong.
    // Marketplace errors are expected (the gallery points at a dead loopback port).
    const startup = [];
    let started = false;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      lastLogAt = Date.now();
      const text = Array.isArray(args) ? format(...args) : String(args);
      if (text.includes(SUITE_START)) {
        started = true;
        return;
      }
      if (!started && !verbose) {
        startup.push(`[${type}] ${text}`);
        return;
      }
      if (NOISE.test(text) && !verbose) return;
      if (type === 'error' || type === 'warn') console.error(text);
      else console.log(text);
    });
    const dumpStartup = () => {
      if (startup.length) console.error(`[vscode-tests] workbench output before the suite started:\n${startup.join('\n').slice(-6000)}`);
    };
    if (verbose) page.on('console', (m) => console.error(`[browser ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));

    const url = server.workbenchUrl({
      folder: workspace,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suiteIndex.replace(/\.js$/, ''),
    });
    if (verbose) console.error(`[vscode-tests] ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`no result from the extension host after ${TIMEOUT_MS / 1000} s (last output ${((Date.now() - lastLogAt) / 1000).toFixed(0)} s ago)`),
          ),
        TIMEOUT_MS,
      );
    });
    try {
      const code = await Promise.race([exitCode, timeout]);
      await new Promise((r) => setTimeout(r, 300)); // let the last forwarded lines arrive
      if (!started) dumpStartup();
      return code;
    } catch (e) {
      dumpStartup();
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'timeout.png') }).catch(() => {});
      console.error(`[vscode-tests] server output (tail):\n${server.output().slice(-3000)}`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser?.close();
    await server?.stop();
    if (!keep) rmSync(workspace, { recursive: true, force: true });
  }
}

try {
  const code = await main();
  console.log(`\n[vscode-tests] extension-host suite in code-server: ${code === 0 ? 'PASSED' : `FAILED (exit code ${code})`} in ${secs()}`);
  process.exit(code);
} catch (e) {
  console.error(`\n[vscode-tests] extension-host suite in code-server: ERROR after ${secs()}: ${e instanceof SetupError ? e.message : (e.stack ?? e)}`);
  process.exit(1);
}
