import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
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
    const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), spec))
      .split(sep)
      .join('/');
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
  for (const f of FORMAT_LAYER_TESTS)
    assert.ok(formatLayerImports(f, readFileSync(join(REPO_ROOT, f), 'utf8')).length > 0, `${f} no longer needs to be an exception`);
});

/**
 * The files each source file imports by a relative path, type-only imports included: a cycle
 * through `import type` costs nothing at run time, but the two modules can no longer be read,
 * moved or tested apart (as `cli/main.ts` ↔ its commands showed, only for `Io`), so none is allowed.
 */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const resolveImport = (from: string, spec: string): string | undefined => {
    const p = join(dirname(from), spec);
    return [`${p}.ts`, join(p, 'index.ts'), p].find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
  };
  return new Map(
    files.map((f) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
      const deps = importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('./') || s.startsWith('../'));
      return [f, [...new Set(deps.map((s) => resolveImport(f, s)).filter((p): p is string => p !== undefined))]];
    }),
  );
}

/** One cycle per strongly connected component (Tarjan), each as the path back to its first file. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) components.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  // A shortest way from the component's first file back to itself, staying inside the component.
  return components.map((component) => {
    const inside = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      const next = (graph.get(v) ?? []).filter((w) => inside.has(w));
      if (next.includes(start)) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      for (const w of next) {
        if (previous.has(w) || w === start) continue;
        previous.set(w, v);
        queue.push(w);
      }
    }
    return [start, start];
  });
}

test('the cycle finder finds a cycle, and only the files on it', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', []],
    ['e', ['a', 'e']],
  ]);
  assert.deepStrictEqual(
    importCycles(graph)
      .map((c) => c.join(' → '))
      .sort(),
    ['a → b → c → a', 'e → e'],
  );
  assert.deepStrictEqual(
    importCycles(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
    [],
  );
});

test('no import cycles in src/, type-only imports included', () => {
  const cycles = importCycles(importGraph(sources(join(REPO_ROOT, 'src'))));
  const described = cycles.map((c) => c.map((f) => relative(REPO_ROOT, f)).join(' → '));
  assert.deepStrictEqual(described, [], `import cycles:\n${described.join('\n')}`);
});
