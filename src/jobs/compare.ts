/**
 * The compare job: a float model and its int8 twin run on the same samples (files, or seeded
 * random inputs), compared layer by layer and at the outputs.
 */
import { LensError } from '../errors';
import { readModel } from '../model/io';
import { type ComparerState, isClassifierOutput, LayerComparer } from '../runtime/compare';
import { fromReal } from '../runtime/inputs/loadInput';
import { Interpreter } from '../runtime/interpreter';
import { runInterpreter } from '../runtime/runModel';
import type { CompareParams, CompareResult } from '../shared/protocol';
import { prng } from '../util/prng';
import { stopIfAsked, type JobContext } from './context';
import { type BatchTask, shareBytes } from '../util/batch';
import { poolRunner } from '../worker/pool';
import { checkRunnable, loadInputs, readModelFile } from './load';

/**
 * Seeded random real values for each input of the int8 model, spread over the range its
 * input quantization can represent (or [-1, 1] for float inputs).
 */
function randomReals(interpreter: Interpreter, seed: number): Float64Array[] {
  const rand = prng(seed);
  return interpreter.inputs.map((t) => {
    const q = t.info.quantization;
    const lo = q?.scale.length ? q.scale[0]! * (-128 - (q.zeroPoint[0] ?? 0)) : -1;
    const hi = q?.scale.length ? q.scale[0]! * (127 - (q.zeroPoint[0] ?? 0)) : 1;
    return Float64Array.from({ length: t.data.length }, () => lo + rand() * (hi - lo));
  });
}

/** Samples a comparison runs at most: the statistics settle long before, and each sample runs both models. */
export const MAX_COMPARE_SAMPLES = 10_000;

/** What a comparison thread starts from: both models' bytes, once, and where the samples are. */
export interface CompareSetup {
  readonly float: Uint8Array;
  readonly int8: Uint8Array;
  /** Sample files (one per input), or empty for seeded random inputs. */
  readonly samples: readonly (readonly string[])[];
  readonly rounding: CompareParams['rounding'];
  readonly normalization?: string;
  readonly classifier: boolean;
}

const CANCELLED = 'the comparison was cancelled';

/**
 * The comparison as batch work: each thread runs both models on the samples of its chunks
 * (loading each sample's files itself) into a LayerComparer of its own; the comparers' sums
 * merge in chunk order, so any number of threads gives the report of one.
 */
export const compareTask: BatchTask<CompareSetup, never, ComparerState> = {
  name: 'compare',
  chunkSize: 4,
  prepare(setup) {
    const floatGraph = readModel(setup.float);
    const int8Graph = readModel(setup.int8);
    const f = new Interpreter(floatGraph, { rounding: setup.rounding });
    const q = new Interpreter(int8Graph, { rounding: setup.rounding });
    const random = setup.samples.length === 0;
    return async (chunk, ctx) => {
      const comparer = new LayerComparer(floatGraph, int8Graph, setup.classifier);
      for (let s = chunk.start; s < chunk.start + chunk.count; s++) {
        stopIfAsked(ctx, CANCELLED);
        let fin: Uint8Array[];
        let qin: Uint8Array[];
        if (random) {
          const reals = randomReals(q, 1000 + s);
          const spec = (i: Interpreter, k: number) => ({
            name: i.inputs[k]!.info.name,
            dtype: i.inputs[k]!.dtype,
            shape: i.inputs[k]!.shape,
            ...(i.inputs[k]!.info.quantization ? { quantization: i.inputs[k]!.info.quantization } : {}),
          });
          fin = reals.map((r, k) => fromReal(r, spec(f, k), 'random input'));
          qin = reals.map((r, k) => fromReal(r, spec(q, k), 'random input'));
        } else {
          fin = await loadInputs(f, setup.samples[s]!, setup.normalization);
          qin = await loadInputs(q, setup.samples[s]!, setup.normalization);
        }
        comparer.add(
          runInterpreter(f, fin, { captureLayers: true, shouldStop: ctx.shouldStop }).captured!,
          runInterpreter(q, qin, { captureLayers: true, shouldStop: ctx.shouldStop }).captured!,
        );
        ctx.sampleDone();
      }
      return comparer.state();
    };
  },
};

export async function compareJob(params: CompareParams, ctx: JobContext): Promise<CompareResult> {
  const floatFile = readModelFile(params.floatPath);
  const int8File = readModelFile(params.int8Path);
  const floatGraph = checkRunnable(floatFile.graph, params.floatPath);
  const int8Graph = checkRunnable(int8File.graph, params.int8Path);
  const random = params.samples.length === 0;
  const count = random ? params.randomSamples : params.samples.length;
  if (!(count <= MAX_COMPARE_SAMPLES)) throw new LensError('limit', `${count} samples asked for; a comparison runs at most ${MAX_COMPARE_SAMPLES}`);
  stopIfAsked(ctx, CANCELLED);
  const classifier = isClassifierOutput(floatGraph);
  const comparer = new LayerComparer(floatGraph, int8Graph, classifier);
  const batch = poolRunner(params.threads !== undefined ? { threads: params.threads } : {});
  await batch(compareTask, {
    setup: {
      float: shareBytes(floatFile.bytes),
      int8: shareBytes(int8File.bytes),
      samples: params.samples,
      rounding: params.rounding,
      ...(params.normalization !== undefined ? { normalization: params.normalization } : {}),
      classifier,
    },
    count,
    merge: (state) => comparer.merge(state),
    shouldStop: ctx.shouldStop,
    progress: (done, total) => ctx.progress(done / total, `sample ${done} of ${total}`),
    cancelledMessage: CANCELLED,
  });
  return { layers: comparer.layers(), agreement: comparer.agreement(), random };
}
