/**
 * Findings as text, for any surface: the surface gives its language (a lookup of the English
 * template) and its escaping (what a model-controlled string must not smuggle in); numbers are
 * formatted here, the same way on every surface.
 */
import { formatMs } from '../estimate/format';
import { formatBytes } from '../util/formatBytes';
import type { FindingOf, FitFinding, LayerRef } from './finding';
import { FINDING_MESSAGES as M, FINDING_PARTS as P } from './messages';

export type Placeholders = Readonly<Record<string, string>>;

export interface FindingSurface {
  /** The template in the surface's language with its placeholders filled. */
  readonly localize: (template: string, args: Placeholders) => string;
  /** Makes a string that comes from the model or the settings (op names, board names) safe here. */
  readonly escape: (text: string) => string;
}

/** Fills `{name}` placeholders in one pass: a value that looks like a placeholder stays as it is. */
export function fillTemplate(template: string, args: Placeholders): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => args[name] ?? whole);
}

// C0 and C1 controls (a terminal escape, a line break inside a diagnostic) and the bidi
// overrides that make text read differently from what it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are escaped before display.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Plain text for terminals, logs and the Problems panel: unsafe characters as `\uXXXX`. */
export function plainText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** English plain text: the CLI report and the JSON `message`. */
export const ENGLISH_TEXT: FindingSurface = { localize: fillTemplate, escape: plainText };

/** The sentence of an `op-refused` finding per reason (FLOAT16 has two, chosen above). */
const REFUSAL_TEMPLATES: Readonly<Record<Exclude<FindingOf<'op-refused'>['params']['reason'], 'float16'>, string>> = {
  dtype: M['op-refused'],
  'fixed-output': P.opRefusedFixedOutput,
  'int16-zero-point': P.opRefusedInt16ZeroPoint,
  'same-quantization': P.opRefusedSameQuantization,
  'no-fused-activation': P.opRefusedFusedActivation,
  'bias-required': P.opRefusedBiasRequired,
  'per-tensor-weights': P.opRefusedPerTensorWeights,
};

function percent(used: number, budget: number): string {
  return `${Math.round((100 * used) / budget)}%`;
}

export function renderFinding(f: FitFinding, surface: FindingSurface = ENGLISH_TEXT): string {
  const t = surface.localize;
  const text = surface.escape;
  const reserved = (bytes: number): string => (bytes > 0 ? t(P.reserved, { bytes: formatBytes(bytes) }) : '');
  const peak = (layer: LayerRef | null): string => (layer ? t(P.peak, { layer: String(layer.index), op: text(layer.op) }) : '');
  switch (f.code) {
    case 'sram-over':
    case 'sram-near': {
      const p = f.params;
      const args = {
        arena: formatBytes(p.arenaBytes),
        reserved: reserved(p.reservedBytes),
        sram: formatBytes(p.sramBytes),
        target: text(p.target),
        peak: peak(p.peak),
      };
      return f.code === 'sram-over' ? t(M['sram-over'], args) : t(M['sram-near'], { ...args, percent: percent(f.params.usedBytes, p.sramBytes) });
    }
    case 'sram-not-contiguous': {
      const p = f.params;
      return t(M['sram-not-contiguous'], {
        arena: formatBytes(p.arenaBytes),
        contiguous: formatBytes(p.contiguousBytes),
        target: text(p.target),
        peak: peak(p.peak),
      });
    }
    case 'flash-over':
    case 'flash-near': {
      const p = f.params;
      const args = { model: formatBytes(p.modelBytes), reserved: reserved(p.reservedBytes), flash: formatBytes(p.flashBytes), target: text(p.target) };
      return f.code === 'flash-over' ? t(M['flash-over'], args) : t(M['flash-near'], { ...args, percent: percent(f.params.usedBytes, p.flashBytes) });
    }
    case 'op-unsupported': {
      const args = { op: text(f.params.op), layer: String(f.layer) };
      return f.subgraph > 0 ? t(P.opUnsupportedInSubgraph, { ...args, subgraph: String(f.subgraph) }) : t(M['op-unsupported'], args);
    }
    case 'op-refused': {
      const p = f.params;
      const args = { op: text(p.op), layer: String(f.layer), got: text(p.got), accepted: text(p.accepted), source: text(p.source) };
      if (p.reason === 'float16') return t(p.op === 'DEQUANTIZE' ? P.opRefusedDequantizeFloat16 : P.opRefusedFloat16, args);
      return t(REFUSAL_TEMPLATES[p.reason], args);
    }
    case 'hybrid-op':
    case 'float-in-int8':
      return t(M[f.code], { op: text(f.params.op), layer: String(f.layer) });
    case 'latency-over': {
      const p = f.params;
      const slowest = p.slowest ? t(P.slowest, { layer: String(p.slowest.index), op: text(p.slowest.op), ms: formatMs(p.slowest.ms) }) : '';
      return t(M['latency-over'], {
        ms: formatMs(p.ms),
        low: formatMs(p.bandMs.low),
        high: formatMs(p.bandMs.high),
        budget: String(p.budgetMs),
        target: text(p.target),
        slowest,
      });
    }
  }
}
