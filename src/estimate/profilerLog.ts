/**
 * TFLite Micro's MicroProfiler output, read back: the per-operator lines of
 * `MicroProfiler::Log()` ("CONV_2D took 1234 ticks (1 ms).") and the rows of
 * `MicroProfiler::LogCsv()` (a `"Event","Tag","Ticks"` header — older releases add `,"ms"` —
 * then `0,CONV_2D,1234`), plus the per-tag totals of `LogTicksPerTagCsv()`
 * (`"Unique Tag","Total ticks across all events with that tag."`, then `CONV_2D, 1234`).
 * Formats as printed by tensorflow/tflite-micro `tensorflow/lite/micro/micro_profiler.cc`.
 * Platform log prefixes (ESP-IDF `I (123) tag: `, `[TAG] `) are skipped.
 *
 * The events are then matched to the model's layers by execution order and op name, tolerating
 * missing and extra events and several invocations in one log.
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { ProfileNotice } from '../findings/notice';
import { englishNotices } from '../findings/renderNotice';

export interface ProfilerEvent {
  readonly tag: string;
  readonly ticks: number;
  /** Milliseconds as the profiler printed them (truncated by TicksToMs), when present. */
  readonly ms?: number;
  /** 1-based line in the log. */
  readonly line: number;
  readonly format: 'log' | 'csv';
}

export interface ParsedProfile {
  readonly events: readonly ProfilerEvent[];
  /** From LogTicksPerTagCsv, when present. */
  readonly perTag: readonly { readonly tag: string; readonly ticks: number }[];
  /** Ticks per millisecond implied by the printed ms values, when they pin it down. */
  readonly ticksPerMs?: { readonly value: number; readonly low: number; readonly high: number };
  readonly warningCodes: readonly ProfileNotice[];
  /** `warningCodes` in English, in the same order. */
  readonly warnings: readonly string[];
}

const PREFIXES = [/^[IWEDV] \(\d+\) [^:]*:\s*/, /^\[[^\]]*\]\s*/, /^\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\s*(?:->\s*)?/];

function stripPrefix(line: string): string {
  let s = line.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of PREFIXES) {
      const m = p.exec(s);
      if (m && m[0].length > 0) {
        s = s.slice(m[0].length);
        changed = true;
      }
    }
  }
  return s;
}

const LOG_LINE = /^(.+?) took (-?\d+) ticks \((-?\d+) ms\)\.?$/;
const CSV_HEADER = /^"Event"\s*,\s*"Tag"\s*,\s*"Ticks"/;
const CSV_ROW = /^(\d+)\s*,\s*([^,]+?)\s*,\s*(-?\d+)(?:\s*,\s*(-?[\d.]+)\s*(%)?)?$/;
const TAG_HEADER = /^"Unique Tag"\s*,/;
const TAG_ROW = /^"?([^",]+?)"?\s*,\s*(-?\d+)$/;

export function parseProfilerLog(text: string): ParsedProfile {
  const events: ProfilerEvent[] = [];
  const perTag: { tag: string; ticks: number }[] = [];
  const warnings: ProfileNotice[] = [];
  let block: 'none' | 'csv' | 'tags' = 'none';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const s = stripPrefix(raw);
    if (s === '') {
      block = 'none';
      return;
    }
    if (CSV_HEADER.test(s)) {
      block = 'csv';
      return;
    }
    if (TAG_HEADER.test(s)) {
      block = 'tags';
      return;
    }
    const log = LOG_LINE.exec(s);
    if (log) {
      events.push({ tag: log[1]!.trim(), ticks: Number(log[2]), ms: Number(log[3]), line: i + 1, format: 'log' });
      block = 'none';
      return;
    }
    if (block === 'csv') {
      const m = CSV_ROW.exec(s);
      if (m) {
        const percent = m[5] === '%';
        events.push({ tag: m[2]!.trim(), ticks: Number(m[3]), ...(m[4] !== undefined && !percent ? { ms: Number(m[4]) } : {}), line: i + 1, format: 'csv' });
        return;
      }
      block = 'none';
    }
    if (block === 'tags') {
      const m = TAG_ROW.exec(s);
      if (m) {
        if (!/^total number of ticks$/i.test(m[1]!.trim())) perTag.push({ tag: m[1]!.trim(), ticks: Number(m[2]) });
        return;
      }
      block = 'none';
    }
  });
  const negative = events.filter((e) => e.ticks < 0);
  if (negative.length > 0) warnings.push({ code: 'profile-negative-ticks', params: { events: negative.length } });
  const kept = events.filter((e) => e.ticks >= 0);
  const tpm = ticksPerMsFrom(kept);
  if (kept.length === 0 && perTag.length > 0) warnings.push({ code: 'profile-per-tag-only', params: {} });
  return { events: kept, perTag, ...(tpm ? { ticksPerMs: tpm } : {}), warningCodes: warnings, warnings: englishNotices(warnings) };
}

/**
 * TicksToMs truncates: ms = floor(ticks × 1000 / ticks_per_second), so each event with ms ≥ 1
 * bounds ticks/ms to (ticks/(ms+1), ticks/ms]. The intersection over all events, when not empty.
 */
function ticksPerMsFrom(events: readonly ProfilerEvent[]): ParsedProfile['ticksPerMs'] {
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  let n = 0;
  for (const e of events) {
    if (e.ms === undefined || e.ms < 1) continue;
    low = Math.max(low, e.ticks / (e.ms + 1));
    high = Math.min(high, e.ticks / e.ms);
    n++;
  }
  if (n === 0 || !(low < high) || !Number.isFinite(high)) return undefined;
  return { value: (low + high) / 2, low, high };
}

// ---------------------------------------------------------------------------------------------
// Matching events to layers

export interface MatchedLayer {
  readonly index: number;
  readonly op: string;
  /** Median ticks over the invocations in which this layer was matched. */
  readonly ticks: number;
  readonly runs: number;
}

export interface ProfileMatch {
  readonly layers: readonly MatchedLayer[];
  readonly unmatchedLayers: readonly { readonly index: number; readonly op: string }[];
  /** Events whose tag is not an op of this model (interpreter setup, user events…). */
  readonly ignoredEvents: number;
  /** Op events that did not fit the layer order. */
  readonly unplacedEvents: number;
  readonly runs: number;
  readonly warningCodes: readonly ProfileNotice[];
  /** `warningCodes` in English, in the same order. */
  readonly warnings: readonly string[];
}

/** Cells of the alignment table above which a log is cut (about 32 MB of Int32). */
const MAX_ALIGN_CELLS = 8_000_000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Longest common subsequence by op name between one run of events and the layer list. */
function align(run: readonly ProfilerEvent[], ops: readonly string[]): Map<number, number> {
  const m = run.length;
  const n = ops.length;
  const dp = Array.from({ length: m + 1 }, () => new Int32Array(n + 1));
  for (let i = m - 1; i >= 0; i--) {
    for (let j = n - 1; j >= 0; j--) {
      dp[i]![j] = run[i]!.tag === ops[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const pairs = new Map<number, number>();
  let i = 0;
  let j = 0;
  while (i < m && j < n) {
    if (run[i]!.tag === ops[j]) {
      pairs.set(j, i);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * Matches the profile's op events to subgraph 0's layers: the longest common subsequence by op
 * name between the events and the layer list repeated once per invocation the log may hold, so
 * several invocations in one log need no separator and missing or foreign events are skipped.
 */
export function matchProfile(analysis: ModelAnalysis, profile: ParsedProfile): ProfileMatch {
  const layers = analysis.layers.filter((l) => l.subgraph === 0);
  const ops = layers.map((l) => l.op);
  const known = new Set(analysis.layers.map((l) => l.op));
  const opEvents = profile.events.filter((e) => known.has(e.tag));
  const ignored = profile.events.length - opEvents.length;
  const warnings: ProfileNotice[] = [];

  const n = Math.max(1, ops.length);
  // As many copies of the layer list as the most repeated op needs.
  const inModel = new Map<string, number>();
  for (const op of ops) inModel.set(op, (inModel.get(op) ?? 0) + 1);
  const inLog = new Map<string, number>();
  for (const e of opEvents) inLog.set(e.tag, (inLog.get(e.tag) ?? 0) + 1);
  let repeats = Math.max(1, ...[...inLog].map(([op, k]) => Math.ceil(k / (inModel.get(op) ?? k))));
  if (opEvents.length * n * repeats > MAX_ALIGN_CELLS) {
    repeats = Math.max(1, Math.floor(MAX_ALIGN_CELLS / (Math.max(1, opEvents.length) * n)));
    warnings.push({ code: 'profile-truncated', params: { runs: repeats } });
  }
  const sequence = Array.from({ length: repeats }, () => ops).flat();
  const ticks = new Map<number, number[]>();
  let placed = 0;
  for (const [position, event] of align(opEvents, sequence)) {
    const layer = position % n;
    ticks.set(layer, [...(ticks.get(layer) ?? []), opEvents[event]!.ticks]);
    placed++;
  }
  const matched: MatchedLayer[] = [];
  const unmatched: { index: number; op: string }[] = [];
  layers.forEach((l, j) => {
    const t = ticks.get(j);
    if (t && t.length > 0) matched.push({ index: l.index, op: l.op, ticks: median(t), runs: t.length });
    else unmatched.push({ index: l.index, op: l.op });
  });
  if (opEvents.length === 0) warnings.push({ code: profile.events.length > 0 ? 'profile-wrong-model' : 'profile-empty', params: {} });
  if (unmatched.length > 0 && opEvents.length > 0)
    warnings.push({ code: 'profile-unmatched', params: { layers: unmatched.length, ops: [...new Set(unmatched.map((u) => u.op))] } });
  const runs = Math.max(...[...ticks.values()].map((t) => t.length), 0);
  if (runs > 1) warnings.push({ code: 'profile-median', params: { runs } });
  return {
    layers: matched,
    unmatchedLayers: unmatched,
    ignoredEvents: ignored,
    unplacedEvents: opEvents.length - placed,
    runs,
    warningCodes: warnings,
    warnings: englishNotices(warnings),
  };
}
