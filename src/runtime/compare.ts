/**
 * What quantization did to a model's numbers: per-layer SQNR and cosine similarity between
 * a float model's tensors and the dequantized tensors of its int8 version, and how often the
 * outputs agree. Pure functions over captured runs; the worker does the running.
 */
import type { Graph, QuantParams } from '../model/graph';
import { opName } from '../model/ops';

/** A tensor's values as real numbers, by tensor name, for the layers that produced them. */
export interface CapturedRun {
  /** Op output tensors in execution order: layer index, op, tensor name, real values. */
  readonly layers: readonly { readonly layer: number; readonly op: string; readonly tensor: string; readonly values: Float64Array }[];
  readonly outputs: readonly Float64Array[];
}

export interface LayerComparison {
  readonly floatLayer: number;
  readonly int8Layer: number;
  readonly op: string;
  readonly tensor: string;
  /** 10·log10(Σ f² / Σ (f − q)²); Infinity when identical. */
  readonly sqnrDb: number;
  readonly cosine: number;
  readonly maxAbsError: number;
  /** How the pair was found: same tensor name, or same position in the op sequence. */
  readonly matchedBy: 'name' | 'position';
}

export interface OutputAgreement {
  readonly samples: number;
  /** Share of samples whose argmax agrees (classifiers). */
  readonly top1Agreement: number;
  readonly maxAbsError: number;
  readonly meanCosine: number;
  readonly meanSqnrDb: number;
}

export function sqnrDb(reference: ArrayLike<number>, test: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const d = r - test[i]!;
    signal += r * r;
    noise += d * d;
  }
  if (noise === 0) return Infinity;
  if (signal === 0) return -Infinity;
  return 10 * Math.log10(signal / noise);
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

export function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Integer values to real ones with per-tensor or per-channel (last axis) parameters. */
export function dequantize(values: ArrayLike<number>, q: QuantParams | undefined, shape: readonly number[]): Float64Array {
  const out = new Float64Array(values.length);
  if (!q || q.scale.length === 0) {
    for (let i = 0; i < values.length; i++) out[i] = values[i]!;
    return out;
  }
  if (q.scale.length === 1) {
    const s = q.scale[0]!;
    const z = q.zeroPoint[0] ?? 0;
    for (let i = 0; i < values.length; i++) out[i] = s * (values[i]! - z);
    return out;
  }
  const axis = q.quantizedDimension;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channels = shape[axis] ?? q.scale.length;
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = q.scale[c]! * (values[i]! - (q.zeroPoint[c] ?? 0));
  }
  return out;
}

/** Layers whose outputs are only format changes at the edges of an int8 model. */
const EDGE_OPS = new Set(['QUANTIZE', 'DEQUANTIZE']);

/**
 * Pairs the float model's layers with the int8 model's: by output tensor name (the
 * converter keeps most names), then by position among the remaining layers of the same op.
 */
export function correspondingLayers(
  floatGraph: Graph,
  int8Graph: Graph,
): { readonly float: number; readonly int8: number; readonly by: 'name' | 'position' }[] {
  const list = (g: Graph) =>
    g.subgraphs[0]!.operators.map((op, i) => ({ i, op: opName(g, op), name: g.subgraphs[0]!.tensors[op.outputs[0]!]?.name ?? '' })).filter(
      (l) => !EDGE_OPS.has(l.op),
    );
  const f = list(floatGraph);
  const q = list(int8Graph);
  const pairs: { float: number; int8: number; by: 'name' | 'position' }[] = [];
  const usedF = new Set<number>();
  const usedQ = new Set<number>();
  const byName = new Map(f.map((l) => [l.name, l]));
  for (const l of q) {
    const m = byName.get(l.name);
    if (m && m.op === l.op && !usedF.has(m.i)) {
      pairs.push({ float: m.i, int8: l.i, by: 'name' });
      usedF.add(m.i);
      usedQ.add(l.i);
    }
  }
  const restF = f.filter((l) => !usedF.has(l.i));
  const restQ = q.filter((l) => !usedQ.has(l.i));
  for (let k = 0; k < Math.min(restF.length, restQ.length); k++) {
    if (restF[k]!.op === restQ[k]!.op) pairs.push({ float: restF[k]!.i, int8: restQ[k]!.i, by: 'position' });
  }
  return pairs.sort((a, b) => a.int8 - b.int8);
}

/** Running sums for SQNR, cosine and max |err| of one pair of tensors, over any number of samples. */
interface PairSums {
  signal: number;
  noise: number;
  dot: number;
  qq: number;
  maxErr: number;
  count: number;
  tensor: string;
  op: string;
}

function accumulate(sums: PairSums, f: ArrayLike<number>, q: ArrayLike<number>): void {
  for (let i = 0; i < f.length; i++) {
    const a = f[i]!;
    const b = q[i]!;
    const d = a - b;
    sums.signal += a * a;
    sums.noise += d * d;
    sums.dot += a * b;
    sums.qq += b * b;
    sums.maxErr = Math.max(sums.maxErr, Math.abs(d));
  }
  sums.count += f.length;
}

/**
 * Compares runs one sample at a time, keeping only running sums: a comparison over many
 * samples holds one sample's captures at a time, not all of them. The results equal those of
 * the same metrics over the samples' values concatenated.
 */
export class LayerComparer {
  private readonly pairs: readonly { readonly float: number; readonly int8: number; readonly by: 'name' | 'position'; readonly sums: PairSums }[];
  private readonly outputs = new AgreementAccumulator();

  constructor(floatGraph: Graph, int8Graph: Graph) {
    this.pairs = correspondingLayers(floatGraph, int8Graph).map((p) => ({
      ...p,
      sums: { signal: 0, noise: 0, dot: 0, qq: 0, maxErr: 0, count: 0, tensor: '', op: '' },
    }));
  }

  add(floatRun: CapturedRun, int8Run: CapturedRun): void {
    const fByLayer = new Map(floatRun.layers.map((l) => [l.layer, l]));
    const qByLayer = new Map(int8Run.layers.map((l) => [l.layer, l]));
    for (const pair of this.pairs) {
      const f = fByLayer.get(pair.float);
      const q = qByLayer.get(pair.int8);
      if (!f || !q || f.values.length !== q.values.length) continue;
      accumulate(pair.sums, f.values, q.values);
      pair.sums.tensor = q.tensor;
      pair.sums.op = q.op;
    }
    this.outputs.add(floatRun.outputs[0]!, int8Run.outputs[0]!);
  }

  layers(): LayerComparison[] {
    const out: LayerComparison[] = [];
    for (const { float, int8, by, sums: s } of this.pairs) {
      if (s.count === 0) continue;
      out.push({
        floatLayer: float,
        int8Layer: int8,
        op: s.op,
        tensor: s.tensor,
        sqnrDb: s.noise === 0 ? Infinity : s.signal === 0 ? -Infinity : 10 * Math.log10(s.signal / s.noise),
        cosine: s.signal === 0 && s.qq === 0 ? 1 : s.signal === 0 || s.qq === 0 ? 0 : s.dot / Math.sqrt(s.signal * s.qq),
        maxAbsError: s.maxErr,
        matchedBy: by,
      });
    }
    return out;
  }

  agreement(): OutputAgreement {
    return this.outputs.result();
  }
}

/** Per-layer metrics over one or more samples (values concatenated across samples). */
export function compareLayers(floatGraph: Graph, int8Graph: Graph, floatRuns: readonly CapturedRun[], int8Runs: readonly CapturedRun[]): LayerComparison[] {
  const c = new LayerComparer(floatGraph, int8Graph);
  for (let s = 0; s < Math.min(floatRuns.length, int8Runs.length); s++) c.add(floatRuns[s]!, int8Runs[s]!);
  return c.layers();
}

/** The first output's agreement, one sample at a time. */
export class AgreementAccumulator {
  private n = 0;
  private agree = 0;
  private maxErr = 0;
  private cos = 0;
  private sqnr = 0;

  add(f: Float64Array, q: Float64Array): void {
    if (argmax(f) === argmax(q)) this.agree++;
    this.maxErr = Math.max(this.maxErr, maxAbsError(f, q));
    this.cos += cosineSimilarity(f, q);
    this.sqnr += Math.min(sqnrDb(f, q), 200);
    this.n++;
  }

  result(): OutputAgreement {
    const n = this.n;
    return { samples: n, top1Agreement: n ? this.agree / n : 0, maxAbsError: this.maxErr, meanCosine: n ? this.cos / n : 0, meanSqnrDb: n ? this.sqnr / n : 0 };
  }
}

export function outputAgreement(floatRuns: readonly CapturedRun[], int8Runs: readonly CapturedRun[]): OutputAgreement {
  const a = new AgreementAccumulator();
  for (let s = 0; s < Math.min(floatRuns.length, int8Runs.length); s++) a.add(floatRuns[s]!.outputs[0]!, int8Runs[s]!.outputs[0]!);
  return a.result();
}
