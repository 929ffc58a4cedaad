/**
 * Notices as text, on the same surfaces as findings (render.ts): the surface's language and
 * escaping, numbers written the way the English sentences always wrote them.
 */
import type { Notice } from './notice';
import { NOTICE_MESSAGES as M, NOTICE_PARTS as P } from './messages';
import { ENGLISH_TEXT, type FindingSurface, type Placeholders } from './render';

/** Each parameter as its placeholder's text: numbers as written, strings escaped, lists joined. */
function fill(params: object, safe: (text: string) => string): Placeholders {
  return Object.fromEntries(
    Object.entries(params as Readonly<Record<string, unknown>>).map(([name, v]) => [
      name,
      typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map((x) => safe(String(x))).join(', ') : safe(String(v)),
    ]),
  );
}

export function renderNotice(n: Notice, surface: FindingSurface = ENGLISH_TEXT): string {
  const t = surface.localize;
  switch (n.code) {
    case 'float-layers': {
      const soft = n.params.softFloat;
      return t(M[n.code], {
        layers: String(n.params.layers),
        softFloat: soft ? t(P.softFloat, { factor: String(soft.factor), core: surface.escape(soft.core) }) : '',
      });
    }
    case 'auto-unmeasured':
      return t(M[n.code], {
        reason: n.params.reason === null ? t(P.noCandidates, {}) : surface.escape(n.params.reason),
        kept: surface.escape(n.params.kept),
      });
    case 'energy-formula': {
      const { overheadUj, ...rest } = n.params;
      return t(M[n.code], { ...fill(rest, surface.escape), overhead: overheadUj > 0 ? t(P.energyOverhead, { overheadUj: String(overheadUj) }) : '' });
    }
    case 'profile-fitted': {
      const { model, layers, ticks } = n.params;
      return t(M[n.code], {
        model: model === null ? t(P.aModel, {}) : surface.escape(model),
        layers: String(layers),
        ticks:
          ticks.source === 'cpu-cycles'
            ? t(P.ticksAsCycles, {})
            : ticks.source === 'given'
              ? t(P.ticksGiven, { ticksPerMs: String(ticks.ticksPerMs) })
              : t(P.ticksPrinted, { ticksPerMs: ticks.ticksPerMs.toFixed(1) }),
      });
    }
    case 'evaluation-refused': {
      const kind = n.params.kind ?? 'int8';
      return t(M[n.code], { kind: kind === 'mixed' ? t(P.kindMixed, {}) : kind, error: surface.escape(n.params.error) });
    }
    case 'not-evaluated':
      return t(M[n.code], { why: renderNotice(n.params.why, surface) });
    default:
      return t(M[n.code], fill(n.params, surface.escape));
  }
}

/** The English sentences: what the CLI prints and what the JSON and the report keep as strings. */
export function englishNotices(notices: readonly Notice[]): string[] {
  return notices.map((n) => renderNotice(n));
}
