/**
 * Seeded random UNIDIRECTIONAL_SEQUENCE_LSTM layers as TFLite Micro's integer kernel takes them
 * (lstm_eval_common.cc): the standard LSTM (no CIFG, peephole, projection or layer norm), int8
 * weights per tensor with zero point 0, an int16 cell state, and
 * - `int8`: int8 input and hidden state with any zero points, int32 biases
 *   (EvalLstm<int8_t, int8_t, int16_t, int32_t>);
 * - `int16`: int16 input and hidden state (zero point 0 as the converter writes them, but in a
 *   few layers), int64 biases (EvalLstm<int16_t, int8_t, int16_t, int64_t>).
 * A spec holds every random choice but the number of steps, so the same layer can be built for
 * T steps (run K times, the state carried from one invoke to the next) and for K·T steps (run
 * once): both give the same outputs, which is how the state carry is checked on TFLM's runner,
 * whose interpreters invoke once each.
 *
 * The cell state's scale is a power of two, as the converter makes it, in most layers (TFLM
 * accepts any other and reads it as the nearest power for its tanh); the biases are the float biases quantized at s_x·s_W, and a few layers have biases far beyond the
 * gates' range, which the int64 path must carry without overflow.
 */
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant, type SubgraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions } from '../../src/model/ops';
import { int, logUniform, type Rand } from './randomModels';

export type LstmActivation = 'int8' | 'int16';

export interface LstmSpec {
  readonly act: LstmActivation;
  readonly batch: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly units: number;
  readonly timeMajor: boolean;
  readonly cellClip: number;
  readonly inputScale: number;
  readonly inputZeroPoint: number;
  readonly hiddenScale: number;
  readonly hiddenZeroPoint: number;
  readonly cellScale: number;
  /** Input-to-gate then recurrent weights, each gate in the schema's order (input, forget, cell, output). */
  readonly inputWeights: readonly { readonly data: Int8Array; readonly scale: number }[];
  readonly recurrentWeights: readonly { readonly data: Int8Array; readonly scale: number }[];
  readonly biases: readonly (Int32Array | BigInt64Array)[];
  /** The amplitude of the inputs the tests feed (a fraction of the type's range). */
  readonly amplitude: number;
}

const int8Weights = (r: Rand, n: number): Int8Array => Int8Array.from({ length: n }, () => int(r, -127, 127));

/** The largest sizes drawn (each from 1). */
export interface LstmLimits {
  readonly batch: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly units: number;
}

export const SMALL_LSTM: LstmLimits = { batch: 3, steps: 5, inputSize: 12, units: 12 };
export const LARGE_LSTM: LstmLimits = { batch: 4, steps: 16, inputSize: 64, units: 64 };

export function randomLstm(r: Rand, act: LstmActivation, limits: LstmLimits = SMALL_LSTM): LstmSpec {
  const batch = int(r, 1, limits.batch);
  const steps = int(r, 1, limits.steps);
  const inputSize = int(r, 1, limits.inputSize);
  const units = int(r, 1, limits.units);
  const timeMajor = r() < 0.5;
  const cellClip = r() < 0.5 ? 0 : logUniform(r, 0.25, 8);
  const max = act === 'int8' ? 127 : 32767;
  const inputScale = logUniform(r, 0.5, 8) / max;
  const hiddenScale = logUniform(r, 0.5, 2) / max;
  // int16 zero points are 0 as the converter writes them, but for a few layers: TFLM's LSTM
  // applies them like int8's (input offset, hidden output offset) and so must we.
  const offsets = act === 'int8' || r() < 0.1;
  const inputZeroPoint = offsets ? int(r, -40, 40) : 0;
  const hiddenZeroPoint = offsets ? int(r, -20, 20) : 0;
  // A few cell scales that are no power of two: TFLM 90b983c2 ignores CheckedLog2's verdict
  // (CreateLstmCellStateInfo) and rounds, and so must we.
  const cellScale = r() < 0.1 ? logUniform(r, 2 ** -15, 2 ** -8) : 2 ** int(r, -15, -8);
  const weights = (n: number): { data: Int8Array; scale: number } => ({ data: int8Weights(r, n), scale: logUniform(r, 0.05, 2) / 127 });
  const inputWeights = [0, 1, 2, 3].map(() => weights(units * inputSize));
  const recurrentWeights = [0, 1, 2, 3].map(() => weights(units * units));
  const wide = r() < 0.1;
  const biases = inputWeights.map(({ scale }) => {
    const unit = Math.fround(inputScale) * Math.fround(scale);
    // Wide biases saturate the gate; they stay where TFLM's arithmetic is defined: an int32
    // sum without overflow, and a requantized int64 that fits int32 (TFLM asserts it does).
    const limit = act === 'int8' ? 2 ** 30 : Math.min(2 ** 46, 2 ** 28 / (unit * 4096));
    const values = Array.from({ length: units }, () => Math.round((r() * 2 - 1) * (wide ? limit : 4 / unit)));
    return act === 'int8' ? Int32Array.from(values) : BigInt64Array.from(values, BigInt);
  });
  return {
    act,
    batch,
    steps,
    inputSize,
    units,
    timeMajor,
    cellClip,
    inputScale,
    inputZeroPoint,
    hiddenScale,
    hiddenZeroPoint,
    cellScale,
    inputWeights,
    recurrentWeights,
    biases,
    amplitude: 10 ** (-r() * 2),
  };
}

export function describeLstm(s: LstmSpec, steps = s.steps): string {
  const shape = s.timeMajor ? [steps, s.batch, s.inputSize] : [s.batch, steps, s.inputSize];
  const zp = s.inputZeroPoint !== 0 || s.hiddenZeroPoint !== 0 ? ` zp ${s.inputZeroPoint}/${s.hiddenZeroPoint}` : '';
  return `${s.act} ${s.timeMajor ? 'time-major ' : ''}[${shape}] units ${s.units} clip ${s.cellClip.toFixed(2)} cell 2^${Math.log2(s.cellScale).toFixed(2)}${zp}`;
}

/** Adds the layer, built for `steps` steps, to `sg`; returns its input and output tensors. */
export function addLstm(sg: SubgraphBuilder, s: LstmSpec, steps = s.steps, prefix = ''): { readonly input: number; readonly output: number } {
  const { act, batch: B, inputSize: I, units: S } = s;
  const inShape = s.timeMajor ? [steps, B, I] : [B, steps, I];
  const outShape = s.timeMajor ? [steps, B, S] : [B, steps, S];
  const name = (n: string): string => `${prefix}${n}`;
  const x = sg.tensor({ name: name('x'), shape: inShape, dtype: act, quantization: quant(s.inputScale, s.inputZeroPoint) });
  const w = s.inputWeights.map((m, i) => sg.tensor({ name: name(`w${i}`), shape: [S, I], dtype: 'int8', data: m.data, quantization: quant(m.scale) }));
  const rw = s.recurrentWeights.map((m, i) => sg.tensor({ name: name(`r${i}`), shape: [S, S], dtype: 'int8', data: m.data, quantization: quant(m.scale) }));
  const b = s.biases.map((data, i) =>
    sg.tensor({
      name: name(`b${i}`),
      shape: [S],
      dtype: act === 'int8' ? 'int32' : 'int64',
      data,
      quantization: quant(Math.fround(s.inputScale) * Math.fround(s.inputWeights[i]!.scale)),
    }),
  );
  const h = sg.tensor({ name: name('h'), shape: [B, S], dtype: act, quantization: quant(s.hiddenScale, s.hiddenZeroPoint), isVariable: true });
  const c = sg.tensor({ name: name('c'), shape: [B, S], dtype: 'int16', quantization: quant(s.cellScale), isVariable: true });
  // The converter's five intermediates (the gates' and the hidden's scales): TFLM's current kernel reads none.
  const intermediates = [0, 1, 2, 3].map((i) => sg.tensor({ name: name(`intermediate${i}`), shape: [0], dtype: 'float32' }));
  intermediates.push(sg.tensor({ name: name('effective_hidden'), shape: [0], dtype: act, quantization: quant(s.hiddenScale, s.hiddenZeroPoint) }));
  const y = sg.tensor({ name: name('y'), shape: outShape, dtype: act, quantization: quant(s.hiddenScale, s.hiddenZeroPoint) });
  const options = makeOptions('UnidirectionalSequenceLSTMOptions', {
    fusedActivationFunction: 'TANH',
    cellClip: s.cellClip,
    projClip: 0,
    timeMajor: s.timeMajor,
    asymmetricQuantizeInputs: false,
    diagonalRecurrentTensors: false,
  });
  const inputs = [x, ...w, ...rw, -1, -1, -1, ...b, -1, -1, h, c, -1, -1, -1, -1];
  sg.op({ op: 'UNIDIRECTIONAL_SEQUENCE_LSTM', inputs, outputs: [y], intermediates, options, version: 1 });
  return { input: x, output: y };
}

/** The layers side by side in one model (TFLM runs them in order), each built for `stepsOf(spec)` steps. */
export function lstmModel(specs: readonly LstmSpec[], stepsOf: (s: LstmSpec) => number = (s) => s.steps): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const built = specs.map((s, k) => addLstm(sg, s, stepsOf(s), specs.length > 1 ? `l${k}_` : ''));
  sg.io(
    built.map((b) => b.input),
    built.map((b) => b.output),
  );
  return g.build();
}

/** One invoke's input for the layer: values spread over `amplitude` of the type's range. */
export function lstmInput(r: Rand, s: LstmSpec, steps = s.steps): Uint8Array {
  const n = s.batch * steps * s.inputSize;
  if (s.act === 'int8') {
    const data = Int8Array.from({ length: n }, () => Math.max(-128, Math.min(127, s.inputZeroPoint + Math.round((r() * 2 - 1) * 127 * s.amplitude))));
    return new Uint8Array(data.buffer);
  }
  const data = Int16Array.from({ length: n }, () => Math.round((r() * 2 - 1) * 32767 * s.amplitude));
  return new Uint8Array(data.buffer);
}

/**
 * Invokes of `steps` steps each joined along the time axis, as one invoke of all of them:
 * time-major [T, B, ·] rows follow each other; batch-major [B, T, ·] rows join per batch.
 */
export function joinSteps(s: LstmSpec, parts: readonly Uint8Array[]): Uint8Array {
  if (s.timeMajor) return Buffer.concat(parts);
  const out: Uint8Array[] = [];
  for (let b = 0; b < s.batch; b++) {
    for (const p of parts) {
      const per = p.length / s.batch;
      out.push(p.subarray(b * per, (b + 1) * per));
    }
  }
  return Buffer.concat(out);
}
