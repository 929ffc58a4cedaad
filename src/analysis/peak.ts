/**
 * The arena's peak and the memory timeline's bars, defined once for every surface: the fit
 * finding points at the peak, the table marks it, the timeline's caption and marker name it,
 * the CLI prints it. Pure and free of the model format, so the panel's bundle can use it.
 *
 * A bar's height (arenaBarBytes) is the top of the highest buffer live at that step (its
 * planned offset plus its size, `arenaHighWaterBytes`) plus the persistent part, not the sum of
 * the live bytes: the planner leaves gaps between buffers, and TFLM needs the arena up to the
 * top of the highest one. So the tallest bar is the arena the fit verdict compares
 * (`totalBytes`, planned head + persistent) whenever every planned buffer is live at some step,
 * which holds for every graph whose buffers are used by an operator; and a budget line drawn at
 * SRAM − reserve (targets/fit.ts arenaBudget) crosses the tallest bar exactly when the verdict
 * says the model does not fit. Of several equally tall bars, the one holding the most live
 * bytes wins (shrinking a tensor there helps most), then the earliest.
 */

/** What the peak needs of a layer (a LayerReport has all of it). */
export interface PeakLayer {
  readonly index: number;
  readonly subgraph: number;
  readonly op: string;
  /** Top of the highest buffer live while the layer runs (offset + size in the plan). */
  readonly arenaHighWaterBytes: number;
  /** Sum of the sizes of the buffers live while the layer runs. */
  readonly arenaLiveBytes: number;
  readonly liveTensors: readonly string[];
}

export interface ArenaPeak {
  /** Index of the layer in subgraph 0. */
  readonly layer: number;
  readonly op: string;
  /** The bar's height: plannedBytes + the persistent part. */
  readonly bytes: number;
  /** Top of the highest live buffer (its offset + size in the plan). */
  readonly plannedBytes: number;
  /** Sum of the live buffers' sizes (at most plannedBytes; the difference is the planner's gaps). */
  readonly liveBytes: number;
  /** Full tensor names of the live buffers (use util/shortName for display). */
  readonly tensors: readonly string[];
}

/** The height of a layer's bar on the memory timeline. Layers outside subgraph 0 have none. */
export function arenaBarBytes(layer: PeakLayer, arena: { readonly persistentBytes: number }): number {
  return layer.subgraph === 0 ? layer.arenaHighWaterBytes + arena.persistentBytes : 0;
}

/** The tallest bar of the memory timeline, by the rule above; null when no layer uses the arena. */
export function findArenaPeak(layers: readonly PeakLayer[], persistentBytes: number): ArenaPeak | null {
  let peak: PeakLayer | undefined;
  for (const l of layers) {
    if (l.subgraph !== 0) continue;
    if (
      !peak ||
      l.arenaHighWaterBytes > peak.arenaHighWaterBytes ||
      (l.arenaHighWaterBytes === peak.arenaHighWaterBytes && l.arenaLiveBytes > peak.arenaLiveBytes)
    )
      peak = l;
  }
  if (!peak || peak.arenaHighWaterBytes === 0) return null;
  return {
    layer: peak.index,
    op: peak.op,
    bytes: arenaBarBytes(peak, { persistentBytes }),
    plannedBytes: peak.arenaHighWaterBytes,
    liveBytes: peak.arenaLiveBytes,
    tensors: peak.liveTensors,
  };
}

export interface TimelineColumn<L extends PeakLayer = PeakLayer> {
  readonly layer: L;
  /** arenaBarBytes of the layer: planned high-water mark plus the persistent part. */
  readonly bytes: number;
}

export interface TimelinePeak<L extends PeakLayer = PeakLayer> {
  readonly columns: readonly TimelineColumn<L>[];
  /** The peak layer's index in subgraph 0, or null for a model with no planned arena. */
  readonly layer: number | null;
  /** The peak column's bytes: the whole arena (planned + persistent). */
  readonly bytes: number;
  /** Persistent bytes included in every column. */
  readonly persistentBytes: number;
}

/** The timeline's columns (subgraph 0) and the analysis's one peak, as the panel and the layer view draw them. */
export function timelinePeak<L extends PeakLayer>(a: {
  readonly layers: readonly L[];
  readonly arena: { readonly persistentBytes: number; readonly peak: ArenaPeak | null };
}): TimelinePeak<L> {
  const { persistentBytes, peak } = a.arena;
  const columns = a.layers.filter((l) => l.subgraph === 0).map((layer) => ({ layer, bytes: arenaBarBytes(layer, a.arena) }));
  return { columns, layer: peak ? peak.layer : null, bytes: peak ? peak.bytes : persistentBytes, persistentBytes };
}
