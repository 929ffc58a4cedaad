/**
 * Which precisions each layer can take, and whole assignments as arrays (one precision per
 * operator of the float graph's subgraph 0, in the order of cost: int8 < int16 < float).
 */
import type { LayerPrecisionChoice } from '../../shared/protocol';
import { QuantizeError } from '../errors';
import type { ActivationType, LayerPrecision } from '../int8Graph';

/** Cheapest first: a promotion moves a layer one step right. */
export const PRECISION_ORDER: readonly LayerPrecision[] = ['int8', 'int16', 'float'];

/** Each layer's precision when nothing is overridden: the model's default where the layer can take it, else its next choice up. */
export function defaultAssignment(choices: readonly (readonly LayerPrecision[])[], activations: ActivationType): LayerPrecision[] {
  const rank = PRECISION_ORDER.indexOf(activations);
  return choices.map((c) => c.find((p) => PRECISION_ORDER.indexOf(p) >= rank) ?? 'float');
}

/** The default with `overrides` applied; an override a layer cannot take is refused by layer and op. */
export function applyOverrides(
  base: readonly LayerPrecision[],
  choices: readonly (readonly LayerPrecision[])[],
  overrides: readonly LayerPrecisionChoice[],
  opNames: readonly string[],
): LayerPrecision[] {
  const out = [...base];
  for (const o of overrides) {
    const c = choices[o.layer];
    if (!Number.isInteger(o.layer) || !c)
      throw new QuantizeError('bad-precision', `there is no layer ${o.layer}: the model has layers 0 to ${base.length - 1}`);
    if (!c.includes(o.precision))
      throw new QuantizeError('bad-precision', `layer ${o.layer} (${opNames[o.layer]}) cannot be ${o.precision}; it can be ${c.join(' or ')}`);
    out[o.layer] = o.precision;
  }
  return out;
}

/** The layers whose precision differs from `base`: the contract's list form. */
export function overridesOf(assignment: readonly LayerPrecision[], base: readonly LayerPrecision[]): LayerPrecisionChoice[] {
  const out: LayerPrecisionChoice[] = [];
  assignment.forEach((p, layer) => {
    if (p !== base[layer]) out.push({ layer, precision: p });
  });
  return out;
}

/** Every layer that has a choice named: what quantizeModel's `precision` takes. */
export function assignmentMap(assignment: readonly LayerPrecision[], choices: readonly (readonly LayerPrecision[])[]): Map<number, LayerPrecision> {
  const out = new Map<number, LayerPrecision>();
  assignment.forEach((p, layer) => {
    if ((choices[layer]?.length ?? 0) > 0) out.set(layer, p);
  });
  return out;
}

/** The layer one step up from where it is, or undefined at the top of its choices. */
export function promoted(choices: readonly LayerPrecision[], current: LayerPrecision): LayerPrecision | undefined {
  return choices.find((p) => PRECISION_ORDER.indexOf(p) > PRECISION_ORDER.indexOf(current));
}

export function assignmentKey(assignment: readonly LayerPrecision[]): string {
  return assignment.map((p) => p[p.length - 1]).join('');
}
