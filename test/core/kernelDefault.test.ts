// Which kernel library a target gets when the user names none: CMSIS-NN on a Cortex-M (the
// path by core), TFLM's reference kernels elsewhere, and the surfaces say why.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { cmsisArchFor, defaultKernelLibrary, kernelLibrary } from '../../src/analysis/kernelLibrary';
import { writeModel } from '../../src/model/io';
import { BOARDS } from '../../src/targets/boards';
import { readModelSettings, type SettingsSource } from '../../src/vscode/configSchema';
import { cli } from '../helpers/cli';
import { tinyInt8ConvNet } from '../helpers/fixtures';

const source = (values: Record<string, unknown>, set: readonly string[]): SettingsSource => ({
  value: (key) => values[key],
  isSet: (key) => set.includes(key),
});

describe('the default kernel library follows the core', () => {
  test('CMSIS-NN on every Cortex-M board, with its C, DSP or MVE path; reference on the others', () => {
    for (const b of BOARDS) {
      const arm = b.core.startsWith('cortex-m');
      assert.equal(defaultKernelLibrary(b.core), arm ? 'cmsis-nn' : 'reference', b.id);
    }
    assert.equal(cmsisArchFor('cortex-m0plus'), 'none');
    assert.equal(cmsisArchFor('cortex-m3'), 'none');
    for (const core of ['cortex-m4', 'cortex-m4f', 'cortex-m7', 'cortex-m33'] as const) assert.equal(cmsisArchFor(core), 'dsp');
    for (const core of ['cortex-m55', 'cortex-m85'] as const) assert.equal(cmsisArchFor(core), 'mve');
    // No core (a custom budget): what a TFLM build links without a port, the reference kernels.
    assert.equal(defaultKernelLibrary(undefined), 'reference');
  });

  test('the editor: unset, the board decides; set, the user does', () => {
    assert.equal(readModelSettings(source({ target: 'esp32-s3' }, ['target'])).kernels, 'reference');
    assert.equal(readModelSettings(source({ target: 'rpi-pico' }, ['target'])).kernels, 'cmsis-nn');
    assert.equal(readModelSettings(source({ target: 'rpi-pico', kernels: 'reference' }, ['target', 'kernels'])).kernels, 'reference');
    assert.equal(readModelSettings(source({ target: 'custom' }, ['target'])).kernels, 'reference');
  });

  test('the CLI: a Cortex-M --target gets the CMSIS-NN arena, an ESP32 the reference one and a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernels-'));
    const model = join(dir, 'm.tflite');
    const bytes = writeModel(tinyInt8ConvNet());
    writeFileSync(model, bytes);
    const json = async (...args: string[]) =>
      JSON.parse((await cli('analyze', model, ...args, '--json')).out) as { arena: { kernels: string; totalBytes: number } };
    const m4 = await json('--target', 'arduino-nano-33-ble-sense');
    assert.equal(m4.arena.kernels, 'cmsis-nn (dsp)');
    const { readModel } = await import('../../src/model/io');
    assert.equal(m4.arena.totalBytes, analyzeModel(readModel(bytes), bytes.length, { kernels: kernelLibrary('cmsis-nn', 'cortex-m4f') }).arena.totalBytes);
    assert.equal((await json('--target', 'arduino-nano-33-ble-sense', '--kernels', 'reference')).arena.kernels, 'reference');
    assert.equal((await json('--target', 'esp32-s3')).arena.kernels, 'reference');
    const text = (await cli('analyze', model, '--target', 'esp32-s3')).out;
    assert.match(text, /note: TFLM's reference kernels: CMSIS-NN is written for Arm Cortex-M cores, and xtensa-lx7 is not one/);
    // Without a target nothing is known about the core: reference, and no note.
    const bare = (await cli('analyze', model)).out;
    assert.match(bare, /TFLM reference kernels/);
    assert.doesNotMatch(bare, /CMSIS-NN is written for/);
  });
});
