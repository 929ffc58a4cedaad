/**
 * .tflite bytes ↔ Graph: the one way in and out of the file format for the rest of the code.
 * Both throw ModelFormatError (and nothing else) for a file or a graph that cannot be read
 * or written.
 */
import type { Graph } from './graph';
import { readTflite } from './tflite/reader';
import { writeTflite } from './tflite/writer';
import { validateModel } from './validate';

/** Reads a .tflite file, checking every cross-reference and what TFLM's Prepare would refuse (validate.ts). */
export function readModel(bytes: Uint8Array): Graph {
  return validateModel(readTflite(bytes));
}

/** Serializes a Graph into a fresh .tflite file; the graph is not changed. */
export function writeModel(graph: Graph): Uint8Array {
  return writeTflite(graph);
}
