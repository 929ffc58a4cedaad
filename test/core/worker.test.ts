import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Cancelled as CancelledError } from '../../src/errors';
import { WorkerClient, WorkerError } from '../../src/worker/workerClient';
import { REPO_ROOT } from '../helpers/corpus';
import { tinyInt8ConvNet } from '../helpers/fixtures';
import { writeModel } from '../../src/model/io';
import { calibrationWarmUp, WARM_UP_SAMPLES } from '../../src/jobs/prestart';
import { floatClassifier } from '../helpers/floatClassifier';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-worker-'));
const model = join(dir, 'tiny.tflite');
writeFileSync(model, writeModel(tinyInt8ConvNet()));
const script = join(REPO_ROOT, 'out/src/worker/worker.js');

describe('the analysis worker', () => {
  const client = new WorkerClient(script);
  after(() => client.dispose());

  test('analyzes a model off the main thread', async () => {
    const a = await client.request('analyze', { path: model, abi: 'arm32', kernels: 'reference' });
    assert.equal(a.totals.macs, 4620);
  });

  test('a broken model comes back as a typed error, and the worker lives on', async () => {
    const broken = join(dir, 'broken.tflite');
    writeFileSync(broken, writeModel(tinyInt8ConvNet()).subarray(0, 64));
    await assert.rejects(
      client.request('analyze', { path: broken, abi: 'arm32', kernels: 'reference' }),
      (e: unknown) => e instanceof WorkerError && e.code === 'out-of-range',
    );
    await assert.rejects(
      client.request('analyze', { path: join(dir, 'missing.tflite'), abi: 'arm32', kernels: 'reference' }),
      (e: unknown) => e instanceof WorkerError && e.code === 'ENOENT',
    );
    assert.equal((await client.request('analyze', { path: model, abi: 'arm32', kernels: 'reference' })).layers.length, 6);
  });

  test('a cancelled request rejects at once', async () => {
    const abort = new AbortController();
    const pending = client.request('analyze', { path: model, abi: 'arm32', kernels: 'reference' }, { signal: abort.signal });
    abort.abort();
    await assert.rejects(pending, CancelledError);
  });

  test('a crashed worker fails its requests and the next request gets a fresh one', async () => {
    const crashing = new WorkerClient(join(dir, 'no-such-worker.js'));
    await assert.rejects(
      crashing.request('analyze', { path: model, abi: 'arm32', kernels: 'reference' }),
      (e: unknown) => e instanceof WorkerError && e.code === 'crashed',
    );
    const healthy = new WorkerClient(script);
    const first = healthy.request('analyze', { path: model, abi: 'arm32', kernels: 'reference' });
    assert.equal((await first).totals.macs, 4620);
    await healthy.dispose();
    assert.equal((await healthy.request('analyze', { path: model, abi: 'arm32', kernels: 'reference' })).totals.macs, 4620);
    await healthy.dispose();
  });
});

describe('pre-starting the pool', () => {
  const float = join(dir, 'classifier.tflite');
  writeFileSync(float, floatClassifier());

  test("a warm-up is a few random samples of the model's float inputs, or nothing for what cannot give one", async () => {
    const warm = await calibrationWarmUp(float);
    assert.ok(warm);
    assert.equal(warm.task, 'calibrate');
    assert.equal(warm.items.length, WARM_UP_SAMPLES);
    const item = warm.items[0] as { inputs: Uint8Array[] };
    assert.equal(item.inputs.length, 1);
    assert.ok(item.inputs[0]!.length > 0 && item.inputs[0]!.length % 4 === 0);
    assert.equal(await calibrationWarmUp(join(dir, 'missing.tflite')), undefined);
    const broken = join(dir, 'broken-float.tflite');
    writeFileSync(broken, floatClassifier().subarray(0, 40));
    assert.equal(await calibrationWarmUp(broken), undefined);
  });

  test('the worker takes a prestart (good model, missing model, none) and quantizes after it as before', async () => {
    const client = new WorkerClient(script);
    try {
      client.prestartPool(float, 2);
      client.prestartPool(join(dir, 'missing.tflite'));
      client.prestartPool();
      const r = await client.request('quantize', { modelPath: float, randomCalibration: true, samples: 40, heldOut: 4, method: 'minmax', threads: 2 });
      assert.ok(r.bytes.length > 0);
      assert.equal(r.report.options.calibrationSamples, 40);
    } finally {
      await client.dispose();
    }
  });
});
