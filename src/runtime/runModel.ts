/**
 * One inference with everything a caller may want back: outputs as raw bytes and as real
 * values, optionally every layer's output (dequantized), and the time it took.
 */
import type { Graph } from '../model/graph';
import { opName } from '../model/ops';
import type { CapturedRun } from './compare';
import { dequantize } from './compare';
import { Interpreter, tensorBytes } from './interpreter';
import type { Rounding } from './quant';
import type { RuntimeTensor } from './types';

export interface OutputTensor {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly bytes: Uint8Array;
  /** Real values (dequantized for integer outputs with quantization). */
  readonly values: Float64Array;
}

export interface RunResult {
  readonly outputs: readonly OutputTensor[];
  readonly ms: number;
  /** Every layer's first output as real values, when asked for. */
  readonly captured?: CapturedRun;
}

export interface RunOptions {
  readonly rounding?: Rounding;
  readonly captureLayers?: boolean;
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (layer: number, layers: number) => void;
}

export function realValues(t: RuntimeTensor): Float64Array {
  if (t.dtype === 'int64') return Float64Array.from(t.data as BigInt64Array, Number);
  const q = t.info.quantization;
  const isInteger = t.dtype !== 'float32' && t.dtype !== 'float64';
  return isInteger && q ? dequantize(t.data as ArrayLike<number>, q, t.shape) : Float64Array.from(t.data as ArrayLike<number>);
}

/** Runs `graph` on raw input bytes; reuse an Interpreter with `runInterpreter` for many samples. */
export function runModel(graph: Graph, inputs: readonly Uint8Array[], options: RunOptions = {}): RunResult {
  return runInterpreter(new Interpreter(graph, { rounding: options.rounding ?? 'tflm' }), inputs, options);
}

export function runInterpreter(interpreter: Interpreter, inputs: readonly Uint8Array[], options: RunOptions = {}): RunResult {
  interpreter.resetState();
  inputs.forEach((bytes, i) => interpreter.setInputBytes(i, bytes));
  const layers: CapturedRun['layers'][number][] = [];
  const total = interpreter.graph.subgraphs[0]!.operators.length;
  const t0 = performance.now();
  interpreter.invoke({
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    onLayer: (layer, outputs) => {
      options.onProgress?.(layer + 1, total);
      if (options.captureLayers && outputs[0]) {
        const op = interpreter.graph.subgraphs[0]!.operators[layer]!;
        layers.push({ layer, op: opName(interpreter.graph, op), tensor: outputs[0].info.name, values: realValues(outputs[0]) });
      }
    },
  });
  const ms = performance.now() - t0;
  const outputs = interpreter.outputs.map((t) => ({
    index: t.index,
    name: t.info.name,
    shape: t.shape,
    dtype: t.dtype,
    bytes: tensorBytes(t),
    values: realValues(t),
  }));
  return { outputs, ms, ...(options.captureLayers ? { captured: { layers, outputs: outputs.map((o) => o.values) } } : {}) };
}
