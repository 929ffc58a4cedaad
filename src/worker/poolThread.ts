/**
 * The body of a pool thread (see pool.ts): it takes one task's setup, prepares it once (its own
 * model, its own interpreter, its own WebAssembly instance, started from the calling thread's
 * prepared arena images), then folds the chunks it is sent one at a time, each only if it
 * claims it first (the calling thread may have taken it back), and sends back each partial. A
 * failure is sent as its code, class name and message; the pool then stops every thread.
 * poolWorker.ts serves BATCH_TASKS with it; tests serve tasks of their own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorCode, errorMessage } from '../errors';
import { withPreparedImages } from '../runtime/wasm/arenaImages';
import { type BatchContext, type BatchTask, type ChunkFolder, transferablesOf } from '../util/batch';
import { CLAIM_OPEN, CLAIM_POOL, type FromPoolThread, type PoolThreadData, type ToPoolThread, WARM_UP_ROUNDS } from './pool';

/** Tasks by name, of any setup, item and partial: what crosses the thread is structured-cloned data. */
export type TaskTable = Readonly<Record<string, BatchTask<never, never, unknown>>>;

export function servePool(tasks: TaskTable): void {
  const port = parentPort;
  if (!port) throw new Error('servePool runs in a worker thread');
  const stop = new Int32Array((workerData as PoolThreadData).stop);
  const post = (message: FromPoolThread): void => port.postMessage(message);
  const ctx: BatchContext = {
    shouldStop: () => Atomics.load(stop, 0) !== 0,
    sampleDone: () => post({ type: 'sample' }),
  };
  let folder: Promise<ChunkFolder<unknown, unknown>> | undefined;
  let claims: Int32Array | undefined;

  const handle = async (m: ToPoolThread): Promise<void> => {
    if (m.type === 'setup') {
      const task = tasks[m.task] as BatchTask<unknown, unknown, unknown> | undefined;
      if (!task) throw new Error(`no batch task called "${m.task}"`);
      claims = new Int32Array(m.claims);
      // The calling thread may have finished the whole batch while this thread was starting.
      if (Atomics.load(claims, claims.length - 1) !== 0) return;
      const t0 = performance.now();
      folder = withPreparedImages(m.images, () => task.prepare(m.setup));
      await folder;
      post({ type: 'prepared', ms: performance.now() - t0 });
      return;
    }
    if (m.type === 'warm') {
      const task = tasks[m.task] as BatchTask<unknown, unknown, unknown> | undefined;
      if (!task) return;
      // Best effort: a warm-up that fails costs nothing; the batch itself reports what is wrong.
      const quiet: BatchContext = { shouldStop: ctx.shouldStop, sampleDone: () => undefined };
      try {
        const t0 = performance.now();
        const fold = await task.prepare(m.setup);
        for (let round = 0; round < WARM_UP_ROUNDS; round++) {
          await fold({ start: 0, count: m.items.length, items: m.items }, quiet);
          if (performance.now() - t0 >= (m.budgetMs ?? 0) || ctx.shouldStop()) break;
        }
      } catch {
        // nothing to report
      }
      return;
    }
    if (m.type === 'release') {
      folder = undefined;
      claims = undefined;
      return;
    }
    // A chunk the calling thread took back before this thread came to it.
    if (claims && Atomics.compareExchange(claims, m.index, CLAIM_OPEN, CLAIM_POOL) !== CLAIM_OPEN) return;
    if (!folder) throw new Error('a chunk came before the setup');
    const fold = await folder;
    const t0 = performance.now();
    const partial = await fold({ start: m.start, count: m.count, ...(m.items ? { items: m.items } : {}) }, ctx);
    // The partial is this thread's no more: its arrays move to the calling thread, uncopied.
    const message: FromPoolThread = { type: 'partial', index: m.index, partial, ms: performance.now() - t0 };
    port.postMessage(message, transferablesOf(partial));
  };

  const postError = (e: unknown): void => {
    const layer = typeof e === 'object' && e !== null && 'layer' in e && typeof e.layer === 'number' ? e.layer : undefined;
    post({
      type: 'error',
      code: errorCode(e),
      name: e instanceof Error ? e.name : 'Error',
      message: errorMessage(e),
      ...(layer !== undefined ? { layer } : {}),
    });
  };

  // One message after the other, each after the previous one's work.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: ToPoolThread) => {
    queue = queue.then(() => handle(m)).catch(postError);
  });
}
