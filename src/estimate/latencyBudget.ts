/** A real-time budget check on an estimate: a finding when the expected latency exceeds it. */
import type { FindingOf } from '../findings/finding';
import type { ModelEstimate } from './latencyModel';

export function latencyFinding(estimate: ModelEstimate, budgetMs: number): FindingOf<'latency-over'> | undefined {
  if (!(budgetMs > 0) || estimate.total.ms <= budgetMs) return undefined;
  const slowest = estimate.layers.filter((l) => l.subgraph === 0).reduce((a, b) => (b.ms > a.ms ? b : a), estimate.layers[0]!);
  return {
    severity: 'warning',
    code: 'latency-over',
    layer: slowest ? slowest.index : null,
    subgraph: 0,
    params: {
      ms: estimate.total.ms,
      bandMs: { low: estimate.total.bandMs.low, high: estimate.total.bandMs.high },
      budgetMs,
      target: estimate.target.name,
      slowest: slowest ? { index: slowest.index, op: slowest.op, ms: slowest.ms } : null,
    },
  };
}
