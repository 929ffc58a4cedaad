/**
 * The firmware checker's rules: the scanned sources (scan.ts) against the model they ship.
 * Which model: the embedded byte array itself, or, when GetModel names an array the sources do
 * not hold, the given .tflite or the workspace .tflite named like the symbol. Findings are data
 * (code, severity, file, 1-based line, params); renderFirmwareFinding gives the English text.
 */
import { basename, dirname, join } from 'node:path';
import { analyzeModel, type ModelAnalysis } from '../analysis/analyzeModel';
import type { KernelLibrary } from '../analysis/kernelLibrary';
import type { Abi } from '../analysis/tflmKernels';
import { errorMessage } from '../errors';
import { FIRMWARE_MESSAGES as M, FIRMWARE_PARTS as P, type FirmwareCode } from '../findings/firmwareMessages';
import { fillTemplate, plainText } from '../findings/render';
import { readModel } from '../model/io';
import { opName } from '../model/ops';
import { formatBytes } from '../util/formatBytes';
import { arenaBreakdown } from './export';
import type { FirmwareSeverity, FirmwareFinding, FirmwareModel, FirmwareArena, FirmwareResolver, FirmwareReport, FirmwareModelFacts } from './report';
import { addOfBuiltin, builtinOfAdd } from './resolverOps';
import { compatible, coversEveryBuild, guardText, implied, joinGuards, mostInOneBuild, negatedGuardText, type Guard } from './guard';
import { arenaSize, constantLookup, MAX_SOURCE_BYTES, scanFile, type AddCall, type ResolverDecl, type ScannedFile } from './scan';
import { evaluateSize } from './sizeExpr';

export type {
  FirmwareSeverity,
  FirmwareFinding,
  FirmwareModel,
  FirmwareArena,
  FirmwareResolver,
  FirmwareReport,
  FirmwareModelFacts,
} from './report';

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export interface ModelFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface CheckOptions {
  readonly kernels: KernelLibrary;
  readonly abi: Abi;
  /** The workspace's .tflite files (and the one given with --model). */
  readonly modelFiles: readonly ModelFile[];
  /** The model the firmware runs when its sources do not embed it (--model). */
  readonly model?: ModelFile;
}

/** An oversized arena is reported when it is more than this many times what is needed… */
const OVERSIZE_FACTOR = 2;
/** …and the bytes it could give back exceed this. */
const OVERSIZE_MIN_SPARE = 8 * 1024;

interface LoadedModel {
  readonly entry: FirmwareModel;
  readonly analysis: ModelAnalysis | undefined;
  /** Builtin op → first layer using it, over all subgraphs. */
  readonly ops: ReadonlyMap<string, { readonly subgraph: number; readonly layer: number }>;
  readonly facts?: FirmwareModelFacts;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** `g_person_detect_model_data` → `person_detect`: how TFLM's generator names an array after its file. */
export function modelStem(symbol: string): string {
  return symbol
    .replace(/^g_/, '')
    .replace(/_(model_)?data$/, '')
    .replace(/_tflite$/, '');
}

function joinedText(parts: readonly string[]): string {
  return [...new Set(parts)].join(' && ');
}

function isHeader(path: string): boolean {
  return /\.(h|hpp)$/i.test(path);
}

function fileStem(path: string): string {
  return basename(path).replace(/\.tflite$/i, '');
}

export function checkFirmware(sources: readonly SourceFile[], options: CheckOptions): FirmwareReport {
  const notes: string[] = [];
  const files: ScannedFile[] = [];
  // Headers first, so that a source's #if can use the #defines of the headers it includes.
  const byPath = new Map<string, ScannedFile>();
  const ordered = [...sources].sort((a, b) => Number(!isHeader(a.path)) - Number(!isHeader(b.path)));
  for (const s of ordered) {
    if (s.text.length > MAX_SOURCE_BYTES) {
      notes.push(`${s.path}: not scanned, larger than ${formatBytes(MAX_SOURCE_BYTES)}`);
      continue;
    }
    const includes = [...s.text.matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)].map((m) => byPath.get(join(dirname(s.path), basename(m[1]!))));
    const headers = includes.filter((f): f is ScannedFile => f !== undefined);
    const scanned = scanFile(s.path, s.text, (name) => headers.flatMap((h) => h.defines.get(name) ?? []));
    notes.push(...scanned.notes);
    byPath.set(s.path, scanned);
  }
  // The order the sources were given in, for the report.
  for (const s of sources) {
    const f = byPath.get(s.path);
    if (f && !files.includes(f)) files.push(f);
  }
  const findings: FirmwareFinding[] = [];
  const add = (code: FirmwareCode, severity: FirmwareSeverity, file: string, line: number, params: FirmwareFinding['params']): void => {
    findings.push({ code, severity, file, line, params });
  };
  const workspace = options.model ? [options.model, ...options.modelFiles] : options.modelFiles;

  const load = (entry: FirmwareModel, bytes: Uint8Array): LoadedModel => {
    const graph = readModel(bytes);
    const analysis = analyzeModel(graph, bytes.length, { abi: options.abi, kernels: options.kernels });
    const ops = new Map<string, { subgraph: number; layer: number }>();
    graph.subgraphs.forEach((sg, s) => {
      sg.operators.forEach((op, i) => {
        const name = opName(graph, op);
        if (!ops.has(name)) ops.set(name, { subgraph: s, layer: i });
      });
    });
    const facts: FirmwareModelFacts = {
      symbol: entry.symbol,
      arena: arenaBreakdown(graph, analysis),
      kernels: analysis.arena.kernels,
      bytes: bytes.length,
      operators: analysis.totals.operators,
      subgraphs: analysis.model.subgraphs,
      macs: analysis.totals.macs,
      kind: analysis.kind,
      ops: [...ops.keys()].sort(),
      matches: entry.matches,
    };
    return { entry, analysis, ops, facts };
  };

  // The models: embedded arrays that are flatbuffers or that GetModel names.
  const models = new Map<string, LoadedModel>();
  const getModelSymbols = new Set(files.flatMap((f) => f.getModels.map((g) => g.symbol)));
  for (const f of files) {
    for (const a of f.arrays) {
      const looksLikeModel = a.bytes.length >= 8 && String.fromCharCode(...a.bytes.subarray(4, 8)) === 'TFL3';
      if (!looksLikeModel && !getModelSymbols.has(a.symbol)) continue;
      const same = workspace.find((m) => equalBytes(m.bytes, a.bytes));
      const entry: FirmwareModel = { symbol: a.symbol, file: f.path, line: a.line, bytes: a.bytes.length, matches: same?.path ?? null };
      const condition = a.guard.length > 0 ? { condition: guardText(a.guard) } : {};
      if (!a.aligned) add('model-unaligned', 'warning', f.path, a.line, { symbol: a.symbol, ...condition });
      if (!a.isConst) add('model-not-const', 'warning', f.path, a.line, { symbol: a.symbol, bytes: a.bytes.length, ...condition });
      if (!same) {
        const named = workspace.find((m) => fileStem(m.path) === modelStem(a.symbol));
        if (named) add('model-stale', 'warning', f.path, a.line, { symbol: a.symbol, model: named.path });
      }
      try {
        models.set(a.symbol, load(entry, a.bytes));
      } catch (e) {
        add('model-invalid', 'error', f.path, a.line, { symbol: a.symbol, reason: errorMessage(e).split('\n')[0]! });
        models.set(a.symbol, { entry, analysis: undefined, ops: new Map() });
      }
    }
  }
  // GetModel of an array the sources do not hold: the given model, or the .tflite named like it.
  for (const f of files) {
    for (const g of f.getModels) {
      if (models.has(g.symbol)) continue;
      const file = options.model ?? workspace.find((m) => fileStem(m.path) === modelStem(g.symbol));
      if (!file) continue;
      const entry: FirmwareModel = { symbol: g.symbol, file: f.path, line: g.line, bytes: file.bytes.length, matches: file.path };
      try {
        models.set(g.symbol, load(entry, file.bytes));
      } catch (e) {
        add('model-invalid', 'error', f.path, g.line, { symbol: g.symbol, reason: errorMessage(e).split('\n')[0]! });
      }
    }
  }
  // Without an interpreter in its file, a buffer or resolver is tied to the model of its own folder
  // when that folder uses exactly one (a folder of several projects must not mix them).
  const onlyModelIn = (path: string): LoadedModel | undefined => {
    const dir = dirname(path);
    const symbols = new Set(
      files.filter((f) => dirname(f.path) === dir).flatMap((f) => [...f.getModels.map((g) => g.symbol), ...f.arrays.map((a) => a.symbol)]),
    );
    const local = [...models.values()].filter((m) => symbols.has(m.entry.symbol));
    return local.length === 1 ? local[0] : undefined;
  };

  // Arenas: the models of the interpreters they are passed to (or the only model).
  const arenas: FirmwareArena[] = [];
  const arenaModels: (string | null)[] = [];
  for (const f of files) {
    f.arenas.forEach((arena, index) => {
      const users = f.interpreters.filter((i) => i.arenas.includes(index) || i.arena === index);
      const tied = users.map((i) => (i.model !== undefined ? models.get(i.model) : undefined)).filter((m): m is LoadedModel => m?.analysis !== undefined);
      const fallback = f.interpreters.length === 0 ? onlyModelIn(f.path) : undefined;
      const candidates = tied.length > 0 ? tied : fallback?.analysis ? [fallback] : [];
      const needed = candidates.reduce<LoadedModel | undefined>(
        (a, m) => (!a || m.analysis!.arena.totalBytes > a.analysis!.arena.totalBytes ? m : a),
        undefined,
      );
      // The size as the build of its first interpreter sees it (an #ifdef choosing the model may choose the size).
      const config = users[0] ? joinGuards(arena.guard, users[0].config) : arena.guard;
      const size = arenaSize(f, arena, byPath, config);
      const condition = arena.guard.length > 0 ? { condition: guardText(arena.guard) } : {};
      const required = needed?.analysis?.arena.totalBytes ?? null;
      arenas.push({ symbol: arena.symbol, file: f.path, line: arena.line, bytes: size.ok ? size.value : null, requiredBytes: required });
      arenaModels.push(needed?.entry.symbol ?? null);
      if (!size.ok) {
        add('arena-unknown', 'info', f.path, arena.line, { arena: arena.symbol, reason: size.reason, ...condition });
        return;
      }
      if (required === null || !needed?.analysis) return;
      const report = needed.analysis.arena;
      if (size.value < required)
        add('arena-too-small', 'error', f.path, arena.line, {
          arena: arena.symbol,
          bytes: size.value,
          required,
          kernels: report.kernels,
          planned: report.nonPersistentBytes,
          persistent: report.persistentBytes,
          ...condition,
        });
      else if (size.value > OVERSIZE_FACTOR * required && size.value - required > OVERSIZE_MIN_SPARE)
        add('arena-oversized', 'info', f.path, arena.line, { arena: arena.symbol, bytes: size.value, required, spare: size.value - required, ...condition });
    });
  }

  // Resolvers: one per (file, variable); Add calls join the resolver of their receiver's name.
  const resolvers: FirmwareResolver[] = [];
  const declared = files.flatMap((f) =>
    f.resolvers.filter((r, i) => f.resolvers.findIndex((o) => o.symbol === r.symbol && o.type === r.type) === i).map((r) => ({ file: f, decl: r })),
  );
  const allAdds = files.flatMap((f) => f.adds.map((a) => ({ file: f, call: a })));
  // An Add joins the resolver of its receiver's type when known (a `Type&` parameter), else of its name.
  // In the resolver's own file by the receiver's type (or name); from another file (a register
  // function elsewhere), by name, only when that file declares no resolver of its own.
  const declaring = new Set(declared.map((d) => d.file));
  const belongs = (a: { readonly file: ScannedFile; readonly call: AddCall }, d: { readonly file: ScannedFile; readonly decl: ResolverDecl }): boolean => {
    if (a.file === d.file) {
      if (a.call.receiverTypes.length > 0) return a.call.receiverTypes.includes(d.decl.type);
      return a.call.receiverType !== undefined ? a.call.receiverType === d.decl.type : a.call.receiver === d.decl.symbol;
    }
    return !declaring.has(a.file) && a.call.receiver === d.decl.symbol;
  };
  for (const d of declared) {
    const { file, decl } = d;
    const adds = allAdds.filter((a) => belongs(a, d));
    const cap = evaluateSize(decl.capacityTokens, constantLookup(file, byPath, decl.guard));
    const condition = decl.guard.length > 0 ? { condition: guardText(decl.guard) } : {};
    const capacity = cap.ok ? cap.value : null;
    resolvers.push({ file: file.path, line: decl.line, capacity, ops: adds.map((a) => a.call.method) });
    // Add calls in #if branches that exclude each other never run together.
    const most = mostInOneBuild(
      adds.map((a) => a.call.guard),
      decl.guard,
    );
    const tooSmall = capacity !== null && capacity < most;
    if (tooSmall) add('resolver-too-small', 'error', file.path, decl.line, { resolver: decl.symbol, capacity, adds: most, ...condition });
    const canFail = (a: AddCall): boolean =>
      tooSmall || capacity === null || adds.some((b) => b.call !== a && b.call.method === a.method && compatible(b.call.guard, a.guard));
    for (const a of adds) {
      if (a.call.chained) add('add-unchecked', 'warning', a.file.path, a.call.line, { method: a.call.method, chained: 'true' });
      // An unchecked Add that cannot fail (room for it, no duplicate) is only a hint.
      else if (a.call.unchecked)
        add('add-unchecked', canFail(a.call) ? 'warning' : 'hint', a.file.path, a.call.line, { method: a.call.method, chained: 'false' });
    }
    const users = file.interpreters.filter((i) =>
      [...i.resolvers, ...(i.resolver !== undefined ? [i.resolver] : [])].some((k) => {
        const r = file.resolvers[k];
        return r?.symbol === decl.symbol && r.type === decl.type;
      }),
    );
    const tied = users.map((i) => (i.model !== undefined ? models.get(i.model) : undefined)).filter((m): m is LoadedModel => m?.analysis !== undefined);
    // A file whose interpreters pass another resolver (an #ifdef branch) leaves this one untied.
    const fallback = file.interpreters.length === 0 ? onlyModelIn(file.path) : undefined;
    const used = tied.length > 0 ? tied : fallback?.analysis ? [fallback] : [];
    if (used.length === 0) continue;
    // An op is added in every build of this resolver when one of its Add calls is under no more
    // than the resolver's own conditions; added only under others, it is missing where they fail.
    const added = new Set<string>();
    const addedWhen = new Map<string, Guard[]>();
    for (const a of adds) {
      const op = builtinOfAdd(a.call.method);
      if (op === undefined) continue;
      if (implied(a.call.guard, decl.guard)) added.add(op);
      else addedWhen.set(op, [...(addedWhen.get(op) ?? []), a.call.guard]);
    }
    for (const [op, guards] of addedWhen) if (coversEveryBuild(guards, decl.guard)) added.add(op);
    const reported = new Set<string>();
    for (const m of used) {
      for (const [op, at] of m.ops) {
        if (added.has(op) || reported.has(op) || (addOfBuiltin(op) === undefined && !/^[A-Z0-9_]+$/.test(op))) continue;
        reported.add(op);
        const method = addOfBuiltin(op);
        const when = addedWhen.get(op);
        const missingWhen = when ? { condition: joinedText([...decl.guard.map((g) => guardText([g])), ...when.map(negatedGuardText)]) } : condition;
        add('op-missing', when ? 'warning' : 'error', file.path, decl.line, {
          op,
          layer: at.subgraph > 0 ? `${at.layer} of subgraph ${at.subgraph}` : at.layer,
          resolver: decl.symbol,
          method: method ?? '',
          ...missingWhen,
        });
      }
    }
    for (const a of adds) {
      const op = builtinOfAdd(a.call.method);
      if (op !== undefined && !used.some((m) => m.ops.has(op))) add('op-unused', 'hint', a.file.path, a.call.line, { method: a.call.method, op });
    }
  }

  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  const facts = [...models.values()].flatMap((m) => (m.facts ? [m.facts] : []));
  return { models: [...models.values()].map((m) => m.entry), arenas, resolvers, findings, notes, details: { models: facts, arenaModels } };
}

/** A firmware finding in English plain text (the CLI and the JSON `message`). */
export function renderFirmwareFinding(
  f: FirmwareFinding,
  localize: (template: string, args: Readonly<Record<string, string>>) => string = fillTemplate,
): string {
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.params)) args[k] = plainText(String(v));
  for (const k of ['bytes', 'required', 'planned', 'persistent', 'spare'] as const) {
    const v = f.params[k];
    // Exact bytes beside the rounded size: the number to write into the firmware.
    if (typeof v === 'number' && f.code !== 'resolver-too-small') args[k] = v >= 1024 ? `${formatBytes(v)} (${v} bytes)` : formatBytes(v);
  }
  const message =
    f.code === 'op-missing' && f.params.method === ''
      ? localize(P.opMissingNoMethod, args)
      : f.code === 'add-unchecked' && f.params.chained === 'true'
        ? localize(P.addChained, args)
        : localize(M[f.code], args);
  // A declaration in a branch the sources cannot settle: the finding holds for that build.
  return args.condition !== undefined ? localize(P.underCondition, { message, condition: args.condition }) : message;
}
