/**
 * Batch tasks for the pool's own tests, served by poolTestWorker.ts: which thread folded which
 * samples, a sample that fails, and a sample that never ends unless stopped from outside.
 */
import { threadId } from 'node:worker_threads';
import { LensError } from '../../src/errors';
import type { BatchTask } from '../../src/util/batch';

/** Each chunk: the thread that folded it and the items it saw. */
export const whoTask: BatchTask<{ readonly spinMs: number }, number, { readonly thread: number; readonly items: readonly number[] }> = {
  name: 'who',
  chunkSize: 2,
  prepare: (setup) => (chunk, ctx) => {
    const end = Date.now() + setup.spinMs;
    while (Date.now() < end) {
      // Busy, like an inference: the threads overlap in time.
    }
    for (let k = 0; k < chunk.count; k++) ctx.sampleDone();
    return { thread: threadId, items: chunk.items ?? [] };
  },
};

/** Sample `failAt` throws a LensError with code bad-input. */
export const failTask: BatchTask<{ readonly failAt: number }, never, number> = {
  name: 'fail',
  chunkSize: 1,
  prepare: (setup) => (chunk, ctx) => {
    if (chunk.start === setup.failAt) throw new LensError('bad-input', `sample ${chunk.start} is broken`);
    ctx.sampleDone();
    return chunk.start;
  },
};

/** Never ends on its own and never looks at shouldStop: only terminating the thread stops it. */
export const spinTask: BatchTask<Record<string, never>, never, number> = {
  name: 'spin',
  chunkSize: 1,
  prepare: () => (_chunk, ctx) => {
    ctx.sampleDone();
    for (;;) {
      // A synchronous loop, as a long layer is.
    }
  },
};

/** A fixed amount of arithmetic per sample: what two threads can gain on this machine now (the bench's control). */
export const burnTask: BatchTask<{ readonly iterations: number }, never, number> = {
  name: 'burn',
  chunkSize: 1,
  prepare: (setup) => (chunk, ctx) => {
    let x = chunk.start;
    for (let i = 0; i < setup.iterations; i++) x = (x * 1103515245 + 12345) % 2147483648;
    ctx.sampleDone();
    return x;
  },
};

/** Prepares and folds counted per thread (a warm-up shows as one more of each); each partial owns a fresh array. */
let prepares = 0;
let folds = 0;
export const countTask: BatchTask<
  { readonly failPrepare?: boolean },
  number,
  { readonly thread: number; readonly prepares: number; readonly folds: number; readonly items: Float64Array }
> = {
  name: 'count',
  chunkSize: 2,
  prepare: (setup) => {
    prepares++;
    if (setup.failPrepare) throw new LensError('bad-input', 'this setup cannot be prepared');
    return (chunk, ctx) => {
      folds++;
      for (let k = 0; k < chunk.count; k++) ctx.sampleDone();
      return { thread: threadId, prepares, folds, items: Float64Array.from(chunk.items ?? []) };
    };
  },
};

export const TEST_TASKS = { who: whoTask, fail: failTask, spin: spinTask, burn: burnTask, count: countTask } as const;
