/** A real-time budget check on an estimate: a finding when the expected latency exceeds it. */
import type { FitFinding } from '../targets/fit';
import type { ModelEstimate } from './latencyModel';
import { formatMs, formatMsWithBand } from './format';

export function latencyFinding(estimate: ModelEstimate, budgetMs: number): FitFinding | undefined {
  if (!(budgetMs > 0) || estimate.total.ms <= budgetMs) return undefined;
  const slowest = estimate.layers.filter((l) => l.subgraph === 0).reduce((a, b) => (b.ms > a.ms ? b : a), estimate.layers[0]!);
  return {
    severity: 'warning',
    code: 'latency-over',
    layer: slowest ? slowest.index : null,
    subgraph: 0,
    message: `Estimated latency ${formatMsWithBand(estimate.total.ms, estimate.total.bandMs)} exceeds the ${budgetMs} ms real-time budget on ${estimate.target.name}${slowest ? `; slowest layer ${slowest.index} ${slowest.op} (${formatMs(slowest.ms)})` : ''}`,
  };
}
