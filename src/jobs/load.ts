/** Reading a job's files: the model, and one input file per model input. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Graph } from '../model/graph';
import { readModel } from '../model/io';
import { NORMALIZATIONS, type Normalization } from '../runtime/inputs/image';
import { InputError } from '../runtime/inputs/inputError';
import { inputBytes } from '../runtime/inputs/loadInput';
import type { Interpreter } from '../runtime/interpreter';

export async function loadGraph(path: string): Promise<Graph> {
  return readModel(await readFile(path));
}

function normalization(name: string | undefined): Normalization {
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
        new Uint8Array(await readFile(file)),
        { name: t.info.name, dtype: t.dtype, shape: t.shape, ...(t.info.quantization ? { quantization: t.info.quantization } : {}) },
        { normalization: normalization(norm) },
      );
    }),
  );
}
