/**
 * The English message of every finding, with named placeholders. The English text is also
 * the key of its translations (l10n/bundle.l10n.<lang>.json), as for every string of the
 * extension; a test checks each has a Korean translation with the same placeholders.
 *
 * Optional parts of a sentence (a reserve, the peak layer) are fragments of their own, so a
 * translation can place them where its grammar wants them.
 */
import type { FindingCode } from './finding';

/** One message per code; a code whose sentence depends on the finding has variants below. */
export const FINDING_MESSAGES = {
  'sram-over': 'Tensor arena {arena}{reserved} exceeds {sram} SRAM on {target}{peak}',
  'sram-near': 'Tensor arena {arena}{reserved} uses {percent} of {sram} SRAM on {target}{peak}',
  'sram-not-contiguous': 'Tensor arena {arena} is larger than the biggest contiguous SRAM block ({contiguous}) on {target}; the arena cannot span banks{peak}',
  'flash-over': 'Model {model}{reserved} exceeds {flash} flash on {target}',
  'flash-near': 'Model {model}{reserved} uses {percent} of {flash} flash on {target}',
  'op-unsupported': '{op} (layer {layer}) has no TensorFlow Lite Micro kernel',
  'hybrid-op':
    '{op} (layer {layer}) has int8 weights under float activations (dynamic-range quantization); TFLite Micro refuses hybrid models: quantize fully to int8',
  'float-in-int8': '{op} (layer {layer}) computes in float inside an int8 model: slow on an MCU without an FPU, and it costs 4 bytes per value',
  'latency-over': 'Estimated latency {ms} (expected {low} – {high}) exceeds the {budget} ms real-time budget on {target}{slowest}',
} as const satisfies Readonly<Record<FindingCode, string>>;

/** Variants and fragments the messages above are assembled with. */
export const FINDING_PARTS = {
  opUnsupportedInSubgraph: '{op} (layer {layer} of subgraph {subgraph}) has no TensorFlow Lite Micro kernel',
  reserved: ' + {bytes} reserved',
  peak: '; peak at layer {layer} {op}',
  slowest: '; slowest layer {layer} {op} ({ms})',
} as const;

/** Every English template a finding can be rendered with: what a translation must cover. */
export const FINDING_TEMPLATES: readonly string[] = [...Object.values(FINDING_MESSAGES), ...Object.values(FINDING_PARTS)];

/** The names of a template's placeholders, sorted: `{arena}` → `arena`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}
