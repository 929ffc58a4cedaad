import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Cancelled } from '../../src/errors';
import { startJob } from '../../src/jobs';
import { UNATTENDED } from '../../src/jobs/context';
import { writeModel } from '../../src/model/io';
import { chainModel } from '../helpers/fixtures';

/** A firmware folder: GetModel(g_chain_model_data) resolves to chain.tflite beside it. */
function folder(arenaBytes: number): { readonly dir: string; readonly main: string; readonly model: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fwjob-'));
  const model = join(dir, 'chain.tflite');
  writeFileSync(model, writeModel(chainModel()));
  const main = join(dir, 'main.cc');
  writeFileSync(
    main,
    [
      `alignas(16) static uint8_t tensor_arena[${arenaBytes}];`,
      'static tflite::MicroMutableOpResolver<2> resolver;',
      'void setup() {',
      '  if (resolver.AddRelu() != kTfLiteOk) return;',
      '  if (resolver.AddTanh() != kTfLiteOk) return;',
      `  tflite::MicroInterpreter interpreter(tflite::GetModel(g_chain_model_data), resolver, tensor_arena, ${arenaBytes});`,
      '}',
      '',
    ].join('\n'),
  );
  return { dir, main, model };
}

test('the checkFirmware job reads the sources, but takes an editor’s unsaved text over the file', async () => {
  const { main, model } = folder(100);
  const params = { models: [model], abi: 'arm32' as const, kernels: 'reference' as const };
  const onDisk = await startJob('checkFirmware', { ...params, sources: [{ path: main }] }, UNATTENDED);
  assert.deepEqual(
    onDisk.findings.map((f) => [f.code, f.line]),
    [['arena-too-small', 1]],
  );
  const facts = onDisk.details.models.find((m) => m.symbol === 'g_chain_model_data');
  assert.equal(facts?.matches, model);
  assert.deepEqual(onDisk.details.arenaModels, ['g_chain_model_data']);

  const fixed = readFileSync(main, 'utf8').replaceAll('100', String(facts!.arena.totalBytes));
  const unsaved = await startJob('checkFirmware', { ...params, sources: [{ path: main, text: fixed }] }, UNATTENDED);
  assert.deepEqual(unsaved.findings, []);
});

test('the checkFirmware job stops when asked, and skips a source that is gone', async () => {
  const { dir, main, model } = folder(100);
  const params = { models: [model], abi: 'arm32' as const, kernels: 'reference' as const };
  await assert.rejects(startJob('checkFirmware', { ...params, sources: [{ path: main }] }, { ...UNATTENDED, shouldStop: () => true }), Cancelled);
  const report = await startJob('checkFirmware', { ...params, sources: [{ path: join(dir, 'gone.cc') }] }, UNATTENDED);
  assert.deepEqual(report.findings, []);
});
