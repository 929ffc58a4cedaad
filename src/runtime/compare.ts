/**
 * What quantization did to a model's numbers: per-layer SQNR and cosine similarity between
 * a float model's tensors and the dequantized tensors of its int8 version, and how often the
 * outputs agree. Pure functions over captured runs; the worker does the running.
 */
import { isConstant, type Graph, type QuantParams } from '../model/graph';
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

/**
 * How the int8 model's first output agrees with the float model's over all samples. SQNR and
 * cosine are pooled over the samples (see SqnrSums), never a mean of per-sample figures, so
 * the headline is the output layer's own row.
 */
export interface OutputAgreement {
  readonly samples: number;
  /**
   * Share of samples whose argmax agrees; only for a classifier output (isClassifierOutput),
   * absent otherwise (an argmax over a detector's boxes names no class).
   */
  readonly top1Agreement?: number;
  readonly maxAbsError: number;
  /** Cosine similarity pooled over the samples: Σ f·q / √(Σ f² · Σ q²). */
  readonly cosine: number;
  /** SQNR pooled over the samples: 10·log10(Σ f² / Σ (f − q)²); Infinity when identical. */
  readonly sqnrDb: number;
}

/**
 * The sums SQNR and cosine are defined by, accumulated value by value over any number of
 * samples: the one definition of both (pooled, 10·log10(Σ f² / Σ (f − q)²)) for the compare
 * job, the quantizer's evaluation and its candidate scores. Memory does not grow with samples.
 */
export interface SqnrSums {
  ff: number;
  qq: number;
  fq: number;
  noise: number;
  maxAbs: number;
  count: number;
}

export function emptySums(): SqnrSums {
  return { ff: 0, qq: 0, fq: 0, noise: 0, maxAbs: 0, count: 0 };
}

/** Adds one sample's reference values `f` and test values `q` (same length) to `sums`. */
export function accumulate(sums: SqnrSums, f: ArrayLike<number>, q: ArrayLike<number>): void {
  for (let i = 0; i < f.length; i++) {
    const a = f[i]!;
    const b = q[i]!;
    const d = a - b;
    sums.ff += a * a;
    sums.qq += b * b;
    sums.fq += a * b;
    sums.noise += d * d;
    if (Math.abs(d) > sums.maxAbs) sums.maxAbs = Math.abs(d);
  }
  sums.count += f.length;
}

/**
 * Adds the sums of other samples to `into`. The result depends on the order sums are added
 * in (floating point), so batch work merges them in a fixed order (see util/batch.ts).
 */
export function mergeSums(into: SqnrSums, from: Readonly<SqnrSums>): void {
  into.ff += from.ff;
  into.qq += from.qq;
  into.fq += from.fq;
  into.noise += from.noise;
  if (from.maxAbs > into.maxAbs) into.maxAbs = from.maxAbs;
  into.count += from.count;
}

/** Pooled SQNR in dB: Infinity when identical, −Infinity when the reference is all zeros. */
export function pooledSqnrDb(s: SqnrSums): number {
  if (s.noise === 0) return Infinity;
  if (s.ff === 0) return -Infinity;
  return 10 * Math.log10(s.ff / s.noise);
}

export function pooledCosine(s: SqnrSums): number {
  if (s.ff === 0 && s.qq === 0) return 1;
  if (s.ff === 0 || s.qq === 0) return 0;
  return s.fq / Math.sqrt(s.ff * s.qq);
}

/**
 * Whether a model's output is a classifier's, so that top-1 agreement means something: it is
 * a SOFTMAX (through a trailing QUANTIZE or DEQUANTIZE) over one vector of at least two
 * scores, every dimension but the last being 1 ([N], [1, N], [1, 1, 1, N]). The model says so
 * itself: a keyword spotter or an image classifier ends in one. A detector's per-anchor
 * SOFTMAX ([1, 896, 2]) is many decisions, an autoencoder's [1, 640] reconstruction no
 * decision at all; an argmax over either names no class.
 */
export function isClassifierOutput(graph: Graph, output = 0): boolean {
  const sg = graph.subgraphs[0];
  let tensor: number | undefined = sg?.outputs[output];
  if (sg === undefined || tensor === undefined) return false;
  const shape = sg.tensors[tensor]?.shape ?? [];
  const last = shape[shape.length - 1] ?? 0;
  if (last < 2 || shape.slice(0, -1).some((d) => d !== 1)) return false;
  for (let hops = 0; hops < 3; hops++) {
    const t: number = tensor;
    const producer = sg.operators.find((op) => op.outputs.includes(t));
    if (!producer) return false;
    const name = opName(graph, producer);
    if (name === 'SOFTMAX') return true;
    if (!EDGE_OPS.has(name) || producer.inputs[0] === undefined) return false;
    tensor = producer.inputs[0];
  }
  return false;
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

/** A layer as the pairing sees it: its op, output name, and what it holds (output and constant input shapes). */
interface LayerKey {
  readonly i: number;
  readonly op: string;
  readonly name: string;
  readonly shapes: string;
}

function layerKeys(g: Graph): LayerKey[] {
  const sg = g.subgraphs[0]!;
  const shape = (t: number): string => (t >= 0 ? (sg.tensors[t]?.shape.join('x') ?? '') : '-');
  return sg.operators
    .map((op, i) => {
      const constants = op.inputs.map((t) => (t >= 0 && isConstant(g, sg.tensors[t]!) ? shape(t) : '')).join(',');
      return { i, op: opName(g, op), name: sg.tensors[op.outputs[0]!]?.name ?? '', shapes: `${op.outputs.map(shape).join(',')}|${constants}` };
    })
    .filter((l) => !EDGE_OPS.has(l.op));
}

/** Score of pairing two layers in the alignment: the same op and shapes far above the same op alone; 0 when the ops differ. */
function pairScore(f: LayerKey, q: LayerKey): number {
  if (f.op !== q.op) return 0;
  return f.shapes === q.shapes ? 1024 : 1;
}

/**
 * The order-preserving pairing of two layer lists with the highest total pairScore (a weighted
 * longest common subsequence): a layer one side has and the other lacks (an activation the
 * converter fused, a layer of one model only) is skipped instead of shifting every pair after it.
 */
function alignInOrder(f: readonly LayerKey[], q: readonly LayerKey[]): [LayerKey, LayerKey][] {
  const n = f.length;
  const m = q.length;
  const best = new Float64Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) {
      const score = pairScore(f[i]!, q[j]!);
      best[at(i, j)] = Math.max(best[at(i + 1, j)]!, best[at(i, j + 1)]!, score > 0 ? score + best[at(i + 1, j + 1)]! : 0);
    }
  const pairs: [LayerKey, LayerKey][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const score = pairScore(f[i]!, q[j]!);
    if (score > 0 && best[at(i, j)] === score + best[at(i + 1, j + 1)]!) {
      pairs.push([f[i]!, q[j]!]);
      i++;
      j++;
    } else if (best[at(i, j)] === best[at(i + 1, j)]) i++;
    else j++;
  }
  return pairs;
}

/**
 * Pairs the float model's layers with the int8 model's, QUANTIZE and DEQUANTIZE left out (a
 * mixed model's conversions, an int8 model's edges): by output tensor name where the op and
 * shapes agree too (the converter and our quantizer keep most names), then the rest in order by
 * op and shapes (alignInOrder), so a layer only one model has never shifts the pairs after it.
 */
export function correspondingLayers(
  floatGraph: Graph,
  int8Graph: Graph,
): { readonly float: number; readonly int8: number; readonly by: 'name' | 'position' }[] {
  const f = layerKeys(floatGraph);
  const q = layerKeys(int8Graph);
  const pairs: { float: number; int8: number; by: 'name' | 'position' }[] = [];
  const usedF = new Set<number>();
  const usedQ = new Set<number>();
  const byName = new Map(f.map((l) => [l.name, l]));
  for (const l of q) {
    const m = byName.get(l.name);
    if (m && m.op === l.op && m.shapes === l.shapes && !usedF.has(m.i)) {
      pairs.push({ float: m.i, int8: l.i, by: 'name' });
      usedF.add(m.i);
      usedQ.add(l.i);
    }
  }
  const rest = alignInOrder(
    f.filter((l) => !usedF.has(l.i)),
    q.filter((l) => !usedQ.has(l.i)),
  );
  for (const [a, b] of rest) pairs.push({ float: a.i, int8: b.i, by: 'position' });
  return pairs.sort((a, b) => a.int8 - b.int8);
}

/**
 * Compares runs one sample at a time, keeping only running sums (SqnrSums): a comparison over
 * many samples holds one sample's captures at a time, not all of them. The results equal those
 * of the same pooled metrics over the samples' values concatenated.
 */
/**
 * correspondingLayers, once per pair of graphs: a batch makes a comparer per chunk of samples
 * on the same two graphs, and the alignment costs (float ops + 1) × (int8 ops + 1) cells.
 */
const PAIRS = new WeakMap<Graph, WeakMap<Graph, ReturnType<typeof correspondingLayers>>>();
function pairsOf(floatGraph: Graph, int8Graph: Graph): ReturnType<typeof correspondingLayers> {
  let byInt8 = PAIRS.get(floatGraph);
  if (!byInt8) {
    byInt8 = new WeakMap();
    PAIRS.set(floatGraph, byInt8);
  }
  let pairs = byInt8.get(int8Graph);
  if (!pairs) {
    pairs = correspondingLayers(floatGraph, int8Graph);
    byInt8.set(int8Graph, pairs);
  }
  return pairs;
}

export class LayerComparer {
  private readonly pairs: readonly {
    readonly float: number;
    readonly int8: number;
    readonly by: 'name' | 'position';
    readonly sums: SqnrSums;
    tensor: string;
    op: string;
  }[];
  private readonly outputs: AgreementAccumulator;

  /** `classifier`: whether output 0 is a classifier's scores (isClassifierOutput of the float model). */
  constructor(floatGraph: Graph, int8Graph: Graph, classifier: boolean) {
    this.pairs = pairsOf(floatGraph, int8Graph).map((p) => ({ ...p, sums: emptySums(), tensor: '', op: '' }));
    this.outputs = new AgreementAccumulator(classifier);
  }

  add(floatRun: CapturedRun, int8Run: CapturedRun): void {
    const fByLayer = new Map(floatRun.layers.map((l) => [l.layer, l]));
    const qByLayer = new Map(int8Run.layers.map((l) => [l.layer, l]));
    for (const pair of this.pairs) {
      const f = fByLayer.get(pair.float);
      const q = qByLayer.get(pair.int8);
      if (!f || !q || f.values.length !== q.values.length) continue;
      accumulate(pair.sums, f.values, q.values);
      pair.tensor = q.tensor;
      pair.op = q.op;
    }
    this.outputs.add(floatRun.outputs[0]!, int8Run.outputs[0]!);
  }

  /** The running sums as plain data (what crosses between threads), to `merge` into another comparer of the same models. */
  state(): ComparerState {
    return { pairs: this.pairs.map((p) => ({ sums: { ...p.sums }, tensor: p.tensor, op: p.op })), outputs: this.outputs.state() };
  }

  /** Adds another comparer's samples (its `state`), as if they had been added after these. */
  merge(state: ComparerState): void {
    state.pairs.forEach((p, k) => {
      const pair = this.pairs[k];
      if (!pair || p.sums.count === 0) return;
      mergeSums(pair.sums, p.sums);
      pair.tensor = p.tensor;
      pair.op = p.op;
    });
    this.outputs.merge(state.outputs);
  }

  layers(): LayerComparison[] {
    return this.pairs
      .filter((p) => p.sums.count > 0)
      .map((p) => ({
        floatLayer: p.float,
        int8Layer: p.int8,
        op: p.op,
        tensor: p.tensor,
        sqnrDb: pooledSqnrDb(p.sums),
        cosine: pooledCosine(p.sums),
        maxAbsError: p.sums.maxAbs,
        matchedBy: p.by,
      }));
  }

  agreement(): OutputAgreement {
    return this.outputs.result();
  }
}

/** A LayerComparer's running sums, by pair (in its order), and its output agreement's. */
export interface ComparerState {
  readonly pairs: readonly { readonly sums: SqnrSums; readonly tensor: string; readonly op: string }[];
  readonly outputs: AgreementState;
}

/** An AgreementAccumulator's running sums. */
export interface AgreementState {
  readonly sums: SqnrSums;
  readonly samples: number;
  readonly agree: number;
}

/** Per-layer metrics over one or more samples (pooled, as if the samples' values were concatenated). */
export function compareLayers(floatGraph: Graph, int8Graph: Graph, floatRuns: readonly CapturedRun[], int8Runs: readonly CapturedRun[]): LayerComparison[] {
  const c = new LayerComparer(floatGraph, int8Graph, false);
  for (let s = 0; s < Math.min(floatRuns.length, int8Runs.length); s++) c.add(floatRuns[s]!, int8Runs[s]!);
  return c.layers();
}

/**
 * Output agreement (output 0), one sample at a time: pooled SQNR and cosine, the largest
 * |error|, and top-1 agreement when the output is a classifier's.
 */
export class AgreementAccumulator {
  private readonly sums = emptySums();
  private n = 0;
  private agree = 0;

  constructor(private readonly classifier: boolean) {}

  add(f: Float64Array, q: Float64Array): void {
    if (argmax(f) === argmax(q)) this.agree++;
    accumulate(this.sums, f, q);
    this.n++;
  }

  state(): AgreementState {
    return { sums: { ...this.sums }, samples: this.n, agree: this.agree };
  }

  merge(state: AgreementState): void {
    mergeSums(this.sums, state.sums);
    this.n += state.samples;
    this.agree += state.agree;
  }

  result(): OutputAgreement {
    const n = this.n;
    return {
      samples: n,
      ...(this.classifier ? { top1Agreement: n ? this.agree / n : 0 } : {}),
      maxAbsError: this.sums.maxAbs,
      cosine: pooledCosine(this.sums),
      sqnrDb: n ? pooledSqnrDb(this.sums) : 0,
    };
  }
}

/** Output agreement over the samples (output 0 of each run); `classifier` as isClassifierOutput. */
export function outputAgreement(floatRuns: readonly CapturedRun[], int8Runs: readonly CapturedRun[], classifier: boolean): OutputAgreement {
  const a = new AgreementAccumulator(classifier);
  for (let s = 0; s < Math.min(floatRuns.length, int8Runs.length); s++) a.add(floatRuns[s]!.outputs[0]!, int8Runs[s]!.outputs[0]!);
  return a.result();
}
