/**
 * The per-sample step of an evaluation: one labeled file through every model, on our runtime
 * (one Interpreter per model, reused), reduced at once to what the tally keeps (a ranking, or
 * the output values for the error statistics). Nothing of the sample outlives the step, so an
 * evaluation holds one sample at a time whatever the size of the set; a pool can run this step
 * on its own share of the samples and merge the tallies (metrics.ts mergeTallies).
 */
import { basename } from 'node:path';
import { errorCode, errorMessage, LensError } from '../errors';
import { readUserFile } from '../io/userFile';
import { isClassifierOutput } from '../runtime/compare';
import type { Normalization } from '../runtime/inputs/image';
import { InputError } from '../runtime/inputs/inputError';
import { inputBytes, type InputTensorSpec } from '../runtime/inputs/loadInput';
import type { Interpreter } from '../runtime/interpreter';
import { runInterpreter } from '../runtime/runModel';
import { topK, type ModelOutcome, type SampleOutcome } from './metrics';

export interface EvaluatedModel {
  readonly path: string;
  readonly interpreter: Interpreter;
}

/** What the models are, checked once before any sample: classifiers over `classes` scores, or not. */
export interface EvaluationShape {
  /** Scores of output 0 when the first model is a classifier; 0 otherwise. */
  readonly classes: number;
  /** Outputs compared (non-classifiers). */
  readonly outputs: number;
}

function spec(interpreter: Interpreter): InputTensorSpec {
  const t = interpreter.inputs[0]!;
  return { name: t.info.name, dtype: t.dtype, shape: t.shape, ...(t.info.quantization ? { quantization: t.info.quantization } : {}) };
}

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Checks that the models can be evaluated together and says how: each takes one input, and
 * either the first is a classifier (isClassifierOutput) and every model scores as many classes,
 * or every model has the first's outputs with the same sizes.
 */
export function evaluationShape(models: readonly EvaluatedModel[]): EvaluationShape {
  for (const m of models)
    if (m.interpreter.inputs.length !== 1)
      throw new InputError(`${m.path} has ${m.interpreter.inputs.length} inputs; evaluate feeds one file per sample to models of one input`);
  const first = models[0]!;
  const outputs = first.interpreter.outputs;
  if (isClassifierOutput(first.interpreter.graph)) {
    const classes = elements(outputs[0]!.shape);
    for (const m of models.slice(1)) {
      const n = elements(m.interpreter.outputs[0]?.shape ?? []);
      if (n !== classes) throw new InputError(`${m.path} scores ${n} classes; ${first.path} scores ${classes}: evaluate compares models of one task`);
    }
    return { classes, outputs: 1 };
  }
  for (const m of models.slice(1)) {
    const sizes = m.interpreter.outputs.map((o) => elements(o.shape));
    if (sizes.length !== outputs.length || sizes.some((s, i) => s !== elements(outputs[i]!.shape)))
      throw new InputError(`${m.path} has outputs of sizes [${sizes.join(', ')}]; ${first.path} has [${outputs.map((o) => elements(o.shape)).join(', ')}]`);
  }
  return { classes: 0, outputs: outputs.length };
}

export interface SampleInput {
  readonly index: number;
  readonly file: string;
  /** Class index, -1 when the models are not classifiers. */
  readonly label: number;
}

/** One sample through every model. */
export function evaluateSample(
  models: readonly EvaluatedModel[],
  shape: EvaluationShape,
  sample: SampleInput,
  normalization: Normalization,
  shouldStop?: () => boolean,
): SampleOutcome {
  let bytes: Uint8Array;
  try {
    bytes = readUserFile(sample.file, 'input', 'input');
  } catch (e) {
    throw new LensError(errorCode(e), `cannot read sample ${sample.file}: ${errorMessage(e)}`);
  }
  const outcomes = models.map((m): ModelOutcome => {
    let input: Uint8Array;
    try {
      input = inputBytes(basename(sample.file), bytes, spec(m.interpreter), { normalization });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${sample.file} for ${m.path}: ${e.message}`);
      throw e;
    }
    const run = runInterpreter(m.interpreter, [input], shouldStop ? { shouldStop } : {});
    if (shape.classes > 0) return { kind: 'class', ranking: topK(run.outputs[0]!.values, Math.min(5, shape.classes)) };
    return { kind: 'values', outputs: run.outputs.map((o) => o.values) };
  });
  return { index: sample.index, file: sample.file, label: sample.label, models: outcomes };
}
