/**
 * Every job by name: what the worker dispatches on. A job is a plain async function of its
 * parameters and a JobContext, so the CLI and tests call it directly, without a thread. Its
 * parameters and result are declared in shared/protocol.ts (WorkerJobs), which the host, the
 * worker and the panel share; the type of JOBS keeps the table and the protocol in step.
 */
import type { JobName, WorkerJobs } from '../shared/protocol';
import { analyzeJob } from './analyze';
import { checkFirmwareJob } from './checkFirmware';
import { compareJob } from './compare';
import type { JobContext } from './context';
import { evaluateJob } from './evaluate';
import { optimizeJob } from './optimize';
import { precisionJob } from './precision';
import { quantizeJob } from './quantize';
import { runJob } from './run';

export type Job<K extends JobName> = (params: WorkerJobs[K]['params'], ctx: JobContext) => Promise<WorkerJobs[K]['result']>;

export const JOBS: { readonly [K in JobName]: Job<K> } = {
  analyze: analyzeJob,
  run: runJob,
  compare: compareJob,
  quantize: quantizeJob,
  optimize: optimizeJob,
  evaluate: evaluateJob,
  checkFirmware: checkFirmwareJob,
  precision: precisionJob,
};

/** Runs the job `name` (the worker's one entry point into the jobs). */
export function startJob<K extends JobName>(name: K, params: WorkerJobs[K]['params'], ctx: JobContext): Promise<WorkerJobs[K]['result']> {
  const job: Job<K> = JOBS[name];
  return job(params, ctx);
}
