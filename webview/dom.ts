/** A tiny element factory for the panel. */
type Props = Record<string, string | number | boolean>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Props, ...children: (Node | string)[]): HTMLElement;
export function el(tag: string, props: Props = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'className') node.className = String(value);
    else if (key === 'htmlFor') node.setAttribute('for', String(value));
    // The panel's CSP blocks style attributes; styles set through the CSSOM are allowed.
    else if (key === 'style') node.style.cssText = String(value);
    else node.setAttribute(key, String(value));
  }
  node.append(...children.filter((c) => c !== ''));
  return node;
}
