/**
 * TFLite Micro's int8 comparisons rescale each input by a multiplier of its scale with a
 * non-positive exponent (ComparisonsPrepare): an input of scale 1 or more (an asymmetric int8
 * range wider than about 255) aborts it, and our runtime refuses it alike. Such a comparison is
 * kept in float instead: a float comparison is exact, and the model still runs on TFLM.
 */
import { comparableScale } from '../../runtime/kernels/elementwise/comparisons';
import type { Int8Source } from './source';
import type { TensorPlan } from './tensorPlan';

const COMPARISONS: ReadonlySet<string> = new Set(['EQUAL', 'NOT_EQUAL', 'GREATER', 'GREATER_EQUAL', 'LESS', 'LESS_EQUAL']);

/** The int8 comparison layers with an integer input TFLM cannot rescale, in layer order. */
export function unrunnableComparisons(s: Int8Source, tensors: TensorPlan): number[] {
  const out: number[] = [];
  s.subgraph.operators.forEach((op, layer) => {
    const l = s.layers[layer]!;
    if (l.precision !== 'int8' || !COMPARISONS.has(l.op)) return;
    const wide = op.inputs.some((t) => {
      const form = tensors.forms.get(t)?.int8;
      const scale = form !== undefined ? tensors.tensors[form]?.quantization?.scale[0] : undefined;
      return scale !== undefined && !comparableScale(scale);
    });
    if (wide) out.push(layer);
  });
  return out;
}
