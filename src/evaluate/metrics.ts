/**
 * Accuracy on labeled data as a tally that grows one sample at a time and merges with another
 * tally of the same set (so samples can be split across threads and joined in any order): a
 * confusion matrix per model, top-5 hits, agreement with the first model and the samples whose
 * prediction changed; or, for outputs that are not a classifier's, error sums against the first
 * model. Pure: no files, no runtime.
 */

/** Ranked class indices a model predicts for one sample (best first, at most 5). */
export type Ranking = readonly number[];

/** What one model's output says about one sample. */
export type ModelOutcome =
  | { readonly kind: 'class'; readonly ranking: Ranking }
  /** Real values of each output, compared against the first model's. */
  | { readonly kind: 'values'; readonly outputs: readonly Float64Array[] };

/** One sample through every model: what the per-sample step returns and a tally takes. */
export interface SampleOutcome {
  /** The sample's position in the set: merged tallies order their changed samples by it. */
  readonly index: number;
  readonly file: string;
  /** The label's class index (-1 when the models are not classifiers). */
  readonly label: number;
  readonly models: readonly ModelOutcome[];
}

export interface ChangedSample {
  readonly index: number;
  readonly file: string;
  /** Class indices: the first model's prediction and this one's. */
  readonly first: number;
  readonly other: number;
}

/** Error sums of one output against the first model's; mergeable by adding (max by max). */
export interface ErrorSums {
  count: number;
  sumAbs: number;
  maxAbs: number;
  sumSq: number;
  /** Sum of the first model's squared values: the signal of the SQNR. */
  sumRefSq: number;
}

export interface ModelTally {
  /** confusion[label][predicted]; empty when not classifiers. */
  readonly confusion: number[][];
  top5: number;
  agree: number;
  /** The first MAX_CHANGED changed samples by index; changedCount counts them all. */
  changed: ChangedSample[];
  changedCount: number;
  /** Per output; empty for classifiers. */
  readonly errors: ErrorSums[];
}

export interface EvaluationTally {
  readonly classes: number;
  samples: number;
  readonly models: ModelTally[];
}

/** Changed samples listed per model; the count covers the rest. */
export const MAX_CHANGED = 1000;

/** The best `k` indices of `scores`, best first; ties go to the lower index (as argmax). */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    let at = best.length;
    while (at > 0 && v > scores[best[at - 1]!]!) at--;
    if (at < k) {
      best.splice(at, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/** A tally for `models` models over `classes` classes (0: not classifiers, `outputs` compared instead). */
export function emptyTally(models: number, classes: number, outputs = 0): EvaluationTally {
  return {
    classes,
    samples: 0,
    models: Array.from({ length: models }, () => ({
      confusion: Array.from({ length: classes }, () => new Array<number>(classes).fill(0)),
      top5: 0,
      agree: 0,
      changed: [],
      changedCount: 0,
      errors: Array.from({ length: classes > 0 ? 0 : outputs }, () => ({ count: 0, sumAbs: 0, maxAbs: 0, sumSq: 0, sumRefSq: 0 })),
    })),
  };
}

/** Adds one sample's outcome to the tally (in place). */
export function addOutcome(tally: EvaluationTally, outcome: SampleOutcome): void {
  tally.samples++;
  const first = outcome.models[0];
  outcome.models.forEach((m, k) => {
    const t = tally.models[k]!;
    if (m.kind === 'class') {
      const predicted = m.ranking[0]!;
      t.confusion[outcome.label]![predicted]!++;
      if (m.ranking.slice(0, 5).includes(outcome.label)) t.top5++;
      const firstPrediction = first?.kind === 'class' ? first.ranking[0]! : predicted;
      if (predicted === firstPrediction) t.agree++;
      else addChanged(t, { index: outcome.index, file: outcome.file, first: firstPrediction, other: predicted });
    } else if (first?.kind === 'values') {
      m.outputs.forEach((values, o) => accumulateError(t.errors[o]!, first.outputs[o]!, values));
    }
  });
}

function addChanged(t: ModelTally, c: ChangedSample): void {
  t.changedCount++;
  if (t.changed.length < MAX_CHANGED) t.changed.push(c);
  else if (c.index < t.changed[t.changed.length - 1]!.index) {
    t.changed[t.changed.length - 1] = c;
    t.changed.sort((a, b) => a.index - b.index);
  }
}

function accumulateError(sums: ErrorSums, reference: Float64Array, values: Float64Array): void {
  const n = Math.min(reference.length, values.length);
  for (let i = 0; i < n; i++) {
    const r = reference[i]!;
    const d = Math.abs(values[i]! - r);
    sums.sumAbs += d;
    sums.sumSq += d * d;
    sums.sumRefSq += r * r;
    if (d > sums.maxAbs) sums.maxAbs = d;
  }
  sums.count += n;
}

/** `a` and `b` (tallies of disjoint samples of one set) as one new tally. */
export function mergeTallies(a: EvaluationTally, b: EvaluationTally): EvaluationTally {
  return {
    classes: a.classes,
    samples: a.samples + b.samples,
    models: a.models.map((x, k) => {
      const y = b.models[k]!;
      return {
        confusion: x.confusion.map((row, i) => row.map((v, j) => v + y.confusion[i]![j]!)),
        top5: x.top5 + y.top5,
        agree: x.agree + y.agree,
        changed: [...x.changed, ...y.changed].sort((p, q) => p.index - q.index).slice(0, MAX_CHANGED),
        changedCount: x.changedCount + y.changedCount,
        errors: x.errors.map((e, o) => {
          const f = y.errors[o]!;
          return {
            count: e.count + f.count,
            sumAbs: e.sumAbs + f.sumAbs,
            maxAbs: Math.max(e.maxAbs, f.maxAbs),
            sumSq: e.sumSq + f.sumSq,
            sumRefSq: e.sumRefSq + f.sumRefSq,
          };
        }),
      };
    }),
  };
}

export interface OutputErrorStats {
  readonly output: number;
  readonly meanAbsError: number;
  readonly maxAbsError: number;
  readonly rmse: number;
  /** Signal (the first model's values) to error, in dB; null when there is no error (identical). */
  readonly sqnrDb: number | null;
}

export interface ModelEvaluation {
  readonly path: string;
  /** Fractions in [0, 1]; null where they do not apply (not a classifier; top-5 with 5 classes or fewer). */
  readonly top1: number | null;
  readonly top5: number | null;
  /** Accuracy per class (recall), null for a class without samples. */
  readonly perClass: Readonly<Record<string, number | null>>;
  readonly confusion: readonly (readonly number[])[];
  readonly agreementWithFirst: number | null;
  /** Samples whose prediction differs from the first model's (the first MAX_CHANGED). */
  readonly changed: readonly { readonly file: string; readonly first: string; readonly this: string }[];
  readonly changedCount: number;
  /** Non-classifier outputs: error statistics against the first model (empty for the first). */
  readonly outputs: readonly OutputErrorStats[];
}

export interface EvaluationReport {
  readonly samples: number;
  readonly classes: readonly string[];
  /** Whether the models are classifiers (isClassifierOutput of the first model). */
  readonly classifier: boolean;
  readonly models: readonly ModelEvaluation[];
}

/** The tally as the report: fractions, per-class accuracy, class names. */
export function evaluationReport(tally: EvaluationTally, classes: readonly string[], paths: readonly string[]): EvaluationReport {
  const n = tally.samples;
  const classifier = tally.classes > 0;
  const models = tally.models.map((t, k): ModelEvaluation => {
    const correct = t.confusion.reduce((s, row, i) => s + row[i]!, 0);
    const perClass: Record<string, number | null> = {};
    classes.forEach((c, i) => {
      const row = t.confusion[i] ?? [];
      const total = row.reduce((a, b) => a + b, 0);
      perClass[c] = total > 0 ? row[i]! / total : null;
    });
    return {
      path: paths[k]!,
      top1: classifier && n > 0 ? correct / n : null,
      top5: classifier && n > 0 && tally.classes > 5 ? t.top5 / n : null,
      perClass,
      confusion: t.confusion,
      agreementWithFirst: classifier && n > 0 ? t.agree / n : null,
      changed: t.changed.map((c) => ({ file: c.file, first: classes[c.first]!, this: classes[c.other]! })),
      changedCount: t.changedCount,
      outputs: k === 0 ? [] : t.errors.map((e, o) => errorStats(e, o)),
    };
  });
  return { samples: n, classes: [...classes], classifier, models };
}

function errorStats(e: ErrorSums, output: number): OutputErrorStats {
  const count = Math.max(1, e.count);
  return {
    output,
    meanAbsError: e.sumAbs / count,
    maxAbsError: e.maxAbs,
    rmse: Math.sqrt(e.sumSq / count),
    sqnrDb: e.sumSq === 0 ? null : 10 * Math.log10(e.sumRefSq / e.sumSq),
  };
}
