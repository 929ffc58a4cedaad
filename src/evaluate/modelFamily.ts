/**
 * Which models in a folder are versions of one model, for "Evaluate…" to pre-select them: the
 * float original and what was made from it (`_int8`, `_16x8`, `_mixed`, `_opt`, the converter's
 * `_quant`…). Names only, no files read. The float version goes first, since the first model
 * is the reference that agreement and changed predictions are measured against.
 */

/** Suffixes stripped, outermost first, to find a model's family stem, each with what it says the model is. */
const SUFFIXES: readonly (readonly [string, VersionKind])[] = [
  ['_float32', 'float'],
  ['_float', 'float'],
  ['_fp32', 'float'],
  ['_f32', 'float'],
  ['_int8', 'int8'],
  ['_quantized', 'int8'],
  ['_quant', 'int8'],
  ['_q8', 'int8'],
  ['_int16', 'int16'],
  ['_16x8', 'int16'],
  ['_mixed', 'mixed'],
  ['_opt', 'other'],
];

/** What a file name says its model is; `bare` for the stem itself (float, or the only version). */
export type VersionKind = 'float' | 'bare' | 'int8' | 'int16' | 'mixed' | 'other';
const ORDER: readonly VersionKind[] = ['float', 'bare', 'int8', 'int16', 'mixed', 'other'];

/** A model's family stem (lower case) and the kind its outermost suffix names. */
export function modelVersion(file: string): { readonly stem: string; readonly kind: VersionKind } {
  let base = file.replace(/\.tflite$/i, '').toLowerCase();
  let kind: VersionKind | undefined;
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const [suffix, k] of SUFFIXES) {
      if (base.length > suffix.length && base.endsWith(suffix)) {
        base = base.slice(0, -suffix.length);
        kind ??= k;
        stripped = true;
        break;
      }
    }
  }
  return { stem: base, kind: kind ?? 'bare' };
}

export interface Candidate {
  readonly name: string;
  /** Same family as the model evaluation started from (that model included). */
  readonly sibling: boolean;
}

/**
 * The `.tflite` files among `names` (one folder's entries) as evaluation candidates: the
 * family of `model` first, float before bare before int8, int16, mixed and the rest, then
 * every other model by name, not pre-selected.
 */
export function evaluationCandidates(model: string, names: readonly string[]): Candidate[] {
  const own = modelVersion(model).stem;
  const models = [...new Set([model, ...names.filter((n) => /\.tflite$/i.test(n))])];
  const rank = (n: string): number => ORDER.indexOf(modelVersion(n).kind);
  const family = models.filter((n) => modelVersion(n).stem === own).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const rest = models.filter((n) => modelVersion(n).stem !== own).sort();
  return [...family.map((name) => ({ name, sibling: true })), ...rest.map((name) => ({ name, sibling: false }))];
}
