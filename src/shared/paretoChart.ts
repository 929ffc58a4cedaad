/**
 * Where "Suggest"'s explored assignments go on the panel's scatter: cost (arena bytes or
 * latency) across, what it buys (top-1 on labeled data, else output SQNR) up, and the front of
 * the points no other beats on both drawn axes as a staircase. Pure geometry in chart units, so
 * the core tests pin it and the panel only turns it into SVG.
 */
import type { PrecisionPoint } from './protocol';

export type ParetoCost = 'arena' | 'latency';
export type ParetoValue = 'accuracy' | 'sqnr';

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Room for the axis labels inside width × height. */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface PlacedPoint {
  /** Index in the explored list (what a click applies). */
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly cost: number;
  readonly value: number;
  /** On the drawn front: no other point costs less and buys as much, or buys more for as little. */
  readonly front: boolean;
}

export interface ParetoGeometry {
  readonly points: readonly PlacedPoint[];
  /** The front as an SVG path (a staircase, cheapest first); '' with no point. */
  readonly frontPath: string;
  readonly cost: { readonly min: number; readonly max: number };
  readonly value: { readonly min: number; readonly max: number };
  /** Points that could not be drawn: no latency, or a non-finite SQNR. */
  readonly leftOut: number;
}

export function pointCost(p: PrecisionPoint, cost: ParetoCost): number | undefined {
  return cost === 'arena' ? p.arenaBytes : p.latencyMs;
}

/** Top-1 in percent, or output SQNR in dB. */
export function pointValue(p: PrecisionPoint, value: ParetoValue): number | undefined {
  return value === 'accuracy' ? (p.accuracy ? 100 * p.accuracy.top1 : undefined) : Number.isFinite(p.outputSqnrDb) ? p.outputSqnrDb : undefined;
}

/** Indices (into `xs`) of the points no other dominates: lower-or-equal cost and higher-or-equal value, one strictly. */
export function frontOf(xs: readonly { readonly cost: number; readonly value: number }[]): Set<number> {
  const front = new Set<number>();
  xs.forEach((p, i) => {
    const dominated = xs.some((q, j) => j !== i && q.cost <= p.cost && q.value >= p.value && (q.cost < p.cost || q.value > p.value));
    if (!dominated) front.add(i);
  });
  return front;
}

/** A range that never has zero width, so a single point or a flat set sits in the middle. */
function span(values: readonly number[]): { min: number; max: number } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max > min) return { min, max };
  const pad = Math.max(1, Math.abs(min) * 0.05);
  return { min: min - pad, max: max + pad };
}

export function paretoGeometry(points: readonly PrecisionPoint[], cost: ParetoCost, value: ParetoValue, box: ChartBox): ParetoGeometry {
  const drawable = points.flatMap((p, index) => {
    const c = pointCost(p, cost);
    const v = pointValue(p, value);
    return c === undefined || v === undefined || !Number.isFinite(c) ? [] : [{ index, cost: c, value: v }];
  });
  const leftOut = points.length - drawable.length;
  if (drawable.length === 0) return { points: [], frontPath: '', cost: { min: 0, max: 1 }, value: { min: 0, max: 1 }, leftOut };
  const cs = span(drawable.map((d) => d.cost));
  const vs = span(drawable.map((d) => d.value));
  const x = (c: number): number => box.left + ((box.width - box.left - box.right) * (c - cs.min)) / (cs.max - cs.min);
  const y = (v: number): number => box.height - box.bottom - ((box.height - box.top - box.bottom) * (v - vs.min)) / (vs.max - vs.min);
  const front = frontOf(drawable);
  const placed = drawable.map((d, i) => ({ ...d, x: x(d.cost), y: y(d.value), front: front.has(i) }));
  const stairs = placed.filter((p) => p.front).sort((a, b) => a.x - b.x || b.y - a.y);
  // Cheapest first; each step goes across at the value reached, then up to the next point's.
  const frontPath = stairs.map((p, i) => (i === 0 ? `M ${p.x.toFixed(1)} ${p.y.toFixed(1)}` : `H ${p.x.toFixed(1)} V ${p.y.toFixed(1)}`)).join(' ');
  return { points: placed, frontPath, cost: cs, value: vs, leftOut };
}
