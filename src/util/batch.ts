/**
 * Batch work over many samples, split so that it can run on several threads and still give
 * the same result as one: samples are cut into chunks of a size fixed by the task (never by the
 * number of threads), each chunk is folded into a partial result by a fresh accumulator, and
 * the partials are merged in chunk order on the calling thread. Integer counts, min/max and
 * histograms merge exactly anyway; floating-point sums (SqnrSums) are exact across thread
 * counts only because the chunk boundaries and the merge order never change.
 *
 * A task is plain data in, plain data out (what structured clone carries): its setup is sent
 * once per thread, its partials come back per chunk. The core only declares tasks and runs them
 * through a `BatchRunner`; `runInProcess` is the one-thread runner, and src/worker/pool.ts the
 * threaded one (which finds a task by its name in src/jobs/batchTasks.ts).
 */
import { Cancelled } from '../errors';

/** One chunk of samples: indices [start, start + count), with their items when the caller loads them. */
export interface BatchChunk<Item> {
  readonly start: number;
  readonly count: number;
  /** The items of the chunk, loaded by BatchRun.load on the calling thread; absent when the task loads by index. */
  readonly items?: readonly Item[];
}

/** What a task sees while it folds a chunk. */
export interface BatchContext {
  /** True once the batch is cancelled: a task passes it to the interpreter, which checks between layers. */
  readonly shouldStop: () => boolean;
  /** One more sample done (for progress). */
  readonly sampleDone: () => void;
}

/**
 * Folds one chunk into a partial result. The partial is handed over: a pool thread transfers
 * its arrays to the calling thread (transferablesOf), so the folder must build it fresh and
 * never keep or reuse an array it returns.
 */
export type ChunkFolder<Item, Partial> = (chunk: BatchChunk<Item>, ctx: BatchContext) => Promise<Partial> | Partial;

/**
 * A kind of batch work. `name` is its key in BATCH_TASKS (what a pool thread looks it up by);
 * `prepare` runs once per thread (parse the model, build interpreters) and returns the folder.
 */
export interface BatchTask<Setup, Item, Partial> {
  readonly name: string;
  /** Samples per chunk: part of the result's definition for floating-point sums, so a constant. */
  readonly chunkSize: number;
  prepare(setup: Setup): Promise<ChunkFolder<Item, Partial>> | ChunkFolder<Item, Partial>;
}

/** One batch: what to run, on how many samples, and what to do with each partial. */
export interface BatchRun<Setup, Item, Partial> {
  readonly setup: Setup;
  readonly count: number;
  /** Loads sample `index` on the calling thread (a chunk at a time); absent: the task loads by index. */
  readonly load?: (index: number) => Promise<Item> | Item;
  /** Called with each chunk's partial, in chunk order. */
  readonly merge: (partial: Partial) => void;
  readonly shouldStop?: () => boolean;
  /** Samples done so far, out of `count`. */
  readonly progress?: (done: number, count: number) => void;
  /** What a cancelled batch says (the Cancelled message). */
  readonly cancelledMessage?: string;
}

export type BatchRunner = <Setup, Item, Partial>(task: BatchTask<Setup, Item, Partial>, run: BatchRun<Setup, Item, Partial>) => Promise<void>;

/** The chunks of `count` samples, `size` at a time. */
export function chunksOf(count: number, size: number): { readonly start: number; readonly count: number }[] {
  const out: { start: number; count: number }[] = [];
  for (let start = 0; start < count; start += size) out.push({ start, count: Math.min(size, count - start) });
  return out;
}

/** Loads a chunk's items on the calling thread, in order (one sample in memory per item of one chunk). */
export async function loadChunk<Item>(load: (index: number) => Promise<Item> | Item, start: number, count: number): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = start; i < start + count; i++) items.push(await load(i));
  return items;
}

/** The one-thread runner: the same chunks and merge order as the pool, so the same result. */
export const runInProcess: BatchRunner = async (task, run) => {
  const stopped = run.shouldStop ?? (() => false);
  if (run.count === 0) return;
  const fold = await task.prepare(run.setup);
  let done = 0;
  const ctx: BatchContext = {
    shouldStop: stopped,
    sampleDone: () => run.progress?.(++done, run.count),
  };
  for (const c of chunksOf(run.count, task.chunkSize)) {
    if (stopped()) throw new Cancelled(run.cancelledMessage);
    const items = run.load ? await loadChunk(run.load, c.start, c.count) : undefined;
    run.merge(await fold(items ? { ...c, items } : c, ctx));
  }
};

/**
 * The SharedArrayBuffer constructor, taken when this module loads: a test oracle (tfjs-tflite)
 * deletes the global so that its loader picks its single-threaded build, and batch work must
 * not depend on it still being there. Absent, memory is copied to each thread instead of shared.
 */
const Shared: typeof SharedArrayBuffer | undefined = globalThis.SharedArrayBuffer;

/** `bytes` of memory shared with threads where the platform allows it, else a plain buffer (copied on the way). */
export function sharedMemory(bytes: number): SharedArrayBuffer | ArrayBuffer {
  return Shared ? new Shared(bytes) : new ArrayBuffer(bytes);
}

/**
 * `bytes` in shared memory: a setup's model bytes cross to every thread without a copy each
 * (a copy of `bytes`, once, unless they already are).
 */
export function shareBytes(bytes: Uint8Array): Uint8Array {
  if (Shared === undefined || bytes.buffer instanceof Shared) return bytes;
  const shared = new Uint8Array(new Shared(bytes.length));
  shared.set(bytes);
  return shared;
}

/**
 * The ArrayBuffers a partial owns outright (typed arrays that span their whole buffer, not
 * shared memory), found in plain objects, arrays and maps: posted with these as its transfer
 * list, a partial crosses threads without its arrays (histograms, kept outputs) being copied.
 * A buffer is listed once; one that another array only views part of is left to be copied.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const partly = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? found : partly).add(v.buffer);
      return;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x);
  };
  visit(value);
  return [...found].filter((b) => !partly.has(b));
}
