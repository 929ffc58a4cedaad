/**
 * A one-pass histogram of a tensor's values over many samples, for the range methods that
 * clip outliers. Bins are symmetric around 0 with edges at multiples of the bin width, and
 * the covered range [−R, R) doubles whenever a value falls outside it, merging bins in pairs:
 * every edge of the wider grid is an edge of the narrower one, so merging is exact and the
 * histogram never needs a second pass over the data. Exact zeros (ReLU outputs, padding) are
 * counted apart: 0 is always representable and costs no error. Two histograms merge exactly
 * too (`merge`): both ranges are powers of two, so the narrower grid's bins nest in the wider's.
 */
export const HISTOGRAM_BINS = 4096;

/** A histogram as plain data (what crosses between threads). */
export interface HistogramData {
  readonly counts: Float64Array;
  readonly range: number;
  readonly zeros: number;
  readonly total: number;
}

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  /** Half-width of the covered range; 0 until the first non-zero value. */
  range = 0;
  zeros = 0;
  total = 0;

  /** A histogram from its data (a copy of it), e.g. one that came from another thread. */
  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.counts.set(data.counts);
    h.range = data.range;
    h.zeros = data.zeros;
    h.total = data.total;
    return h;
  }

  get binWidth(): number {
    return (2 * this.range) / HISTOGRAM_BINS;
  }

  /** Centre of bin `i`. */
  center(i: number): number {
    return (i - HISTOGRAM_BINS / 2 + 0.5) * this.binWidth;
  }

  add(values: ArrayLike<number>, absMax: number): void {
    if (absMax > 0 && absMax >= this.range) this.grow(absMax);
    const half = HISTOGRAM_BINS / 2;
    const inv = this.range > 0 ? 1 / this.binWidth : 0;
    const counts = this.counts;
    let zeros = 0;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === 0) {
        zeros++;
        continue;
      }
      if (Number.isNaN(v)) continue;
      let b = Math.floor(v * inv) + half;
      if (b < 0) b = 0;
      else if (b >= HISTOGRAM_BINS) b = HISTOGRAM_BINS - 1;
      counts[b]!++;
      n++;
    }
    this.zeros += zeros;
    this.total += n + zeros;
  }

  /** Widens the range to a power-of-two multiple covering `absMax` (strictly inside). */
  private grow(absMax: number): void {
    if (this.range === 0) {
      this.range = 2 ** Math.ceil(Math.log2(absMax));
      if (this.range <= absMax) this.range *= 2;
      return;
    }
    let factor = 1;
    while (this.range * factor <= absMax) factor *= 2;
    if (factor === 1) return;
    const half = HISTOGRAM_BINS / 2;
    const merged = new Float64Array(HISTOGRAM_BINS);
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      merged[Math.floor((i - half) / factor) + half]! += c;
    }
    this.counts.set(merged);
    this.range *= factor;
  }

  /** Adds another histogram's counts (the range widens to the wider of the two). */
  merge(other: Histogram): void {
    this.zeros += other.zeros;
    this.total += other.total;
    if (other.range === 0) return;
    if (this.range === 0) {
      this.range = other.range;
      this.counts.set(other.counts);
      return;
    }
    if (other.range > this.range) this.grow(other.range * (1 - 2 ** -40));
    // Bin centres of the other grid fall inside the bins of this (as wide or wider) grid.
    const half = HISTOGRAM_BINS / 2;
    const inv = 1 / this.binWidth;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const c = other.counts[i]!;
      if (c === 0) continue;
      let b = Math.floor(other.center(i) * inv) + half;
      if (b < 0) b = 0;
      else if (b >= HISTOGRAM_BINS) b = HISTOGRAM_BINS - 1;
      this.counts[b]! += c;
    }
  }

  /**
   * The value below which a fraction `q` of the values lie (zeros included), interpolated
   * linearly inside the bin that holds it.
   */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = q * this.total;
    const half = HISTOGRAM_BINS / 2;
    let cumulative = 0;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      // Zeros sit at the edge between bin half − 1 and bin half.
      if (i === half) {
        if (cumulative + this.zeros >= target) return 0;
        cumulative += this.zeros;
      }
      const c = this.counts[i]!;
      if (c > 0 && cumulative + c >= target) {
        const lower = (i - half) * this.binWidth;
        return lower + ((target - cumulative) / c) * this.binWidth;
      }
      cumulative += c;
    }
    return this.range;
  }
}
