/**
 * Calibration: the float model runs on each sample in our runtime, and every float tensor it
 * produces (and each model input, and the state a kernel reports after each of its steps: an
 * LSTM's cell state) updates that tensor's running min and max, plus a
 * histogram when the range method needs one. Cancellation is checked between samples and
 * between layers; progress is reported per sample. Samples named in `validation` are kept
 * apart: their statistics go to a second map, and their inputs and the float model's outputs
 * are kept, so that candidate int8 models can be compared with the float one on them without
 * running the float model again.
 */
import { Cancelled } from '../errors';
import type { Graph } from '../model/graph';
import { readModel, writeModel } from '../model/io';
import { type BatchChunk, type BatchRunner, type BatchTask, runInProcess, shareBytes } from '../util/batch';
import { fileSamples } from './calibrationFiles';
import type { SampleFiles, SampleSource } from './samples';
import { Interpreter } from '../runtime/interpreter';
import { realValues } from '../runtime/runModel';
import { RuntimeError, type RuntimeTensor, type TensorArray } from '../runtime/types';
import { QuantizeError } from './errors';
import { Histogram, type HistogramData } from './histogram';
import { mergeStats, type TensorStats } from './ranges';

export type { SampleFiles, SampleSource } from './samples';

export type Samples = readonly (readonly Uint8Array[])[] | SampleSource;

export function toSource(samples: Samples): SampleSource {
  if (!Array.isArray(samples)) return samples as SampleSource;
  const list = samples as readonly (readonly Uint8Array[])[];
  return { count: list.length, sample: (i) => list[i]! };
}

export interface ProgressContext {
  readonly shouldStop?: () => boolean;
  readonly progress?: (fraction: number, message: string) => void;
}

/** The validation samples of a calibration pass: what they gave, kept apart. */
export interface ValidationData {
  /** Stats by tensor index of subgraph 0, over the validation samples only. */
  readonly stats: Map<number, TensorStats>;
  /** Their raw input bytes, by sample. */
  readonly inputs: readonly (readonly Uint8Array[])[];
  /** The float model's outputs on them, by sample then output. */
  readonly outputs: readonly (readonly Float64Array[])[];
}

/** Samples kept whole (CalibrateOptions.keep): their index in the source, inputs and the float model's outputs, in sample order. */
export interface KeptSample {
  readonly index: number;
  readonly inputs: readonly Uint8Array[];
  readonly outputs: readonly Float64Array[];
}

export interface CalibrationResult {
  /** Stats by tensor index of subgraph 0 (validation samples excluded). */
  readonly stats: Map<number, TensorStats>;
  /** Present when validation samples were named. */
  readonly validation?: ValidationData;
  /** The samples named in CalibrateOptions.keep (default: the validation ones), in sample order. */
  readonly kept: readonly KeptSample[];
  readonly samples: number;
  /** Total time of the float inferences alone, ms. */
  readonly inferenceMs: number;
  readonly ms: number;
}

function update(stats: TensorStats, data: Float32Array, histograms: boolean): void {
  let lo = stats.min;
  let hi = stats.max;
  let bad = 0;
  let batchLo = Infinity;
  let batchHi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < batchLo) batchLo = v;
    if (v > batchHi) batchHi = v;
    if (v - v !== 0) bad++;
  }
  if (bad > 0) {
    // Recompute over the finite values only.
    batchLo = Infinity;
    batchHi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) continue;
      if (v < batchLo) batchLo = v;
      if (v > batchHi) batchHi = v;
    }
  }
  if (batchLo < lo) lo = batchLo;
  if (batchHi > hi) hi = batchHi;
  stats.min = lo;
  stats.max = hi;
  stats.count += data.length;
  stats.nonFinite += bad;
  if (histograms && Number.isFinite(batchLo)) {
    stats.histogram ??= new Histogram();
    stats.histogram.add(data, Math.max(Math.abs(batchLo), Math.abs(batchHi)));
  }
}

export interface CalibrateOptions extends ProgressContext {
  readonly histograms: boolean;
  /** Sample indices kept apart for validation (see ValidationData). */
  readonly validation?: ReadonlySet<number>;
  /**
   * Samples whose inputs and float outputs are kept (in `kept`), whichever statistics they go
   * to: the folds of auto's cross-validation and the data the PTQ methods fit on. Default:
   * the validation samples.
   */
  readonly keep?: ReadonlySet<number>;
  /** Where the samples run: default in this thread; the quantize job passes the thread pool's runner. */
  readonly batch?: BatchRunner;
}

/** What a calibration thread starts from: the float model's bytes, once, and the sample files when it reads them itself. */
export interface CalibrationSetup {
  readonly model: Uint8Array;
  readonly histograms: boolean;
  readonly validation: readonly number[];
  readonly keep?: readonly number[];
  readonly files?: SampleFiles;
}

/** One calibration sample, loaded on the calling thread. */
export interface CalibrationItem {
  readonly inputs: readonly Uint8Array[];
  /** What it is called in messages. */
  readonly name: string;
}

/** A tensor's statistics as plain data (the histogram's too). */
export type TensorStatsData = Omit<TensorStats, 'histogram'> & { readonly histogram?: HistogramData };

/** What one chunk of samples gave: statistics by tensor (in first-seen order), validation samples in order. */
export interface CalibrationPartial {
  readonly stats: readonly (readonly [number, TensorStatsData])[];
  readonly validationStats: readonly (readonly [number, TensorStatsData])[];
  readonly validation: readonly { readonly index: number; readonly inputs: readonly Uint8Array[]; readonly outputs: readonly Float64Array[] }[];
  readonly inferenceMs: number;
}

/**
 * Calibration as batch work: each thread runs its own float interpreter over its chunks; the
 * statistics (min/max, counts, histograms) merge exactly, so any number of threads gives the
 * statistics of one.
 */
export const calibrationTask: BatchTask<CalibrationSetup, CalibrationItem, CalibrationPartial> = {
  name: 'calibrate',
  chunkSize: 16,
  prepare(setup) {
    const interpreter = new Interpreter(readModel(setup.model), { rounding: 'tflm' });
    const validation = new Set(setup.validation);
    const keep = new Set(setup.keep ?? setup.validation);
    // Files are read and decoded on the thread that runs them: decoding an image can cost as much as a float inference.
    const files = setup.files ? fileSamples(setup.files.refs, setup.files.inputs, setup.files.normalization) : undefined;
    const item = async (chunk: BatchChunk<CalibrationItem>, k: number): Promise<CalibrationItem> => {
      const given = chunk.items?.[k];
      if (given) return given;
      const s = chunk.start + k;
      if (!files) throw new Error(`calibration sample ${s} was neither sent nor readable`);
      return { inputs: await files.sample(s), name: files.describe?.(s) ?? `calibration sample ${s}` };
    };
    return async (chunk, ctx) => {
      const calibrationStats = new Map<number, TensorStats>();
      const validationStats = new Map<number, TensorStats>();
      const kept: { index: number; inputs: readonly Uint8Array[]; outputs: Float64Array[] }[] = [];
      let stats = calibrationStats;
      const track = (t: RuntimeTensor, values: TensorArray = t.data): void => {
        if (t.dtype !== 'float32' || t.constant) return;
        let s = stats.get(t.index);
        if (!s) {
          s = { min: Infinity, max: -Infinity, count: 0, nonFinite: 0 };
          stats.set(t.index, s);
        }
        update(s, values as Float32Array, setup.histograms);
      };
      let inferenceMs = 0;
      for (let k = 0; k < chunk.count; k++) {
        const s = chunk.start + k;
        const { inputs, name } = await item(chunk, k);
        const validating = validation.has(s);
        stats = validating ? validationStats : calibrationStats;
        if (ctx.shouldStop()) throw new Cancelled('quantization was cancelled');
        if (inputs.length !== interpreter.inputs.length)
          throw new QuantizeError('bad-calibration', `${name} has ${inputs.length} input(s); the model has ${interpreter.inputs.length}`);
        interpreter.resetState();
        try {
          inputs.forEach((bytes, i) => interpreter.setInputBytes(i, bytes));
        } catch (e) {
          if (e instanceof RuntimeError) throw new QuantizeError('bad-calibration', `${name}: ${e.message}`);
          throw e;
        }
        for (const t of interpreter.inputs) track(t);
        const ti = performance.now();
        interpreter.invoke({
          shouldStop: ctx.shouldStop,
          onLayer: (_layer, outputs) => {
            for (const t of outputs) track(t);
          },
          // State a kernel keeps between its steps (an LSTM's cell state), step by step.
          onState: (_layer, t, values) => track(t, values),
        });
        inferenceMs += performance.now() - ti;
        if (keep.has(s)) kept.push({ index: s, inputs, outputs: interpreter.outputs.map(realValues) });
        ctx.sampleDone();
      }
      return { stats: [...calibrationStats], validationStats: [...validationStats], validation: kept, inferenceMs };
    };
  },
};

function reviveStats(s: TensorStatsData): TensorStats {
  const { histogram, ...rest } = s;
  return { ...rest, ...(histogram ? { histogram: Histogram.from(histogram) } : {}) };
}

function mergeInto(into: Map<number, TensorStats>, part: readonly (readonly [number, TensorStatsData])[]): void {
  for (const [t, s] of part) into.set(t, mergeStats(into.get(t), reviveStats(s))!);
}

export async function calibrate(graph: Graph, samples: SampleSource, options: CalibrateOptions): Promise<CalibrationResult> {
  const t0 = performance.now();
  const calibrationStats = new Map<number, TensorStats>();
  const validation =
    options.validation && options.validation.size > 0
      ? { stats: new Map<number, TensorStats>(), inputs: [] as (readonly Uint8Array[])[], outputs: [] as (readonly Float64Array[])[] }
      : undefined;
  const kept: KeptSample[] = [];
  let inferenceMs = 0;
  const batch = options.batch ?? runInProcess;
  await batch(calibrationTask, {
    setup: {
      model: shareBytes(writeModel(graph)),
      histograms: options.histograms,
      validation: [...(options.validation ?? [])],
      ...(options.keep ? { keep: [...options.keep] } : {}),
      ...(samples.files ? { files: samples.files } : {}),
    },
    count: samples.count,
    ...(samples.files ? {} : { load: async (i: number) => ({ inputs: await samples.sample(i), name: samples.describe?.(i) ?? `calibration sample ${i}` }) }),
    merge: (p) => {
      mergeInto(calibrationStats, p.stats);
      if (validation) mergeInto(validation.stats, p.validationStats);
      kept.push(...p.validation);
      inferenceMs += p.inferenceMs;
    },
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    progress: (done, count) => options.progress?.(done / count, `calibration sample ${done} of ${count}`),
    cancelledMessage: 'quantization was cancelled',
  });
  // Chunks may merge out of order (threads): samples are put back in order.
  kept.sort((a, b) => a.index - b.index);
  if (validation)
    for (const k of kept) {
      if (!options.validation!.has(k.index)) continue;
      validation.inputs.push(k.inputs);
      validation.outputs.push(k.outputs);
    }
  return { stats: calibrationStats, ...(validation ? { validation } : {}), kept, samples: samples.count, inferenceMs, ms: performance.now() - t0 };
}
