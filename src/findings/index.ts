/** Findings as data (finding.ts), their English messages (messages.ts) and their rendering (render.ts). */
export type { FitFinding, FindingCode, FindingOf, LayerRef, Severity } from './finding';
export { FINDING_MESSAGES, FINDING_PARTS, FINDING_TEMPLATES, placeholders } from './messages';
export { ENGLISH_TEXT, fillTemplate, percent, plainText, renderFinding, type FindingSurface, type Placeholders } from './render';
