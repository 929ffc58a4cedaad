/**
 * A tensor name short enough for a line of text. The TFLite converter names a fused tensor
 * after the ops folded into it, joined with ';' ("model/activation/Relu;model/batch_normalization/
 * FusedBatchNormV3;…;model/conv2d/Conv2D"), which runs to hundreds of characters. The first part
 * names the layer's output (on the corpus it is the activation or the op itself; later parts are
 * inputs folded in, down to "…/ReadVariableOp/resource"), so it is kept and a trailing "…" says
 * that more was cut. A part still longer than `max` keeps its end, where the layer's own name is.
 * The full name stays in the JSON and in tooltips.
 */
export const SHORT_NAME_LENGTH = 40;

export function shortName(name: string, max = SHORT_NAME_LENGTH): string {
  const parts = name.split(';');
  const first = parts[0] ?? '';
  const more = parts.length > 1 ? '…' : '';
  if (first.length + more.length <= max) return `${first}${more}`;
  return `…${first.slice(first.length - (max - 1))}`;
}
