/**
 * Data-driven rounding of conv and FC weights, AdaRound's layer-wise problem (Nagel et al. 2020,
 * "Up or Down? Adaptive Rounding for Post-Training Quantization"): each weight may round down or
 * up (never further), chosen to minimize the error the rounding adds to the layer's output on
 * calibration inputs, E‖(W̃ − W) x‖², rather than each weight's own error as round-to-nearest
 * does. Per output channel that is the quadratic form dᵀ H d, with d the rounding error of the
 * channel's weights and H = E[x xᵀ] the Gram matrix of the input patches it multiplies.
 *
 * AdaRound relaxes the binary choice and runs gradient descent; here the binary problem is solved
 * directly by greedy coordinate descent from round-to-nearest (flip a weight to its other
 * neighbour when that lowers dᵀ H d, keeping H d current; a few sweeps): the same objective, no
 * learning rate or annealing schedule to tune, and seconds for a small CNN. Scales are unchanged,
 * so the plan's weight scales and int32 biases stay valid. H comes from the float model's own
 * inputs to the layer, on up to MAX_ROWS patches per layer spread over the samples. Layers are
 * independent (each against float inputs), bounded by a time limit, with progress and cancel.
 */
import { Cancelled } from '../../errors';
import type { Graph } from '../../model/graph';
import { opName } from '../../model/ops';
import { correspondingLayers } from '../../runtime/compare';
import { Interpreter } from '../../runtime/interpreter';
import { convWindow } from '../../runtime/kernels/conv/common';
import type { Rounding } from '../../runtime/quant';
import type { ProgressContext } from '../calibrate';
import { floatData } from '../graphEdit';
import { withBuffer } from './biasCorrection';

/** Patches (conv positions, FC rows) per layer the Gram matrix is taken over, at most. */
export const MAX_ROWS = 2048;
/** Sweeps of coordinate descent per channel. */
const SWEEPS = 3;

type Kind = 'conv' | 'depthwise' | 'fc';

export interface RoundingTarget {
  readonly kind: Kind;
  readonly floatLayer: number;
  readonly int8Layer: number;
  /** int8 weight tensor of the int8 graph. */
  readonly weight: number;
  /** float weight tensor of the float graph. */
  readonly floatWeight: number;
  /** float data input of the float layer. */
  readonly input: number;
}

export interface WeightRoundingResult {
  readonly graph: Graph;
  /** Layers whose weights changed. */
  readonly layers: number;
  /** Weights rounded the other way than to nearest. */
  readonly flipped: number;
  readonly truncated: boolean;
  readonly ms: number;
}

export interface WeightRoundingOptions extends ProgressContext {
  readonly rounding: Rounding;
  /** Stop after this long (the layers done so far stay), ms. */
  readonly timeLimitMs?: number;
}

const KINDS: Readonly<Record<string, Kind>> = { CONV_2D: 'conv', DEPTHWISE_CONV_2D: 'depthwise', FULLY_CONNECTED: 'fc' };

export function roundingTargets(floatGraph: Graph, int8Graph: Graph): RoundingTarget[] {
  const sq = int8Graph.subgraphs[0]!;
  const sf = floatGraph.subgraphs[0]!;
  const uses = new Map<number, number>();
  for (const t of sq.tensors) uses.set(t.buffer, (uses.get(t.buffer) ?? 0) + 1);
  const out: RoundingTarget[] = [];
  for (const p of correspondingLayers(floatGraph, int8Graph)) {
    const op = sq.operators[p.int8]!;
    const kind = KINDS[opName(int8Graph, op)];
    if (!kind) continue;
    const w = op.inputs[1]!;
    const wt = sq.tensors[w]!;
    const fop = sf.operators[p.float]!;
    const fw = sf.tensors[fop.inputs[1]!]!;
    const fin = sf.tensors[fop.inputs[0]!]!;
    if (wt.dtype !== 'int8' || !wt.quantization || uses.get(wt.buffer) !== 1 || fw.dtype !== 'float32' || fw.buffer === 0 || fin.dtype !== 'float32') continue;
    if (kind !== 'fc' && (fin.shape.length !== 4 || wt.shape.length !== 4)) continue;
    // Layers paired by position in a mixed model (QUANTIZE steps between them) must be the same layer.
    if (wt.shape.join(',') !== fw.shape.join(',')) continue;
    out.push({ kind, floatLayer: p.float, int8Layer: p.int8, weight: w, floatWeight: fop.inputs[1]!, input: fop.inputs[0]! });
  }
  return out;
}

/** The Gram matrices of one layer's input patches: one n×n (conv, FC) or one per input channel (depthwise). */
interface Gram {
  readonly n: number;
  readonly mats: Float64Array[];
  rows: number;
}

function gramFor(floatGraph: Graph, t: RoundingTarget): Gram {
  const sg = floatGraph.subgraphs[0]!;
  const ws = sg.tensors[t.floatWeight]!.shape;
  if (t.kind === 'fc') {
    const n = ws[1]!;
    return { n, mats: [new Float64Array(n * n)], rows: 0 };
  }
  if (t.kind === 'conv') {
    const n = ws[1]! * ws[2]! * ws[3]!;
    return { n, mats: [new Float64Array(n * n)], rows: 0 };
  }
  const inC = sg.tensors[t.input]!.shape[3]!;
  const n = ws[1]! * ws[2]!;
  return { n, mats: Array.from({ length: inC }, () => new Float64Array(n * n)), rows: 0 };
}

function addOuter(m: Float64Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * n;
    for (let j = 0; j <= i; j++) m[row + j]! += xi * x[j]!;
  }
}

/** Adds `rows` patches of one sample's layer input to the Gram matrices. */
function accumulateGram(floatGraph: Graph, t: RoundingTarget, g: Gram, data: Float32Array, rowsWanted: number): void {
  const sg = floatGraph.subgraphs[0]!;
  const op = sg.operators[t.floatLayer]!;
  if (t.kind === 'fc') {
    const n = g.n;
    const rows = Math.floor(data.length / n);
    const step = Math.max(1, Math.floor(rows / rowsWanted));
    const x = new Float64Array(n);
    for (let r = 0; r < rows; r += step) {
      for (let i = 0; i < n; i++) x[i] = data[r * n + i]!;
      addOuter(g.mats[0]!, x, n);
      g.rows++;
    }
    return;
  }
  const [, inH, inW, inC] = sg.tensors[t.input]!.shape as [number, number, number, number];
  const ws = sg.tensors[t.floatWeight]!.shape;
  const kH = ws[1]!;
  const kW = ws[2]!;
  const o = op.options;
  if (!o || (o.kind !== 'Conv2DOptions' && o.kind !== 'DepthwiseConv2DOptions')) return;
  const geo = convWindow(o, inH, inW, kH, kW);
  const { dilationH, dilationW } = geo;
  const positions = geo.outHeight * geo.outWidth;
  const step = Math.max(1, Math.floor(positions / rowsWanted));
  const x = new Float64Array(g.n);
  // Offset by half a step so that a strided subsample does not always start at the padded corner.
  for (let p = Math.floor(step / 2) % positions; p < positions; p += step) {
    const oy = Math.floor(p / geo.outWidth);
    const ox = p % geo.outWidth;
    if (t.kind === 'conv') {
      let k = 0;
      for (let ky = 0; ky < kH; ky++) {
        const iy = oy * o.strideH - geo.padTop + ky * dilationH;
        for (let kx = 0; kx < kW; kx++) {
          const ix = ox * o.strideW - geo.padLeft + kx * dilationW;
          const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
          for (let c = 0; c < inC; c++) x[k++] = inside ? data[(iy * inW + ix) * inC + c]! : 0;
        }
      }
      addOuter(g.mats[0]!, x, g.n);
    } else {
      for (let c = 0; c < inC; c++) {
        let k = 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * o.strideH - geo.padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * o.strideW - geo.padLeft + kx * dilationW;
            x[k++] = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? data[(iy * inW + ix) * inC + c]! : 0;
          }
        }
        addOuter(g.mats[c]!, x, g.n);
      }
    }
    g.rows++;
  }
}

/**
 * The lower triangle mirrored into the upper, and the off-diagonal shrunk by n / (n + rows):
 * from fewer patches than dimensions (a late 3×3 layer, an FC layer: one row per sample) the
 * Gram matrix is rank-deficient, and rounding to it fits those samples and not the next ones.
 * Shrunk toward its diagonal, where round-to-nearest is optimal, the rounding moves away from
 * nearest only as far as the data supports.
 */
function symmetrize(m: Float64Array, n: number, rows: number): void {
  const keep = rows / (n + rows);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const v = m[i * n + j]! * keep;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
}

/**
 * Rounds one channel's weights `v` (in units of its scale) down or up to minimize dᵀ H d from
 * round-to-nearest; returns the int8 values and how many differ from round-to-nearest.
 */
export function roundChannel(v: Float64Array, h: Float64Array): { readonly q: Int8Array; readonly flipped: number } {
  const n = v.length;
  const q = new Int8Array(n);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    q[i] = Math.max(-127, Math.min(127, Math.round(v[i]!)));
    d[i] = q[i]! - v[i]!;
  }
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += h[row + j]! * d[j]!;
    g[i] = s;
  }
  const nearest = Int8Array.from(q);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const vi = v[i]!;
      if (Math.floor(vi) === vi) continue;
      const alt = q[i]! > vi ? Math.floor(vi) : Math.ceil(vi);
      if (alt < -127 || alt > 127) continue;
      const delta = alt - q[i]!;
      const hii = h[i * n + i]!;
      const change = 2 * delta * g[i]! + delta * delta * hii;
      if (!(change < -1e-12 * (hii + 1e-30))) continue;
      q[i] = alt;
      d[i]! += delta;
      const row = i * n;
      for (let j = 0; j < n; j++) g[j]! += delta * h[row + j]!;
      changed = true;
    }
    if (!changed) break;
  }
  let flipped = 0;
  for (let i = 0; i < n; i++) if (q[i] !== nearest[i]) flipped++;
  return { q, flipped };
}

/** `int8Graph` with the weights of each conv/FC layer rounded to minimize its output error on `inputs` (float32 input bytes). */
export function roundWeights(
  floatGraph: Graph,
  int8Graph: Graph,
  inputs: readonly (readonly Uint8Array[])[],
  options: WeightRoundingOptions,
): WeightRoundingResult {
  const t0 = performance.now();
  const targets = roundingTargets(floatGraph, int8Graph);
  if (targets.length === 0 || inputs.length === 0) return { graph: int8Graph, layers: 0, flipped: 0, truncated: false, ms: performance.now() - t0 };
  const stop = (): void => {
    if (options.shouldStop?.()) throw new Cancelled('quantization was cancelled');
  };
  const grams = targets.map((t) => gramFor(floatGraph, t));
  const byInput = new Map<number, number[]>();
  targets.forEach((t, k) => byInput.set(t.input, [...(byInput.get(t.input) ?? []), k]));
  const rowsPerSample = Math.max(1, Math.ceil(MAX_ROWS / inputs.length));
  const f = new Interpreter(floatGraph, { rounding: options.rounding });
  const take = (index: number, data: Float32Array): void => {
    for (const k of byInput.get(index) ?? []) accumulateGram(floatGraph, targets[k]!, grams[k]!, data, rowsPerSample);
  };
  for (const [s, sample] of inputs.entries()) {
    stop();
    f.resetState();
    sample.forEach((b, i) => f.setInputBytes(i, b));
    for (const t of f.inputs) take(t.index, t.data as Float32Array);
    f.invoke({
      onLayer: (_layer, outs) => {
        for (const t of outs) if (byInput.has(t.index)) take(t.index, t.data as Float32Array);
      },
    });
    options.progress?.((0.5 * (s + 1)) / inputs.length, `weight rounding: layer inputs of sample ${s + 1} of ${inputs.length}`);
  }

  let graph = int8Graph;
  let layers = 0;
  let flipped = 0;
  let truncated = false;
  const sq = int8Graph.subgraphs[0]!;
  for (const [k, t] of targets.entries()) {
    if (options.timeLimitMs !== undefined && performance.now() - t0 > options.timeLimitMs) {
      truncated = true;
      break;
    }
    stop();
    const g = grams[k]!;
    if (g.rows === 0) continue;
    for (const m of g.mats) symmetrize(m, g.n, g.rows);
    const wt = sq.tensors[t.weight]!;
    const scales = wt.quantization!.scale;
    const w = floatData(floatGraph, floatGraph.subgraphs[0]!.tensors[t.floatWeight]!);
    const q = new Int8Array(graph.buffers[wt.buffer]!.data.slice().buffer);
    let layerFlips = 0;
    if (t.kind === 'depthwise') {
      const channels = wt.shape[3]!;
      const inC = g.mats.length;
      const mult = Math.max(1, Math.floor(channels / inC));
      for (let c = 0; c < channels; c++) {
        const s = scales[scales.length === 1 ? 0 : c]!;
        const v = Float64Array.from({ length: g.n }, (_, i) => w[i * channels + c]! / s);
        const r = roundChannel(v, g.mats[Math.min(inC - 1, Math.floor(c / mult))]!);
        for (let i = 0; i < g.n; i++) q[i * channels + c] = r.q[i]!;
        layerFlips += r.flipped;
      }
    } else {
      const channels = wt.shape[0]!;
      for (let c = 0; c < channels; c++) {
        const s = scales[scales.length === 1 ? 0 : c]!;
        const v = Float64Array.from({ length: g.n }, (_, i) => w[c * g.n + i]! / s);
        const r = roundChannel(v, g.mats[0]!);
        q.set(r.q, c * g.n);
        layerFlips += r.flipped;
      }
    }
    if (layerFlips > 0) {
      graph = withBuffer(graph, wt.buffer, new Uint8Array(q.buffer));
      layers++;
      flipped += layerFlips;
    }
    options.progress?.(0.5 + (0.5 * (k + 1)) / targets.length, `weight rounding: layer ${k + 1} of ${targets.length}`);
  }
  return { graph, layers, flipped, truncated, ms: performance.now() - t0 };
}
