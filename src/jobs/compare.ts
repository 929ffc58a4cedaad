/**
 * The compare job: a float model and its int8 twin run on the same samples (files, or seeded
 * random inputs), compared layer by layer and at the outputs.
 */
import { LensError } from '../errors';
import { isClassifierOutput, LayerComparer } from '../runtime/compare';
import { fromReal } from '../runtime/inputs/loadInput';
import { Interpreter } from '../runtime/interpreter';
import { runInterpreter } from '../runtime/runModel';
import type { CompareParams, CompareResult } from '../shared/protocol';
import { prng } from '../util/prng';
import { stopIfAsked, type JobContext } from './context';
import { loadGraph, loadInputs } from './load';

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

export async function compareJob(params: CompareParams, ctx: JobContext): Promise<CompareResult> {
  const floatGraph = await loadGraph(params.floatPath);
  const int8Graph = await loadGraph(params.int8Path);
  const f = new Interpreter(floatGraph, { rounding: params.rounding });
  const q = new Interpreter(int8Graph, { rounding: params.rounding });
  const random = params.samples.length === 0;
  const count = random ? params.randomSamples : params.samples.length;
  if (!(count <= MAX_COMPARE_SAMPLES)) throw new LensError('limit', `${count} samples asked for; a comparison runs at most ${MAX_COMPARE_SAMPLES}`);
  const comparer = new LayerComparer(floatGraph, int8Graph, isClassifierOutput(floatGraph));
  for (let s = 0; s < count; s++) {
    stopIfAsked(ctx, 'the comparison was cancelled');
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
      fin = await loadInputs(f, params.samples[s]!, params.normalization);
      qin = await loadInputs(q, params.samples[s]!, params.normalization);
    }
    comparer.add(
      runInterpreter(f, fin, { captureLayers: true, shouldStop: ctx.shouldStop }).captured!,
      runInterpreter(q, qin, { captureLayers: true, shouldStop: ctx.shouldStop }).captured!,
    );
    ctx.progress((s + 1) / count, `sample ${s + 1} of ${count}`);
  }
  return { layers: comparer.layers(), agreement: comparer.agreement(), random };
}
