/**
 * From a tensor's calibration statistics to the real range its int8 parameters cover:
 * - `minmax`: the smallest and largest value seen over all samples (the converter's
 *   calibrator keeps exactly these: a running min and max);
 * - `percentile`: each tail clipped at the given percentile of the values (99.99 by default):
 *   a handful of outliers no longer stretch the scale of every other value;
 * - `mse`: the range that minimizes the expected squared error of quantize-then-dequantize over
 *   the tensor's histogram, rounding noise (scale² / 12 per value inside the range) plus
 *   clipping error (distance to the edge, squared, outside it): first both ends shrunk
 *   together, then each end on its own.
 * Every result stays within [min, max]; the caller widens it to include 0.
 * `auto` (the default) is no range rule of its own: the quantizer builds the model with each
 * of the three and keeps the one closest to the float model on validation samples (autoSelect.ts).
 */
import { Histogram } from './histogram';
import { asymmetricParams } from './params';

export type RangeMethod = 'minmax' | 'percentile' | 'mse';
export const RANGE_METHODS: readonly RangeMethod[] = ['minmax', 'percentile', 'mse'];
/** What a caller may ask for: one range method, or `auto` (try each, keep the best). */
export type RangeMethodOption = RangeMethod | 'auto';
export const RANGE_METHOD_OPTIONS: readonly RangeMethodOption[] = ['auto', ...RANGE_METHODS];
export const DEFAULT_RANGE_METHOD: RangeMethodOption = 'auto';

export interface TensorStats {
  min: number;
  max: number;
  /** Values seen (all samples). */
  count: number;
  /** Non-finite values seen (ignored for the range). */
  nonFinite: number;
  histogram?: Histogram;
}

export interface RangeChoice {
  readonly min: number;
  readonly max: number;
}

/** The statistics of two disjoint sets of samples, as one (neither argument is changed). */
export function mergeStats(a: TensorStats | undefined, b: TensorStats | undefined): TensorStats | undefined {
  if (!a || !b) return a ?? b;
  const out: TensorStats = { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), count: a.count + b.count, nonFinite: a.nonFinite + b.nonFinite };
  if (a.histogram || b.histogram) {
    const h = new Histogram();
    if (a.histogram) h.merge(a.histogram);
    if (b.histogram) h.merge(b.histogram);
    out.histogram = h;
  }
  return out;
}

export function chooseRange(stats: TensorStats, method: RangeMethod, percentile = 99.99): RangeChoice {
  const min = Number.isFinite(stats.min) ? stats.min : 0;
  const max = Number.isFinite(stats.max) ? stats.max : 0;
  const h = stats.histogram;
  if (method === 'minmax' || !h || h.total === 0) return { min, max };
  if (method === 'percentile') {
    const tail = Math.min(Math.max((100 - percentile) / 100, 0), 0.5);
    const lo = min < 0 ? Math.max(min, Math.min(0, h.quantile(tail))) : min;
    const hi = max > 0 ? Math.min(max, Math.max(0, h.quantile(1 - tail))) : max;
    return { min: lo, max: hi };
  }
  return mseRange(h, min, max);
}

const STEPS = 100;

/** The non-empty bins of a histogram: centres and counts. */
interface Bins {
  readonly centers: Float64Array;
  readonly counts: Float64Array;
}

function nonEmpty(h: Histogram): Bins {
  const counts = h.counts;
  let n = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) n++;
  const bins = { centers: new Float64Array(n), counts: new Float64Array(n) };
  for (let i = 0, k = 0; i < counts.length; i++) {
    if (counts[i]! > 0) {
      bins.centers[k] = h.center(i);
      bins.counts[k++] = counts[i]!;
    }
  }
  return bins;
}

/** Expected squared error of quantizing the histogram's values to the params of [lo, hi]. */
export function quantizationMse(h: Histogram | Bins, lo: number, hi: number): number {
  const bins = 'centers' in h ? h : nonEmpty(h);
  const p = asymmetricParams(lo, hi);
  const low = p.scale * (-128 - p.zeroPoint);
  const high = p.scale * (127 - p.zeroPoint);
  const rounding = (p.scale * p.scale) / 12;
  let err = 0;
  const { centers, counts } = bins;
  for (let i = 0; i < centers.length; i++) {
    const c = counts[i]!;
    const x = centers[i]!;
    if (x < low) err += c * ((x - low) * (x - low) + rounding);
    else if (x > high) err += c * ((x - high) * (x - high) + rounding);
    else err += c * rounding;
  }
  return err;
}

function mseRange(histogram: Histogram, min: number, max: number): RangeChoice {
  const h = nonEmpty(histogram);
  const lo0 = Math.min(min, 0);
  const hi0 = Math.max(max, 0);
  if (hi0 - lo0 <= 0) return { min, max };
  // 1. Shrink both ends together.
  let best = { lo: lo0, hi: hi0, err: quantizationMse(h, lo0, hi0) };
  for (let k = 1; k < STEPS; k++) {
    const a = 1 - k / STEPS;
    const err = quantizationMse(h, lo0 * a, hi0 * a);
    if (err < best.err) best = { lo: lo0 * a, hi: hi0 * a, err };
  }
  // 2. Then each end alone, the other held.
  for (const side of ['lo', 'hi'] as const) {
    const start = side === 'lo' ? lo0 : hi0;
    if (start === 0) continue;
    for (let k = 1; k <= STEPS; k++) {
      const v = (start * k) / STEPS;
      const lo = side === 'lo' ? v : best.lo;
      const hi = side === 'hi' ? v : best.hi;
      const err = quantizationMse(h, lo, hi);
      if (err < best.err) best = { lo, hi, err };
    }
  }
  return { min: Math.max(min, Math.min(best.lo, max)), max: Math.min(max, Math.max(best.hi, min)) };
}
