/**
 * The worker thread: heavy work runs here so the extension host never blocks. It answers
 * the jobs of shared/protocol.ts one at a time and reports failures as typed errors. A run
 * is synchronous, so cancellation comes through shared memory that the host writes and
 * the interpreter reads between layers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ModelFormatError } from '../model/errors';
import { InputError } from '../runtime/inputs/inputError';
import { RuntimeError } from '../runtime/types';
import type { FromWorker, JobName, ToWorker, WorkerJobs } from '../shared/protocol';
import { analyzeJob, compareJob, runJob, type JobContext } from './jobs';
import { quantizeJob } from '../quantize/quantizeJob';
import { QuantizeError } from '../quantize/errors';

/** cancelFlag[0] holds the id of the job the host wants stopped. */
const cancelFlag = new Int32Array((workerData as { cancel?: SharedArrayBuffer } | undefined)?.cancel ?? new SharedArrayBuffer(4));
const cancelled = new Set<number>();

const jobs: { readonly [K in JobName]: (params: WorkerJobs[K]['params'], ctx: JobContext) => Promise<WorkerJobs[K]['result']> } = {
  analyze: (params) => analyzeJob(params),
  run: runJob,
  compare: compareJob,
  quantize: quantizeJob,
};

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

function errorCode(e: unknown): string {
  if (e instanceof ModelFormatError || e instanceof RuntimeError || e instanceof QuantizeError) return e.code;
  if (e instanceof InputError) return 'bad-input';
  return (e as NodeJS.ErrnoException).code ?? 'internal';
}

parentPort?.on('message', async (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
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
    const result = await (jobs[message.job] as (p: unknown, c: JobContext) => Promise<WorkerJobs[JobName]['result']>)(message.params, ctx);
    if (!cancelled.delete(id)) post({ type: 'result', id, result });
  } catch (e) {
    cancelled.delete(id);
    post({ type: 'error', id, code: errorCode(e), message: e instanceof Error ? e.message : String(e) });
  }
});
