/**
 * A tensor name short enough for a line of text. The TFLite converter names a fused tensor
 * after every op folded into it, joined with ';' ("model/activation/Relu;model/batch_norm…;
 * model/conv2d/Conv2D1"), which runs to hundreds of characters. The last part is the op that
 * produced the values, so it is kept; a part still longer than `max` keeps its end (where the
 * layer's own name is) behind an ellipsis. The full name stays in the JSON and in tooltips.
 */
export const SHORT_NAME_LENGTH = 40;

export function shortName(name: string, max = SHORT_NAME_LENGTH): string {
  const parts = name.split(';').filter((p) => p.length > 0);
  const last = parts.length > 0 ? parts[parts.length - 1]! : name;
  return last.length > max ? `…${last.slice(last.length - (max - 1))}` : last;
}
