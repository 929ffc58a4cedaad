/**
 * "Suggest": a precision assignment for a goal, by a greedy search on measured points.
 * Each round measures every single-layer promotion from the current assignment (each layer
 * alone at each precision above its own: int8 → int16, int8 → float…), ranks them by what they buy (SQNR dB, or top-1 points)
 * per unit of cost (the relative growth of arena, latency and flash, each against the starting
 * assignment, so no unit or model sets the scale), then applies them in that order, keeping
 * each one that helps, until the goal is met. The ceiling (every layer at its top choice) is
 * measured first, so an unreachable goal is said at once. Bounded in time; every measured
 * assignment is kept, for the Pareto front.
 */
import { Cancelled } from '../../errors';
import type { PrecisionGoal, PrecisionPoint, SearchStop } from '../../shared/protocol';
import type { LayerPrecision } from '../int8Graph';
import { assignmentKey, promoted } from './choices';
import { qualityOf } from './pareto';

export interface SearchOptions {
  readonly timeLimitMs: number;
  readonly shouldStop?: () => boolean;
  readonly progress?: (fraction: number, message: string) => void;
  /** The clock (tests). */
  readonly now?: () => number;
}

export interface SearchResult<P extends PrecisionPoint> {
  /** Every assignment measured, in order, the start first. */
  readonly explored: readonly { readonly assignment: readonly LayerPrecision[]; readonly point: P }[];
  /** Index in `explored` of the assignment chosen. */
  readonly chosen: number;
  readonly stop: SearchStop;
  readonly ms: number;
}

export type Measure<P extends PrecisionPoint> = (assignment: readonly LayerPrecision[]) => Promise<P>;

/** Does `p` meet the goal? */
export function meetsGoal(p: PrecisionPoint, goal: PrecisionGoal): boolean {
  switch (goal.kind) {
    case 'sqnr':
      return p.outputSqnrDb >= goal.db;
    case 'accuracy':
      // Compared in points, rounded to a millionth so that float noise in the fractions does not decide.
      return p.accuracy !== undefined && Math.round(1e6 * (100 * (p.accuracy.top1 - p.accuracy.floatTop1) + goal.points)) >= 0;
    case 'fit':
      return p.fits;
  }
}

/** What a goal is improved by: SQNR for `sqnr`, top-1 points for `accuracy`, either (top-1 when measured) for `fit`. */
function quality(p: PrecisionPoint, goal: PrecisionGoal): number {
  if (goal.kind === 'sqnr') return p.outputSqnrDb;
  if (goal.kind === 'accuracy') return p.accuracy ? 100 * p.accuracy.top1 : Number.NEGATIVE_INFINITY;
  return qualityOf(p);
}

function withLayer(a: readonly LayerPrecision[], layer: number, p: LayerPrecision): LayerPrecision[] {
  const out = [...a];
  out[layer] = p;
  return out;
}

/** Sort order of promotions: the most gained per unit of cost first; one that costs nothing ranks by its gain alone, before the others. */
function efficiency(a: { readonly gain: number; readonly cost: number }, b: { readonly gain: number; readonly cost: number }): number {
  const free = Number(b.cost <= 0) - Number(a.cost <= 0);
  if (free !== 0) return free;
  return a.cost <= 0 ? b.gain - a.gain : b.gain / b.cost - a.gain / a.cost;
}

function gain(from: number, to: number): number {
  return from === to ? 0 : to - from;
}

/** Cost relative to the start: arena, latency and flash each as a multiple of the start's. */
function costFn(start: PrecisionPoint): (p: PrecisionPoint) => number {
  const rel = (v: number, v0: number): number => (v0 > 0 ? v / v0 : v);
  return (p) =>
    rel(p.arenaBytes, start.arenaBytes) +
    (p.latencyMs !== undefined && start.latencyMs !== undefined ? rel(p.latencyMs, start.latencyMs) : 0) +
    rel(p.modelBytes, start.modelBytes);
}

export async function searchPrecision<P extends PrecisionPoint>(
  start: readonly LayerPrecision[],
  choices: readonly (readonly LayerPrecision[])[],
  goal: PrecisionGoal,
  measure: Measure<P>,
  options: SearchOptions,
): Promise<SearchResult<P>> {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const explored: { assignment: readonly LayerPrecision[]; point: P }[] = [];
  const seen = new Map<string, P>();
  const expired = (): boolean => now() - t0 >= options.timeLimitMs;
  const at = async (assignment: readonly LayerPrecision[]): Promise<P> => {
    const key = assignmentKey(assignment);
    const known = seen.get(key);
    if (known) return known;
    if (options.shouldStop?.()) throw new Cancelled('the search was cancelled');
    const point = await measure(assignment);
    seen.set(key, point);
    explored.push({ assignment, point });
    options.progress?.(Math.min(0.99, (now() - t0) / options.timeLimitMs), `assignment ${explored.length}: ${describe(point)}`);
    return point;
  };
  const startPoint = await at(start);
  const cost = costFn(startPoint);
  const q = (p: PrecisionPoint): number => quality(p, goal);
  const done = (stop: SearchStop): SearchResult<P> => {
    const chosen = choose(explored, goal, cost);
    // Greedy ran dry, but a point measured on the way (the ceiling at least) meets the goal.
    const met = stop === 'exhausted' && goal.kind !== 'fit' && meetsGoal(explored[chosen]!.point, goal);
    return { explored, chosen, stop: met ? 'reached' : stop, ms: now() - t0 };
  };

  if (goal.kind === 'fit' && !startPoint.fits) return done('nothing-fits');
  if (goal.kind !== 'fit' && meetsGoal(startPoint, goal)) return done('reached');
  const ceiling = start.map((p, layer) => choices[layer]!.at(-1) ?? p);
  const ceilingPoint = await at(ceiling);
  if (goal.kind !== 'fit' && !meetsGoal(ceilingPoint, goal)) return done('unreachable');
  if (goal.kind === 'fit' && ceilingPoint.fits) return done('reached');

  let current = [...start];
  let currentPoint = startPoint;
  for (;;) {
    // Sensitivity: every layer alone at each precision above its own (a 16x8 step that buys
    // nothing does not hide what float would buy); the most efficient of them per layer.
    const steps: { layer: number; to: LayerPrecision; gain: number; cost: number }[] = [];
    let reachedAlone = false;
    for (let layer = 0; layer < current.length; layer++) {
      let best: { layer: number; to: LayerPrecision; gain: number; cost: number } | undefined;
      for (let to = promoted(choices[layer]!, current[layer]!); to; to = promoted(choices[layer]!, to)) {
        if (expired()) return done('time-limit');
        const p = await at(withLayer(current, layer, to));
        if (goal.kind === 'fit' && !p.fits) continue;
        // The round finishes: a later layer may reach the goal for less.
        if (goal.kind !== 'fit' && meetsGoal(p, goal)) reachedAlone = true;
        const step = { layer, to, gain: gain(q(currentPoint), q(p)), cost: cost(p) - cost(currentPoint) };
        if (step.gain > 0 && (!best || efficiency(step, best) < 0)) best = step;
      }
      if (best) steps.push(best);
    }
    // Most gained per unit of cost first; a promotion that costs nothing ranks by its gain alone.
    if (reachedAlone) return done('reached');
    const ranked = steps.sort(efficiency);
    if (ranked.length === 0) return done('exhausted');
    let moved = false;
    for (const s of ranked) {
      const next = withLayer(current, s.layer, s.to);
      if (expired()) return done('time-limit');
      const p = await at(next);
      if (goal.kind === 'fit' && !p.fits) continue;
      if (q(p) <= q(currentPoint)) continue;
      current = next;
      currentPoint = p;
      moved = true;
      if (goal.kind !== 'fit' && meetsGoal(p, goal)) return done('reached');
    }
    if (!moved) return done('exhausted');
  }
}

/**
 * The answer among the measured points: for `fit`, the most accurate that fits (the cheaper
 * of equals); otherwise the cheapest that meets the goal, or, when none does, the most accurate.
 */
function choose(explored: readonly { readonly point: PrecisionPoint }[], goal: PrecisionGoal, cost: (p: PrecisionPoint) => number): number {
  let best = 0;
  const better = (a: PrecisionPoint, b: PrecisionPoint): boolean => {
    const qa = quality(a, goal);
    const qb = quality(b, goal);
    if (goal.kind === 'fit') {
      if (a.fits !== b.fits) return a.fits;
      return qa !== qb ? qa > qb : cost(a) < cost(b);
    }
    const ma = meetsGoal(a, goal);
    const mb = meetsGoal(b, goal);
    if (ma !== mb) return ma;
    if (ma) return cost(a) !== cost(b) ? cost(a) < cost(b) : qa > qb;
    return qa !== qb ? qa > qb : cost(a) < cost(b);
  };
  explored.forEach((e, i) => {
    if (better(e.point, explored[best]!.point)) best = i;
  });
  return best;
}

function describe(p: PrecisionPoint): string {
  const sqnr = Number.isFinite(p.outputSqnrDb) ? `${p.outputSqnrDb.toFixed(1)} dB` : String(p.outputSqnrDb);
  const acc = p.accuracy ? `, top-1 ${(100 * p.accuracy.top1).toFixed(1)}%` : '';
  return `${sqnr}${acc}, arena ${p.arenaBytes} B${p.fits ? '' : ' (does not fit)'}`;
}
