/**
 * Bytes as the body of a C array initializer: hex literals, twelve to a line, the layout TFLM's
 * own generator writes. No `xxd -i` pitfalls: the caller names the array, adds `alignas(16)`
 * and `const`, and the length is a separate constant the compiler cannot disagree with.
 */
const PER_LINE = 12;

export function cArrayBody(bytes: Uint8Array, indent = '    '): string {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += PER_LINE) {
    const row: string[] = [];
    for (let k = start; k < Math.min(start + PER_LINE, bytes.length); k++) row.push(`0x${bytes[k]!.toString(16).padStart(2, '0')}`);
    lines.push(`${indent}${row.join(', ')},`);
  }
  return lines.join('\n');
}

/** C++ keywords and reserved names a symbol may not take. */
const RESERVED: ReadonlySet<string> = new Set(
  (
    'alignas alignof and asm auto bool break case catch char class const constexpr continue decltype default delete do double else enum explicit ' +
    'export extern false float for friend goto if inline int long mutable namespace new noexcept not nullptr operator or private protected public ' +
    'register return short signed sizeof static struct switch template this throw true try typedef typename union unsigned using virtual void ' +
    'volatile while'
  ).split(' '),
);

/** Why `name` cannot be a C/C++ symbol, or undefined when it can. */
export function symbolProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${name}" is not a C identifier (letters, digits and _, not starting with a digit)`;
  if (RESERVED.has(name)) return `"${name}" is a C++ keyword`;
  // Reserved for the implementation by the C and C++ standards.
  if (/^_[A-Z_]|__/.test(name)) return `"${name}" is reserved for the compiler (leading _ + capital, or __)`;
  if (name.length > 64) return `"${name}" is longer than 64 characters`;
  return undefined;
}

/** A symbol made from a file name: `hello-world.v2` → `hello_world_v2`, `1x` → `model_1x`. */
export function symbolFromFileName(base: string): string {
  const s = base
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/__+/g, '_')
    .slice(0, 48);
  if (s === '') return 'model';
  return /^[0-9]/.test(s) || RESERVED.has(s) ? `model_${s}` : s;
}

/** `hello_world_int8` → `HelloWorldInt8`, for constants and type names (kHelloWorldInt8TensorArenaSize). */
export function pascalCase(symbol: string): string {
  return symbol
    .split('_')
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
