/**
 * Evaluates an arena size expression: integer literals, `* / + - << >> ( )`, casts such as
 * `(size_t)` skipped, and named constants looked up through `lookup`. What it cannot evaluate it
 * reports with the reason; it never guesses a value.
 */
import { integerLiteral, type Token } from './lexer';

export type SizeValue = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

/** Finds a constant's expression tokens by name; undefined when unknown, a string saying why it cannot be used. */
export type ConstantLookup = (name: string) => readonly Token[] | string | undefined;

/** How deep constants may refer to constants (guards against macro chains and cycles). */
const MAX_DEPTH = 32;

const TYPE_WORDS = new Set(['size_t', 'int', 'unsigned', 'long', 'uint32_t', 'int32_t', 'uint64_t', 'int64_t', 'uint16_t', 'std', 'const']);

class Unevaluable extends Error {}

export function evaluateSize(tokens: readonly Token[], lookup: ConstantLookup, depth = 0): SizeValue {
  try {
    return { ok: true, value: new Parser(tokens, lookup, depth).parseAll() };
  } catch (e) {
    if (e instanceof Unevaluable) return { ok: false, reason: e.message };
    throw e;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly lookup: ConstantLookup,
    private readonly depth: number,
  ) {}

  parseAll(): number {
    if (this.tokens.length === 0) throw new Unevaluable('empty expression');
    const v = this.shift();
    if (this.i < this.tokens.length) throw new Unevaluable(`cannot evaluate "${this.tokens[this.i]!.text}"`);
    if (!Number.isSafeInteger(v)) throw new Unevaluable('value out of range');
    return v;
  }

  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }

  private shift(): number {
    let v = this.additive();
    for (let op = this.peek(); op === '<<' || op === '>>'; op = this.peek()) {
      this.i++;
      const r = this.additive();
      v = op === '<<' ? v * 2 ** r : Math.floor(v / 2 ** r);
    }
    return v;
  }

  private additive(): number {
    let v = this.term();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.i++;
      const r = this.term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }

  private term(): number {
    let v = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '%'; op = this.peek()) {
      this.i++;
      const r = this.unary();
      if (op !== '*' && r === 0) throw new Unevaluable('division by zero');
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  }

  private unary(): number {
    const t = this.tokens[this.i];
    if (!t) throw new Unevaluable('incomplete expression');
    if (t.text === '-' || t.text === '+') {
      this.i++;
      const v = this.unary();
      return t.text === '-' ? -v : v;
    }
    if (t.text === '(') {
      // A cast such as `(size_t)` is skipped: it does not change a size.
      let j = this.i + 1;
      while (j < this.tokens.length && (TYPE_WORDS.has(this.tokens[j]!.text) || this.tokens[j]!.text === '::')) j++;
      if (j > this.i + 1 && this.tokens[j]?.text === ')') {
        this.i = j + 1;
        return this.unary();
      }
      this.i++;
      const v = this.shift();
      if (this.peek() !== ')') throw new Unevaluable('unbalanced parentheses');
      this.i++;
      return v;
    }
    this.i++;
    if (t.kind === 'number') {
      const v = integerLiteral(t.text);
      if (v === undefined) throw new Unevaluable(`"${t.text}" is not an integer`);
      return v;
    }
    if (t.kind === 'ident') {
      if (this.depth >= MAX_DEPTH) throw new Unevaluable(`constants nested deeper than ${MAX_DEPTH}`);
      const def = this.lookup(t.text);
      if (typeof def === 'string') throw new Unevaluable(def);
      if (!def) throw new Unevaluable(`"${t.text}" is not a constant in this file or the headers it includes`);
      const v = evaluateSize(def, this.lookup, this.depth + 1);
      if (!v.ok) throw new Unevaluable(v.reason);
      return v.value;
    }
    throw new Unevaluable(`cannot evaluate "${t.text}"`);
  }
}
