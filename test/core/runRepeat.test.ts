/** `tinyml-lens run --repeat <n>`: median and minimum time per invoke after one warm-up; a bad n is one usage line. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UNATTENDED } from '../../src/jobs/context';
import { median, runJob } from '../../src/jobs/run';
import { cli } from '../helpers/cli';
import { MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';

const KWS = join(MODELS_DIR, 'mlperf_tiny', 'kws', 'kws_ref_model.tflite');
const KWS_SAMPLE = join(MODELS_DIR, 'mlperf_tiny', 'samples', 'kws01_sample0_int8_49x10.bin');

test('median: the middle value, or the mean of the middle two', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

describe('run --repeat', { skip: SKIP_SHARED }, () => {
  test('--json gains repeat, msMedian and msMin; min ≤ median', async () => {
    const r = await cli('run', KWS, '--input', KWS_SAMPLE, '--repeat', '7', '--json', '--out-dir', mkdtempSync(join(tmpdir(), 'repeat-')));
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { repeat: number; msMedian: number; msMin: number; ms: number; outputs: unknown[] };
    assert.equal(json.repeat, 7);
    assert.ok(json.msMin > 0 && json.msMin <= json.msMedian, `${json.msMin} ≤ ${json.msMedian}`);
    assert.equal(json.outputs.length, 1);
  });

  test('the text says median and min; without --repeat nothing changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repeat-'));
    const r = await cli('run', KWS, '--input', KWS_SAMPLE, '--repeat', '3', '--out-dir', dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /per invoke over 3 run\(s\) after one warm-up: median [\d.]+ ms, min [\d.]+ ms/);
    const plain = await cli('run', KWS, '--input', KWS_SAMPLE, '--json', '--out-dir', dir);
    const json = JSON.parse(plain.out) as Record<string, unknown>;
    assert.ok(!('msMedian' in json) && !('repeat' in json));
  });

  test('the job counts the runs and stops when asked', async () => {
    const r = await runJob({ path: KWS, inputs: [KWS_SAMPLE], rounding: 'tflm', repeat: 4 }, UNATTENDED);
    assert.equal(r.repeat?.runs, 4);
    let calls = 0;
    await assert.rejects(
      runJob({ path: KWS, inputs: [KWS_SAMPLE], rounding: 'tflm', repeat: 1000 }, { shouldStop: () => ++calls > 3, progress: () => undefined }),
      (e: unknown) => (e as { code?: string }).code === 'cancelled',
    );
  });

  for (const bad of ['0', '-1', '2.5', 'ten', '1000001']) {
    test(`--repeat ${bad}: exit 2, one line`, async () => {
      const r = await cli('run', KWS, '--input', KWS_SAMPLE, '--repeat', bad);
      assert.equal(r.code, 2);
      assert.equal(r.err.trim().split('\n').length, 1);
      assert.match(r.err, /--repeat takes a whole number from 1 to 100000/);
    });
  }
});
