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

/**
 * Significant digits an estimate deserves, from the width of its band: two when the band spans
 * more than a factor of 3 (high/low; an uncalibrated latency spans ±20×, 400 from end to end),
 * three when it is narrower. A third digit beside a ±20× band claims a precision nobody has.
 */
export function bandDigits(band: { readonly low: number; readonly high: number }): number {
  return band.low > 0 && band.high / band.low <= 3 ? 3 : 2;
}

/** `v` to `digits` significant digits, never in exponent notation ("3500", "0.0012", "8.0"). */
export function formatSignificant(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  const decimals = digits - 1 - magnitude;
  if (decimals > 0) return v.toFixed(Math.min(20, decimals));
  const unit = 10 ** -decimals;
  return String(Math.round(v / unit) * unit);
}

/** A duration with the digits its band allows: "170 ms", "1.2 s", "0.048 ms". */
export function formatMsEstimate(v: number, band: { readonly low: number; readonly high: number }): string {
  const digits = bandDigits(band);
  return v >= 1000 ? `${formatSignificant(v / 1000, digits)} s` : `${formatSignificant(v, digits)} ms`;
}

/** "170 ms (expected 57 ms – 270 ms)": the value and its band, each with the band's digits. */
export function formatMsEstimateWithBand(v: number, band: { readonly low: number; readonly high: number }): string {
  return `${formatMsEstimate(v, band)} (expected ${formatMsEstimate(band.low, band)} – ${formatMsEstimate(band.high, band)})`;
}

/** A power given in µW, in the unit that keeps it between 1 and 1000: "3.77 mW", "22.7 µW", "1.20 W". */
export function formatPowerUw(uw: number, digits = 3): string {
  // Switch unit where `digits` figures would round up to 1000 ("1000 µW" reads as 1.00 mW).
  const edge = 1000 - 0.5 * 10 ** (3 - digits);
  if (Math.abs(uw) >= edge * 1e3) return `${formatSignificant(uw / 1e6, digits)} W`;
  if (Math.abs(uw) >= edge) return `${formatSignificant(uw / 1e3, digits)} mW`;
  return `${formatSignificant(uw, digits)} µW`;
}

/** A range of battery lives with its units: "8.0 days – 346 days", "92 days – 3.1 years". */
export function formatDaysRange(low: number, high: number): string {
  return `${formatDays(low)} – ${formatDays(high)}`;
}
