/**
 * The `#if / #ifdef / #ifndef / #elif / #else / #endif` state of a file as the scanner walks it:
 * which code is compiled (`live`), and under which conditions the sources cannot settle
 * (`guard`). A branch known false is dead; a branch whose condition is unknown is live with the
 * assumption recorded, and so are the branches after it (with its negation), so every branch
 * that may be compiled counts and none is guessed. Nesting and `#elif` chains are capped: a
 * hostile file costs bounded time and memory.
 */
import { evaluateCondition, type MacroLookup } from './condExpr';
import type { Assumption, Guard } from './guard';
import { tokenize, type Token } from './lexer';

/** `#if` groups nested deeper than this are not tracked (a note says so): their code all counts. */
export const MAX_CONDITIONAL_DEPTH = 64;
/** Unknown branches of one `#if … #elif …` chain remembered; later ones count without a guard. */
const MAX_CHAIN = 16;
/** Tokens of a condition read; a longer condition is unknown. */
const MAX_CONDITION_TOKENS = 257;

interface Frame {
  readonly parentLive: boolean;
  /** A branch so far is taken whenever the unknown ones before it are not: later ones are dead. */
  taken: boolean;
  /** The unknown conditions of the branches so far, negated: what a later branch assumes. */
  prior: Assumption[];
  live: boolean;
  /** What this branch assumes (prior negations and its own condition). */
  own: Assumption[];
  /** This branch's own unknown condition, if any. */
  test: Assumption | undefined;
  /** `#ifndef X` with nothing after it yet: a `#define X` now makes it an include guard. */
  includeGuard: string | undefined;
}

type Verdict = { readonly known: true; readonly value: boolean } | { readonly known: false; readonly test: Assumption };

export class Conditionals {
  private readonly frames: Frame[] = [];
  private overflow = 0;
  private current: Guard = [];
  private chainNoted = false;
  readonly notes: string[] = [];

  constructor(
    private readonly path: string,
    private readonly macros: MacroLookup,
  ) {}

  /** Whether the code at this point may be compiled (a field: the scanner reads it per token). */
  live = true;
  /** An `#ifndef` waits for its `#define`: the next token must call touch(). */
  watching = false;

  /** The unknown conditions the code at this point is compiled under. */
  get guard(): Guard {
    return this.current;
  }

  /** Any token that is not a conditional directive: the include-guard window closes. */
  touch(): void {
    const top = this.frames[this.frames.length - 1];
    if (top) top.includeGuard = undefined;
    this.watching = false;
  }

  /** `#define name` was read in live code: `#ifndef name` + `#define name` is an include guard, always taken. */
  defined(name: string): void {
    const top = this.frames[this.frames.length - 1];
    if (top?.includeGuard === name && top.test) {
      top.own = top.own.filter((a) => a !== top.test);
      top.test = undefined;
      top.taken = true;
      this.refresh();
    }
    this.touch();
  }

  /** Handles a conditional directive (the text after `#`); false for any other directive. */
  directive(text: string): boolean {
    const m = /^(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b\s*(.*)$/.exec(text);
    if (!m) return false;
    const word = m[1]!;
    const rest = m[2]!;
    if (word === 'endif') {
      if (this.overflow > 0) this.overflow--;
      else if (this.frames.pop()) this.refresh();
      return true;
    }
    if (word.startsWith('if')) {
      if (this.frames.length >= MAX_CONDITIONAL_DEPTH) {
        if (this.overflow++ === 0) this.notes.push(`${this.path}: #if nested deeper than ${MAX_CONDITIONAL_DEPTH}: the inner branches all count`);
        return true;
      }
      const parentLive = this.live;
      const frame: Frame = { parentLive, taken: false, prior: [], live: false, own: [], test: undefined, includeGuard: undefined };
      this.frames.push(frame);
      if (parentLive) this.enter(frame, this.verdict(word, rest));
      if (word === 'ifndef' && frame.test) {
        frame.includeGuard = rest.trim().split(/\s/)[0];
        this.watching = true;
      }
      this.refresh();
      return true;
    }
    if (this.overflow > 0) return true;
    const frame = this.frames[this.frames.length - 1];
    if (!frame) return true;
    if (frame.test) {
      if (frame.prior.length < MAX_CHAIN) frame.prior.push({ test: frame.test.test, holds: !frame.test.holds });
      else if (!this.chainNoted) {
        this.chainNoted = true;
        this.notes.push(`${this.path}: an #elif chain longer than ${MAX_CHAIN}: its later branches are not kept apart from the earlier ones`);
      }
    }
    frame.test = undefined;
    frame.includeGuard = undefined;
    frame.live = false;
    frame.own = [];
    if (frame.parentLive && !frame.taken) this.enter(frame, word === 'else' ? { known: true, value: true } : this.verdict(word.slice(2), rest));
    this.refresh();
    return true;
  }

  private enter(frame: Frame, v: Verdict): void {
    if (v.known) {
      frame.live = v.value;
      frame.own = v.value ? [...frame.prior] : [];
      if (v.value) frame.taken = true;
      return;
    }
    frame.live = true;
    frame.test = v.test;
    frame.own = [...frame.prior, v.test];
  }

  private verdict(word: string, rest: string): Verdict {
    if (word === 'ifdef' || word === 'ifndef') {
      const name = /^[A-Za-z_]\w*/.exec(rest.trim())?.[0];
      if (name === undefined) return { known: false, test: { test: rest.replace(/\s+/g, ''), holds: true } };
      const state = this.macros(name);
      const holds = word === 'ifdef';
      if (state.kind === 'unknown') return { known: false, test: { test: `defined(${name})`, holds } };
      return { known: true, value: (state.kind === 'defined') === holds };
    }
    const tokens: Token[] = [];
    for (const t of tokenize(rest)) {
      if (tokens.push(t) >= MAX_CONDITION_TOKENS) break;
    }
    const value = evaluateCondition(tokens, this.macros);
    if (value !== undefined) return { known: true, value: value !== 0 };
    return { known: false, test: conditionTest(tokens) };
  }

  private refresh(): void {
    this.current = this.frames.flatMap((f) => f.own);
    this.live = this.frames[this.frames.length - 1]?.live ?? true;
  }
}

/** The condition as one string, so that `#ifdef X`, `#if defined X` and `#if !defined(X)` meet. */
function conditionTest(tokens: readonly Token[]): Assumption {
  let text = tokens
    .map((t) => t.text)
    .join(' ')
    .replace(/\bdefined\s*\(?\s*([A-Za-z_]\w*)\s*\)?/g, 'defined($1)')
    .replace(/\s*([^\w\s])\s*/g, '$1');
  let holds = true;
  while (/^!(defined\(\w+\)|\w+)$/.test(text) || /^!\((?:[^()]|\([^()]*\))*\)$/.test(text)) {
    text = text.slice(1);
    if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1);
    holds = !holds;
  }
  return { test: text, holds };
}
