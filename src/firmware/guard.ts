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
