/**
 * The worker's answer to `prestart` (a quantize, evaluate or precision flow has opened): the
 * pool's threads start, and when the model is known each warms up on a few random samples of
 * it (pool.ts PoolWarmUp), while the user is still choosing data.
 */
import { elementCount } from '../model/graph';
import { writeModel } from '../model/io';
import { type CalibrationItem, type CalibrationSetup, calibrationTask } from '../quantize/calibrate';
import { toFloatGraph } from '../quantize/floatGraph';
import { shareBytes } from '../util/batch';
import { type PoolWarmUp, prestartThreads } from '../worker/pool';
import { readModelFile } from './load';
import { randomSamples } from './quantize';

/** Samples a pre-started thread warms up on: enough for V8 to optimise the per-layer code, few enough to cost a fraction of a batch. */
export const WARM_UP_SAMPLES = 8;

/**
 * How long a pre-started thread keeps folding those samples (again and again): long enough for
 * V8 to reach its optimised code on every layer's path, short next to the seconds a user takes
 * to choose calibration data. A batch that comes sooner waits for the round in progress only
 * as long as the calling thread has chunks of its own to fold.
 */
export const WARM_UP_MS = 300;

/** Float inputs above this many values skip the warm-up: their samples cost more than a cold start. */
const WARM_UP_MAX_VALUES = 1 << 20;

/** A warm-up of the calibration task on `modelPath`'s float graph, or undefined when the model cannot give one. */
export async function calibrationWarmUp(modelPath: string): Promise<PoolWarmUp | undefined> {
  try {
    const float = toFloatGraph(readModelFile(modelPath).graph).graph;
    const sg = float.subgraphs[0]!;
    const inputs = sg.inputs.map((i) => sg.tensors[i]!);
    if (inputs.length === 0 || inputs.some((t) => t.dtype !== 'float32')) return undefined;
    if (inputs.reduce((n, t) => n + elementCount(t.shape), 0) > WARM_UP_MAX_VALUES) return undefined;
    const source = randomSamples(
      inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
      WARM_UP_SAMPLES,
      [-1, 1],
      7,
    );
    const items: CalibrationItem[] = [];
    // In shared memory: every pre-started thread reads the same samples, none gets a copy.
    for (let i = 0; i < WARM_UP_SAMPLES; i++) items.push({ inputs: (await source.sample(i)).map(shareBytes), name: `warm-up sample ${i}` });
    const setup: CalibrationSetup = { model: shareBytes(writeModel(float)), histograms: true, validation: [] };
    return { task: calibrationTask.name, setup, items, budgetMs: WARM_UP_MS };
  } catch {
    // The flow reads the model again and says what is wrong with it; a warm-up just does not happen.
    return undefined;
  }
}

/** Starts the pool's threads (warmed on `modelPath` when given). */
export async function prestartPool(threads?: number, modelPath?: string): Promise<void> {
  const warmUp = modelPath !== undefined ? await calibrationWarmUp(modelPath) : undefined;
  prestartThreads(threads !== undefined ? { threads } : {}, warmUp);
}
