/**
 * The settings: package.json's `contributes.configuration` and configSchema.ts declare the same
 * ones, the readers read every one of them in its own scope with the declared default, and only
 * config.ts asks VS Code for values. Also the kernel library parser every surface uses.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { isKernelLibraryId, KERNEL_LIBRARIES, parseKernelLibrary } from '../../src/analysis/kernelLibrary';
import { NORMALIZATIONS } from '../../src/runtime/inputs/image';
import { ROUNDINGS } from '../../src/runtime/quant';
import {
  DEFAULT_TARGET,
  readModelSettings,
  readOptimizeSettings,
  readRunSettings,
  readWindowSettings,
  SECTION,
  SettingError,
  SETTINGS,
  type SettingKey,
  type SettingScope,
  type SettingsSource,
} from '../../src/vscode/configSchema';
import { REPO_ROOT } from '../helpers/corpus';

const KB = 1024;

interface ManifestProperty {
  readonly type: unknown;
  readonly scope: unknown;
  readonly default: unknown;
  readonly enum?: unknown;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
}

function manifestSettings(): Map<string, ManifestProperty> {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, ManifestProperty> } };
  };
  const prefix = `${SECTION}.`;
  return new Map(Object.entries(manifest.contributes.configuration.properties).map(([k, v]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, v]));
}

const isSettingKey = (k: string): k is SettingKey => k in SETTINGS;

/** A source holding `values`, recording which settings a reader asks for. */
function recording(values: Partial<Record<SettingKey, unknown>> = {}, set: readonly SettingKey[] = []): SettingsSource & { readonly read: Set<SettingKey> } {
  const read = new Set<SettingKey>();
  return {
    read,
    value: (key) => {
      read.add(key);
      return values[key];
    },
    isSet: (key) => {
      read.add(key);
      return set.includes(key);
    },
  };
}

const READERS: readonly { readonly name: string; readonly scope: SettingScope; readonly read: (s: SettingsSource) => unknown }[] = [
  { name: 'readModelSettings', scope: 'resource', read: readModelSettings },
  { name: 'readRunSettings', scope: 'resource', read: readRunSettings },
  { name: 'readOptimizeSettings', scope: 'resource', read: readOptimizeSettings },
  { name: 'readWindowSettings', scope: 'window', read: readWindowSettings },
];

describe('settings: package.json and configSchema.ts agree', () => {
  test('the same settings, each with the same type, scope, default, enum and bounds', () => {
    const manifest = manifestSettings();
    assert.deepStrictEqual([...manifest.keys()].sort(), Object.keys(SETTINGS).sort());
    for (const [key, p] of manifest) {
      assert.ok(isSettingKey(key), key);
      const d: Record<string, unknown> = SETTINGS[key];
      for (const field of ['type', 'scope', 'default', 'enum', 'minimum', 'maximum'] as const)
        assert.deepStrictEqual(p[field], d[field], `${SECTION}.${key}: ${field}`);
    }
  });

  test('every setting is read by one reader, of its own scope', () => {
    const readBy = new Map<SettingKey, string>();
    for (const reader of READERS) {
      const source = recording();
      reader.read(source);
      for (const key of source.read) {
        assert.equal(SETTINGS[key].scope, reader.scope, `${reader.name} reads ${key}`);
        readBy.set(key, reader.name);
      }
    }
    assert.deepStrictEqual([...readBy.keys()].sort(), Object.keys(SETTINGS).sort());
  });

  test('the choices match the runtime and the kernel libraries they name', () => {
    assert.deepStrictEqual(SETTINGS.rounding.enum, ROUNDINGS);
    assert.deepStrictEqual(SETTINGS.imageNormalization.enum, Object.keys(NORMALIZATIONS));
    assert.deepStrictEqual(SETTINGS.kernels.enum, KERNEL_LIBRARIES);
    assert.ok(SETTINGS.target.enum.includes(DEFAULT_TARGET));
  });

  test('only src/vscode/config.ts asks VS Code for settings', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
      });
    const callers = sources(join(REPO_ROOT, 'src'))
      .filter((f) => readFileSync(f, 'utf8').includes('getConfiguration'))
      .map((f) => relative(REPO_ROOT, f));
    assert.deepStrictEqual(callers, ['src/vscode/config.ts']);
  });
});

describe('settings: reading', () => {
  test('nothing set: the declared defaults', () => {
    const m = readModelSettings(recording());
    assert.equal(m.target.id, DEFAULT_TARGET);
    assert.equal(m.isDefaultTarget, true);
    assert.deepStrictEqual(m.reserve, { sramBytes: 16 * KB, flashBytes: 64 * KB });
    // The default board is a Cortex-M4F, whose TFLM builds link CMSIS-NN.
    assert.equal(m.kernels, 'cmsis-nn');
    assert.equal(m.latencyBudgetMs, 0);
    assert.deepStrictEqual(readRunSettings(recording()), { rounding: 'tflm', normalization: '[0,1]', samples: 8 });
    assert.deepStrictEqual(readWindowSettings(recording()), { scanLimit: 200 });
    assert.deepStrictEqual(readOptimizeSettings(recording()), { timeLimitSeconds: 10 });
    assert.deepStrictEqual(readOptimizeSettings(recording({ optimizeTimeLimitSeconds: 0.01 })), { timeLimitSeconds: 1 });
  });

  test("a board with the user's budgets, a custom budget, and an unknown board id", () => {
    const board = readModelSettings(recording({ target: 'rpi-pico', sramBudgetKB: 100 }, ['target']));
    assert.equal(board.isDefaultTarget, false);
    assert.equal(board.target.board?.id, 'rpi-pico');
    assert.match(board.target.name, /\(custom budget\)$/);
    assert.equal(board.target.sramBytes, 100 * KB);
    assert.equal(board.target.flashBytes, board.target.board?.flashBytes);
    const custom = readModelSettings(recording({ target: 'custom', flashBudgetKB: 512 })).target;
    assert.deepStrictEqual([custom.board, custom.sramBytes, custom.flashBytes], [undefined, 256 * KB, 512 * KB]);
    assert.equal(readModelSettings(recording({ target: 'no-such-board' })).target.id, DEFAULT_TARGET);
  });

  test('wrongly typed numbers fall back to their defaults', () => {
    const m = readModelSettings(recording({ reservedSramKB: '8', sramBudgetKB: 'lots', latencyBudgetMs: 20 }));
    assert.equal(m.reserve.sramBytes, 16 * KB);
    assert.equal(m.target.name, readModelSettings(recording()).target.name);
    assert.equal(m.latencyBudgetMs, 20);
  });

  test('an unknown choice is an error that names the setting and the accepted values', () => {
    assert.equal(readModelSettings(recording({ kernels: 'cmsis-nn' })).kernels, 'cmsis-nn');
    assert.throws(
      () => readModelSettings(recording({ kernels: 'esp-nn' })),
      (e: unknown) => e instanceof SettingError && e.message === 'tinymlLens.kernels: unknown kernel library "esp-nn"; use reference or cmsis-nn',
    );
    assert.throws(
      () => readRunSettings(recording({ rounding: 'banker' })),
      (e: unknown) => e instanceof SettingError && /^tinymlLens\.rounding: .*"banker".*tflm, tflite, xnnpack$/.test(e.message),
    );
    assert.throws(() => readRunSettings(recording({ imageNormalization: '[0,2]' })), SettingError);
  });
});

describe('kernel library ids', () => {
  test('the parser accepts exactly the ids and says what it expected', () => {
    for (const id of KERNEL_LIBRARIES) assert.deepStrictEqual(parseKernelLibrary(id), { ok: true, id });
    assert.deepStrictEqual(parseKernelLibrary('CMSIS-NN'), { ok: false, error: 'unknown kernel library "CMSIS-NN"; use reference or cmsis-nn' });
    assert.deepStrictEqual(parseKernelLibrary(3), { ok: false, error: 'unknown kernel library 3; use reference or cmsis-nn' });
    assert.equal(isKernelLibraryId('reference'), true);
    assert.equal(isKernelLibraryId(undefined), false);
  });
});
