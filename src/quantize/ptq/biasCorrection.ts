/**
 * Empirical bias correction (Nagel et al. 2019, "Data-Free Quantization", §4.2, and the
 * empirical variant of Finkelstein et al. 2019): rounding the weights of a conv or FC layer
 * shifts the mean of each of its output channels, and the shifts add up layer after layer.
 * On calibration inputs, the mean of each output channel of the int8 model (dequantized) is
 * compared with the float model's, and the difference is folded into that channel's int32 bias
 * (bias scale s_in · s_w[c], so one bias step moves the accumulator by exactly one step of the
 * real output before requantization).
 *
 * Layers are corrected in order, each measured after the ones before it were corrected, so the
 * correction of a layer does not also undo what an earlier correction already fixed. The float
 * means are computed once; each layer costs one int8 pass over the samples, stopped right after
 * that layer. With a fused ReLU the mean is taken after the activation, so a shift of a mostly
 * inactive channel is corrected only partly: the correction never overshoots.
 */
import { Cancelled } from '../../errors';
import type { Graph } from '../../model/graph';
import { opName } from '../../model/ops';
import { correspondingLayers } from '../../runtime/compare';
import { Interpreter } from '../../runtime/interpreter';
import type { Rounding } from '../../runtime/quant';
import { realValues } from '../../runtime/runModel';
import type { ProgressContext } from '../calibrate';
import { convertInput } from '../evaluate';

/** Layers whose int32 bias can carry a correction. */
const CORRECTED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

export interface BiasTarget {
  readonly floatLayer: number;
  readonly int8Layer: number;
  /** The int8 graph's bias tensor. */
  readonly bias: number;
  readonly channels: number;
}

export interface BiasCorrectionResult {
  readonly graph: Graph;
  /** Layers whose bias changed. */
  readonly layers: number;
  /** Stopped at the time limit before the last layer. */
  readonly truncated: boolean;
  readonly ms: number;
}

export interface BiasCorrectionOptions extends ProgressContext {
  readonly rounding: Rounding;
  /** Stop correcting further layers after this long (the layers corrected so far stay), ms. */
  readonly timeLimitMs?: number;
}

/** The layers of `int8Graph` that bias correction can change: conv/FC with an int32 bias, an int8 output, and a float twin. */
export function biasTargets(floatGraph: Graph, int8Graph: Graph): BiasTarget[] {
  const sg = int8Graph.subgraphs[0]!;
  const uses = new Map<number, number>();
  for (const t of sg.tensors) uses.set(t.buffer, (uses.get(t.buffer) ?? 0) + 1);
  const out: BiasTarget[] = [];
  for (const p of correspondingLayers(floatGraph, int8Graph)) {
    const op = sg.operators[p.int8]!;
    if (!CORRECTED.has(opName(int8Graph, op))) continue;
    const b = op.inputs[2];
    if (b === undefined || b < 0) continue;
    const bt = sg.tensors[b]!;
    const ot = sg.tensors[op.outputs[0]!]!;
    // A shared bias buffer would carry one layer's correction into another.
    if (bt.dtype !== 'int32' || ot.dtype !== 'int8' || !bt.quantization || bt.buffer === 0 || uses.get(bt.buffer) !== 1) continue;
    const channels = ot.shape[ot.shape.length - 1] ?? 0;
    if (channels === 0 || bt.shape.reduce((x, y) => x * y, 1) !== channels) continue;
    out.push({ floatLayer: p.float, int8Layer: p.int8, bias: b, channels });
  }
  return out;
}

/** Mean of each channel (last axis) of a tensor's values. */
function addChannelSums(sums: Float64Array, values: ArrayLike<number>): void {
  const c = sums.length;
  for (let i = 0; i < values.length; i++) sums[i % c]! += values[i]!;
}

/** The graph with one buffer's bytes replaced (the rest shared). */
export function withBuffer(graph: Graph, buffer: number, data: Uint8Array): Graph {
  return { ...graph, buffers: graph.buffers.map((b, i) => (i === buffer ? { ...b, data } : b)) };
}

/** The int32 values of a bias tensor (a copy). */
export function int32Values(graph: Graph, tensor: number): Int32Array {
  const data = graph.buffers[graph.subgraphs[0]!.tensors[tensor]!.buffer]!.data;
  return new Int32Array(data.slice().buffer);
}

class StopAfter extends Error {}

/**
 * `int8Graph` with each correctable layer's bias moved by the mean error of its output channels
 * on `inputs` (float32 input bytes, as calibration reads them).
 */
export function biasCorrect(
  floatGraph: Graph,
  int8Graph: Graph,
  inputs: readonly (readonly Uint8Array[])[],
  options: BiasCorrectionOptions,
): BiasCorrectionResult {
  const t0 = performance.now();
  const targets = biasTargets(floatGraph, int8Graph);
  const stop = (): void => {
    if (options.shouldStop?.()) throw new Cancelled('quantization was cancelled');
  };
  if (targets.length === 0 || inputs.length === 0) return { graph: int8Graph, layers: 0, truncated: false, ms: performance.now() - t0 };

  // Float means, once.
  const floatMeans = new Map<number, Float64Array>(targets.map((t) => [t.floatLayer, new Float64Array(t.channels)]));
  const f = new Interpreter(floatGraph, { rounding: options.rounding });
  for (const s of inputs) {
    stop();
    f.resetState();
    s.forEach((b, i) => f.setInputBytes(i, b));
    f.invoke({
      onLayer: (layer, outs) => {
        const sums = floatMeans.get(layer);
        if (sums && outs[0]) addChannelSums(sums, realValues(outs[0]));
      },
    });
  }

  let graph = int8Graph;
  let layers = 0;
  let truncated = false;
  for (const [k, t] of targets.entries()) {
    if (options.timeLimitMs !== undefined && performance.now() - t0 > options.timeLimitMs) {
      truncated = true;
      break;
    }
    const sums = new Float64Array(t.channels);
    const q = new Interpreter(graph, { rounding: options.rounding });
    for (const s of inputs) {
      stop();
      q.resetState();
      s.forEach((b, i) => q.setInputBytes(i, convertInput(b, q.inputs[i]!)));
      try {
        q.invoke({
          onLayer: (layer, outs) => {
            if (layer !== t.int8Layer) return;
            if (outs[0]) addChannelSums(sums, realValues(outs[0]));
            throw new StopAfter();
          },
        });
      } catch (e) {
        if (!(e instanceof StopAfter)) throw e;
      }
    }
    const reference = floatMeans.get(t.floatLayer)!;
    const bt = graph.subgraphs[0]!.tensors[t.bias]!;
    const scales = bt.quantization!.scale;
    const values = int32Values(graph, t.bias);
    let changed = false;
    // Sums over the same number of values on both sides: their difference is the mean error times that count.
    const count = inputs.length * positionsOf(graph, t);
    for (let c = 0; c < t.channels; c++) {
      const scale = scales[scales.length === 1 ? 0 : c]!;
      const perValue = (reference[c]! - sums[c]!) / count;
      const step = Math.round(perValue / scale);
      if (step === 0 || !Number.isFinite(step)) continue;
      values[c] = Math.max(-2147483648, Math.min(2147483647, values[c]! + step));
      changed = true;
    }
    if (changed) {
      graph = withBuffer(graph, bt.buffer, new Uint8Array(values.buffer));
      layers++;
    }
    options.progress?.((k + 1) / targets.length, `bias correction: layer ${k + 1} of ${targets.length}`);
  }
  return { graph, layers, truncated, ms: performance.now() - t0 };
}

/** Values per channel in one sample of the layer's output. */
function positionsOf(graph: Graph, t: BiasTarget): number {
  const sg = graph.subgraphs[0]!;
  const shape = sg.tensors[sg.operators[t.int8Layer]!.outputs[0]!]!.shape;
  return shape.reduce((x, y) => x * y, 1) / t.channels;
}
