/**
 * What a firmware source says about its model, found without a compiler: byte-literal arrays,
 * `tflite::GetModel(sym)`, arena buffers and their size expressions, `MicroMutableOpResolver<N>`
 * declarations (also through `using` aliases) with their `Add…()` calls, and the
 * `MicroInterpreter` constructions that tie them together. One pass over the tokens; only the
 * current statement (capped) and the bytes of byte arrays are kept, so memory stays bounded.
 * Preprocessor conditionals (conditionals.ts): code in a branch known false is skipped, and each
 * declaration carries the guard of the unsettled branches it sits in (guard.ts).
 */
import { basename, dirname, join } from 'node:path';
import { Conditionals } from './conditionals';
import type { MacroState } from './condExpr';
import { compatible, guardText, implied, joinGuards, type ConstantDef, type Guard, type HeaderDefines } from './guard';
import { tokenize, integerLiteral, type Token } from './lexer';
import { evaluateSize, type ConstantLookup, type SizeValue } from './sizeExpr';

/** Files larger than this are not scanned (the note says so): no firmware source is this big. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** A scan stops after this many tokens of one file (the note says so). */
export const MAX_TOKENS = 40_000_000;
/** Tokens of one statement kept for matching; a longer statement is matched on its start only. */
const MAX_STATEMENT_TOKENS = 512;

export interface ByteArray {
  readonly symbol: string;
  readonly line: number;
  readonly bytes: Uint8Array;
  readonly aligned: boolean;
  readonly isConst: boolean;
  readonly guard: Guard;
}

export interface GetModelCall {
  readonly symbol: string;
  readonly line: number;
  readonly guard: Guard;
}

export interface ArenaDecl {
  readonly symbol: string;
  readonly line: number;
  readonly sizeTokens: readonly Token[];
  readonly guard: Guard;
}

export interface ResolverDecl {
  readonly symbol: string;
  readonly line: number;
  /** N as written; evaluated later (it may name a constant). */
  readonly capacityTokens: readonly Token[];
  /** The type as written: an alias name or `MicroMutableOpResolver<…>`. */
  readonly type: string;
  readonly guard: Guard;
}

export interface AddCall {
  readonly receiver: string;
  /** The receiver's resolver type when the file declares it (a variable or a `Type&` parameter). */
  readonly receiverType: string | undefined;
  /** Every resolver type the receiver may have in this build (declarations in #if branches). */
  readonly receiverTypes: readonly string[];
  readonly method: string;
  readonly line: number;
  /** The result is neither tested, assigned, returned nor passed on. */
  readonly unchecked: boolean;
  /** Joined to another status with `&&`, which stops after the first success (kTfLiteOk is 0). */
  readonly chained: boolean;
  readonly guard: Guard;
}

export interface InterpreterDecl {
  readonly line: number;
  /** The model array's symbol, through `model = GetModel(sym)` when a variable is passed. */
  readonly model: string | undefined;
  /** Index into the file's `resolvers` of the resolver passed (the latest declared by that name). */
  readonly resolver: number | undefined;
  /** Index into the file's `arenas` of the buffer passed (the latest declared by that name). */
  readonly arena: number | undefined;
  readonly guard: Guard;
  /**
   * The build this interpreter runs in: its own guard joined with that of the `GetModel` it gets
   * its model from (the latest compatible one when a variable is assigned in several branches).
   */
  readonly config: Guard;
  /** Indexes into `arenas` / `resolvers` of every declaration by the passed name that `config` allows. */
  readonly arenas: readonly number[];
  readonly resolvers: readonly number[];
}

export interface ScannedFile {
  readonly path: string;
  readonly arrays: readonly ByteArray[];
  readonly getModels: readonly GetModelCall[];
  readonly arenas: readonly ArenaDecl[];
  readonly resolvers: readonly ResolverDecl[];
  readonly adds: readonly AddCall[];
  readonly interpreters: readonly InterpreterDecl[];
  readonly constants: ReadonlyMap<string, readonly Token[]>;
  /** Every definition of each name outside branches known false, in order, with its guard. */
  readonly defines: ReadonlyMap<string, readonly ConstantDef[]>;
  /** Basenames of the `#include "…"` headers. */
  readonly includes: readonly string[];
  /** What the scan left out (a cap reached), in English. */
  readonly notes: readonly string[];
}

const BYTE_TYPES = new Set(['char', 'uint8_t', 'int8_t', 'byte', 'UINT8', 'u8']);
export { compatible, guardText, joinGuards, type Assumption, type ConstantDef, type Guard, type HeaderDefines } from './guard';

const STATEMENT_START = new Set([';', '{', '}', ')', ':']);

interface Pending {
  readonly receiver: string;
  readonly receiverType: string | undefined;
  readonly receiverTypes: readonly string[];
  readonly method: string;
  readonly line: number;
  readonly depth: number;
  readonly statementStart: boolean;
  readonly afterAnd: boolean;
  readonly guard: Guard;
}

/** `model = GetModel(sym)` under a guard: a variable may be assigned in several branches. */
interface ModelBinding {
  readonly symbol: string;
  readonly guard: Guard;
}

/** The receiver's types this build may see: the latest, and every one an #if branch allows. */
function receiverTypes(
  types: readonly { readonly type: string; readonly guard: Guard }[] | undefined,
  guard: Guard,
): { readonly receiverType: string | undefined; readonly receiverTypes: readonly string[] } {
  const allowed = (types ?? []).filter((x) => compatible(x.guard, guard)).map((x) => x.type);
  return { receiverType: allowed.at(-1) ?? types?.at(-1)?.type, receiverTypes: allowed };
}

/**
 * What a macro is at this point, for `#if`: the latest `#define`/`#undef` this build may see
 * decides when its guard is implied by the current one; a name the sources never define (set by
 * the build, or a compiler's own macro) is unknown, not undefined.
 */
function macroState(name: string, defines: ReadonlyMap<string, readonly ConstantDef[]>, current: Guard, headers: HeaderDefines | undefined): MacroState {
  const here = defines.get(name) ?? [];
  for (let k = here.length - 1; k >= 0; k--) {
    const d = here[k]!;
    if (d.kind === 'constant' || !compatible(d.guard, current)) continue;
    if (!implied(d.guard, current)) return { kind: 'unknown' };
    return d.kind === 'undef' ? { kind: 'undefined' } : { kind: 'defined', tokens: d.tokens };
  }
  const last = headers?.(name)
    ?.filter((d) => d.kind !== 'constant')
    .at(-1);
  if (last && last.guard.length === 0) return last.kind === 'undef' ? { kind: 'undefined' } : { kind: 'defined', tokens: last.tokens };
  return { kind: 'unknown' };
}

/** Scans one file's text. Linear in its length; never throws on odd or broken code. */
export function scanFile(path: string, text: string, headerDefines?: HeaderDefines): ScannedFile {
  const arrays: ByteArray[] = [];
  const getModels: GetModelCall[] = [];
  const arenas: ArenaDecl[] = [];
  const resolvers: ResolverDecl[] = [];
  const adds: AddCall[] = [];
  const interpreters: InterpreterDecl[] = [];
  const constants = new Map<string, readonly Token[]>();
  const defines = new Map<string, ConstantDef[]>();
  const includes: string[] = [];
  const notes: string[] = [];
  const aliases = new Map<string, readonly Token[]>();
  const modelOfVariable = new Map<string, ModelBinding[]>();
  const conditionals: Conditionals = new Conditionals(path, (name) => macroState(name, defines, conditionals.guard, headerDefines));
  /** Variable or parameter name → its resolver types with their guards; a later declaration replaces those it shadows in every build. */
  const typeOf = new Map<string, { readonly type: string; readonly guard: Guard }[]>();

  let stmt: Token[] = [];
  const recent: (Token | undefined)[] = [undefined, undefined, undefined, undefined];
  let parenDepth = 0;
  const pending: Pending[] = [];
  let closed: Pending | undefined;
  let count = 0;
  const tokens = tokenize(text);

  const finishAdd = (p: Pending, next: Token | undefined): void => {
    const nextText = next?.text;
    const chained = nextText === '&&' || (p.afterAnd && nextText !== '==' && nextText !== '!=');
    adds.push({
      receiver: p.receiver,
      receiverType: p.receiverType,
      receiverTypes: p.receiverTypes,
      method: p.method,
      line: p.line,
      unchecked: p.statementStart && nextText === ';',
      chained,
      guard: p.guard,
    });
  };

  for (let step = tokens.next(); !step.done; step = tokens.next()) {
    const t = step.value;
    if (++count > MAX_TOKENS) {
      notes.push(`${path}: scanned only the first ${MAX_TOKENS} tokens`);
      break;
    }
    if (closed) {
      finishAdd(closed, t);
      closed = undefined;
    }
    if (t.kind === 'directive') {
      if (!conditionals.directive(t.text) && conditionals.live) directive(t, constants, defines, includes, conditionals);
      continue;
    }
    if (!conditionals.live) continue;
    if (conditionals.watching) conditionals.touch();
    if (t.text === '{' && recent[0]?.text === '=' && stmt.some((s) => s.text === '[')) {
      const array = readByteArray(stmt, tokens, conditionals);
      if (array.kind === 'array') arrays.push(array.array);
      else if (array.kind === 'eof') break;
      stmt = [];
      pushRecent(recent, { kind: 'punct', text: '}', line: t.line });
      continue;
    }
    if (t.text === '(') {
      parenDepth++;
      const [method, dot, receiver, before] = recent;
      if (method?.kind === 'ident' && /^Add[A-Z]\w*$/.test(method.text) && (dot?.text === '.' || dot?.text === '->') && receiver?.kind === 'ident') {
        pending.push({
          receiver: receiver.text,
          ...receiverTypes(typeOf.get(receiver.text), conditionals.guard),
          method: method.text,
          line: method.line,
          depth: parenDepth - 1,
          statementStart: before === undefined || STATEMENT_START.has(before.text),
          afterAnd: before?.text === '&&',
          guard: conditionals.guard,
        });
      }
    } else if (t.text === ')') {
      parenDepth = Math.max(0, parenDepth - 1);
      const top = pending[pending.length - 1];
      if (top && top.depth === parenDepth) closed = pending.pop();
    }
    if (t.text === ';') {
      statement(stmt, conditionals.guard, { arenas, resolvers, interpreters, constants, defines, aliases, modelOfVariable, getModels });
      stmt = [];
      parenDepth = 0;
      pending.length = 0;
    } else if (t.text === '{' || t.text === '}') {
      stmt = [];
    } else if (stmt.length < MAX_STATEMENT_TOKENS) {
      if (t.kind === 'ident') {
        const type =
          resolverTypeEndingAt(stmt, stmt.length - 1, aliases) ??
          (/^[&*]$/.test(stmt[stmt.length - 1]?.text ?? '') ? resolverTypeEndingAt(stmt, stmt.length - 2, aliases) : undefined);
        if (type !== undefined) {
          const types = (typeOf.get(t.text) ?? []).filter((x) => !implied(x.guard, conditionals.guard));
          if (types.length < MAX_DEFINITIONS) types.push({ type, guard: conditionals.guard });
          typeOf.set(t.text, types);
        }
      }
      stmt.push(t);
    }
    pushRecent(recent, t);
  }
  if (closed) finishAdd(closed, undefined);
  notes.push(...conditionals.notes);
  return { path, arrays, getModels, arenas, resolvers, adds, interpreters, constants, defines, includes, notes };
}

/** The resolver type whose last token is `stmt[end]`: an alias, or `MicroMutableOpResolver<…>`. */
function resolverTypeEndingAt(stmt: readonly Token[], end: number, aliases: ReadonlyMap<string, readonly Token[]>): string | undefined {
  const last = stmt[end];
  if (!last) return undefined;
  if (last.kind === 'ident' && aliases.has(last.text) && stmt[end - 1]?.text !== '.' && stmt[end - 1]?.text !== '->') return last.text;
  if (last.text !== '>') return undefined;
  let depth = 0;
  for (let j = end; j > 0 && end - j < 64; j--) {
    const s = stmt[j]!.text;
    if (s === '>') depth++;
    else if (s === '<' && --depth === 0)
      return stmt[j - 1]?.text === 'MicroMutableOpResolver'
        ? `MicroMutableOpResolver<${stmt
            .slice(j + 1, end)
            .map((x) => x.text)
            .join('')}>`
        : undefined;
  }
  return undefined;
}

function pushRecent(recent: (Token | undefined)[], t: Token): void {
  recent.pop();
  recent.unshift(t);
}

function directive(
  t: Token,
  constants: Map<string, readonly Token[]>,
  defines: Map<string, ConstantDef[]>,
  includes: string[],
  conditionals: Conditionals,
): void {
  const include = /^include\s*"([^"]+)"/.exec(t.text);
  if (include) {
    includes.push(basename(include[1]!));
    conditionals.touch();
    return;
  }
  const undef = /^undef\s+([A-Za-z_]\w*)/.exec(t.text);
  if (undef) {
    addDefine(defines, undef[1]!, { kind: 'undef', tokens: undefined, guard: conditionals.guard, line: t.line });
    conditionals.touch();
    return;
  }
  // `#define N (…)` names a value; `#define F(x) …` is a function: defined, but no value.
  const define = /^define\s+([A-Za-z_]\w*)(\()?\s*(.*)$/.exec(t.text);
  if (!define) return;
  const name = define[1]!;
  const tokens = define[2] === undefined ? boundedTokens(define[3]!) : undefined;
  if (tokens && !constants.has(name)) constants.set(name, tokens);
  addDefine(defines, name, { kind: 'macro', tokens, guard: conditionals.guard, line: t.line });
  conditionals.defined(name);
}

/** Definitions kept per name: enough for any real header, bounded for a hostile one. */
const MAX_DEFINITIONS = 64;

function addDefine(defines: Map<string, ConstantDef[]>, name: string, def: ConstantDef): void {
  const list = defines.get(name);
  if (!list) defines.set(name, [def]);
  else if (list.length < MAX_DEFINITIONS) list.push(def);
}

function boundedTokens(text: string): Token[] {
  const out: Token[] = [];
  for (const t of tokenize(text)) if (out.push(t) >= MAX_STATEMENT_TOKENS) break;
  return out;
}

type ArrayRead = { readonly kind: 'array'; readonly array: ByteArray } | { readonly kind: 'other' } | { readonly kind: 'eof' };

/** Reads `{ 0x1c, … }` after `name[] =`; anything else than byte values skips to the matching brace. */
function readByteArray(stmt: readonly Token[], tokens: Generator<Token>, conditionals: Conditionals): ArrayRead {
  const guard = conditionals.guard;
  const open = stmt.findIndex((s) => s.text === '[');
  const name = stmt[open - 1];
  const isBytes = stmt.some((s) => BYTE_TYPES.has(s.text));
  let bytes = new Uint8Array(isBytes ? 4096 : 0);
  let length = 0;
  let valid = isBytes && name?.kind === 'ident';
  let depth = 1;
  let negative = false;
  for (let step = tokens.next(); !step.done; step = tokens.next()) {
    const t = step.value;
    if (t.kind === 'directive') {
      // Bytes that depend on #if are not a model the checker can read; the state stays in step.
      if (conditionals.directive(t.text)) valid = false;
      continue;
    }
    if (!conditionals.live) continue;
    if (t.text === '{') depth++;
    else if (t.text === '}') {
      if (--depth === 0) {
        if (!valid || !name) return { kind: 'other' };
        const text = stmt.map((s) => s.text);
        return {
          kind: 'array',
          array: {
            symbol: name.text,
            line: name.line,
            bytes: bytes.slice(0, length),
            aligned: text.some((s) => s === 'alignas' || s === 'aligned' || /ALIGN/.test(s)),
            isConst: text.includes('const') || text.includes('constexpr'),
            guard,
          },
        };
      }
    }
    if (!valid) continue;
    if (depth !== 1) valid = false;
    else if (t.kind === 'number') {
      const v = integerLiteral(t.text);
      if (v === undefined || v > 255) valid = false;
      else {
        if (length === bytes.length) {
          const grown = new Uint8Array(bytes.length * 2);
          grown.set(bytes);
          bytes = grown;
        }
        bytes[length++] = negative ? -v & 0xff : v;
        negative = false;
      }
    } else if (t.text === '-') negative = true;
    else if (t.text !== ',') valid = false;
  }
  return { kind: 'eof' };
}

interface Sinks {
  readonly arenas: ArenaDecl[];
  readonly resolvers: ResolverDecl[];
  readonly interpreters: InterpreterDecl[];
  readonly constants: Map<string, readonly Token[]>;
  readonly defines: Map<string, ConstantDef[]>;
  readonly aliases: Map<string, readonly Token[]>;
  readonly modelOfVariable: Map<string, ModelBinding[]>;
  readonly getModels: GetModelCall[];
}

/** The tokens between the `<` at `open` and its matching `>`, or undefined. */
function templateArgs(stmt: readonly Token[], open: number): { readonly args: Token[]; readonly end: number } | undefined {
  if (stmt[open]?.text !== '<') return undefined;
  let depth = 0;
  for (let j = open; j < stmt.length; j++) {
    const s = stmt[j]!.text;
    if (s === '<') depth++;
    else if (s === '>' && --depth === 0) return { args: stmt.slice(open + 1, j), end: j };
  }
  return undefined;
}

/** Splits the tokens between the `(` at `open` and its match at top-level commas. */
function callArgs(stmt: readonly Token[], open: number): Token[][] | undefined {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let j = open; j < stmt.length; j++) {
    const s = stmt[j]!;
    if (s.text === '(' || s.text === '[' || s.text === '{') {
      if (depth++ === 0) continue;
    } else if (s.text === ')' || s.text === ']' || s.text === '}') {
      if (--depth === 0) return args;
    } else if (s.text === ',' && depth === 1) {
      args.push([]);
      continue;
    }
    args[args.length - 1]!.push(s);
  }
  return undefined;
}

function getModelSymbol(tokens: readonly Token[]): { readonly symbol: string; readonly index: number } | undefined {
  for (let j = 0; j + 3 < tokens.length; j++) {
    if (tokens[j]!.text === 'GetModel' && tokens[j + 1]!.text === '(' && tokens[j + 2]!.kind === 'ident' && tokens[j + 3]!.text === ')')
      return { symbol: tokens[j + 2]!.text, index: j + 2 };
  }
  return undefined;
}

function lastIdent(tokens: readonly Token[]): string | undefined {
  for (let j = tokens.length - 1; j >= 0; j--) if (tokens[j]!.kind === 'ident') return tokens[j]!.text;
  return undefined;
}

function statement(stmt: readonly Token[], guard: Guard, out: Sinks): void {
  if (stmt.length === 0) return;
  const text = stmt.map((s) => s.text);

  const gm = getModelSymbol(stmt);
  if (gm) {
    out.getModels.push({ symbol: gm.symbol, line: stmt[gm.index]!.line, guard });
    const eq = text.indexOf('=');
    const variable = eq > 0 ? stmt[eq - 1] : undefined;
    if (variable?.kind === 'ident' && eq < gm.index) {
      const bindings = out.modelOfVariable.get(variable.text) ?? [];
      if (bindings.length < MAX_DEFINITIONS) bindings.push({ symbol: gm.symbol, guard });
      out.modelOfVariable.set(variable.text, bindings);
    }
  }

  // using Alias = tflite::MicroMutableOpResolver<N>;
  if (text[0] === 'using' && stmt[1]?.kind === 'ident' && text[2] === '=') {
    const k = text.indexOf('MicroMutableOpResolver');
    const targs = k > 0 ? templateArgs(stmt, k + 1) : undefined;
    if (targs) out.aliases.set(stmt[1].text, targs.args);
    return;
  }

  // A resolver variable: MicroMutableOpResolver<N> name;  or  Alias name;
  for (let k = 0; k < stmt.length; k++) {
    let capacity: Token[] | undefined;
    let after = -1;
    let type = '';
    if (text[k] === 'MicroMutableOpResolver') {
      const targs = templateArgs(stmt, k + 1);
      if (targs) {
        capacity = targs.args;
        after = targs.end + 1;
        type = `MicroMutableOpResolver<${targs.args.map((x) => x.text).join('')}>`;
      }
    } else if (stmt[k]!.kind === 'ident' && out.aliases.has(text[k]!) && text[k - 1] !== '.' && text[k - 1] !== '->') {
      capacity = [...out.aliases.get(text[k]!)!];
      after = k + 1;
      type = text[k]!;
    }
    const name = stmt[after];
    const follow = text[after + 1];
    if (capacity && name?.kind === 'ident' && (follow === undefined || follow === '(' || follow === '=' || follow === '{')) {
      out.resolvers.push({ symbol: name.text, line: name.line, capacityTokens: capacity, type, guard });
      break;
    }
  }

  // constexpr int kName = expr;   const size_t kName = expr;
  const eq = text.indexOf('=');
  if (
    eq > 1 &&
    (text.includes('constexpr') || text.includes('const')) &&
    stmt[eq - 1]!.kind === 'ident' &&
    !text.slice(0, eq).some((s) => s === '[' || s === '*')
  ) {
    const name = text[eq - 1]!;
    if (!out.constants.has(name)) out.constants.set(name, stmt.slice(eq + 1));
    addDefine(out.defines, name, { kind: 'constant', tokens: stmt.slice(eq + 1), guard, line: stmt[eq - 1]!.line });
  }

  // uint8_t tensor_arena[kTensorArenaSize];
  const open = text.indexOf('[');
  const arenaName = stmt[open - 1];
  if (
    open > 0 &&
    arenaName?.kind === 'ident' &&
    /arena/i.test(arenaName.text) &&
    text.slice(0, open).some((s) => BYTE_TYPES.has(s)) &&
    !text.includes('extern')
  ) {
    const close = text.indexOf(']', open);
    if (close > open) out.arenas.push({ symbol: arenaName.text, line: arenaName.line, sizeTokens: stmt.slice(open + 1, close), guard });
  }

  // tflite::MicroInterpreter interpreter(model, resolver, arena, size);
  const ik = text.findIndex((s) => /MicroInterpreter$/.test(s));
  if (ik >= 0) {
    let open = ik + 1;
    if (stmt[open]?.kind === 'ident') open++;
    if (text[open] === '(') {
      const args = callArgs(stmt, open);
      if (args && args.length >= 3) {
        const first = args[0]!;
        const inline = getModelSymbol(first);
        const modelVar = lastIdent(first);
        const bindings = modelVar !== undefined ? out.modelOfVariable.get(modelVar) : undefined;
        const binding = inline ? { symbol: inline.symbol, guard } : bindings?.filter((b) => compatible(b.guard, guard)).at(-1);
        const model = binding?.symbol ?? (bindings ? bindings.at(-1)?.symbol : modelVar);
        const config = binding ? joinGuards(guard, binding.guard) : guard;
        const arenaVar = args[2]!.length === 1 ? args[2]![0]!.text : undefined;
        const resolverVar = lastIdent(args[1]!);
        const arenas = indexesOf(out.arenas, arenaVar, config);
        const resolvers = indexesOf(out.resolvers, resolverVar, config);
        // With no declaration this build allows, the latest by that name (as before conditionals).
        const arena = arenas.at(-1) ?? indexesOf(out.arenas, arenaVar, undefined).at(-1);
        const resolver = resolvers.at(-1) ?? indexesOf(out.resolvers, resolverVar, undefined).at(-1);
        out.interpreters.push({ line: stmt[ik]!.line, model, resolver, arena, guard, config, arenas, resolvers });
      }
    }
  }
}

/** Indexes of the declarations named `name` that can be in the build `config` (any build when undefined). */
function indexesOf(decls: readonly { readonly symbol: string; readonly guard: Guard }[], name: string | undefined, config: Guard | undefined): number[] {
  const out: number[] = [];
  decls.forEach((d, k) => {
    if (d.symbol === name && (config === undefined || compatible(d.guard, config))) out.push(k);
  });
  return out;
}

/** The headers a file includes from its own folder, as scanned. */
export function includedHeaders(file: ScannedFile, byPath: ReadonlyMap<string, ScannedFile>): ScannedFile[] {
  return file.includes.map((h) => byPath.get(join(dirname(file.path), h))).filter((f): f is ScannedFile => f !== undefined);
}

/**
 * A scanned file's constants, then those of the headers it includes from its own folder, as the
 * build `guard` sees them. Definitions in branches the sources cannot settle that disagree make
 * the name unusable, with the reason (never one of them picked); definitions that all hold in
 * this build keep the first, as before.
 */
export function constantLookup(file: ScannedFile, byPath: ReadonlyMap<string, ScannedFile>, guard: Guard = []): ConstantLookup {
  const headers = includedHeaders(file, byPath);
  return (name) => {
    for (const f of [file, ...headers]) {
      const defs = (f.defines.get(name) ?? []).filter((d) => d.tokens !== undefined && compatible(d.guard, guard));
      if (defs.length === 0) continue;
      const values = new Set(defs.map((d) => d.tokens!.map((t) => t.text).join(' ')));
      if (values.size === 1 || defs.every((d) => implied(d.guard, guard))) return defs[0]!.tokens;
      const ways = defs.map((d) => `${d.tokens!.map((t) => t.text).join(' ')} (line ${d.line}${d.guard.length > 0 ? `, if ${guardText(d.guard)}` : ''})`);
      return `"${name}" is defined differently under preprocessor conditions the sources do not settle: ${ways.join(' or ')}`;
    }
    return undefined;
  };
}

/** An arena's size in bytes, or why it cannot be evaluated, in the build `guard` (the arena's own by default). */
export function arenaSize(file: ScannedFile, arena: ArenaDecl, byPath: ReadonlyMap<string, ScannedFile>, guard: Guard = arena.guard): SizeValue {
  return evaluateSize(arena.sizeTokens, constantLookup(file, byPath, guard));
}
