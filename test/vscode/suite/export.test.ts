/**
 * Export for Firmware from VS Code, on the example workspace: the keyword-spotting model becomes
 * four C++ files in a temporary folder, whose arena constant is the panel's analysis plus the
 * margin; a folder that already holds one of the files is left alone unless the user says Replace.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { ExportOutcome } from '../../../src/vscode/exportCommand';
import { answering, api, model } from './workspace';

const EXPECTED_FILES = ['kws_arena.h', 'kws_model_data.cc', 'kws_model_data.h', 'kws_op_resolver.h'];

suite('export for firmware in VS Code', () => {
  const folders: string[] = [];
  const tempFolder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-export-'));
    folders.push(dir);
    return dir;
  };
  suiteTeardown(() => {
    for (const d of folders) rmSync(d, { recursive: true, force: true });
  });

  test('the kws model becomes four files; the arena constant is the analysis arena plus the margin', async () => {
    const { service } = await api();
    const kws = await model('kws_ds_cnn_int8.tflite');
    const outDir = tempFolder();
    const outcome = await vscode.commands.executeCommand<ExportOutcome | undefined>('tinymlLens.exportFirmware', kws, { outDir, name: 'kws' });
    assert.ok(outcome, 'the export returned nothing');
    assert.deepEqual(readdirSync(outDir).sort(), EXPECTED_FILES);
    assert.deepEqual(
      [...outcome.files].sort(),
      EXPECTED_FILES.map((f) => join(outDir, f)),
    );

    const report = await service.report(kws);
    assert.ok(report.ok, 'the kws model is analysed');
    const analysed = report.report.analysis.arena.totalBytes;
    assert.ok(outcome.arena.marginBytes >= 0);
    const header = readFileSync(join(outDir, 'kws_arena.h'), 'utf8');
    const m = /constexpr size_t kKwsTensorArenaSize = (\d+);/.exec(header);
    assert.ok(m?.[1], `no arena constant in\n${header}`);
    assert.equal(Number(m[1]), analysed + outcome.arena.marginBytes);
    assert.equal(outcome.arenaConstant, 'kKwsTensorArenaSize');

    const data = readFileSync(join(outDir, 'kws_model_data.cc'), 'utf8');
    assert.match(data, /alignas\(16\) const unsigned char kws_model_data\[\] = \{/);
    const resolver = readFileSync(join(outDir, 'kws_op_resolver.h'), 'utf8');
    assert.ok(outcome.ops.length > 0);
    assert.match(resolver, /MicroMutableOpResolver<kKwsOpCount>/);
    assert.match(resolver, new RegExp(`kKwsOpCount = ${outcome.ops.length};`));
  });

  test('an existing file is not replaced without consent, and nothing else is written', async () => {
    const kws = await model('kws_ds_cnn_int8.tflite');
    const outDir = tempFolder();
    const mine = '// my own arena header\n';
    writeFileSync(join(outDir, 'kws_arena.h'), mine);

    const asked: string[] = [];
    const refused = await answering(undefined, asked, () =>
      vscode.commands.executeCommand<ExportOutcome | undefined>('tinymlLens.exportFirmware', kws, { outDir, name: 'kws' }),
    );
    assert.equal(refused, undefined);
    assert.equal(asked.length, 1, 'asked once');
    assert.match(asked[0] ?? '', /kws_arena\.h/);
    assert.equal(readFileSync(join(outDir, 'kws_arena.h'), 'utf8'), mine, 'the file was replaced without asking');
    assert.equal(existsSync(join(outDir, 'kws_model_data.cc')), false, 'other files were written after a refusal');

    const replaced = await answering('Replace', asked, () =>
      vscode.commands.executeCommand<ExportOutcome | undefined>('tinymlLens.exportFirmware', kws, { outDir, name: 'kws' }),
    );
    assert.ok(replaced, 'answering Replace exports');
    assert.equal(asked.length, 2);
    assert.notEqual(readFileSync(join(outDir, 'kws_arena.h'), 'utf8'), mine);
    assert.deepEqual(readdirSync(outDir).sort(), EXPECTED_FILES);
  });
});
