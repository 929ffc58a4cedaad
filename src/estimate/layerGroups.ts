/**
 * The groups a board's MicroProfiler log can tell apart: one per kind of MAC layer, element-wise
 * work, and the per-operator overhead (with the copy-only ops). A board's fitted multipliers
 * scale each group's cycles.
 */
import type { LayerReport } from '../analysis/analyzeModel';

export const PROFILE_GROUPS = ['conv', 'pointwise', 'depthwise', 'fullyConnected', 'otherMac', 'elementwise', 'overhead'] as const;
export type ProfileGroup = (typeof PROFILE_GROUPS)[number];

export function groupOf(layer: Pick<LayerReport, 'kind'>): ProfileGroup {
  switch (layer.kind) {
    case 'conv':
    case 'pointwise':
    case 'depthwise':
      return layer.kind;
    case 'fully-connected':
      return 'fullyConnected';
    case 'transpose-conv':
    case 'matmul':
    case 'recurrent':
      return 'otherMac';
    case 'elementwise':
      return 'elementwise';
    default:
      return 'overhead';
  }
}
