/**
 * The batch pool (src/worker/pool.ts, src/util/batch.ts): one thread and two give the same
 * calibration statistics, the same quantized model bytes and the same comparison report; the
 * pool's size is respected; one failing sample is one clean error; a cancel stops every thread
 * (the process exits by itself).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Cancelled, errorCode, LensError } from '../../src/errors';
import { compareJob } from '../../src/jobs/compare';
import { UNATTENDED } from '../../src/jobs/context';
import { QUANTIZE_CANCELLED, quantizeJob } from '../../src/jobs/quantize';
import { readModel } from '../../src/model/io';
import { calibrate, type SampleSource } from '../../src/quantize/calibrate';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import type { TensorStats } from '../../src/quantize/ranges';
import { runInProcess, transferablesOf } from '../../src/util/batch';
import { prng } from '../../src/util/prng';
import {
  batchThreads,
  explicitPoolSize,
  MIN_CHUNKS_PER_THREAD,
  poolRunner,
  poolSize,
  prestartThreads,
  stopIdleThreads,
  THREADS_ENV,
  WARM_UP_ROUNDS,
} from '../../src/worker/pool';
import { MODELS_DIR, SKIP_SHARED, corpusModel } from '../helpers/corpus';
import { countTask, failTask, whoTask } from '../helpers/poolTasks';
import { adWindows } from './quantizeData';

const TEST_WORKER = join(__dirname, '..', 'helpers', 'poolTestWorker.js');
const KWS_FLOAT = join(MODELS_DIR, 'mlperf_tiny', 'kws', 'kws_ref_model_float32.tflite');
const AD_FLOAT = join(MODELS_DIR, 'mlperf_tiny', 'ad', 'ad01_fp32.tflite');
const AD_INT8 = join(MODELS_DIR, 'mlperf_tiny', 'ad', 'ad01_int8.tflite');

describe('pool size', () => {
  test('asked for, else the environment, else the cores; always 1 to 64', () => {
    assert.equal(poolSize(3), 3);
    assert.equal(poolSize(undefined, { [THREADS_ENV]: '5' }), 5);
    assert.equal(poolSize(2, { [THREADS_ENV]: '5' }), 2);
    assert.ok(poolSize(undefined, {}) >= 1);
    assert.equal(poolSize(0), 1);
    assert.equal(poolSize(1000), 64);
    assert.equal(poolSize(undefined, { [THREADS_ENV]: 'many' }), poolSize(undefined, {}));
  });

  test('a default pool takes only the threads a batch repays; an explicit size is kept', () => {
    const K = MIN_CHUNKS_PER_THREAD;
    // Default (the machine's cores): K chunks per thread, at least 1, at most the pool.
    assert.equal(batchThreads(2, 1, false), 1);
    assert.equal(batchThreads(2, 2 * K - 1, false), 1);
    assert.equal(batchThreads(2, 2 * K, false), 2);
    assert.equal(batchThreads(8, 3 * K + 1, false), 3);
    assert.equal(batchThreads(8, 100 * K, false), 8);
    assert.equal(batchThreads(4, 0, false), 1);
    // 17 vww photos in chunks of 4 (5 chunks) stay on one thread by default.
    assert.equal(batchThreads(2, 5, false), 1);
    // Started idle threads (pre-started, or kept from a batch) join from 2 chunks each, the calling thread included.
    assert.equal(batchThreads(2, 7, false, K, 1), 2, 'a default 100-sample calibration (7 chunks) takes a pre-started thread');
    assert.equal(batchThreads(2, 5, false, K, 1), 2);
    assert.equal(batchThreads(2, 3, false, K, 1), 1);
    assert.equal(batchThreads(8, 7, false, K, 7), 3);
    assert.equal(batchThreads(8, 7, false, K, 1), 2, 'only the started ones join early');
    // Explicit (--threads, $TINYML_LENS_THREADS): one thread per chunk up to the size asked.
    assert.equal(batchThreads(2, 2, true), 2);
    assert.equal(batchThreads(8, 3, true), 3);
    assert.equal(batchThreads(1, 100, true), 1);
    assert.equal(explicitPoolSize(2, {}), true);
    assert.equal(explicitPoolSize(undefined, { [THREADS_ENV]: '3' }), true);
    assert.equal(explicitPoolSize(undefined, {}), false);
    assert.equal(explicitPoolSize(undefined, { [THREADS_ENV]: '' }), false);
    assert.equal(explicitPoolSize(undefined, { [THREADS_ENV]: 'many' }), false);
  });

  test('a pool of 2 folds on this thread and one pool thread, a pool of 1 on this one; partials merge in chunk order', async () => {
    const run = async (threads: number) => {
      const seen: { thread: number; items: readonly number[] }[] = [];
      let last = 0;
      await poolRunner({ threads, script: TEST_WORKER })(whoTask, {
        setup: { spinMs: 30 },
        count: 61,
        load: (i) => i * 10,
        merge: (p) => seen.push(p),
        progress: (done) => {
          assert.ok(done > last);
          last = done;
        },
      });
      assert.equal(last, 61);
      return seen;
    };
    const two = await run(2);
    assert.deepEqual(
      two.flatMap((p) => p.items),
      Array.from({ length: 61 }, (_, i) => i * 10),
    );
    assert.equal(new Set(two.map((p) => p.thread)).size, 2);
    // The calling thread (0) folds from the start, while the pool thread starts.
    assert.ok(two.some((p) => p.thread === 0));
    const one = await run(1);
    assert.deepEqual(new Set(one.map((p) => p.thread)), new Set([0]));
  });
});

describe('pre-started threads', () => {
  type Counted = { thread: number; prepares: number; folds: number; items: Float64Array };
  const batch = async (count: number): Promise<{ partials: Counted[]; done: number }> => {
    const partials: Counted[] = [];
    let done = 0;
    await poolRunner({ threads: 2, script: TEST_WORKER, callerFolds: false })(countTask, {
      setup: {},
      count,
      load: (i) => i + 0.5,
      merge: (p) => partials.push(p),
      progress: (d) => {
        done = d;
      },
    });
    return { partials, done };
  };

  test('start idle before the batch, which takes them; a warm-up runs first on each and is not counted', async () => {
    await stopIdleThreads();
    assert.equal(prestartThreads({ threads: 2, script: TEST_WORKER, callerFolds: false }, { task: 'count', setup: {}, items: [1, 2, 3] }), 2);
    // Already there: nothing more starts.
    assert.equal(prestartThreads({ threads: 2, script: TEST_WORKER, callerFolds: false }), 0);
    const { partials, done } = await batch(8);
    assert.equal(done, 8, 'the warm-up posts no progress');
    assert.deepEqual(
      partials.flatMap((p) => [...p.items]),
      Array.from({ length: 8 }, (_, i) => i + 0.5),
    );
    // Each thread prepared twice (the warm-up, then the batch) and its first batch fold is its second fold.
    for (const thread of new Set(partials.map((p) => p.thread))) {
      const mine = partials.filter((p) => p.thread === thread);
      assert.ok(mine.every((p) => p.prepares === 2));
      assert.equal(Math.min(...mine.map((p) => p.folds)), 2);
    }
    await stopIdleThreads();
  });

  test('a warm-up with a time budget folds its items again until the budget is spent, at most WARM_UP_ROUNDS times', async () => {
    await stopIdleThreads();
    // countTask folds in microseconds: a 10 s budget is cut by the round limit, not by time.
    prestartThreads({ threads: 1, script: TEST_WORKER, callerFolds: false }, { task: 'count', setup: {}, items: [1, 2], budgetMs: 10_000 });
    const { partials } = await batch(4);
    assert.equal(Math.min(...partials.map((p) => p.folds)), WARM_UP_ROUNDS + 1);
    await stopIdleThreads();
  });

  test('threads busy in a batch count: a flow opened meanwhile does not start a second pool', async () => {
    await stopIdleThreads();
    const running = poolRunner({ threads: 2, script: TEST_WORKER, callerFolds: false })(whoTask, { setup: { spinMs: 150 }, count: 8, merge: () => undefined });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(prestartThreads({ threads: 2, script: TEST_WORKER, callerFolds: false }), 0);
    await running;
    assert.equal(prestartThreads({ threads: 2, script: TEST_WORKER, callerFolds: false }), 0, 'now idle, still there');
    await stopIdleThreads();
    assert.equal(prestartThreads({ threads: 2, script: TEST_WORKER, callerFolds: false }), 2, 'ended threads are gone');
    await stopIdleThreads();
  });

  test('a warm-up that fails leaves the thread as good as new', async () => {
    await stopIdleThreads();
    prestartThreads({ threads: 1, script: TEST_WORKER, callerFolds: false }, { task: 'count', setup: { failPrepare: true }, items: [1] });
    prestartThreads({ threads: 2, script: TEST_WORKER, callerFolds: false }, { task: 'no such task', setup: {}, items: [] });
    const { partials, done } = await batch(6);
    assert.equal(done, 6);
    assert.equal(partials.length, 3);
    await stopIdleThreads();
  });

  test('a partial crosses threads with its arrays moved, not copied: what it owns, once', () => {
    const whole = new Float64Array(4);
    const shared = new Float64Array(new SharedArrayBuffer(16));
    const backing = new ArrayBuffer(64);
    const part = new Uint8Array(backing, 8, 8);
    const full = new Uint8Array(backing);
    const list = transferablesOf({ a: [whole, whole], s: shared, m: new Map([[1, { h: whole }]]) });
    assert.deepEqual(list, [whole.buffer]);
    // A buffer some array views only part of is copied, even when another array spans it.
    assert.deepEqual(transferablesOf([part, full]), []);
    assert.deepEqual(transferablesOf([1, 'x', null, undefined]), []);
  });
});

describe('failures and cancel', () => {
  test('a sample that fails is one clean error, with its code and message', async () => {
    await assert.rejects(
      poolRunner({ threads: 2, script: TEST_WORKER })(failTask, { setup: { failAt: 5 }, count: 12, merge: () => undefined }),
      (e: unknown) => e instanceof LensError && e.code === 'bad-input' && e.message === 'sample 5 is broken',
    );
  });

  test('cancel stops every thread, even one stuck in a layer: the process exits by itself', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '..', 'helpers', 'poolCancelScript.js')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'the process had to be killed: a pool thread outlived the cancel');
    assert.equal(r.stdout.trim(), 'cancelled');
    assert.equal(r.status, 0);
  });

  test('memory stays bounded: samples are loaded at most 2 × threads chunks ahead of the merge', async () => {
    let merged = 0;
    let ahead = 0;
    await poolRunner({ threads: 2, script: TEST_WORKER })(whoTask, {
      setup: { spinMs: 5 },
      count: 40,
      load: (i) => {
        ahead = Math.max(ahead, i + 1 - merged);
        return i;
      },
      merge: (p) => {
        merged += p.items.length;
      },
    });
    assert.equal(merged, 40);
    assert.ok(ahead <= 2 * 2 * whoTask.chunkSize, `${ahead} samples loaded ahead of the merge`);
  });

  test('a real job cancelled mid-batch on 2 threads ends with its own message', { skip: SKIP_SHARED }, async () => {
    let samples = 0;
    const ctx = { shouldStop: () => samples >= 3, progress: () => void samples++ };
    await assert.rejects(
      quantizeJob({ modelPath: KWS_FLOAT, randomCalibration: true, samples: 40, heldOut: 0, method: 'minmax', threads: 2 }, ctx),
      (e: unknown) => e instanceof Cancelled && e.message === QUANTIZE_CANCELLED,
    );
    samples = 0;
    await assert.rejects(
      compareJob({ floatPath: AD_FLOAT, int8Path: AD_INT8, samples: [], randomSamples: 200, rounding: 'tflm', threads: 2 }, ctx),
      (e: unknown) => e instanceof Cancelled && e.message === 'the comparison was cancelled',
    );
  });

  test('a stop asked before the batch starts no thread', async () => {
    await assert.rejects(
      poolRunner({ threads: 2, script: TEST_WORKER })(whoTask, { setup: { spinMs: 0 }, count: 8, merge: () => undefined, shouldStop: () => true }),
      Cancelled,
    );
  });
});

/** Seeded random float samples for every input of `graph`. */
function randomSource(shapes: readonly (readonly number[])[], count: number): SampleSource {
  return {
    count,
    sample: (i) => {
      const rand = prng(17 + i);
      return shapes.map((s) => new Uint8Array(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rand() * 4 - 2).buffer));
    },
  };
}

function plain(stats: ReadonlyMap<number, TensorStats>): unknown {
  return [...stats].map(([t, s]) => [t, { ...s, histogram: s.histogram ? { ...s.histogram, counts: [...s.histogram.counts] } : undefined }]);
}

describe('1 thread and 2 give the same results', { skip: SKIP_SHARED }, () => {
  test('calibration statistics, histograms and validation data', async () => {
    const graph = toFloatGraph(readModel(corpusModel('kws_ref_model_float32'))).graph;
    const sg = graph.subgraphs[0]!;
    const source = randomSource(
      sg.inputs.map((i) => sg.tensors[i]!.shape),
      11,
    );
    const options = { histograms: true, validation: new Set([2, 7]) };
    const one = await calibrate(graph, source, { ...options, batch: runInProcess });
    const two = await calibrate(graph, source, { ...options, batch: poolRunner({ threads: 2 }) });
    assert.ok(one.stats.size > 5);
    assert.deepEqual(plain(two.stats), plain(one.stats));
    assert.deepEqual(plain(two.validation!.stats), plain(one.validation!.stats));
    assert.deepEqual(two.validation!.outputs, one.validation!.outputs);
    assert.deepEqual(two.validation!.inputs, one.validation!.inputs);
  });

  test('quantized model bytes and report (timings aside)', async () => {
    const run = (threads: number) => quantizeJob({ modelPath: KWS_FLOAT, randomCalibration: true, samples: 10, heldOut: 2, threads }, UNATTENDED);
    const one = await run(1);
    const two = await run(2);
    assert.ok(Buffer.from(two.bytes).equals(Buffer.from(one.bytes)));
    const strip = (r: typeof one.report) => ({
      ...r,
      timing: undefined,
      selection: r.selection ? { ...r.selection, ms: 0 } : undefined,
      evaluation: 'ms' in r.evaluation ? { ...r.evaluation, ms: 0 } : r.evaluation,
    });
    assert.deepEqual(strip(two.report), strip(one.report));
  });

  test('calibration files read by the threads themselves: the same bytes; a broken file named once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-calib-'));
    adWindows()
      .slice(0, 14)
      .forEach((w, i) => writeFileSync(join(dir, `w${String(i).padStart(2, '0')}.bin`), w[0]!));
    const run = (threads: number) => quantizeJob({ modelPath: AD_FLOAT, calibration: dir, samples: 12, heldOut: 2, method: 'minmax', threads }, UNATTENDED);
    const one = await run(1);
    const two = await run(2);
    assert.equal(one.report.options.calibrationSamples, 12);
    assert.ok(Buffer.from(two.bytes).equals(Buffer.from(one.bytes)));
    writeFileSync(join(dir, 'w05.bin'), new Uint8Array(12));
    await assert.rejects(run(2), (e: unknown) => {
      assert.equal(errorCode(e), 'bad-calibration');
      assert.match((e as Error).message, /w05\.bin/);
      return true;
    });
  });

  test('comparison report', async () => {
    const run = (threads: number) =>
      compareJob({ floatPath: AD_FLOAT, int8Path: AD_INT8, samples: [], randomSamples: 10, rounding: 'tflm', threads }, UNATTENDED);
    const one = await run(1);
    const two = await run(2);
    assert.equal(one.agreement.samples, 10);
    assert.deepEqual(two, one);
  });

  test('a calibration sample of the wrong shape fails the job once, by name, on 2 threads', async () => {
    const graph = toFloatGraph(readModel(corpusModel('kws_ref_model_float32'))).graph;
    const good = randomSource([graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!.shape], 12);
    const source: SampleSource = { count: 12, sample: (i) => (i === 9 ? [] : good.sample(i)), describe: (i) => `file${i}.npy` };
    await assert.rejects(calibrate(graph, source, { histograms: false, batch: poolRunner({ threads: 2 }) }), (e: unknown) => {
      assert.equal(errorCode(e), 'bad-calibration');
      assert.match((e as Error).message, /file9\.npy has 0 input/);
      return true;
    });
  });
});
