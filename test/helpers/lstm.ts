/**
 * The MNIST LSTM (../shared/models/tflm/other/trained_lstm.tflite) in the quantizer's tests and
 * bench: digit-like inputs, TFLM's outputs on them, and whether our runtime runs a model.
 *
 * There is no MNIST data in ../shared, so the inputs are drawn: 28×28 images in [0, 1], black
 * with one to three bright strokes (quadratic curves 1–2.5 px wide, soft edges), each row a time
 * step of the LSTM as in MNIST. Seeded: one seed calibrates, others are held out.
 */
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { convertInput } from '../../src/quantize/evaluate';
import { Interpreter } from '../../src/runtime/interpreter';
import { realValues } from '../../src/runtime/runModel';
import { RuntimeError } from '../../src/runtime/types';
import { prng } from '../../src/util/prng';
import { runTflm } from './tflm';

const SIDE = 28;

/** `count` stroke images as float32 bytes, one input each. */
export function strokeSamples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => {
    const img = new Float32Array(SIDE * SIDE);
    const strokes = 1 + Math.floor(r() * 3);
    for (let s = 0; s < strokes; s++) {
      const p = Array.from({ length: 6 }, () => 4 + r() * (SIDE - 8));
      const width = 1 + r() * 1.5;
      for (let k = 0; k <= 60; k++) {
        const t = k / 60;
        const x = (1 - t) ** 2 * p[0]! + 2 * t * (1 - t) * p[2]! + t * t * p[4]!;
        const y = (1 - t) ** 2 * p[1]! + 2 * t * (1 - t) * p[3]! + t * t * p[5]!;
        for (let row = Math.max(0, Math.floor(y - 3)); row <= Math.min(SIDE - 1, Math.ceil(y + 3)); row++) {
          for (let col = Math.max(0, Math.floor(x - 3)); col <= Math.min(SIDE - 1, Math.ceil(x + 3)); col++) {
            const d = Math.hypot(col - x, row - y);
            const v = Math.min(1, Math.max(0, width + 0.5 - d));
            if (v > img[row * SIDE + col]!) img[row * SIDE + col] = v;
          }
        }
      }
    }
    return [new Uint8Array(img.buffer)];
  });
}

/** Why our runtime cannot run the model, or undefined when it can. */
export function ourRuntimeRefuses(bytes: Uint8Array): string | undefined {
  try {
    new Interpreter(readModel(bytes));
    return undefined;
  } catch (e) {
    if (e instanceof RuntimeError) return e.message;
    throw e;
  }
}

/** The model's outputs on float samples, dequantized, run by TFLM (one run per sample). */
export function tflmOutputs(bytes: Uint8Array, samples: readonly (readonly Uint8Array[])[]): Float64Array[] {
  const m = readModel(bytes);
  const sg = m.subgraphs[0]!;
  const ins = sg.inputs.map((i) => tensorOf(m, i));
  return samples.map((sample) => {
    const run = runTflm(
      bytes,
      sample.map((b, i) => convertInput(b, ins[i]!)),
      undefined,
      { arenaBytes: 1 << 20 },
    );
    return dequantized(m, sg.outputs[0]!, run.outputs[0]!);
  });
}

/** The float model's outputs in our runtime. */
export function floatOutputs(float: Graph, samples: readonly (readonly Uint8Array[])[]): Float64Array[] {
  const it = new Interpreter(float);
  return samples.map((sample) => {
    it.resetState();
    sample.forEach((b, i) => it.setInputBytes(i, b));
    it.invoke();
    return realValues(it.outputs[0]!);
  });
}

function tensorOf(m: Graph, t: number) {
  // convertInput reads the runtime's view of a tensor: its dtype, shape and quantization.
  const info = m.subgraphs[0]!.tensors[t]!;
  return { index: t, info, dtype: info.dtype, shape: info.shape, data: new Uint8Array(0), constant: false };
}

function dequantized(m: Graph, t: number, bytes: Uint8Array): Float64Array {
  const info = m.subgraphs[0]!.tensors[t]!;
  const q = info.quantization;
  const buf = bytes.slice().buffer;
  const raw = info.dtype === 'int16' ? new Int16Array(buf) : info.dtype === 'int8' ? new Int8Array(buf) : new Float32Array(buf);
  const scale = q?.scale[0] ?? 1;
  const zp = q?.zeroPoint[0] ?? 0;
  return Float64Array.from(raw, (v) => (info.dtype === 'float32' ? v : (v - zp) * scale));
}
