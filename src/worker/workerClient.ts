/**
 * The host's side of the worker: starts it on first use, matches replies to requests,
 * forwards cancellation (the request rejects at once with Cancelled), and turns a crash into
 * an error for every pending request. The next request after a crash gets a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import { Cancelled, LensError, type ErrorCode } from '../errors';
import type { FromWorker, JobName, ToWorker, WorkerJobs } from '../shared/protocol';

/** A job's failure as the worker reported it (its code and message), or the worker's own end. */
export class WorkerError extends LensError {
  override readonly name = 'WorkerError';
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

interface Pending {
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export class WorkerClient {
  private worker: Worker | undefined;
  /** Shared with the worker: the id of a job to stop mid-run (a synchronous run reads it between layers). */
  private cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly script: string) {}

  request<K extends JobName>(job: K, params: WorkerJobs[K]['params'], options: RequestOptions = {}): Promise<WorkerJobs[K]['result']> {
    if (options.signal?.aborted) return Promise.reject(new Cancelled());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<WorkerJobs[K]['result']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      options.signal?.addEventListener('abort', () => {
        if (!this.pending.delete(id)) return;
        Atomics.store(this.cancelFlag, 0, id);
        this.send({ type: 'cancel', id });
        reject(new Cancelled());
      });
      this.send({ type: 'run', id, job, params }, worker);
    });
  }

  /**
   * Tells the worker a batch job is coming (the user opened a quantize, evaluate or precision
   * flow on `modelPath`), so it starts the pool's threads and warms them on that model while
   * the user chooses; nothing to wait for.
   */
  prestartPool(modelPath?: string, threads?: number): void {
    this.send({ type: 'prestart', ...(threads !== undefined ? { threads } : {}), ...(modelPath !== undefined ? { modelPath } : {}) }, this.ensureWorker());
  }

  dispose(): Promise<number> | undefined {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new WorkerError('disposed', 'the worker was stopped'));
    return w?.terminate();
  }

  private send(message: ToWorker, worker = this.worker): void {
    worker?.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    this.cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(this.script, { workerData: { cancel: this.cancelFlag.buffer } });
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.onExit(worker, `the worker crashed: ${e.message}`));
    worker.on('exit', (code) => this.onExit(worker, `the worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.fraction, m.message);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result as never);
    else p.reject(new WorkerError(m.code, m.message));
  }

  private onExit(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new WorkerError('crashed', message));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
