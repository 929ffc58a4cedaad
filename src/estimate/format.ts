/** How estimates read: durations, energies and battery life at a sensible precision and unit. */
export function formatMs(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function formatUj(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} J`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} mJ`;
  return `${v.toFixed(0)} µJ`;
}

export function formatDays(d: number): string {
  if (!Number.isFinite(d)) return 'unlimited';
  if (d >= 730) return `${(d / 365).toFixed(1)} years`;
  return `${d.toFixed(d >= 10 ? 0 : 1)} days`;
}

/** "171 ms (expected 56.7 ms – 271 ms)". */
export function formatMsWithBand(v: number, band: { readonly low: number; readonly high: number }): string {
  return `${formatMs(v)} (expected ${formatMs(band.low)} – ${formatMs(band.high)})`;
}

/** "3.77 mW", "412 µW": average power at three significant figures in a readable unit. */
export function formatMicroWatts(v: number): string {
  // Switch unit where three significant figures would round up to 1000 ("1.00e+3").
  if (v >= 999.5e3) return `${(v / 1e6).toPrecision(3)} W`;
  if (v >= 999.5) return `${(v / 1e3).toPrecision(3)} mW`;
  return `${v.toPrecision(3)} µW`;
}
