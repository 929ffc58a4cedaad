/**
 * The Pareto front of explored assignments: accuracy (top-1 on labeled data when measured,
 * else output SQNR) against arena and latency. A point is on the front when no other point is
 * at least as accurate, as small and as fast, and better in one of them.
 */
import type { PrecisionPoint } from '../../shared/protocol';

/** The accuracy a point is ranked by: top-1 on labeled data when measured, else output SQNR. */
export function qualityOf(p: PrecisionPoint): number {
  return p.accuracy ? p.accuracy.top1 : p.outputSqnrDb;
}

function dominates(a: PrecisionPoint, b: PrecisionPoint): boolean {
  const qa = qualityOf(a);
  const qb = qualityOf(b);
  // Latency counts only when both have one (a custom budget has no latency model).
  const timed = a.latencyMs !== undefined && b.latencyMs !== undefined;
  const noWorse = qa >= qb && a.arenaBytes <= b.arenaBytes && (!timed || a.latencyMs! <= b.latencyMs!);
  const better = qa > qb || a.arenaBytes < b.arenaBytes || (timed && a.latencyMs! < b.latencyMs!);
  return noWorse && better;
}

function same(a: PrecisionPoint, b: PrecisionPoint): boolean {
  return qualityOf(a) === qualityOf(b) && a.arenaBytes === b.arenaBytes && a.latencyMs === b.latencyMs;
}

/** Of points equal in all three, only the first is on the front (a promotion that changed nothing adds no point). */
export function markPareto<P extends PrecisionPoint>(points: readonly P[]): (P & { readonly pareto: boolean })[] {
  return points.map((p, i) => ({ ...p, pareto: !points.some((q, j) => (j < i && same(q, p)) || dominates(q, p)) }));
}
