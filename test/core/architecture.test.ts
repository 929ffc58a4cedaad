import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/corpus';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the core knows nothing of VS Code: only src/vscode imports it', () => {
  const offenders = sources(join(REPO_ROOT, 'src'))
    .filter((f) => !relative(REPO_ROOT, f).startsWith('src/vscode/'))
    .filter((f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
  assert.deepStrictEqual(offenders, []);
});

test('no `any` in hand-written code', () => {
  const offenders = sources(join(REPO_ROOT, 'src'))
    .filter((f) => !f.includes('/generated/'))
    .filter((f) => /:\s*any\b|<any>|as any\b/.test(readFileSync(f, 'utf8')));
  assert.deepStrictEqual(offenders, []);
});

// ---------------------------------------------------------------------------------------
// src/model is the only door to TFLite

/** Tests of the format layer itself, which read the flatbuffer structure on purpose. */
const FORMAT_LAYER_TESTS: readonly string[] = ['test/core/fuzz.test.ts'];
/** The format layer's folder, spelled in pieces so that a search for the path finds only real imports. */
const FORMAT_LAYER = ['src', 'model', 'tflite'].join('/');
const LAYER = ['model', 'tflite'].join('/');

/** Every module specifier in a source text: static and type imports, re-exports, import(), require(). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"`])([^'"`]+)\1/gm;
  for (const m of text.matchAll(pattern)) found.push(m[2]!);
  return found;
}

/** The specifiers of `text` (a file at repo-relative `file`) that land in the format layer. */
function formatLayerImports(file: string, text: string): string[] {
  return specifiers(text).filter((spec) => {
    if (!spec.startsWith('.')) return false;
    const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), spec)).split(sep).join('/');
    return target === FORMAT_LAYER || target.startsWith(`${FORMAT_LAYER}/`);
  });
}

test('the format check sees every way of importing the format layer', () => {
  const file = 'src/analysis/example.ts';
  const caught = (line: string): boolean => formatLayerImports(file, line).length > 0;
  assert.ok(caught(`import { opName } from '../${LAYER}/reader';`));
  assert.ok(caught(`import type { Conv2DOptionsT } from "../${LAYER}/generated/tflite/conv2-doptions";`));
  assert.ok(caught(`export { writeTflite } from '../${LAYER}/writer';`));
  assert.ok(caught(`import {\n  Padding,\n} from '../${LAYER}/generated/tflite/padding';`));
  assert.ok(caught(`const r = require('../${LAYER}/reader');`));
  assert.ok(caught(`const r = await import('../${LAYER}/reader');`));
  assert.ok(caught(`import '../${LAYER}/generated/tflite';`));
  assert.ok(formatLayerImports('src/runtime/kernels/conv/x.ts', `import { Padding } from '../../../${LAYER}/generated/tflite/padding';`).length > 0);
  assert.ok(formatLayerImports('test/core/x.test.ts', `import { readTflite } from '../../src/${LAYER}/reader';`).length > 0);
  assert.ok(!caught(`import { optionsOf } from '../model/ops';`));
  assert.ok(!caught(`import { readModel } from '../model/io';`));
});

test('nothing outside src/model imports the flatc classes or the reader and writer', () => {
  const files = ['src', 'webview', 'test'].flatMap((dir) => sources(join(REPO_ROOT, dir))).map((f) => relative(REPO_ROOT, f).split(sep).join('/'));
  const offenders = files
    .filter((f) => !f.startsWith('src/model/') && !FORMAT_LAYER_TESTS.includes(f))
    .flatMap((f) => formatLayerImports(f, readFileSync(join(REPO_ROOT, f), 'utf8')).map((spec) => `${f}: ${spec}`));
  assert.deepStrictEqual(offenders, []);
  // The exceptions stay honest: each one still needs the format layer.
  for (const f of FORMAT_LAYER_TESTS) assert.ok(formatLayerImports(f, readFileSync(join(REPO_ROOT, f), 'utf8')).length > 0, `${f} no longer needs to be an exception`);
});
