/**
 * The precision editor's states: an undo stack of measured assignments and an optional pinned
 * one to compare with. Plain data, no VS Code: the host keeps one per float model's panel and
 * the core tests drive it directly. Each state carries whatever the caller keeps with its
 * assessment (the host: the quantized bytes, so "Save…" writes the state on screen).
 */
import type { LayerPrecision } from '../quantize/int8Graph';
import type { LayerPrecisionChoice, PrecisionAssessment, PrecisionPoint } from './protocol';

export interface PrecisionState {
  readonly precision: readonly LayerPrecisionChoice[];
  readonly assessment: PrecisionAssessment;
}

export interface PrecisionHistory<S extends PrecisionState> {
  /** Oldest first; the last is on screen. Never empty. */
  readonly states: readonly S[];
  /** Kept by value: undoing past it still leaves something to compare with. */
  readonly pinned?: S;
}

/** States kept for undo; each holds a quantized model, so the stack is bounded. */
export const HISTORY_LIMIT = 32;

/** A layer left out of the choices runs at the model's default: int8 in the editor. */
export const DEFAULT_PRECISION: LayerPrecision = 'int8';

export function startHistory<S extends PrecisionState>(first: S): PrecisionHistory<S> {
  return { states: [first] };
}

export function currentState<S extends PrecisionState>(h: PrecisionHistory<S>): S {
  const last = h.states[h.states.length - 1];
  if (!last) throw new Error('a precision history is never empty');
  return last;
}

export function sameAssignment(a: readonly LayerPrecisionChoice[], b: readonly LayerPrecisionChoice[]): boolean {
  const key = (c: readonly LayerPrecisionChoice[]): string =>
    normalizeChoices(c)
      .map((x) => `${x.layer}=${x.precision}`)
      .join(',');
  return key(a) === key(b);
}

/**
 * A new measurement becomes the current state. Measuring the assignment already on screen again
 * (a re-run) replaces it rather than adding a step that undo would have to walk back through.
 */
export function pushState<S extends PrecisionState>(h: PrecisionHistory<S>, next: S): PrecisionHistory<S> {
  const states = sameAssignment(currentState(h).precision, next.precision) ? [...h.states.slice(0, -1), next] : [...h.states, next];
  return { ...h, states: states.slice(-HISTORY_LIMIT) };
}

export function canUndo<S extends PrecisionState>(h: PrecisionHistory<S>): boolean {
  return h.states.length > 1;
}

export function undoState<S extends PrecisionState>(h: PrecisionHistory<S>): PrecisionHistory<S> {
  return canUndo(h) ? { ...h, states: h.states.slice(0, -1) } : h;
}

export function pinState<S extends PrecisionState>(h: PrecisionHistory<S>, pin: boolean): PrecisionHistory<S> {
  if (pin) return { ...h, pinned: currentState(h) };
  const { pinned: _dropped, ...rest } = h;
  return rest;
}

/** What the current state is measured against: the pinned state, else the one before it. */
export function baselineOf<S extends PrecisionState>(h: PrecisionHistory<S>): { readonly state: S; readonly pinned: boolean } | undefined {
  if (h.pinned) return { state: h.pinned, pinned: true };
  const previous = h.states[h.states.length - 2];
  return previous ? { state: previous, pinned: false } : undefined;
}

/** Overrides in layer order, without the ones that say the default, the last word per layer kept. */
export function normalizeChoices(choices: readonly LayerPrecisionChoice[]): LayerPrecisionChoice[] {
  const byLayer = new Map<number, LayerPrecision>();
  for (const c of choices) byLayer.set(c.layer, c.precision);
  return [...byLayer]
    .filter(([, p]) => p !== DEFAULT_PRECISION)
    .sort(([a], [b]) => a - b)
    .map(([layer, precision]) => ({ layer, precision }));
}

/** The assignment with one layer changed. */
export function withLayer(choices: readonly LayerPrecisionChoice[], layer: number, precision: LayerPrecision): LayerPrecisionChoice[] {
  return normalizeChoices([...choices, { layer, precision }]);
}

/** Differences `now − base` of what the editor compares; absent where either side lacks the figure. */
export interface PrecisionDeltas {
  readonly outputSqnrDb: number;
  /** Top-1 on the labeled data, in percentage points. */
  readonly accuracyPoints?: number;
  readonly modelBytes: number;
  readonly arenaBytes: number;
  readonly latencyMs?: number;
}

export function precisionDeltas(now: PrecisionPoint, base: PrecisionPoint): PrecisionDeltas {
  return {
    outputSqnrDb: now.outputSqnrDb - base.outputSqnrDb,
    ...(now.accuracy && base.accuracy ? { accuracyPoints: 100 * (now.accuracy.top1 - base.accuracy.top1) } : {}),
    modelBytes: now.modelBytes - base.modelBytes,
    arenaBytes: now.arenaBytes - base.arenaBytes,
    ...(now.latencyMs !== undefined && base.latencyMs !== undefined ? { latencyMs: now.latencyMs - base.latencyMs } : {}),
  };
}

/** Where "Save…" writes by default: `<name>_int8.tflite` for plain int8, `<name>_mixed.tflite` otherwise. */
export function precisionOutputName(modelPath: string, choices: readonly LayerPrecisionChoice[]): string {
  const base = modelPath.replace(/\.tflite$/i, '');
  return `${base}_${normalizeChoices(choices).length === 0 ? 'int8' : 'mixed'}.tflite`;
}
