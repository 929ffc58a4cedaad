/**
 * Evaluates a preprocessor condition (`#if`, `#elif`) the way the compiler would, as far as the
 * sources allow: integer literals, `defined(X)`, `! ~ - +`, `* / % + - << >>`, comparisons,
 * `& ^ |`, `&& ||` and `?:`, with macros expanded through `lookup`. A macro the sources do not
 * settle (set by the build with -D, or defined under a condition that is itself unknown) makes the
 * result unknown (`undefined`), and so does anything this evaluator does not understand; `0 && x`
 * and `1 || x` stay known, as they are whatever x is. It never guesses.
 */
import { integerLiteral, type Token } from './lexer';

/** What the sources say about a macro at this point of the file. */
export type MacroState =
  | { readonly kind: 'defined'; readonly tokens: readonly Token[] | undefined }
  | { readonly kind: 'undefined' }
  | { readonly kind: 'unknown' };

export type MacroLookup = (name: string) => MacroState;

/** Longer conditions are not evaluated (a hostile line), nor deeper nesting or macro chains. */
const MAX_TOKENS = 256;
const MAX_DEPTH = 32;

class Unknown extends Error {}

/** The condition's value (0 is false), or undefined when the sources cannot settle it. */
export function evaluateCondition(tokens: readonly Token[], lookup: MacroLookup, depth = 0): number | undefined {
  if (tokens.length === 0 || tokens.length > MAX_TOKENS || depth > MAX_DEPTH) return undefined;
  try {
    const parser = new Parser(tokens, lookup, depth);
    const v = parser.conditional(0);
    return parser.done() && v !== null ? v : undefined;
  } catch (e) {
    if (e instanceof Unknown) return undefined;
    throw e;
  }
}

/** null: unknown. */
type Value = number | null;

const BINARY: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly lookup: MacroLookup,
    private readonly depth: number,
  ) {}

  done(): boolean {
    return this.i === this.tokens.length;
  }

  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }

  private expect(text: string): void {
    if (this.peek() !== text) throw new Unknown();
    this.i++;
  }

  conditional(nesting: number): Value {
    if (nesting > MAX_DEPTH) throw new Unknown();
    const c = this.binary(0, nesting);
    if (this.peek() !== '?') return c;
    this.i++;
    const a = this.conditional(nesting + 1);
    this.expect(':');
    const b = this.conditional(nesting + 1);
    if (c === null) return a !== null && a === b ? a : null;
    return c !== 0 ? a : b;
  }

  private binary(level: number, nesting: number): Value {
    const ops = BINARY[level];
    if (!ops) return this.unary(nesting);
    let v = this.binary(level + 1, nesting);
    for (let op = this.peek(); op !== undefined && ops.includes(op); op = this.peek()) {
      this.i++;
      const r = this.binary(level + 1, nesting);
      v = apply(op, v, r);
    }
    return v;
  }

  private unary(nesting: number): Value {
    const t = this.tokens[this.i];
    if (!t) throw new Unknown();
    if (t.text === '!' || t.text === '-' || t.text === '+' || t.text === '~') {
      if (nesting > MAX_DEPTH) throw new Unknown();
      this.i++;
      const v = this.unary(nesting + 1);
      if (v === null) return null;
      return t.text === '!' ? Number(v === 0) : t.text === '-' ? -v : t.text === '~' ? ~v : v;
    }
    if (t.text === '(') {
      this.i++;
      const v = this.conditional(nesting + 1);
      this.expect(')');
      return v;
    }
    this.i++;
    if (t.kind === 'number') {
      const v = integerLiteral(t.text);
      if (v === undefined) throw new Unknown();
      return v;
    }
    if (t.kind !== 'ident') throw new Unknown();
    if (t.text === 'defined') {
      const paren = this.peek() === '(';
      if (paren) this.i++;
      const name = this.tokens[this.i];
      if (name?.kind !== 'ident') throw new Unknown();
      this.i++;
      if (paren) this.expect(')');
      const state = this.lookup(name.text);
      return state.kind === 'unknown' ? null : Number(state.kind === 'defined');
    }
    if (t.text === 'true' || t.text === 'false') return Number(t.text === 'true');
    // A function-like macro or an operator such as __has_include: not evaluated.
    if (this.peek() === '(') throw new Unknown();
    const state = this.lookup(t.text);
    if (state.kind === 'undefined') return 0;
    if (state.kind === 'unknown' || state.tokens === undefined) return null;
    const v = evaluateCondition(state.tokens, this.lookup, this.depth + 1);
    return v ?? null;
  }
}

function apply(op: string, a: Value, b: Value): Value {
  if (op === '&&') return a === 0 || b === 0 ? 0 : a === null || b === null ? null : 1;
  if (op === '||') return (a !== null && a !== 0) || (b !== null && b !== 0) ? 1 : a === null || b === null ? null : 0;
  if (a === null || b === null) return null;
  switch (op) {
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&':
      return a & b;
    case '==':
      return Number(a === b);
    case '!=':
      return Number(a !== b);
    case '<':
      return Number(a < b);
    case '>':
      return Number(a > b);
    case '<=':
      return Number(a <= b);
    case '>=':
      return Number(a >= b);
    case '<<':
      return a * 2 ** b;
    case '>>':
      return Math.floor(a / 2 ** b);
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      if (b === 0) throw new Unknown();
      return op === '/' ? Math.trunc(a / b) : a % b;
  }
}
