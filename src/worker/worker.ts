/**
 * The worker thread: heavy work runs here so the extension host never blocks. It answers
 * the jobs of shared/protocol.ts one at a time, dispatching through src/jobs, and reports a
 * failure as its error code and message. A run is synchronous, so cancellation comes through
 * shared memory that the host writes and the interpreter reads between layers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorCode, errorMessage } from '../errors';
import { startJob } from '../jobs';
import type { JobContext } from '../jobs/context';
import { prestartPool } from '../jobs/prestart';
import type { FromWorker, ToWorker } from '../shared/protocol';

/** cancelFlag[0] holds the id of the job the host wants stopped. */
const cancelFlag = new Int32Array((workerData as { cancel?: SharedArrayBuffer } | undefined)?.cancel ?? new SharedArrayBuffer(4));
const cancelled = new Set<number>();

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

parentPort?.on('message', async (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    return;
  }
  if (message.type === 'prestart') {
    // Best effort: a thread that cannot start now is started by the batch, or the batch runs here.
    prestartPool(message.threads, message.modelPath).catch(() => undefined);
    return;
  }
  const id = message.id;
  let lastProgress = 0;
  const ctx: JobContext = {
    shouldStop: () => cancelled.has(id) || Atomics.load(cancelFlag, 0) === id,
    progress: (fraction, text) => {
      const now = Date.now();
      if (now - lastProgress < 50 && fraction < 1) return;
      lastProgress = now;
      post({ type: 'progress', id, fraction, message: text });
    },
  };
  try {
    const result = await startJob(message.job, message.params, ctx);
    if (!cancelled.delete(id)) post({ type: 'result', id, result });
  } catch (e) {
    cancelled.delete(id);
    post({ type: 'error', id, code: errorCode(e), message: errorMessage(e) });
  }
});
