import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EXIT_BAD_INPUT, EXIT_OK } from '../../src/cli/command';
import { cli } from '../helpers/cli';
import { Cancelled } from '../../src/errors';
import { startJob } from '../../src/jobs';
import { optimizedName } from '../../src/optimize/outputName';
import { readModel, writeModel } from '../../src/model/io';
import { branchModel } from '../helpers/branchModel';
import { chainModel } from '../helpers/fixtures';

function modelFile(bytes: Uint8Array, name = 'model.tflite'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'optimize-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('tinyml-lens optimize', () => {
  test('writes <name>_opt.tflite beside the model and reports the figures as JSON', async () => {
    const original = writeModel(branchModel());
    const path = modelFile(original, 'branches.tflite');
    const r = await cli('optimize', path, '--reorder', '--abi', 'x86_64', '--json');
    assert.equal(r.code, EXIT_OK, r.err);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    for (const key of ['greedyHeadBytes', 'optimizedHeadBytes', 'lowerBoundBytes', 'totalBytesBefore', 'totalBytesAfter', 'optimal', 'reordered'])
      assert.ok(key in json, key);
    assert.equal(json.greedyHeadBytes, 4160);
    assert.equal(json.optimizedHeadBytes, 2176);
    assert.equal(json.output, optimizedName(path));
    assert.equal((json.reordered as unknown[]).length, 2);
    assert.ok(existsSync(optimizedName(path)));
    assert.deepStrictEqual(new Uint8Array(readFileSync(path)), original, 'the original is untouched');
    assert.ok(readModel(new Uint8Array(readFileSync(optimizedName(path)))).metadata.some((m) => m.name === 'OfflineMemoryAllocation'));

    const again = await cli('optimize', path, '--reorder');
    assert.equal(again.code, EXIT_BAD_INPUT);
    assert.match(again.err, /already exists; not overwriting it \(use --force to replace it\)/);
    assert.equal((await cli('optimize', path, '--reorder', '--force')).code, EXIT_OK);
  });

  test('says so, and writes nothing, when TFLM already plans at the bound', async () => {
    const path = modelFile(writeModel(chainModel()));
    const r = await cli('optimize', path);
    assert.equal(r.code, EXIT_OK);
    assert.match(r.out, /no plan smaller than TFLM's own was found: arena head 8 KB; nothing written/);
    assert.equal(existsSync(optimizedName(path)), false);
  });

  test('bad input exits 2 with one line', async () => {
    const junk = modelFile(new TextEncoder().encode('not a model at all'));
    const r = await cli('optimize', junk);
    assert.equal(r.code, EXIT_BAD_INPUT);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /^tinyml-lens: not a TFLite model/);
    const self = modelFile(writeModel(chainModel()));
    assert.match((await cli('optimize', self, '--out', self)).err, /never replaces the original/);
    assert.match((await cli('optimize', self, '--time-limit', 'soon')).err, /--time-limit takes seconds/);
    assert.equal((await cli('optimize', join(tmpdir(), 'no-such-model.tflite'))).code, EXIT_BAD_INPUT);
  });
});

describe('optimize job', () => {
  test('returns the new model and reports progress', async () => {
    const path = modelFile(writeModel(branchModel()));
    const messages: string[] = [];
    const r = await startJob(
      'optimize',
      { path, abi: 'arm32', kernels: 'reference', reorder: true, timeLimitMs: 1000 },
      { shouldStop: () => false, progress: (_, m) => messages.push(m) },
    );
    assert.equal(r.outputPath, optimizedName(path));
    assert.equal(r.summary.optimizedHeadBytes, 2176);
    assert.ok(messages.length > 0);
    assert.ok(readModel(r.bytes).subgraphs[0]!.operators.length === 5);
  });

  test('stops when asked', async () => {
    const path = modelFile(writeModel(branchModel()));
    await assert.rejects(
      startJob(
        'optimize',
        { path, abi: 'arm32', kernels: 'reference', reorder: false, timeLimitMs: 1000 },
        { shouldStop: () => true, progress: () => undefined },
      ),
      Cancelled,
    );
  });
});
