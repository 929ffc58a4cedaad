import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALL_TEMPLATES, FINDING_MESSAGES, FINDING_TEMPLATES, NOTICE_TEMPLATES, placeholders } from '../../src/findings/messages';
import { PANEL_STRINGS } from '../../src/shared/protocol';
import { REPO_ROOT } from '../helpers/corpus';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const json = (path: string): Record<string, string> => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as Record<string, string>;

test('every runtime string has a Korean translation', () => {
  const used = new Set<string>(PANEL_STRINGS);
  for (const f of sources(join(REPO_ROOT, 'src/vscode'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/l10n\.t\('([^']*)'/g)) used.add(m[1]!);
  }
  const ko = json('l10n/bundle.l10n.ko.json');
  assert.deepStrictEqual(
    [...used].filter((s) => !(s in ko)),
    [],
  );
  for (const [en, translated] of Object.entries(ko)) {
    // Placeholders survive translation.
    assert.deepStrictEqual([...translated.matchAll(/\{\d\}/g)].map(String).sort(), [...en.matchAll(/\{\d\}/g)].map(String).sort(), en);
  }
});

test('every %key% in the manifest exists in English and Korean', () => {
  const manifest = readFileSync(join(REPO_ROOT, 'package.json'), 'utf8');
  const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  assert.ok(keys.length > 10);
  const en = json('package.nls.json');
  const ko = json('package.nls.ko.json');
  assert.deepStrictEqual(
    keys.filter((k) => !(k in en)),
    [],
  );
  assert.deepStrictEqual(
    keys.filter((k) => !(k in ko)),
    [],
  );
});

test('every finding message has a Korean translation with the same named placeholders', () => {
  const ko = json('l10n/bundle.l10n.ko.json');
  // Each code's message is in the table the renderers use.
  assert.deepStrictEqual(Object.keys(FINDING_MESSAGES).sort(), [
    'flash-near',
    'flash-over',
    'float-in-int8',
    'hybrid-op',
    'latency-over',
    'op-refused',
    'op-unsupported',
    'sram-near',
    'sram-not-contiguous',
    'sram-over',
  ]);
  for (const en of FINDING_TEMPLATES) {
    const translated = ko[en];
    assert.ok(translated !== undefined, `no Korean for "${en}"`);
    assert.notEqual(translated, en, `"${en}" is not translated`);
    assert.deepStrictEqual(placeholders(translated), placeholders(en), en);
  }
});

test('every notice of the analysis, the estimator and the quantizer has a Korean translation with the same named placeholders', () => {
  const ko = json('l10n/bundle.l10n.ko.json');
  assert.equal(ALL_TEMPLATES.length, FINDING_TEMPLATES.length + NOTICE_TEMPLATES.length);
  for (const en of ALL_TEMPLATES) {
    const translated = ko[en];
    assert.ok(translated !== undefined, `no Korean for "${en}"`);
    assert.notEqual(translated, en, `"${en}" is not translated`);
    assert.deepStrictEqual(placeholders(translated), placeholders(en), en);
  }
});
