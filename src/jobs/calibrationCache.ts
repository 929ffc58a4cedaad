/**
 * The precision job's memory of recent calibrations: least recently used first out, bounded by
 * an estimate of the bytes they hold (the calibration samples they keep, their histograms and
 * quantized weights), not by their number, since one big model's statistics can outweigh many
 * small ones'.
 */
import { HISTOGRAM_BINS } from '../quantize/histogram';
import type { CalibrationStatistics } from '../quantize/quantizeModel';

/** What the kept calibrations may hold together by default: several small models, or one large one. */
export const CALIBRATION_CACHE_BYTES = 256 * 1024 * 1024;

/** Per object or array kept, beside its payload (a rough V8 header): so that many small entries still count. */
const OVERHEAD = 64;

/** An estimate of the bytes one calibration's statistics keep alive, dominated by its sample arrays. */
export function statisticsBytes(s: CalibrationStatistics): number {
  let bytes = OVERHEAD;
  for (const t of s.stats.values()) bytes += OVERHEAD + (t.histogram ? OVERHEAD + HISTOGRAM_BINS * 8 : 0);
  for (const list of [s.fitInputs, s.evaluationSamples])
    for (const sample of list) {
      bytes += OVERHEAD;
      for (const input of sample) bytes += OVERHEAD + input.byteLength;
    }
  for (const w of s.weightCache.values()) bytes += OVERHEAD + w.values.byteLength + 8 * (w.scales.length + w.min.length + w.max.length);
  return bytes;
}

export class CalibrationCache<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly bytes: number }>();
  private held = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /**
   * The entry, now the most recently used. Measured again, since what it holds may have grown
   * while in use (the statistics' weight cache gains the other FC layout), and older entries
   * evicted if it no longer fits beside them.
   */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Most recently used last: the first key is the one evicted.
    this.delete(key);
    const bytes = this.sizeOf(hit.value);
    this.entries.set(key, { value: hit.value, bytes });
    this.held += bytes;
    this.evictBeside(key);
    return hit.value;
  }

  /** Keeps `value`, evicting the least recently used until the budget holds; one larger than the whole budget is not kept. */
  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.budgetBytes) return;
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    this.evictBeside(key);
  }

  /** Evicts the least recently used entries other than `key` until the budget holds (or only `key` is left). */
  private evictBeside(key: string): void {
    for (const k of [...this.entries.keys()]) {
      if (this.held <= this.budgetBytes) return;
      if (k !== key) this.delete(k);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.held -= old.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /** The estimated bytes held. */
  get bytes(): number {
    return this.held;
  }

  get keys(): readonly string[] {
    return [...this.entries.keys()];
  }
}
