/**
 * Entry point of the in-extension-host test suite. VS Code's extension host `require`s this
 * file (`extensionTestsPath`) and awaits `run()`, the same way under @vscode/test-electron
 * (desktop) and under code-server (the `payload` URL, see scripts/vscode/runCodeServerTests.mjs).
 * It runs every compiled `*.test.js` beside it with mocha, output through `console.log` (the
 * workbench forwards it through `codeAutomationLog` in the browser, or to stdout on desktop).
 *
 * TINYML_VSCODE_GREP (in the extension host's environment) filters tests by title.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { ourRejections } from './rejections';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? testFiles(p) : p.endsWith('.test.js') ? [p] : [];
    });
}

export function run(): Promise<void> {
  // The reporters print with printf-style format strings; send each line pre-formatted, so it
  // survives being forwarded as one string from the extension host to the workbench.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    slow: 5_000,
    grep: process.env.TINYML_VSCODE_GREP || undefined,
  });
  const files = testFiles(__dirname);
  // scripts/vscode/runCodeServerTests.mjs shows what comes after this line.
  console.log('[tinyml-lens suite] start');
  for (const f of files) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        // A late post to a closed panel is an unhandled rejection VS Code only logs: it fails the run here.
        const stray = ourRejections();
        if (stray.length > 0) console.log(`[tinyml-lens suite] unhandled rejections:\n${stray.join('\n')}`);
        if (failures > 0) reject(new Error(`${failures} VS Code test${failures === 1 ? '' : 's'} failed`));
        else if (stray.length > 0) reject(new Error(`${stray.length} unhandled rejection(s) from the extension: ${stray[0]!.split('\n')[0]}`));
        else resolve();
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
