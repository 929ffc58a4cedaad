/**
 * Batch work on the thread pool: calibration (the float model over N samples, histograms on,
 * as `auto` does) and a comparison over N samples, each on 1 thread and on 2, median of 3
 * interleaved runs. The goal of issue 15: 2 threads take ≤ 0.6× the time of one. The load
 * average is printed with the numbers: on a machine whose cores are busy, no pool helps.
 * Also runnable alone: node out/test/bench/poolBench.js
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compareJob } from '../../src/jobs/compare';
import { UNATTENDED } from '../../src/jobs/context';
import { readModel } from '../../src/model/io';
import { calibrate, type SampleSource } from '../../src/quantize/calibrate';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { type BatchRunner, runInProcess } from '../../src/util/batch';
import { poolRunner, stopIdleThreads } from '../../src/worker/pool';
import { QUALITY_CASES } from '../core/quantizeData';
import { HAVE_SHARED, MODELS_DIR, corpusModel } from '../helpers/corpus';
import { burnTask } from '../helpers/poolTasks';

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time and CPU time of the whole process (every thread), ms. */
async function timed(f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

interface OneVsTwo {
  readonly one: number;
  readonly two: number;
  readonly cpuOne: number;
  readonly cpuTwo: number;
}

/**
 * Median times of `f(runner)` on one thread and on two, interleaved, after one run of each
 * (the pool's threads then exist and are warm, as in a session that quantizes more than once;
 * the first, cold, run of two threads is reported apart).
 */
async function oneVsTwo(f: (batch: BatchRunner, threads: number) => Promise<unknown>): Promise<OneVsTwo & { readonly coldTwo: number }> {
  const coldTwo = (await timed(() => f(poolRunner({ threads: 2 }), 2))).wall;
  await f(runInProcess, 1);
  const one: { wall: number; cpu: number }[] = [];
  const two: { wall: number; cpu: number }[] = [];
  for (let k = 0; k < 3; k++) {
    one.push(await timed(() => f(runInProcess, 1)));
    two.push(await timed(() => f(poolRunner({ threads: 2 }), 2)));
  }
  return {
    one: median(one.map((x) => x.wall)),
    two: median(two.map((x) => x.wall)),
    cpuOne: median(one.map((x) => x.cpu)),
    cpuTwo: median(two.map((x) => x.cpu)),
    coldTwo,
  };
}

const row = (what: string, n: number, t: OneVsTwo & { coldTwo: number }): string =>
  `${what.padEnd(28)} ${String(n).padStart(4)} ${t.one.toFixed(0).padStart(9)} ${t.two.toFixed(0).padStart(9)} ${(t.two / t.one).toFixed(2).padStart(7)} ${t.coldTwo.toFixed(0).padStart(9)} ${(t.cpuTwo / t.cpuOne).toFixed(2).padStart(9)}`;

export async function poolBench(): Promise<void> {
  if (!HAVE_SHARED) {
    console.log(`pool bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  console.log(`\n## Thread pool: 1 thread vs 2 (median of 3; load average ${loadavg()[0]!.toFixed(1)} on this machine's cores at the start)`);
  console.log(
    '2 ÷ 1: wall time of two threads over one (target ≤ 0.6 on 2 idle cores); cold 2: the first batch, threads started for it; CPU 2 ÷ 1: CPU time of all threads, the work the pool adds',
  );
  console.log(
    `${'work'.padEnd(28)} ${'N'.padStart(4)} ${'1 thr ms'.padStart(9)} ${'2 thr ms'.padStart(9)} ${'2 ÷ 1'.padStart(7)} ${'cold 2 ms'.padStart(9)} ${'CPU 2 ÷ 1'.padStart(9)}`,
  );
  const testWorker = join(__dirname, '..', 'helpers', 'poolTestWorker.js');
  const control = await oneVsTwo((_batch, threads) =>
    poolRunner({ threads, script: testWorker })(burnTask, { setup: { iterations: 2_000_000 }, count: 16, merge: () => undefined }),
  );
  console.log(row('control: arithmetic only', 16, control));
  for (const name of ['kws', 'vww_96']) {
    const c = QUALITY_CASES.find((q) => q.name === name)!;
    const data = c.data();
    if ('skip' in data) {
      console.log(`${name.padEnd(28)} skipped: ${data.skip}`);
      continue;
    }
    const model = readModel(corpusModel(c.float));
    const graph = toFloatGraph(model).graph;
    const samples = data.calibration;
    const source: SampleSource = { count: samples.length, sample: (i) => samples[i]! };
    const calibration = await oneVsTwo((batch) => calibrate(graph, source, { histograms: true, batch }));
    console.log(row(`${name} calibration`, samples.length, calibration));
    // A calibration set four times as large (the same samples again): the steady state, where
    // one more interpreter to prepare and the last uneven chunk weigh less.
    const larger: SampleSource = { count: 4 * samples.length, sample: (i) => samples[i % samples.length]! };
    const calibrationLarger = await oneVsTwo((batch) => calibrate(graph, larger, { histograms: true, batch }));
    console.log(row(`${name} calibration ×4`, larger.count, calibrationLarger));
    const quantize = await oneVsTwo((batch) => quantizeModel(model, source, { batch }));
    console.log(row(`${name} quantize (auto, whole)`, samples.length, quantize));
  }
  const pairs = [
    ['vww_96', join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_float.tflite'), join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_int8.tflite')],
    ['resnet', join(MODELS_DIR, 'mlperf_tiny', 'ic', 'pretrainedResnet.tflite'), join(MODELS_DIR, 'mlperf_tiny', 'ic', 'pretrainedResnet_quant.tflite')],
  ] as const;
  for (const [name, floatPath, int8Path] of pairs) {
    if (!existsSync(floatPath)) continue;
    const n = 48;
    const t = await oneVsTwo((_batch, threads) => compareJob({ floatPath, int8Path, samples: [], randomSamples: n, rounding: 'tflm', threads }, UNATTENDED));
    console.log(row(`${name} compare`, n, t));
  }
}

if (require.main === module) {
  poolBench().then(stopIdleThreads, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
