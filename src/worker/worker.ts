/**
 * The worker thread: heavy work runs here so the extension host never blocks. It answers
 * the jobs of shared/protocol.ts, one at a time, and reports failures as typed errors.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { analyzeModel } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { ModelFormatError } from '../model/errors';
import { readTflite } from '../model/tflite/reader';
import type { AnalyzeParams, FromWorker, ToWorker, WorkerJobs } from '../shared/protocol';

const cancelled = new Set<number>();

const jobs: { readonly [K in keyof WorkerJobs]: (params: WorkerJobs[K]['params'], id: number) => Promise<WorkerJobs[K]['result']> } = {
  async analyze(params: AnalyzeParams) {
    const bytes = await readFile(params.path);
    const kernels = kernelLibrary(params.kernels, params.core);
    if (!kernels) throw new Error(`unknown kernel library "${params.kernels}"`);
    return analyzeModel(readTflite(bytes), bytes.length, { path: params.path, abi: params.abi, kernels });
  },
};

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

parentPort?.on('message', async (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    return;
  }
  try {
    const result = await jobs[message.job](message.params, message.id);
    if (!cancelled.delete(message.id)) post({ type: 'result', id: message.id, result });
  } catch (e) {
    cancelled.delete(message.id);
    const code = e instanceof ModelFormatError ? e.code : (e as NodeJS.ErrnoException).code ?? 'internal';
    post({ type: 'error', id: message.id, code, message: e instanceof Error ? e.message : String(e) });
  }
});
