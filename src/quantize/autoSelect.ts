/**
 * The `auto` range method: no single range rule is best for every model (min/max keeps the
 * converter's ranges but lets a few outliers stretch a scale; percentile and MSE clip, which
 * helps a ResNet and hurts a keyword spotter), so the quantizer tries them all and measures.
 *
 * - Validation samples are taken from the calibration data (up to 16, a quarter of it at most,
 *   spread evenly), never from the held-out samples of the report, which stay an honest
 *   measure of the model that is kept. They are calibrated in the same pass as the others, but
 *   into statistics of their own; their float outputs are kept.
 * - Candidates: min/max, percentile and MSE ranges from the other samples' statistics, each
 *   with FULLY_CONNECTED weights per tensor and per channel when the model has
 *   FULLY_CONNECTED layers (and the caller did not fix that choice). They differ only in
 *   parameters: one calibration pass, one histogram per tensor. A candidate whose ranges give
 *   the same scales and zero points as an earlier one's computes the same thing and is not
 *   run again.
 * - Each candidate int8 model runs on the validation inputs; its outputs are compared with the
 *   float model's: output SQNR (pooled over the samples, averaged over the outputs), and for a
 *   classifier (output 0 from SOFTMAX) top-1 agreement.
 * - The best (pickBest: highest SQNR, ties to the earlier candidate, top-1 agreement as a
 *   guard for classifiers) wins; the quantizer then rebuilds it from the statistics of all the
 *   calibration samples, validation ones included.
 */
import { Cancelled } from '../errors';
import type { Graph } from '../model/graph';
import { isBuiltin } from '../model/ops';
import { accumulate, emptySums, isClassifierOutput, mergeSums, pooledSqnrDb } from '../runtime/compare';
import { Interpreter } from '../runtime/interpreter';
import type { Rounding } from '../runtime/quant';
import { realValues } from '../runtime/runModel';
import type { KeptSample, ProgressContext, ValidationData } from './calibrate';
import type { SqnrSums } from '../runtime/compare';
import { convertInput } from './evaluate';
import { asymmetricParams } from './params';
import type { RangeChoice, RangeMethod } from './ranges';

export const MAX_VALIDATION_SAMPLES = 16;
/**
 * A later candidate must beat the best so far by more than this to replace it: smaller
 * differences are noise on a few samples, and the order puts the converter's own choice
 * (min/max, per-tensor FULLY_CONNECTED weights) first.
 */
export const SQNR_TIE_DB = 0.25;

export interface Candidate {
  readonly method: RangeMethod;
  /** For `percentile`: the share of values kept. */
  readonly percentile?: number;
  readonly perChannelFullyConnected: boolean;
}

export interface CandidateScore extends Candidate {
  readonly label: string;
  /** Output SQNR against the float model on the validation samples, dB. */
  readonly sqnrDb?: number;
  /** Share of validation samples whose top-1 class agrees with the float model's (classifiers). */
  readonly top1Agreement?: number;
  /** Gave the same int8 model as this earlier candidate (so the same score, not run again). */
  readonly sameAs?: string;
  /** Why it has no score (our runtime could not run it). */
  readonly skipped?: string;
}

export interface RangeSelection {
  /** Label of the candidate kept. */
  readonly chosen: string;
  readonly criterion: string;
  readonly validationSamples: number;
  /** Too few samples to keep any apart: the candidates were compared on the calibration samples themselves. */
  readonly inSample: boolean;
  /** Output 0 comes from SOFTMAX: top-1 agreement counts. */
  readonly classifier: boolean;
  readonly candidates: readonly CandidateScore[];
  /** Building and running the candidates. */
  readonly ms: number;
}

export function candidateLabel(c: Candidate): string {
  const method = c.method === 'percentile' ? `percentile ${c.percentile ?? 99.99}` : c.method;
  return c.perChannelFullyConnected ? `${method} + per-channel FC` : method;
}

/**
 * Which of `count` calibration samples validate: min(16, ⌊count / 4⌋) of them, spread evenly
 * (calibration data is often ordered: crops of one photo, frames of one recording). Empty
 * below 4 samples.
 */
export function validationIndices(count: number): number[] {
  const v = Math.min(MAX_VALIDATION_SAMPLES, Math.floor(count / 4));
  return Array.from({ length: v }, (_, k) => Math.floor(((k + 0.5) * count) / v));
}

/** Samples each fold of the two-fold cross-validation keeps whole, at most. */
export const MAX_FOLD_SAMPLES = 16;

/** Blocks the calibration data is cut into, alternating between the two folds. */
export const FOLD_BLOCKS = 8;

/**
 * The two folds of the calibration data: the samples, in the order given, cut into FOLD_BLOCKS
 * contiguous blocks that alternate between the folds. Blocks, not single samples: calibration
 * data is often ordered (the crops of one photo, the frames of one recording side by side), and
 * a candidate fitted on one crop of a photo and measured on another is measured on data it has
 * in effect seen. Alternating, not halves: sorted data (a sweep of x, classes one after the
 * other) would leave each half a range the other never reaches. `kept`: up to MAX_FOLD_SAMPLES
 * of each fold, spread evenly, whose inputs and float outputs are kept. Undefined below 4 samples.
 */
export interface FoldPlan {
  /** The fold of each sample (0 or 1). */
  readonly foldOf: (index: number) => 0 | 1;
  readonly kept: readonly number[];
}

export function foldPlan(count: number): FoldPlan | undefined {
  if (count < 4) return undefined;
  const blocks = Math.min(FOLD_BLOCKS, count);
  const foldOf = (i: number): 0 | 1 => (Math.floor((i * blocks) / count) % 2 === 0 ? 0 : 1);
  const members: [number[], number[]] = [[], []];
  for (let i = 0; i < count; i++) members[foldOf(i)].push(i);
  const spread = (m: readonly number[]): number[] => {
    const v = Math.min(MAX_FOLD_SAMPLES, m.length);
    return Array.from({ length: v }, (_, k) => m[Math.floor(((k + 0.5) * m.length) / v)]!);
  };
  return { foldOf, kept: [...spread(members[0]), ...spread(members[1])].sort((a, b) => a - b) };
}

/** Output SQNR sums and top-1 agreements of an int8 model on kept samples: what several folds pool. */
export interface FoldScore {
  readonly sums: readonly SqnrSums[];
  readonly agree: number;
  readonly samples: number;
}

export function scoreOn(int8Graph: Graph, samples: readonly KeptSample[], rounding: Rounding, classifier: boolean, ctx: ProgressContext = {}): FoldScore {
  const q = new Interpreter(int8Graph, { rounding });
  const outputs = samples[0]?.outputs.length ?? 0;
  const sums = Array.from({ length: outputs }, emptySums);
  let agree = 0;
  for (const s of samples) {
    if (ctx.shouldStop?.()) throw new Cancelled('quantization was cancelled');
    q.resetState();
    s.inputs.forEach((b, i) => q.setInputBytes(i, convertInput(b, q.inputs[i]!)));
    q.invoke(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {});
    for (let k = 0; k < outputs; k++) {
      const f = s.outputs[k]!;
      const v = realValues(q.outputs[k]!);
      accumulate(sums[k]!, f, v);
      if (k === 0 && classifier && argmax(f) === argmax(v)) agree++;
    }
  }
  return { sums, agree, samples: samples.length };
}

/** Folds pooled: output SQNR (each output's pooled over every sample, capped at ±200 dB, then averaged) and top-1 agreement. */
export function pooledScore(folds: readonly FoldScore[], classifier: boolean): { readonly sqnrDb: number; readonly top1Agreement?: number } {
  const outputs = folds[0]?.sums.length ?? 0;
  let sum = 0;
  for (let k = 0; k < outputs; k++) {
    const all = emptySums();
    for (const f of folds) mergeSums(all, f.sums[k]!);
    sum += Math.max(-200, Math.min(200, pooledSqnrDb(all)));
  }
  const n = folds.reduce((a, f) => a + f.samples, 0);
  const agree = folds.reduce((a, f) => a + f.agree, 0);
  return { sqnrDb: outputs > 0 ? sum / outputs : 0, ...(classifier ? { top1Agreement: n > 0 ? agree / n : 0 } : {}) };
}

export function hasFullyConnected(graph: Graph): boolean {
  return graph.subgraphs[0]!.operators.some((op) => isBuiltin(graph, op, 'FULLY_CONNECTED'));
}

/**
 * The candidates of `auto`: min/max and percentile ranges, × per-channel FULLY_CONNECTED off/on
 * where that applies and is not fixed. Not MSE: on data the quantizer never saw (the bench's
 * held-out photos and KWS perturbations) its ranges, fitted to the calibration histogram, lost
 * 1–4 dB to min/max where the folds had ranked them first; it stays an explicit method.
 */
export function candidatesFor(graph: Graph, percentile: number, perChannelFullyConnected?: boolean): Candidate[] {
  const fc = perChannelFullyConnected !== undefined ? [perChannelFullyConnected] : hasFullyConnected(graph) ? [false, true] : [false];
  const out: Candidate[] = [];
  for (const perChannel of fc) {
    out.push({ method: 'minmax', perChannelFullyConnected: perChannel });
    out.push({ method: 'percentile', percentile, perChannelFullyConnected: perChannel });
  }
  return out;
}

/** A classifier: output 0 is a classifier's (runtime/compare.ts isClassifierOutput, the one rule). */
export function isClassifier(graph: Graph): boolean {
  return isClassifierOutput(graph, 0);
}

export const CRITERION = {
  plain: `highest output SQNR against the float model on the validation samples; a later candidate must beat an earlier one by more than ${SQNR_TIE_DB} dB`,
  classifier: `highest output SQNR against the float model on the validation samples, among the candidates whose top-1 agreement is at most one sample below the best; a later candidate must beat an earlier one by more than ${SQNR_TIE_DB} dB`,
} as const;

/**
 * The index of the best scored candidate, or −1 when none has a score. The highest output
 * SQNR wins, a later candidate having to beat the best so far by more than SQNR_TIE_DB. For a
 * classifier, top-1 agreement is a guard, not the first key (on 16 samples one flipped
 * decision is 6 %, and the SQNR of the probabilities already measures how close they are): a
 * candidate agreeing on more than one sample fewer than the best candidate does is out.
 */
export function pickBest(scores: readonly CandidateScore[], options: { readonly classifier: boolean; readonly samples: number }): number {
  const scored = (s: CandidateScore): boolean => s.skipped === undefined && s.sqnrDb !== undefined && !Number.isNaN(s.sqnrDb);
  let floor = -Infinity;
  if (options.classifier) {
    const top = Math.max(-Infinity, ...scores.filter(scored).map((s) => s.top1Agreement ?? 0));
    floor = top - 1 / Math.max(1, options.samples) - 1e-9;
  }
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!scored(s) || (options.classifier && (s.top1Agreement ?? 0) < floor)) continue;
    if (best < 0 || s.sqnrDb! > scores[best]!.sqnrDb! + SQNR_TIE_DB) best = i;
  }
  return best;
}

/**
 * Whether two range maps give every tensor the same int8 parameters (then the two candidates
 * compute the same thing: only the min/max the model records differ).
 */
export function sameParams(a: ReadonlyMap<number, RangeChoice>, b: ReadonlyMap<number, RangeChoice>): boolean {
  if (a.size !== b.size) return false;
  for (const [t, r] of a) {
    const o = b.get(t);
    if (!o) return false;
    if (o.min === r.min && o.max === r.max) continue;
    const p = asymmetricParams(r.min, r.max);
    const q = asymmetricParams(o.min, o.max);
    if (p.scale !== q.scale || p.zeroPoint !== q.zeroPoint) return false;
  }
  return true;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * A candidate int8 model against the float model's outputs on the validation samples: output
 * SQNR pooled over the samples (10·log10(Σ f² / Σ (f − q)²), at most 200 dB), averaged over
 * the outputs; top-1 agreement of output 0 for a classifier. Throws the runtime's error when
 * our runtime cannot run the model.
 */
export function scoreCandidate(
  int8Graph: Graph,
  validation: ValidationData,
  rounding: Rounding,
  classifier: boolean,
  ctx: ProgressContext = {},
): { readonly sqnrDb: number; readonly top1Agreement?: number } {
  const q = new Interpreter(int8Graph, { rounding });
  const outputs = validation.outputs[0]?.length ?? 0;
  const sums = Array.from({ length: outputs }, emptySums);
  let agree = 0;
  validation.inputs.forEach((inputs, s) => {
    if (ctx.shouldStop?.()) throw new Cancelled('quantization was cancelled');
    q.resetState();
    inputs.forEach((b, i) => q.setInputBytes(i, convertInput(b, q.inputs[i]!)));
    q.invoke(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {});
    const reference = validation.outputs[s]!;
    for (let k = 0; k < outputs; k++) {
      const f = reference[k]!;
      const v = realValues(q.outputs[k]!);
      accumulate(sums[k]!, f, v);
      if (k === 0 && classifier && argmax(f) === argmax(v)) agree++;
    }
  });
  let sum = 0;
  for (const k of sums) sum += Math.max(-200, Math.min(200, pooledSqnrDb(k)));
  const n = validation.inputs.length;
  return { sqnrDb: outputs > 0 ? sum / outputs : 0, ...(classifier ? { top1Agreement: n > 0 ? agree / n : 0 } : {}) };
}
