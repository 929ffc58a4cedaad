/**
 * The memory timeline as every surface draws it, and its peak: one column per layer of
 * subgraph 0, each the arena that layer needs (the highest planned offset it touches plus the
 * persistent part), so the tallest column is the arena the verdict compares with the budget.
 * The panel's chart, its caption, the table's ◆, the layer view and the findings all name the
 * peak this function returns.
 */
import type { LayerReport, ModelAnalysis } from './analyzeModel';

export interface TimelineColumn {
  readonly layer: LayerReport;
  /** Arena in use while the layer runs: planned high-water mark plus the persistent part. */
  readonly bytes: number;
}

export interface TimelinePeak {
  readonly columns: readonly TimelineColumn[];
  /** The peak layer's index in subgraph 0, or null for a model with no planned arena. */
  readonly layer: number | null;
  /** The peak column's bytes: the whole arena (planned + persistent). */
  readonly bytes: number;
  /** Persistent bytes included in every column. */
  readonly persistentBytes: number;
}

/**
 * The tallest column; of equal ones, the one with the most live bytes (where shrinking a tensor
 * helps), then the first. The same rule as `arena.peakLayer`, so the findings agree with it.
 */
export function timelinePeak(a: ModelAnalysis): TimelinePeak {
  const persistentBytes = a.arena.persistentBytes;
  const columns = a.layers.filter((l) => l.subgraph === 0).map((layer) => ({ layer, bytes: layer.arenaHighWaterBytes + persistentBytes }));
  let peak: TimelineColumn | undefined;
  for (const c of columns) {
    if (!peak || c.bytes > peak.bytes || (c.bytes === peak.bytes && c.layer.arenaLiveBytes > peak.layer.arenaLiveBytes)) peak = c;
  }
  const planned = peak !== undefined && peak.layer.arenaHighWaterBytes > 0;
  return { columns, layer: planned ? peak!.layer.index : null, bytes: planned ? peak!.bytes : persistentBytes, persistentBytes };
}
