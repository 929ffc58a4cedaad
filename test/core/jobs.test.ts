/** src/jobs: the job table covers every job of the protocol; a job stopped on request ends with Cancelled. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Cancelled } from '../../src/errors';
import { JOBS } from '../../src/jobs';
import { compareJob } from '../../src/jobs/compare';
import { UNATTENDED, type JobContext } from '../../src/jobs/context';
import { runJob } from '../../src/jobs/run';
import { writeModel } from '../../src/model/io';
import { RuntimeError } from '../../src/runtime/types';
import { tinyInt8ConvNet } from '../helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-jobs-'));
const model = join(dir, 'tiny.tflite');
writeFileSync(model, writeModel(tinyInt8ConvNet()));
const input = join(dir, 'input.bin');
writeFileSync(input, new Uint8Array(64));

/** Asks the job to stop after `checks` calls of shouldStop. */
function stopAfter(checks: number): JobContext {
  let n = 0;
  return { shouldStop: () => ++n > checks, progress: () => undefined };
}

describe('jobs', () => {
  test('the table has a job for every job name of the protocol', () => {
    assert.deepStrictEqual(Object.keys(JOBS).sort(), ['analyze', 'checkFirmware', 'compare', 'evaluate', 'optimize', 'precision', 'quantize', 'run']);
  });

  test('run: unattended it finishes; stopped it throws Cancelled, not a runtime error', async () => {
    const progress: number[] = [];
    const done = await runJob({ path: model, inputs: [input], rounding: 'tflm' }, { ...UNATTENDED, progress: (f) => progress.push(f) });
    assert.equal(done.outputs.length, 1);
    assert.equal(progress.at(-1), 1);
    await assert.rejects(
      runJob({ path: model, inputs: [input], rounding: 'tflm' }, stopAfter(2)),
      (e: unknown) => e instanceof Cancelled && e.code === 'cancelled' && !(e instanceof RuntimeError),
    );
  });

  test('compare: stopped between samples or inside a run, it throws Cancelled', async () => {
    const params = { floatPath: model, int8Path: model, samples: [], randomSamples: 3, rounding: 'tflm' as const };
    await assert.rejects(compareJob(params, stopAfter(0)), Cancelled);
    await assert.rejects(compareJob(params, stopAfter(3)), Cancelled);
  });
});
