/**
 * Quick fixes for the firmware checker's findings, as text edits: set an arena's size, add the
 * resolver's missing `Add…()` calls and its N, make a model array `alignas(16)` and `const`.
 * Pure: sources in, edits (file, offsets, line/character, new text) out, so an editor only
 * applies them. A fix edits what defines the value (the constant behind `tensor_arena[kSize]`,
 * the alias behind a resolver's N) and is offered only where its edit is unambiguous.
 */
import { basename, dirname, extname, join } from 'node:path';
import type { FirmwareFinding, SourceFile } from './check';
import { addOfBuiltin } from './resolverOps';
import { scanFile, type AddCall } from './scan';

export type FixKind = 'set-arena' | 'add-ops' | 'set-capacity' | 'align-model' | 'const-model';

export interface TextPosition {
  /** 0-based, as editors count. */
  readonly line: number;
  readonly character: number;
}

export interface FirmwareEdit {
  readonly file: string;
  /** Offsets into the file's text (UTF-16 code units); `start === end` inserts. */
  readonly start: number;
  readonly end: number;
  readonly from: TextPosition;
  readonly to: TextPosition;
  readonly newText: string;
}

export interface FirmwareFix {
  readonly kind: FixKind;
  /** For the title (FIRMWARE_FIX_TITLES): `{arena} {bytes}`, `{resolver} {count} {capacity}`, `{symbol}`. */
  readonly params: Readonly<Record<string, string | number>>;
  readonly edits: readonly FirmwareEdit[];
}

/** How far back from an arena or resolver a constant's definition is looked for. */
const MAX_CHAIN = 8;
/** A statement copied as the template of a new Add call is at most this long. */
const MAX_STATEMENT_CHARS = 2000;

export function positionOf(text: string, offset: number): TextPosition {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

function edit(file: SourceFile, start: number, end: number, newText: string): FirmwareEdit {
  return { file: file.path, start, end, from: positionOf(file.text, start), to: positionOf(file.text, end), newText };
}

/** Offset of the first character of 1-based `line`, or -1. */
function lineStart(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The offset just past the bracket matching the one at `open` (`[`, `(`, `<`, `{`), or -1. */
function matching(text: string, open: number, limit = MAX_STATEMENT_CHARS): number {
  const o = text[open]!;
  const c = ({ '[': ']', '(': ')', '<': '>', '{': '}' } as Record<string, string>)[o];
  if (c === undefined) return -1;
  let depth = 0;
  for (let i = open; i < text.length && i - open < limit; i++) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (ch === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl;
    } else if (ch === o) depth++;
    else if (ch === c && --depth === 0) return i + 1;
  }
  return -1;
}

interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

/** Trims a span to its non-blank text. */
function trimmed(span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(span.file.text[start]!)) start++;
  while (end > start && /\s/.test(span.file.text[end - 1]!)) end--;
  return { ...span, start, end };
}

/** The files `file` includes with `#include "…"` from its own folder. */
function includedFiles(file: SourceFile, sources: readonly SourceFile[]): SourceFile[] {
  const names = [...file.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"]+)"/gm)].map((m) => basename(m[1]!));
  return names.map((n) => sources.find((s) => s.path === join(dirname(file.path), n))).filter((s): s is SourceFile => s !== undefined);
}

/**
 * The expression that defines constant `name` as seen at `before` in `file`: the nearest
 * `#define name …` or `const… name = …;` above it in the file (an inner scope's own wins), else
 * the first in the headers it includes.
 */
function constantDefinition(name: string, file: SourceFile, before: number, sources: readonly SourceFile[]): Span | undefined {
  const n = escapeRegExp(name);
  const patterns = [
    new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${n}[ \\t]+([^\\n]*?)[ \\t]*(?://[^\\n]*|/\\*[^\\n]*)?$`, 'gmd'),
    new RegExp(`\\b(?:constexpr|const)\\b[^;{}()=]*\\b${n}\\s*=\\s*([^;{}]+);`, 'gd'),
  ];
  const find = (f: SourceFile, limit: number): Span | undefined => {
    let best: Span | undefined;
    for (const re of patterns) {
      for (const m of f.text.matchAll(re)) {
        if (m.index >= limit) break;
        const [start, end] = m.indices![1]!;
        if (!best || start > best.start) best = trimmed({ file: f, start, end });
      }
    }
    return best;
  };
  return find(file, before) ?? includedFiles(file, sources).reduce<Span | undefined>((found, h) => found ?? find(h, h.text.length), undefined);
}

/** Follows a span that is one identifier to the constant that defines it; the span that holds the value. */
function definingSpan(span: Span, sources: readonly SourceFile[]): Span | undefined {
  let at = trimmed(span);
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const text = at.file.text.slice(at.start, at.end);
    if (text.length === 0) return undefined;
    // Parentheses around a value, as in `#define SIZE (10 * 1024)`, are kept around the new value.
    if (!/^[A-Za-z_]\w*$/.test(text)) return at;
    const def = constantDefinition(text, at.file, at.start, sources);
    if (!def) return undefined;
    at = def;
  }
  return undefined;
}

/** The new text for a value span: keeps a cast-free form, `(…)` only when the old one had them. */
function replaceValue(span: Span, value: number): FirmwareEdit {
  const old = span.file.text.slice(span.start, span.end);
  const wrapped = /^\(.*\)$/s.test(old) && matching(old, 0) === old.length;
  return edit(span.file, span.start, span.end, wrapped ? `(${value})` : String(value));
}

/** Sets the arena declared as `arena[…]` at 1-based `line` of `path` to `bytes`, editing what defines its size. */
export function arenaSizeFix(sources: readonly SourceFile[], path: string, arena: string, line: number, bytes: number): FirmwareFix | undefined {
  const file = sources.find((s) => s.path === path);
  if (!file) return undefined;
  const from = lineStart(file.text, line);
  if (from < 0) return undefined;
  const m = new RegExp(`\\b${escapeRegExp(arena)}\\s*\\[`, 'g');
  m.lastIndex = from;
  const found = m.exec(file.text);
  if (!found || found.index > from + MAX_STATEMENT_CHARS) return undefined;
  const open = found.index + found[0].length - 1;
  const close = matching(file.text, open);
  if (close < 0) return undefined;
  const span = definingSpan({ file, start: open + 1, end: close - 1 }, sources);
  if (!span) return undefined;
  return { kind: 'set-arena', params: { arena, bytes }, edits: [replaceValue(span, bytes)] };
}

/** The span of N in the resolver's type: `MicroMutableOpResolver<N>` on its line, or in its `using` alias. */
function capacitySpan(file: SourceFile, line: number, sources: readonly SourceFile[]): Span | undefined {
  const start = lineStart(file.text, line);
  if (start < 0) return undefined;
  const end = file.text.indexOf('\n', start);
  const text = file.text.slice(start, end < 0 ? undefined : end);
  const direct = /MicroMutableOpResolver\s*</.exec(text);
  const templateSpan = (f: SourceFile, at: number): Span | undefined => {
    const close = matching(f.text, at);
    return close < 0 ? undefined : { file: f, start: at + 1, end: close - 1 };
  };
  if (direct) return templateSpan(file, start + direct.index + direct[0].length - 1);
  // `Alias name;`: the alias is the last type-like word before the name on its line.
  for (const word of text.match(/[A-Za-z_]\w*/g) ?? []) {
    const alias = new RegExp(`\\busing\\s+${escapeRegExp(word)}\\s*=\\s*[\\w:\\s]*MicroMutableOpResolver\\s*<`);
    for (const f of [file, ...includedFiles(file, sources)]) {
      const a = alias.exec(f.text);
      if (a) return templateSpan(f, a.index + a[0].length - 1);
    }
  }
  return undefined;
}

/** Sets N of the resolver declared at 1-based `line` of `path`. */
function capacityEdit(sources: readonly SourceFile[], file: SourceFile, line: number, capacity: number): FirmwareEdit | undefined {
  const span = capacitySpan(file, line, sources);
  const def = span && definingSpan(span, sources);
  return def ? replaceValue(def, capacity) : undefined;
}

/** The Add calls of the resolver `symbol` declared in `file`, as check.ts ties them. */
function addsOf(symbol: string, declFile: SourceFile, sources: readonly SourceFile[]): { readonly file: SourceFile; readonly call: AddCall }[] {
  // Only files that name the resolver can hold its Add calls: the model arrays are not scanned again.
  const scanned = sources.filter((s) => s === declFile || s.text.includes(symbol)).map((s) => ({ file: s, scan: scanFile(s.path, s.text) }));
  const decl = scanned.find((s) => s.file === declFile)?.scan.resolvers.find((r) => r.symbol === symbol);
  const own = scanned
    .filter((s) => s.file === declFile)
    .flatMap((s) =>
      s.scan.adds.filter((a) => (a.receiverType !== undefined ? a.receiverType === decl?.type : a.receiver === symbol)).map((call) => ({ file: s.file, call })),
    );
  if (own.length > 0) return own;
  return scanned
    .filter((s) => s.file !== declFile && s.scan.resolvers.length === 0)
    .flatMap((s) => s.scan.adds.filter((a) => a.receiver === symbol).map((call) => ({ file: s.file, call })));
}

/**
 * New Add statements after the last one: a copy of that statement (its `if (…) { … }` or
 * `TF_LITE_ENSURE_STATUS(…)` with it) with the call replaced, so that the new calls are checked
 * the way the file checks its own; a plain call when the statement cannot be copied cleanly.
 */
function addCallsEdit(file: SourceFile, last: AddCall, methods: readonly string[]): FirmwareEdit | undefined {
  const text = file.text;
  const start = lineStart(text, last.line);
  if (start < 0) return undefined;
  const call = new RegExp(`(\\.|->)\\s*${escapeRegExp(last.method)}\\s*\\(`, 'g');
  call.lastIndex = start;
  const m = call.exec(text);
  if (!m || m.index > start + MAX_STATEMENT_CHARS) return undefined;
  const callOpen = m.index + m[0].length - 1;
  const callEnd = matching(text, callOpen);
  if (callEnd < 0) return undefined;
  const head = text.slice(start, m.index);
  const indent = /^[ \t]*/.exec(head)![0];
  // The statement ends at the first `;` outside brackets, or with the block an `if` opens.
  let end = -1;
  let depth = 0;
  for (let i = callEnd; i < text.length && i - start < MAX_STATEMENT_CHARS; i++) {
    const ch = text[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ';' && depth <= 0) {
      end = i + 1;
      break;
    } else if (ch === '{' && depth <= 0) {
      end = matching(text, i);
      break;
    }
  }
  const lineEnd = text.indexOf('\n', Math.max(end, 0));
  const rest = end < 0 ? '' : text.slice(end, lineEnd < 0 ? undefined : lineEnd);
  const receiver = /([A-Za-z_]\w*)\s*$/.exec(head)?.[1];
  const copyable = end > 0 && /^[ \t]*(\/\/.*)?$/.test(rest) && !/[;{}]/.test(head) && !/\bAdd[A-Z]\w*\s*\(/.test(text.slice(callEnd, end));
  const insertAt = end < 0 ? callEnd : lineEnd < 0 ? text.length : lineEnd;
  const statements = methods.map((method) => {
    if (copyable) return `${text.slice(start, m.index)}${m[1]}${method}()${text.slice(callEnd, end)}`;
    return `${indent}${receiver ?? 'resolver'}${m[1]}${method}();`;
  });
  return edit(file, insertAt, insertAt, statements.map((s) => `\n${s}`).join(''));
}

/** The methods the resolver at (path, line) lacks, from its `op-missing` findings (those with a method). */
function missingMethods(findings: readonly FirmwareFinding[], path: string, line: number): string[] {
  const methods = findings
    .filter((f) => f.code === 'op-missing' && f.file === path && f.line === line)
    .map((f) => String(f.params.method) || (addOfBuiltin(String(f.params.op)) ?? ''))
    .filter((m) => m !== '');
  return [...new Set(methods)];
}

/**
 * For an `op-missing` finding: every missing Add of its resolver at once, and N raised to the
 * new count when it is too small. For `resolver-too-small`: N set to the number of Add calls.
 */
export function resolverFix(sources: readonly SourceFile[], finding: FirmwareFinding, findings: readonly FirmwareFinding[]): FirmwareFix | undefined {
  const file = sources.find((s) => s.path === finding.file);
  const resolver = String(finding.params.resolver ?? '');
  if (!file || resolver === '') return undefined;
  const adds = addsOf(resolver, file, sources);
  if (finding.code === 'resolver-too-small') {
    const e = capacityEdit(sources, file, finding.line, adds.length);
    return e ? { kind: 'set-capacity', params: { resolver, capacity: adds.length }, edits: [e] } : undefined;
  }
  if (finding.code !== 'op-missing') return undefined;
  const methods = missingMethods(findings, finding.file, finding.line);
  const last = adds.reduce<(typeof adds)[number] | undefined>((a, b) => (!a || (b.file === a.file && b.call.line > a.call.line) ? b : a), undefined);
  // Without an Add to follow, where a statement may go is not known (the resolver may be global).
  if (methods.length === 0 || !last) return undefined;
  const insert = addCallsEdit(last.file, last.call, methods);
  if (!insert) return undefined;
  const count = adds.length + methods.length;
  const tooSmall = findings.find((f) => f.code === 'resolver-too-small' && f.file === finding.file && f.line === finding.line);
  const capacity = tooSmall ? Number(tooSmall.params.capacity) : undefined;
  const currentN = capacity ?? capacityValue(file, finding.line, sources);
  const edits = [insert];
  if (currentN === undefined || currentN < count) {
    const n = capacityEdit(sources, file, finding.line, count);
    if (n) edits.push(n);
  }
  return { kind: 'add-ops', params: { resolver, count: methods.length, capacity: count, methods: methods.join(', ') }, edits };
}

function capacityValue(file: SourceFile, line: number, sources: readonly SourceFile[]): number | undefined {
  const span = capacitySpan(file, line, sources);
  const def = span && definingSpan(span, sources);
  if (!def) return undefined;
  const text = def.file.text.slice(def.start, def.end).replace(/^\((.*)\)$/s, '$1');
  return /^\d+[uUlL]*$/.test(text) ? Number.parseInt(text, 10) : undefined;
}

/** Where the declaration of the array `symbol` at 1-based `line` begins, and its head up to the name. */
function arrayDeclaration(file: SourceFile, symbol: string, line: number): { readonly start: number; readonly name: number } | undefined {
  const text = file.text;
  let start = lineStart(text, line);
  if (start < 0) return undefined;
  const name = new RegExp(`\\b${escapeRegExp(symbol)}\\s*\\[`, 'g');
  name.lastIndex = start;
  const m = name.exec(text);
  if (!m || m.index > start + MAX_STATEMENT_CHARS) return undefined;
  start += /^[ \t]*/.exec(text.slice(start))![0].length;
  // A declaration whose specifiers begin on the lines above (`const unsigned char\n  name[] = {`).
  for (let k = 0; k < 4; k++) {
    const prevEnd = text.lastIndexOf('\n', start - 1);
    if (prevEnd < 0) break;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const prev = text.slice(prevStart, prevEnd);
    if (!/^[ \t]*[A-Za-z_][\w\s:()<>,*&]*$/.test(prev) || /^[ \t]*#/.test(prev)) break;
    start = prevStart + /^[ \t]*/.exec(prev)![0].length;
  }
  const head = text.slice(start, m.index);
  if (/[;{}=]/.test(head)) return undefined;
  return { start, name: m.index };
}

const isC = (path: string): boolean => extname(path).toLowerCase() === '.c';

/** `alignas(16)` (C++) or `__attribute__((aligned(16)))` (C) before the model array's declaration. */
export function alignFix(sources: readonly SourceFile[], path: string, symbol: string, line: number): FirmwareFix | undefined {
  const file = sources.find((s) => s.path === path);
  const decl = file && arrayDeclaration(file, symbol, line);
  if (!file || !decl) return undefined;
  const attribute = isC(path) ? '__attribute__((aligned(16))) ' : 'alignas(16) ';
  return { kind: 'align-model', params: { symbol }, edits: [edit(file, decl.start, decl.start, attribute)] };
}

const BYTE_TYPE = /\b(?:unsigned|signed|char|uint8_t|int8_t|byte|UINT8|u8)\b/;

/**
 * `const` on the model array, and on the `extern` declarations of it elsewhere (they must agree).
 * In C++ a namespace-scope `const` has internal linkage: when no `extern` declaration is in
 * sight of the definition, the fix writes `extern const` so that other files still link to it.
 */
export function constFix(sources: readonly SourceFile[], path: string, symbol: string, line: number): FirmwareFix | undefined {
  const file = sources.find((s) => s.path === path);
  const decl = file && arrayDeclaration(file, symbol, line);
  if (!file || !decl) return undefined;
  const head = file.text.slice(decl.start, decl.name);
  const type = BYTE_TYPE.exec(head);
  if (!type) return undefined;
  const externOf = (): RegExp => new RegExp(`\\bextern\\b[^;{}=]*?\\b${escapeRegExp(symbol)}\\s*\\[`, 'g');
  const declarations = sources.flatMap((s) =>
    [...s.text.matchAll(externOf())]
      .filter((m) => !/\bconst\b/.test(m[0]))
      .flatMap((m) => {
        const t = BYTE_TYPE.exec(m[0]);
        return t ? [{ file: s, at: m.index + t.index }] : [];
      }),
  );
  const visible = [file, ...includedFiles(file, sources)].some((f) => externOf().test(f.text));
  const needsExtern = !isC(path) && !visible && !/\b(?:static|extern)\b/.test(head) && !isInsideBraces(file.text, decl.start);
  const edits = [edit(file, decl.start + type.index, decl.start + type.index, needsExtern ? 'extern const ' : 'const ')];
  for (const d of declarations) edits.push(edit(d.file, d.at, d.at, 'const '));
  return { kind: 'const-model', params: { symbol }, edits };
}

/** Whether `offset` is inside a `{…}` block (a function), counting braces outside comments and strings. */
function isInsideBraces(text: string, offset: number): boolean {
  let depth = 0;
  for (let i = 0; i < offset; i++) {
    const ch = text[i]!;
    if (ch === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? offset : nl;
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? offset : close + 1;
    } else if (ch === '"' || ch === "'") {
      const close = text.indexOf(ch, i + 1);
      i = close < 0 ? offset : close;
    } else if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

/**
 * Every fix for one finding. `arenaBytes` is what the arena should hold (the export's size:
 * planned + persistent + margin); the other fixes need only the sources and the findings.
 */
export function firmwareFixes(
  finding: FirmwareFinding,
  findings: readonly FirmwareFinding[],
  sources: readonly SourceFile[],
  arenaBytes?: number,
): FirmwareFix[] {
  const fix = ((): FirmwareFix | undefined => {
    switch (finding.code) {
      case 'arena-too-small':
      case 'arena-oversized':
        return arenaBytes === undefined ? undefined : arenaSizeFix(sources, finding.file, String(finding.params.arena), finding.line, arenaBytes);
      case 'op-missing':
      case 'resolver-too-small':
        return resolverFix(sources, finding, findings);
      case 'model-unaligned':
        return alignFix(sources, finding.file, String(finding.params.symbol), finding.line);
      case 'model-not-const':
        return constFix(sources, finding.file, String(finding.params.symbol), finding.line);
      default:
        return undefined;
    }
  })();
  return fix ? [fix] : [];
}
