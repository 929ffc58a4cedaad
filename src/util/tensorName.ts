/**
 * Converter tensor names are often several names joined by ";" and hundreds of characters long
 * ("model/conv2d/Conv2D;model/conv2d/BiasAdd;…"). The panel shows a short form and keeps the
 * full name for a tooltip; the layer view's hover lists the short forms, so it fits on screen.
 */
const MAX = 40;

/** The first of ";"-joined names, its tail kept when still too long; "…" marks what was cut. */
export function shortTensorName(name: string): string {
  const parts = name.split(';');
  const first = parts[0] ?? '';
  const more = parts.length > 1 ? '…' : '';
  if (first.length + more.length <= MAX) return `${first}${more}`;
  return `…${first.slice(first.length - (MAX - 1))}`;
}
