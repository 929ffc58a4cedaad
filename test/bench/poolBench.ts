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
import { Worker } from 'node:worker_threads';
import { compareJob } from '../../src/jobs/compare';
import { UNATTENDED } from '../../src/jobs/context';
import { readModel } from '../../src/model/io';
import { calibrate, type SampleSource } from '../../src/quantize/calibrate';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { type BatchRunner, runInProcess } from '../../src/util/batch';
import { type PoolBatchReport, type PoolWarmUp, poolRunner, prestartThreads, stopIdleThreads } from '../../src/worker/pool';
import { calibrationWarmUp } from '../../src/jobs/prestart';
import { QUALITY_CASES } from '../core/quantizeData';
import { HAVE_SHARED, MODELS_DIR, corpusModel, corpusModels } from '../helpers/corpus';
import { burnTask } from '../helpers/poolTasks';
import type { CeilingJob } from './ceilingWorker';

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

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

interface OneVsTwo {
  readonly one: Timing;
  /** Two threads, the pool thread started for the batch (every idle thread ended first): what a user's first batch pays. */
  readonly cold: Timing;
  /** Two threads, the pool thread kept from previous batches (started, JIT warm; it still prepares the model, from the images). */
  readonly warm: Timing;
  /** Two threads, the pool thread started by prestartThreads a second before the batch and warmed on the model (the product's first batch: the worker does so while the user chooses the data). */
  readonly prestarted: Timing;
  /** Prepare ms of the calling thread and of the pool thread, medians over the warm runs (the pool's report). */
  readonly prepare?: readonly [number, number];
  readonly coldPrepare?: readonly [number, number];
  /** When the pool thread had prepared, ms from the batch's start, cold (median; NaN: never). */
  readonly coldJoined?: number;
  /** Threads the 2-thread batches ran on, the calling thread included (a job's own runner: 2). */
  readonly threads: number;
}

/** How long before its batch a pre-started pool thread is started: a user choosing calibration data takes longer. */
const PRESTART_LEAD_MS = 1000;

/** Runs per figure: $POOL_BENCH_RUNS, default 3 (medians; more on a busy machine). */
const RUNS = Math.max(1, Number(process.env.POOL_BENCH_RUNS) || 3);

/**
 * Median times of `f(runner)` on one thread, on two warm and on two cold, each 2-thread run
 * after a one-thread run, after untimed runs (one of one thread, two of two). `f` gets a runner whose report it may pass on; batches that build
 * their runner themselves (jobs) get the thread count instead and report nothing.
 */
async function oneVsTwo(f: (batch: BatchRunner, threads: number) => Promise<unknown>, warmUp?: PoolWarmUp): Promise<OneVsTwo> {
  const reports: PoolBatchReport[] = [];
  const two = (): BatchRunner => poolRunner({ threads: 2, report: (r) => reports.push(r) });
  await f(runInProcess, 1);
  await f(two(), 2);
  const one: Timing[] = [];
  const cold: Timing[] = [];
  const warm: Timing[] = [];
  const prestarted: Timing[] = [];
  const coldReports: PoolBatchReport[] = [];
  const warmReports: PoolBatchReport[] = [];
  // Warm: the same pool thread batch after batch (its JIT warms as a session's would), each
  // run after a one-thread run. Then cold: every idle thread ended before each run.
  await f(two(), 2);
  for (let k = 0; k < RUNS; k++) {
    one.push(await timed(() => f(runInProcess, 1)));
    reports.length = 0;
    warm.push(await timed(() => f(two(), 2)));
    warmReports.push(...reports);
  }
  for (let k = 0; k < RUNS; k++) {
    one.push(await timed(() => f(runInProcess, 1)));
    await stopIdleThreads();
    reports.length = 0;
    cold.push(await timed(() => f(two(), 2)));
    coldReports.push(...reports);
  }
  for (let k = 0; k < RUNS; k++) {
    one.push(await timed(() => f(runInProcess, 1)));
    await stopIdleThreads();
    prestartThreads({ threads: 2 }, warmUp);
    await new Promise((r) => setTimeout(r, PRESTART_LEAD_MS));
    prestarted.push(await timed(() => f(two(), 2)));
  }
  const mid = (ts: readonly Timing[]): Timing => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) });
  const prep = (rs: readonly PoolBatchReport[]): readonly [number, number] | undefined =>
    rs.length === 0 ? undefined : [median(rs.map((r) => r.prepareMs[0] ?? Number.NaN)), median(rs.map((r) => r.prepareMs[1] ?? Number.NaN))];
  const prepare = prep(warmReports);
  const coldPrepare = prep(coldReports);
  const threads = Math.max(0, ...warmReports.map((r) => r.threads)) || 2;
  const coldJoined = coldReports.length > 0 ? median(coldReports.map((r) => r.joinedMs[0] ?? Number.NaN)) : undefined;
  return {
    one: mid(one),
    cold: mid(cold),
    warm: mid(warm),
    prestarted: mid(prestarted),
    threads,
    ...(coldJoined !== undefined ? { coldJoined } : {}),
    ...(prepare ? { prepare } : {}),
    ...(coldPrepare ? { coldPrepare } : {}),
  };
}

/**
 * What the machine gives any 2-thread design on this work: two started, warm threads that each
 * calibrate half the samples with nothing shared or merged, against one such thread on all of
 * them (median wall ratio of RUNS interleaved runs). On two real cores this is about 0.5; on
 * two vCPUs that share a core's SIMD units or memory with each other (or with other guests)
 * it is higher, and no pool can beat it.
 */
async function ceiling(name: string, count: number): Promise<number> {
  const script = join(__dirname, 'ceilingWorker.js');
  const threads = [new Worker(script), new Worker(script)];
  const run = (t: Worker, job: CeilingJob): Promise<number> =>
    new Promise((resolve, reject) => {
      const failed = (e: Error): void => reject(e);
      t.once('error', failed);
      t.once('message', (ms: number) => {
        t.off('error', failed);
        resolve(ms);
      });
      t.postMessage(job);
    });
  try {
    const half = Math.ceil(count / 2);
    const both = async (): Promise<number> => {
      const t0 = performance.now();
      await Promise.all([run(threads[0]!, { name, start: 0, count: half }), run(threads[1]!, { name, start: half, count: count - half })]);
      return performance.now() - t0;
    };
    const alone = async (): Promise<number> => {
      const t0 = performance.now();
      await run(threads[0]!, { name, start: 0, count });
      return performance.now() - t0;
    };
    for (let k = 0; k < 2; k++) {
      await alone();
      await both();
    }
    const ratios: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const one = await alone();
      ratios.push((await both()) / one);
    }
    return median(ratios);
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

const ms = (x: number, width = 8): string => (Number.isFinite(x) ? x.toFixed(0) : '-').padStart(width);
const ratio = (a: number, b: number): string => (a / b).toFixed(2).padStart(6);

const row = (what: string, n: number, t: OneVsTwo, ideal?: number): string =>
  [
    what.padEnd(30),
    String(n).padStart(4),
    String(t.threads).padStart(3),
    ms(t.one.wall),
    ms(t.cold.wall),
    ratio(t.cold.wall, t.one.wall),
    ratio(t.cold.cpu, t.one.cpu),
    ms(t.prestarted.wall),
    ratio(t.prestarted.wall, t.one.wall),
    ms(t.warm.wall),
    ratio(t.warm.wall, t.one.wall),
    ratio(t.warm.cpu, t.one.cpu),
    `${t.coldPrepare ? `${ms(t.coldPrepare[0], 4)} /${ms(t.coldPrepare[1], 4)}` : '    -'}`.padStart(12),
    `${t.prepare ? `${ms(t.prepare[0], 4)} /${ms(t.prepare[1], 4)}` : '    -'}`.padStart(12),
    t.coldJoined !== undefined ? ms(t.coldJoined, 7) : '      -',
    ideal !== undefined ? ratio(ideal, 1) : '     -',
  ].join(' ');

/** `only`: run just the rows whose name contains it (node out/test/bench/poolBench.js kws). */
export async function poolBench(only?: string): Promise<void> {
  const wanted = (name: string): boolean => only === undefined || name.includes(only);
  if (!HAVE_SHARED) {
    console.log(`pool bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  console.log(`\n## Thread pool: 1 thread vs 2 (median of ${RUNS}; load average ${loadavg()[0]!.toFixed(1)} on this machine's cores at the start)`);
  console.log(
    [
      "2 threads = the calling thread + 1 pool thread. cold: the pool thread started for the batch; pre: started a second before and warmed on a few random samples of the model (prestartThreads: the product's first batch, the worker does so when the user opens the flow); warm: kept from previous batches.",
      '÷ 1: wall time over one thread (target ≤ 0.6 on 2 idle cores); CPU ÷ 1: CPU time of every thread over one thread (what the pool adds, load-independent).',
      "prepare ms: the calling thread / the pool thread, cold and warm (- : the batch was over before the pool thread had prepared); joined: ms from a cold batch's start until the pool thread had prepared.",
      'ideal: two warm threads each calibrating half the samples alone (nothing shared or merged) ÷ one on all: the best any 2-thread design can do on this machine.',
    ].join('\n'),
  );
  console.log(
    [
      'work'.padEnd(30),
      'N'.padStart(4),
      'thr'.padStart(3),
      '1 thr ms'.padStart(8),
      'cold ms'.padStart(8),
      '÷ 1'.padStart(6),
      'CPU÷1'.padStart(6),
      'pre ms'.padStart(8),
      '÷ 1'.padStart(6),
      'warm ms'.padStart(8),
      '÷ 1'.padStart(6),
      'CPU÷1'.padStart(6),
      'prep cold'.padStart(12),
      'prep warm'.padStart(12),
      'joined'.padStart(7),
      'ideal'.padStart(6),
    ].join(' '),
  );
  const testWorker = join(__dirname, '..', 'helpers', 'poolTestWorker.js');
  if (wanted('control')) {
    const control = await oneVsTwo((_batch, threads) =>
      poolRunner({ threads, script: testWorker })(burnTask, { setup: { iterations: 2_000_000 }, count: 16, merge: () => undefined }),
    );
    await stopIdleThreads();
    console.log(row('control: arithmetic only', 16, control));
  }
  for (const name of ['kws', 'vww_96']) {
    const rows = [`${name} calibration`, `${name} calibration ×4`, `${name} quantize (auto, whole)`] as const;
    if (!rows.some(wanted)) continue;
    const c = QUALITY_CASES.find((q) => q.name === name)!;
    const data = c.data();
    if ('skip' in data) {
      console.log(`${name.padEnd(28)} skipped: ${data.skip}`);
      continue;
    }
    const model = readModel(corpusModel(c.float));
    const graph = toFloatGraph(model).graph;
    const samples = data.calibration;
    const warmUp = await calibrationWarmUp(corpusModels().find((m) => m.name === c.float)!.path);
    const source: SampleSource = { count: samples.length, sample: (i) => samples[i]! };
    if (wanted(rows[0])) {
      const calibration = await oneVsTwo((batch) => calibrate(graph, source, { histograms: true, batch }), warmUp);
      console.log(row(rows[0], samples.length, calibration, await ceiling(name, samples.length)));
    }
    // A calibration set four times as large (the same samples again): the steady state, where
    // one more interpreter to prepare and the last uneven chunk weigh less.
    const larger: SampleSource = { count: 4 * samples.length, sample: (i) => samples[i % samples.length]! };
    if (wanted(rows[1])) {
      const calibrationLarger = await oneVsTwo((batch) => calibrate(graph, larger, { histograms: true, batch }), warmUp);
      console.log(row(rows[1], larger.count, calibrationLarger, await ceiling(name, larger.count)));
    }
    if (wanted(rows[2])) {
      const quantize = await oneVsTwo((batch) => quantizeModel(model, source, { batch }), warmUp);
      console.log(row(rows[2], samples.length, quantize));
    }
  }
  const pairs = [
    ['vww_96', join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_float.tflite'), join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_int8.tflite')],
    ['resnet', join(MODELS_DIR, 'mlperf_tiny', 'ic', 'pretrainedResnet.tflite'), join(MODELS_DIR, 'mlperf_tiny', 'ic', 'pretrainedResnet_quant.tflite')],
  ] as const;
  for (const [name, floatPath, int8Path] of pairs) {
    if (!existsSync(floatPath) || !wanted(`${name} compare`)) continue;
    const n = 48;
    const t = await oneVsTwo((_batch, threads) => compareJob({ floatPath, int8Path, samples: [], randomSamples: n, rounding: 'tflm', threads }, UNATTENDED));
    console.log(row(`${name} compare`, n, t));
  }
}

if (require.main === module) {
  poolBench(process.argv[2]).then(stopIdleThreads, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
