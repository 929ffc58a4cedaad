/**
 * The threaded BatchRunner (see util/batch.ts): the calling thread and a pool of worker
 * threads, one interpreter (and one WebAssembly instance) per thread. A batch on n threads
 * starts n − 1: the calling thread prepares at once and folds chunks from the first moment,
 * while the pool threads start. Once it has prepared, each pool thread gets the task's setup
 * (model bytes in shared memory, not a copy each) and the calling thread's prepared
 * interpreters (arena images: packed weights in shared memory, so a pool thread only allocates,
 * see runtime/wasm/arenaImages.ts), then chunks; partials are merged in chunk order. Threads
 * stay for the next batch while idle (see IDLE), holding nothing and not keeping the process
 * alive.
 *
 * - Nobody waits: a pool thread keeps two chunks queued, and the calling thread, when no chunk
 *   is left to hand out, takes back one a pool thread has not started (claims in shared
 *   memory: every chunk runs exactly once), so all threads finish within a chunk of each other.
 * - Memory stays bounded: chunks are loaded on the calling thread only when handed out, and at
 *   most 2 × threads chunks are out (running, queued or waiting to be merged) at any time.
 * - Cancel: the caller's shouldStop is read between layers by the calling thread's own fold
 *   and polled; a stop raises a flag every pool thread's interpreter reads between layers and
 *   terminates the pool threads, and the batch rejects with Cancelled.
 * - A failure in one sample (or a thread's crash) stops every thread and rejects the batch with
 *   that one error, its code and message kept.
 * - The calling thread folds between messages, a chunk at a time (as runInProcess does): in
 *   VS Code the pool is started from the job worker, never from the extension host.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Cancelled, type ErrorCode, LensError, type QuantizeErrorCode, type RuntimeErrorCode } from '../errors';
import { QuantizeError } from '../quantize/errors';
import { RuntimeError } from '../runtime/types';
import { type PreparedImage, recordPreparedImages } from '../runtime/wasm/arenaImages';
import { type BatchContext, type BatchRun, type BatchRunner, type BatchTask, chunksOf, loadChunk, runInProcess, sharedMemory } from '../util/batch';

/** Environment variable that fixes the pool's size where no option does (tests, scripts). */
export const THREADS_ENV = 'TINYML_LENS_THREADS';
/** Threads a pool takes at most, whatever is asked: each holds a model and its interpreter. */
export const MAX_POOL_THREADS = 64;

/** The pool thread's script: next to this module, both in out/ (tsc) and in dist/ (esbuild). */
export const POOL_WORKER_SCRIPT = join(__dirname, 'poolWorker.js');

/** To a pool thread: the task and its setup once, then chunks; `release` when the batch is over (drop the model). */
export type ToPoolThread =
  | {
      readonly type: 'setup';
      readonly task: string;
      readonly setup: unknown;
      readonly claims: SharedArrayBuffer | ArrayBuffer;
      /** The calling thread's prepared interpreters (packed weights in shared memory), to start from. */
      readonly images: readonly PreparedImage[];
    }
  | { readonly type: 'release' }
  /** Before any batch: prepare this task, fold these items (again, up to the budget), then drop it all (prestartThreads). */
  | ({ readonly type: 'warm' } & PoolWarmUp)
  | { readonly type: 'chunk'; readonly index: number; readonly start: number; readonly count: number; readonly items?: readonly unknown[] };

/** From a pool thread: its prepare's time, a sample done, a chunk's partial, or the failure that ends the batch. */
export type FromPoolThread =
  | { readonly type: 'prepared'; readonly ms: number }
  | { readonly type: 'sample' }
  | { readonly type: 'partial'; readonly index: number; readonly partial: unknown; readonly ms: number }
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
 * about 0.3–0.4 s of CPU to start (loading the core, compiling WebAssembly, a cold JIT on its
 * first chunk); a pool of 2 starts 1 (the calling thread folds too). Measured before that
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
export function batchThreads(pool: number, chunks: number, explicit: boolean, minChunks = MIN_CHUNKS_PER_THREAD, started = 0): number {
  // Threads already started (pre-started, or idle after a batch) cost nothing to start: they
  // repay from WARM_MIN_CHUNKS chunks each, the calling thread included.
  const warm = Math.min(started + 1, Math.floor(chunks / WARM_MIN_CHUNKS));
  const repaid = explicit ? chunks : Math.max(Math.floor(chunks / Math.max(1, minChunks)), warm);
  return Math.max(1, Math.min(pool, chunks, repaid));
}

/** Chunks each thread of a batch must have when its pool threads are already started (so each gets a second chunk to balance with). */
export const WARM_MIN_CHUNKS = 2;

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
  /**
   * Whether the calling thread folds chunks too (default true): a pool of n then starts n − 1
   * threads. Off, it only loads and merges, so a task that never looks at shouldStop cannot
   * hold it (tests).
   */
  readonly callerFolds?: boolean;
  /** Told what each batch on more than one thread did (bench, tests). */
  readonly report?: (report: PoolBatchReport) => void;
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
    const idle = IDLE.get(options.script ?? POOL_WORKER_SCRIPT)?.length ?? 0;
    const n = batchThreads(threads, chunksOf(run.count, task.chunkSize).length, explicit, MIN_CHUNKS_PER_THREAD, idle);
    if (n <= 1) return runInProcess(task, run);
    return runOnThreads(task, run, n, options);
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
/** Every thread started and not yet ended, by script: idle or in a batch (prestartThreads counts them all). */
const LIVE = new Map<string, Set<PoolThread>>();
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
  const live = LIVE.get(script) ?? new Set<PoolThread>();
  LIVE.set(script, live);
  live.add(t);
  t.worker.on('exit', () => {
    live.delete(t);
    dropIdle(script, t);
  });
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

/**
 * Starts, ahead of a batch, the pool threads a batch of `options` would take (poolSize, less the
 * calling thread), as idle threads: the worker calls it when the user opens a flow that will
 * run one (quantize, evaluate, precision) and is still choosing its data. A thread then loads
 * the core and compiles its WebAssembly while the user reads the prompts, not while the batch
 * waits; unused, it ends after IDLE_THREAD_MS like every idle thread. Threads already started
 * (idle, or in a batch) count. A default batch takes started idle threads from fewer chunks than
 * it would start threads for (batchThreads).
 */
export function prestartThreads(options: PoolOptions = {}, warmUp?: PoolWarmUp): number {
  const script = options.script ?? POOL_WORKER_SCRIPT;
  const want = poolSize(options.threads) - (options.callerFolds === false ? 0 : 1);
  // Threads in a batch count too: a flow opened while another batch runs does not double the pool.
  const missing = want - (LIVE.get(script)?.size ?? 0);
  if (missing <= 0) return 0;
  const threads = Array.from({ length: missing }, () => startThread(script));
  if (warmUp)
    for (const t of threads) {
      const warm: ToPoolThread = { type: 'warm', ...warmUp };
      t.worker.postMessage(warm);
    }
  releaseThreads(script, threads);
  return missing;
}

/**
 * Work a pre-started thread does once, before any batch: a thread's first samples run cold
 * (V8 has compiled neither the interpreter's JavaScript nor its WebAssembly kernels' hot
 * functions with its optimizing tier yet) and are slower by half or more than later ones, which
 * on a first batch of a hundred samples is most of what a second thread could win. A few samples
 * of the model the user is about to quantize (random inputs), folded and thrown away, while the
 * user chooses the data, make the first batch run warm.
 */
export interface PoolWarmUp {
  readonly task: string;
  readonly setup: unknown;
  readonly items: readonly unknown[];
  /** The items are folded again and again until this many ms have passed (at least once, at most WARM_UP_ROUNDS times). */
  readonly budgetMs?: number;
}

/** Folds of the warm-up items at most, whatever the budget. */
export const WARM_UP_ROUNDS = 16;

/** Ends every idle thread now (tests; an extension that deactivates). */
export async function stopIdleThreads(): Promise<void> {
  const all = [...IDLE.entries()].flatMap(([script, list]) => list.map((t) => ({ script, t })));
  for (const { script, t } of all) dropIdle(script, t);
  await Promise.allSettled(all.map(({ t }) => t.worker.terminate()));
}

/**
 * Chunk claims of one batch, in shared memory: a chunk sent to a pool thread may still be
 * taken back by the calling thread (work stealing) until the pool thread starts it; whoever
 * changes its slot from OPEN first runs it, so every chunk runs exactly once. The slot after
 * the last chunk is raised when the batch is over: a thread that has not prepared yet skips it.
 */
export const CLAIM_OPEN = 0;
export const CLAIM_POOL = 1;
export const CLAIM_CALLER = 2;

/** What one batch on the pool did (the bench prints it; tests check who folded what). */
export interface PoolBatchReport {
  /** Threads that took part, the calling thread included. */
  readonly threads: number;
  /** Prepare time of each thread, ms: the calling thread's first, then each pool thread's (absent: it never prepared, the batch was over first). */
  readonly prepareMs: readonly (number | undefined)[];
  /** When each pool thread had prepared, ms from the batch's start (absent: never). */
  readonly joinedMs: readonly (number | undefined)[];
  /** Chunks each thread folded, in the same order. */
  readonly chunks: readonly number[];
  /** Chunks the calling thread took back from a pool thread that had not started them. */
  readonly stolen: number;
  /** Time each thread spent folding chunks, ms, in the same order (the rest is starting, preparing and waiting). */
  readonly busyMs: readonly number[];
  /** Time the calling thread spent merging partials, and waiting with nothing to fold, ms. */
  readonly mergeMs: number;
  readonly waitMs: number;
}

function runOnThreads<Setup, Item, Partial>(
  task: BatchTask<Setup, Item, Partial>,
  run: BatchRun<Setup, Item, Partial>,
  count: number,
  options: PoolOptions,
): Promise<void> {
  if (run.shouldStop?.()) return Promise.reject(new Cancelled(run.cancelledMessage));
  const script = options.script ?? POOL_WORKER_SCRIPT;
  const callerFolds = options.callerFolds !== false;
  const chunks = chunksOf(run.count, task.chunkSize);
  const claimMemory = sharedMemory(4 * (chunks.length + 1));
  const claims = new Int32Array(claimMemory);
  // Without shared memory each thread would see its own copy of the claims: no stealing then.
  const stealing = callerFolds && !(claimMemory instanceof ArrayBuffer);
  const threads = takeThreads(script, callerFolds ? count - 1 : count);
  const queued = threads.map((): number[] => []);
  const prepareMs: (number | undefined)[] = [undefined, ...threads.map(() => undefined)];
  const folded = [0, ...threads.map(() => 0)];
  const busyMs = [0, ...threads.map(() => 0)];
  let mergeMs = 0;
  let waitMs = 0;
  const joinedMs: (number | undefined)[] = threads.map(() => undefined);
  const started = performance.now();
  const loaded = new Map<number, readonly Item[]>();
  const ready = new Map<number, Partial>();
  // Chunks out at once (loaded, running or waiting to be merged): memory stays bounded.
  const window = 2 * count;
  // A pool thread has one chunk running and one waiting, so it never waits for the calling thread.
  const depth = 2;
  let stolen = 0;
  let next = 0;
  let merged = 0;
  let done = 0;
  let settled = false;
  let pumping = false;
  let wake: (() => void) | undefined;

  return new Promise<void>((resolve, reject) => {
    const listeners = threads.map((t, k) => {
      const onMessage = (m: FromPoolThread): void => received(k, m);
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
      Atomics.store(claims, chunks.length, 1);
      clearInterval(timer);
      for (const off of listeners) off();
      wake?.();
      options.report?.({
        threads: threads.length + (callerFolds ? 1 : 0),
        prepareMs: callerFolds ? prepareMs : prepareMs.slice(1),
        joinedMs,
        chunks: callerFolds ? folded : folded.slice(1),
        stolen,
        busyMs: callerFolds ? busyMs : busyMs.slice(1),
        mergeMs,
        waitMs,
      });
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

    /** The next chunk nobody has, loaded (on this thread, just before it goes out), or undefined. */
    async function take(): Promise<number | undefined> {
      if (next >= chunks.length || next >= merged + window) return undefined;
      const index = next++;
      const c = chunks[index]!;
      if (run.load) loaded.set(index, await loadChunk(run.load, c.start, c.count));
      return index;
    }

    // Keeps every pool thread `depth` chunks ahead.
    async function pump(): Promise<void> {
      if (pumping) return;
      pumping = true;
      try {
        for (let k = 0; k < threads.length && !settled; k++) {
          while (!settled && queued[k]!.length < depth) {
            const index = await take();
            if (index === undefined || settled) return;
            const c = chunks[index]!;
            const items = loaded.get(index);
            queued[k]!.push(index);
            const message: ToPoolThread = { type: 'chunk', index, start: c.start, count: c.count, ...(items ? { items } : {}) };
            threads[k]!.worker.postMessage(message);
          }
        }
      } catch (e) {
        fail(e);
      } finally {
        pumping = false;
      }
    }

    function deliver(index: number, partial: Partial): void {
      loaded.delete(index);
      ready.set(index, partial);
      const m0 = performance.now();
      try {
        while (ready.has(merged)) {
          const p = ready.get(merged)!;
          ready.delete(merged);
          merged++;
          run.merge(p);
        }
      } catch (e) {
        fail(e);
        return;
      }
      mergeMs += performance.now() - m0;
      if (merged === chunks.length) finish();
    }

    function received(k: number, m: FromPoolThread): void {
      if (settled) return;
      if (m.type === 'sample') {
        run.progress?.(++done, run.count);
        // Between samples, as in one thread: a short batch can end before the next poll.
        if (run.shouldStop?.()) finish(new Cancelled(run.cancelledMessage));
        return;
      }
      if (m.type === 'prepared') {
        prepareMs[k + 1] = m.ms;
        joinedMs[k] = performance.now() - started;
        return;
      }
      if (m.type === 'error') {
        finish(reviveError(m));
        return;
      }
      const q = queued[k]!;
      q.splice(q.indexOf(m.index), 1);
      folded[k + 1]!++;
      busyMs[k + 1]! += m.ms;
      deliver(m.index, m.partial as Partial);
      void pump();
      wake?.();
    }

    /** A chunk a pool thread has been sent but not started, taken back (lowest first: it unblocks the merge). */
    function steal(): number | undefined {
      if (!stealing) return undefined;
      let best: { k: number; index: number } | undefined;
      queued.forEach((q, k) => {
        for (const index of q) if (Atomics.load(claims, index) === CLAIM_OPEN && (!best || index < best.index)) best = { k, index };
      });
      if (!best || Atomics.compareExchange(claims, best.index, CLAIM_OPEN, CLAIM_CALLER) !== CLAIM_OPEN) return undefined;
      const q = queued[best.k]!;
      q.splice(q.indexOf(best.index), 1);
      stolen++;
      return best.index;
    }

    // The calling thread folds too: it prepares at once (no thread to start) and takes chunks
    // nobody has, or that a pool thread has not started yet; between chunks it lets the pool
    // threads' messages in. Stops are seen between layers, as in runInProcess.
    async function work(): Promise<void> {
      const t0 = performance.now();
      const { value: fold, images } = await recordPreparedImages(() => task.prepare(run.setup));
      prepareMs[0] = performance.now() - t0;
      // The pool threads (still starting, when cold) prepare from what this thread packed.
      sendSetup(images);
      const ctx: BatchContext = {
        shouldStop: () => settled || (run.shouldStop?.() ?? false),
        sampleDone: () => run.progress?.(++done, run.count),
      };
      while (!settled) {
        if (run.shouldStop?.()) throw new Cancelled(run.cancelledMessage);
        let index = await take();
        if (index === undefined) index = steal();
        else if (stealing) Atomics.store(claims, index, CLAIM_CALLER);
        if (settled) return;
        if (index === undefined) {
          // Nothing to take: wait for a pool thread's partial (or the end).
          const w0 = performance.now();
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          waitMs += performance.now() - w0;
          continue;
        }
        const c = chunks[index]!;
        const items = loaded.get(index);
        const f0 = performance.now();
        const partial = await fold(items ? { ...c, items } : c, ctx);
        if (settled) return;
        busyMs[0]! += performance.now() - f0;
        folded[0]!++;
        deliver(index, partial);
        void pump();
        await new Promise<void>((r) => setImmediate(r));
      }
    }

    const timer = setInterval(() => {
      if (run.shouldStop?.()) finish(new Cancelled(run.cancelledMessage));
    }, options.pollMs ?? 20);

    function sendSetup(images: readonly PreparedImage[]): void {
      if (settled) return;
      for (const t of threads) {
        const setup: ToPoolThread = { type: 'setup', task: task.name, setup: run.setup, claims: claimMemory, images };
        t.worker.postMessage(setup);
      }
      void pump();
    }

    if (callerFolds) work().catch(fail);
    else sendSetup([]);
  });
}
