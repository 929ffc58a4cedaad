import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
