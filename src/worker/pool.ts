/**
 * The threaded BatchRunner (see util/batch.ts): a pool of worker threads, one interpreter (and
 * one WebAssembly instance) per thread. Each thread gets the task's setup once per batch (model
 * bytes in shared memory, not a copy each), then one chunk at a time; partials are merged in
 * chunk order. Threads stay for the next batch while idle (see IDLE), holding nothing and not
 * keeping the process alive.
 *
 * - Memory stays bounded: chunks are loaded on the calling thread only when a thread is free,
 *   and at most 2 × threads chunks are out (running or waiting to be merged) at any time.
 * - Cancel: the caller's shouldStop is polled; a stop raises a flag every thread's interpreter
 *   reads between layers and terminates the threads, and the batch rejects with Cancelled.
 * - A failure in one sample (or a thread's crash) stops every thread and rejects the batch with
 *   that one error, its code and message kept.
 * - The calling thread never blocks: it only loads chunks and merges partials between messages,
 *   so the extension host stays free (and in VS Code the pool is itself started from the job
 *   worker).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Cancelled, type ErrorCode, LensError, type QuantizeErrorCode, type RuntimeErrorCode } from '../errors';
import { QuantizeError } from '../quantize/errors';
import { RuntimeError } from '../runtime/types';
import { type BatchRun, type BatchRunner, type BatchTask, chunksOf, loadChunk, runInProcess, sharedMemory } from '../util/batch';

/** Environment variable that fixes the pool's size where no option does (tests, scripts). */
export const THREADS_ENV = 'TINYML_LENS_THREADS';
/** Threads a pool takes at most, whatever is asked: each holds a model and its interpreter. */
export const MAX_POOL_THREADS = 64;

/** The pool thread's script: next to this module, both in out/ (tsc) and in dist/ (esbuild). */
export const POOL_WORKER_SCRIPT = join(__dirname, 'poolWorker.js');

/** To a pool thread: the task and its setup once, then chunks; `release` when the batch is over (drop the model). */
export type ToPoolThread =
  | { readonly type: 'setup'; readonly task: string; readonly setup: unknown }
  | { readonly type: 'release' }
  | { readonly type: 'chunk'; readonly index: number; readonly start: number; readonly count: number; readonly items?: readonly unknown[] };

/** From a pool thread: a sample done, a chunk's partial, or the failure that ends the batch. */
export type FromPoolThread =
  | { readonly type: 'sample' }
  | { readonly type: 'partial'; readonly index: number; readonly partial: unknown }
  | { readonly type: 'error'; readonly code: ErrorCode; readonly name: string; readonly message: string; readonly layer?: number };

/** The data a pool thread starts with: the flag (non-zero: stop) it shares with the pool. */
export interface PoolThreadData {
  readonly stop: SharedArrayBuffer | ArrayBuffer;
}

/**
 * Threads for batch work: `requested` when given, else $TINYML_LENS_THREADS, else the
 * machine's cores (os.availableParallelism). Always 1 to MAX_POOL_THREADS.
 */
export function poolSize(requested?: number, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env[THREADS_ENV] !== undefined && env[THREADS_ENV] !== '' ? Number(env[THREADS_ENV]) : undefined;
  const n = requested ?? (fromEnv !== undefined && Number.isFinite(fromEnv) ? fromEnv : availableParallelism());
  return Math.max(1, Math.min(MAX_POOL_THREADS, Math.floor(n) || 1));
}

/**
 * Chunks each thread of a default pool must have to be worth starting. A pool thread costs
 * about 0.4 s of CPU to start (loading the core, compiling WebAssembly, a cold JIT on its first
 * chunk), and a pool of 2 starts 2 (the calling thread only loads and merges). Measured
 * (docs/architecture.md, "The batch pool"): 17 vww photos (5 chunks of ~1.1 s) took 4.6–5.0 s on
 * 1 thread and 5.6–6.4 s on 2; 8 chunks a thread is ~9 s of such work against 0.4 s of start.
 */
export const MIN_CHUNKS_PER_THREAD = 8;

/**
 * Threads a batch of `chunks` chunks runs on, from a pool of `pool` threads: never more than
 * chunks; and when the pool's size was not given explicitly (no `threads`, no
 * $TINYML_LENS_THREADS), only as many as have `minChunks` chunks each, so a small batch does not
 * pay for threads it cannot repay. Pure.
 */
export function batchThreads(pool: number, chunks: number, explicit: boolean, minChunks = MIN_CHUNKS_PER_THREAD): number {
  const repaid = explicit ? chunks : Math.floor(chunks / Math.max(1, minChunks));
  return Math.max(1, Math.min(pool, chunks, repaid));
}

/** Whether the pool's size is given (`requested`, or $TINYML_LENS_THREADS) rather than the machine's cores. */
export function explicitPoolSize(requested?: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (requested !== undefined) return true;
  const v = env[THREADS_ENV];
  return v !== undefined && v !== '' && Number.isFinite(Number(v));
}

/** A thread's failure as the error it was on the thread (by code, and class where callers test it). */
export function reviveError(m: Extract<FromPoolThread, { type: 'error' }>): Error {
  if (m.code === 'cancelled') return new Cancelled(m.message);
  if (m.name === 'RuntimeError') return new RuntimeError(m.code as RuntimeErrorCode, m.message, m.layer);
  if (m.name === 'QuantizeError') return new QuantizeError(m.code as QuantizeErrorCode, m.message);
  return new LensError(m.code, m.message);
}

export interface PoolOptions {
  /** Threads (see poolSize); 1 runs in the calling thread. */
  readonly threads?: number;
  /** The pool thread's script (tests); default POOL_WORKER_SCRIPT. */
  readonly script?: string;
  /** How often the caller's shouldStop is polled, ms. */
  readonly pollMs?: number;
}

/**
 * A BatchRunner on up to `poolSize(options.threads)` threads, as many as the batch repays
 * (batchThreads). A batch on one thread runs in the calling thread: the same chunks, the same
 * result, no thread to start.
 */
export function poolRunner(options: PoolOptions = {}): BatchRunner {
  const threads = poolSize(options.threads);
  const explicit = explicitPoolSize(options.threads);
  return (task, run) => {
    const n = batchThreads(threads, chunksOf(run.count, task.chunkSize).length, explicit);
    if (n <= 1) return runInProcess(task, run);
    return runOnThreads(task, run, n, options.script ?? POOL_WORKER_SCRIPT, options.pollMs ?? 20);
  };
}

/** A pool thread, with the flag (non-zero: stop) its interpreter reads between layers. */
interface PoolThread {
  readonly worker: Worker;
  readonly stop: Int32Array;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Idle threads by script, kept after a batch that ended well: the next batch finds them started
 * and their JIT warm (a fresh thread loads the core and runs its first samples cold, which costs
 * more than a short batch). An idle thread holds no model (`release`), does not keep the
 * process alive (unref), and ends after IDLE_THREAD_MS.
 */
const IDLE = new Map<string, PoolThread[]>();
export const IDLE_THREAD_MS = 30_000;

function dropIdle(script: string, t: PoolThread): void {
  const list = IDLE.get(script);
  const i = list?.indexOf(t) ?? -1;
  if (i >= 0) list!.splice(i, 1);
  if (t.idleTimer) clearTimeout(t.idleTimer);
}

function startThread(script: string): PoolThread {
  // Without shared memory (see sharedMemory) the flag is the thread's own copy: a cancel still ends it by terminate.
  const stop = new Int32Array(sharedMemory(4));
  const data: PoolThreadData = { stop: stop.buffer };
  const t: PoolThread = { worker: new Worker(script, { workerData: data }), stop };
  // While a batch runs, its own listeners report these; an idle thread that dies just leaves.
  t.worker.on('error', () => undefined);
  t.worker.on('exit', () => dropIdle(script, t));
  return t;
}

function takeThreads(script: string, n: number): PoolThread[] {
  const taken = (IDLE.get(script) ?? []).splice(0, n);
  for (const t of taken) {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.worker.ref();
  }
  while (taken.length < n) taken.push(startThread(script));
  return taken;
}

function releaseThreads(script: string, threads: readonly PoolThread[]): void {
  const list = IDLE.get(script) ?? [];
  IDLE.set(script, list);
  for (const t of threads) {
    const release: ToPoolThread = { type: 'release' };
    t.worker.postMessage(release);
    t.worker.unref();
    t.idleTimer = setTimeout(() => {
      dropIdle(script, t);
      void t.worker.terminate();
    }, IDLE_THREAD_MS);
    t.idleTimer.unref();
    list.push(t);
  }
}

/** Ends every idle thread now (tests; an extension that deactivates). */
export async function stopIdleThreads(): Promise<void> {
  const all = [...IDLE.entries()].flatMap(([script, list]) => list.map((t) => ({ script, t })));
  for (const { script, t } of all) dropIdle(script, t);
  await Promise.allSettled(all.map(({ t }) => t.worker.terminate()));
}

function runOnThreads<Setup, Item, Partial>(
  task: BatchTask<Setup, Item, Partial>,
  run: BatchRun<Setup, Item, Partial>,
  count: number,
  script: string,
  pollMs: number,
): Promise<void> {
  if (run.shouldStop?.()) return Promise.reject(new Cancelled(run.cancelledMessage));
  const chunks = chunksOf(run.count, task.chunkSize);
  const threads = takeThreads(script, count);
  const free: PoolThread[] = [];
  const ready = new Map<number, Partial>();
  const window = 2 * count;
  let next = 0;
  let merged = 0;
  let done = 0;
  let settled = false;
  let pumping = false;

  return new Promise<void>((resolve, reject) => {
    const listeners = threads.map((t) => {
      const onMessage = (m: FromPoolThread): void => received(t, m);
      const onError = (e: Error): void => finish(new LensError('crashed', `a pool thread crashed: ${e.message}`));
      const onExit = (code: number): void => finish(new LensError('crashed', `a pool thread exited with code ${code}`));
      t.worker.on('message', onMessage);
      t.worker.on('error', onError);
      t.worker.on('exit', onExit);
      return () => {
        t.worker.off('message', onMessage);
        t.worker.off('error', onError);
        t.worker.off('exit', onExit);
      };
    });

    function finish(error?: Error): void {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      for (const off of listeners) off();
      if (!error) {
        releaseThreads(script, threads);
        resolve();
        return;
      }
      // A failed or cancelled batch ends its threads (one may be stuck in a layer); it settles
      // only once they are gone, so nothing of it outlives it.
      for (const t of threads) Atomics.store(t.stop, 0, 1);
      void Promise.allSettled(threads.map((t) => t.worker.terminate())).then(() => reject(error));
    }
    const fail = (e: unknown): void => finish(e instanceof Error ? e : new LensError('internal', String(e)));

    // Hands chunks to free threads, loading each on this thread just before it goes out.
    async function pump(): Promise<void> {
      if (pumping) return;
      pumping = true;
      try {
        while (!settled && free.length > 0 && next < chunks.length && next < merged + window) {
          const t = free.shift()!;
          const index = next++;
          const c = chunks[index]!;
          const items = run.load ? await loadChunk(run.load, c.start, c.count) : undefined;
          if (settled) return;
          const message: ToPoolThread = { type: 'chunk', index, start: c.start, count: c.count, ...(items ? { items } : {}) };
          t.worker.postMessage(message);
        }
      } catch (e) {
        fail(e);
      } finally {
        pumping = false;
      }
    }

    function received(t: PoolThread, m: FromPoolThread): void {
      if (settled) return;
      if (m.type === 'sample') {
        run.progress?.(++done, run.count);
        // Between samples, as in one thread: a short batch can end before the next poll.
        if (run.shouldStop?.()) finish(new Cancelled(run.cancelledMessage));
        return;
      }
      if (m.type === 'error') {
        finish(reviveError(m));
        return;
      }
      ready.set(m.index, m.partial as Partial);
      try {
        while (ready.has(merged)) {
          const partial = ready.get(merged)!;
          ready.delete(merged);
          merged++;
          run.merge(partial);
        }
      } catch (e) {
        fail(e);
        return;
      }
      if (merged === chunks.length) {
        finish();
        return;
      }
      free.push(t);
      void pump();
    }

    const timer = setInterval(() => {
      if (run.shouldStop?.()) finish(new Cancelled(run.cancelledMessage));
    }, pollMs);

    for (const t of threads) {
      const setup: ToPoolThread = { type: 'setup', task: task.name, setup: run.setup };
      t.worker.postMessage(setup);
      free.push(t);
    }
    void pump();
  });
}
