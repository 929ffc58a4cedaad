/**
 * The threaded BatchRunner (see util/batch.ts): a pool of worker threads, one interpreter (and
 * one WebAssembly instance) per thread, started for one batch and stopped when it ends, so no
 * thread outlives its work. Each thread gets the task's setup once (model bytes in shared
 * memory, not a copy each), then one chunk at a time; partials are merged in chunk order.
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
import { type BatchRun, type BatchRunner, type BatchTask, chunksOf, loadChunk, runInProcess } from '../util/batch';

/** Environment variable that fixes the pool's size where no option does (tests, scripts). */
export const THREADS_ENV = 'TINYML_LENS_THREADS';
/** Threads a pool takes at most, whatever is asked: each holds a model and its interpreter. */
export const MAX_POOL_THREADS = 64;

/** The pool thread's script: next to this module, both in out/ (tsc) and in dist/ (esbuild). */
export const POOL_WORKER_SCRIPT = join(__dirname, 'poolWorker.js');

/** To a pool thread: the task and its setup once, then chunks. */
export type ToPoolThread =
  | { readonly type: 'setup'; readonly task: string; readonly setup: unknown }
  | { readonly type: 'chunk'; readonly index: number; readonly start: number; readonly count: number; readonly items?: readonly unknown[] };

/** From a pool thread: a sample done, a chunk's partial, or the failure that ends the batch. */
export type FromPoolThread =
  | { readonly type: 'sample' }
  | { readonly type: 'partial'; readonly index: number; readonly partial: unknown }
  | { readonly type: 'error'; readonly code: ErrorCode; readonly name: string; readonly message: string; readonly layer?: number };

/** The data a pool thread starts with: the flag (non-zero: stop) it shares with the pool. */
export interface PoolThreadData {
  readonly stop: SharedArrayBuffer;
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
 * A BatchRunner on `poolSize(options.threads)` threads. A batch of one chunk, or a pool of one
 * thread, runs in the calling thread: the same chunks, the same result, no thread to start.
 */
export function poolRunner(options: PoolOptions = {}): BatchRunner {
  const threads = poolSize(options.threads);
  return (task, run) => {
    const chunks = chunksOf(run.count, task.chunkSize).length;
    if (Math.min(threads, chunks) <= 1) return runInProcess(task, run);
    return runOnThreads(task, run, Math.min(threads, chunks), options.script ?? POOL_WORKER_SCRIPT, options.pollMs ?? 20);
  };
}

function runOnThreads<Setup, Item, Partial>(
  task: BatchTask<Setup, Item, Partial>,
  run: BatchRun<Setup, Item, Partial>,
  threads: number,
  script: string,
  pollMs: number,
): Promise<void> {
  const chunks = chunksOf(run.count, task.chunkSize);
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const ready = new Map<number, Partial>();
  const window = 2 * threads;
  let next = 0;
  let merged = 0;
  let done = 0;
  let settled = false;
  let pumping = false;

  if (run.shouldStop?.()) return Promise.reject(new Cancelled(run.cancelledMessage));
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      Atomics.store(stop, 0, 1);
      // Settle only once every thread is gone: nothing of the batch outlives it.
      void Promise.allSettled(workers.map((w) => w.terminate())).then(() => (error ? reject(error) : resolve()));
    };
    const fail = (e: unknown): void => finish(e instanceof Error ? e : new LensError('internal', String(e)));

    // Hands chunks to free threads, loading each on this thread just before it goes out.
    const pump = async (): Promise<void> => {
      if (pumping) return;
      pumping = true;
      try {
        while (!settled && idle.length > 0 && next < chunks.length && next < merged + window) {
          const worker = idle.shift()!;
          const index = next++;
          const c = chunks[index]!;
          const items = run.load ? await loadChunk(run.load, c.start, c.count) : undefined;
          if (settled) return;
          const message: ToPoolThread = { type: 'chunk', index, start: c.start, count: c.count, ...(items ? { items } : {}) };
          worker.postMessage(message);
        }
      } catch (e) {
        fail(e);
      } finally {
        pumping = false;
      }
    };

    const onMessage = (worker: Worker, m: FromPoolThread): void => {
      if (settled) return;
      if (m.type === 'sample') {
        run.progress?.(++done, run.count);
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
      idle.push(worker);
      void pump();
    };

    const timer = setInterval(() => {
      if (run.shouldStop?.()) finish(new Cancelled(run.cancelledMessage));
    }, pollMs);

    const data: PoolThreadData = { stop: stop.buffer as SharedArrayBuffer };
    for (let k = 0; k < threads; k++) {
      const worker = new Worker(script, { workerData: data });
      workers.push(worker);
      worker.on('message', (m: FromPoolThread) => onMessage(worker, m));
      worker.on('error', (e) => finish(new LensError('crashed', `a pool thread crashed: ${e.message}`)));
      worker.on('exit', (code) => finish(new LensError('crashed', `a pool thread exited with code ${code}`)));
      const setup: ToPoolThread = { type: 'setup', task: task.name, setup: run.setup };
      worker.postMessage(setup);
      idle.push(worker);
    }
    void pump();
  });
}
