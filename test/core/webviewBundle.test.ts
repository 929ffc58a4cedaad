/**
 * The panel bundle carries only what the panel renders. It once pulled the estimator's index,
 * and with it the calibration and coefficients.json, to run the duty-cycle arithmetic: this
 * builds the bundle as scripts/build.mjs does (in memory) and checks its inputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../helpers/corpus';

async function webviewInputs(): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: ['webview/main.ts'],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outfile: 'dist/webview.js',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

test('the webview bundle holds no estimator data: no JSON, no calibration, not the estimator index', async () => {
  const inputs = await webviewInputs();
  const ours = inputs.filter((f) => f.startsWith('src/') || f.startsWith('webview/'));
  assert.ok(ours.includes('webview/battery.ts') && ours.includes('src/estimate/dutyCycle.ts'), `unexpected inputs: ${ours.join(', ')}`);
  const forbidden = ours.filter((f) => f.endsWith('.json') || /calibration/i.test(f) || f === 'src/estimate/index.ts' || f.startsWith('src/model/'));
  assert.deepStrictEqual(forbidden, []);
});
