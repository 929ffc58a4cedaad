/**
 * Which preprocessor branches a declaration sits in, when the sources cannot tell whether they
 * are compiled: the checker pairs declarations only when their guards can hold in one build.
 */
import type { Token } from './lexer';

/**
 * A preprocessor condition the sources cannot settle, and which way a declaration assumes it:
 * `{ test: 'defined(ETHOS_U)', holds: false }` for the `#else` of `#ifdef ETHOS_U`.
 */
export interface Assumption {
  /** The condition as written, spaces removed; `#ifdef X` and `#ifndef X` read `defined(X)`. */
  readonly test: string;
  readonly holds: boolean;
}

/** The assumptions a declaration is under (empty: it counts whatever the build defines). */
export type Guard = readonly Assumption[];

/** Whether two guards can hold in one build (no condition assumed both ways). */
export function compatible(a: Guard, b: Guard): boolean {
  return a.every((x) => b.every((y) => x.test !== y.test || x.holds === y.holds));
}

/** Whether every assumption of `g` is made by `by` too: code under `by` always has `g`. */
export function implied(g: Guard, by: Guard): boolean {
  return g.every((a) => by.some((b) => b.test === a.test && b.holds === a.holds));
}

/** Conditions enumerated at most by coversEveryBuild (2^12 builds); more are taken as covered. */
const MAX_ENUMERATED = 12;

/**
 * Whether in every build `within` allows, at least one of `guards` holds (`#ifdef X` … `#else`
 * …: every build). Exact, by enumerating the conditions involved; with more than a dozen it says
 * yes, so that nothing is reported missing on a guess.
 */
export function coversEveryBuild(guards: readonly Guard[], within: Guard): boolean {
  const tests = [...new Set(guards.flatMap((g) => g.map((a) => a.test)))].filter((t) => !within.some((w) => w.test === t));
  if (tests.length > MAX_ENUMERATED) return true;
  for (let bits = 0; bits < 2 ** tests.length; bits++) {
    const build: Assumption[] = [...within, ...tests.map((test, k) => ({ test, holds: ((bits >> k) & 1) === 1 }))];
    if (!guards.some((g) => implied(g, build))) return false;
  }
  return true;
}

/**
 * The most of `guards` that hold together in one build `within` allows: how many Add calls a
 * resolver sees at most when some sit in #if branches. With more than a dozen conditions, all.
 */
export function mostInOneBuild(guards: readonly Guard[], within: Guard): number {
  const tests = [...new Set(guards.flatMap((g) => g.map((a) => a.test)))].filter((t) => !within.some((w) => w.test === t));
  if (tests.length === 0) return guards.filter((g) => compatible(g, within)).length;
  if (tests.length > MAX_ENUMERATED) return guards.length;
  let most = 0;
  for (let bits = 0; bits < 2 ** tests.length; bits++) {
    const build: Assumption[] = [...within, ...tests.map((test, k) => ({ test, holds: ((bits >> k) & 1) === 1 }))];
    most = Math.max(most, guards.filter((g) => implied(g, build)).length);
  }
  return most;
}

/** The build where `g` does not hold, as people read it. */
export function negatedGuardText(g: Guard): string {
  const only = g[0];
  return g.length === 1 && only ? guardText([{ test: only.test, holds: !only.holds }]) : `!(${guardText(g)})`;
}

/** The two guards joined (assumed compatible). */
export function joinGuards(a: Guard, b: Guard): Guard {
  return [...a, ...b.filter((y) => !a.some((x) => x.test === y.test))];
}

/** A guard as people read it: `!defined(ETHOS_U) && MODE==2`. */
export function guardText(g: Guard): string {
  return g.map((a) => (a.holds ? a.test : `!${/^[\w]+$|^defined\(\w+\)$/.test(a.test) ? a.test : `(${a.test})`}`)).join(' && ');
}

/** One definition of a name: `#define` (object-like or function-like), `#undef`, or a C++ constant. */
export interface ConstantDef {
  readonly kind: 'macro' | 'undef' | 'constant';
  /** The value's tokens; undefined for `#undef` and function-like macros. */
  readonly tokens: readonly Token[] | undefined;
  readonly guard: Guard;
  readonly line: number;
}

/** Definitions of names the file's included headers hold, for its `#if` conditions. */
export type HeaderDefines = (name: string) => readonly ConstantDef[] | undefined;
