/** What a person wants to see of an output tensor: top-5 for classifiers, else stats and a histogram. */
export interface OutputSummary {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Indices and scores of the five largest values (meaningful for classifiers). */
  readonly top5: readonly { readonly index: number; readonly score: number }[];
  /** Counts in 16 equal bins from min to max. */
  readonly histogram: readonly number[];
}

export function summarize(values: ArrayLike<number>): OutputSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const top5 = Array.from(values, (score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, 5);
  const histogram = new Array<number>(16).fill(0);
  const width = (max - min) / 16 || 1;
  for (let i = 0; i < values.length; i++) histogram[Math.min(15, Math.floor((values[i]! - min) / width))]!++;
  return { min, max, mean: values.length ? sum / values.length : 0, top5, histogram };
}
