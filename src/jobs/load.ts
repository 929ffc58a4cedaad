/** Reading a job's files: the model, and one input file per model input. */
import { basename } from 'node:path';
import { readUserFile } from '../io/userFile';

import { LensError } from '../errors';
import { bytesFor } from '../model/dtype';
import { elementCount, isConstant, type Graph } from '../model/graph';
import { readModel } from '../model/io';
import { NORMALIZATIONS, type Normalization } from '../runtime/inputs/image';
import { InputError } from '../runtime/inputs/inputError';
import { inputBytes } from '../runtime/inputs/loadInput';
import type { Interpreter } from '../runtime/interpreter';

/**
 * Bytes of tensors the runtime allocates for a model at most. The arena of a model that runs
 * on a microcontroller is a few hundred KB; this only stops a file that claims billions of
 * elements from taking the host's memory (or a RangeError) before anything runs.
 */
export const MAX_RUNTIME_TENSOR_BYTES = 1024 * 1024 * 1024;

/**
 * Operators a model may have, over all its subgraphs. Microcontroller models have hundreds;
 * analysis is linear and quantization close to it, so this only bounds time and memory for a
 * file built to exhaust them, with one clear line instead.
 */
export const MAX_OPERATORS = 100_000;

/** Reads the model at `path` (userFile.ts limits, validate.ts checks) and checks it against MAX_OPERATORS. */
export function readModelFile(path: string): { readonly graph: Graph; readonly bytes: Uint8Array } {
  const bytes = readUserFile(path, 'model', 'model');
  const graph = readModel(bytes);
  const operators = graph.subgraphs.reduce((n, sg) => n + sg.operators.length, 0);
  if (operators > MAX_OPERATORS) throw new LensError('limit', `${path} has ${operators} operators; models of more than ${MAX_OPERATORS} are refused`);
  return { graph, bytes };
}

/** The model at `path`, checked to be something our runtime can hold and feed. */
export async function loadGraph(path: string): Promise<Graph> {
  return checkRunnable(readModelFile(path).graph, path);
}

/** Throws unless the runtime can hold the model's tensors (MAX_RUNTIME_TENSOR_BYTES) and it has inputs to feed. */
export function checkRunnable(graph: Graph, path: string): Graph {
  const sg = graph.subgraphs[0]!;
  let bytes = 0;
  for (const t of sg.tensors) if (!isConstant(graph, t)) bytes += bytesFor(t.dtype, elementCount(t.shape));
  if (bytes > MAX_RUNTIME_TENSOR_BYTES)
    throw new LensError(
      'limit',
      `${path} needs ${(bytes / 2 ** 30).toFixed(1)} GB of tensors to run; the runtime holds at most ${MAX_RUNTIME_TENSOR_BYTES / 2 ** 30} GB`,
    );
  if (sg.inputs.length === 0) throw new LensError('bad-model', `${path} has no inputs: there is nothing to feed it`);
  return graph;
}

/** The image normalization named `name` (NORMALIZATIONS), [0,1] by default. */
export function normalizationNamed(name: string | undefined): Normalization {
  const n = NORMALIZATIONS[name ?? '[0,1]'];
  if (!n) throw new InputError(`unknown normalization "${name}"; use one of ${Object.keys(NORMALIZATIONS).join(', ')}`);
  return n;
}

/** The bytes of each input, in order, converted to what the interpreter's inputs expect. */
export async function loadInputs(interpreter: Interpreter, files: readonly string[], norm: string | undefined): Promise<Uint8Array[]> {
  if (files.length !== interpreter.inputs.length)
    throw new InputError(`the model has ${interpreter.inputs.length} input(s); ${files.length} file(s) were given`);
  return Promise.all(
    files.map(async (file, i) => {
      const t = interpreter.inputs[i]!;
      return inputBytes(
        basename(file),
        readUserFile(file, 'input', 'input'),
        { name: t.info.name, dtype: t.dtype, shape: t.shape, ...(t.info.quantization ? { quantization: t.info.quantization } : {}) },
        { normalization: normalizationNamed(norm) },
      );
    }),
  );
}
