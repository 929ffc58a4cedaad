/**
 * The English message of every finding, with named placeholders. The English text is also
 * the key of its translations (l10n/bundle.l10n.<lang>.json), as for every string of the
 * extension; a test checks each has a Korean translation with the same placeholders.
 *
 * Optional parts of a sentence (a reserve, the peak layer) are fragments of their own, so a
 * translation can place them where its grammar wants them.
 */
import type { FindingCode } from './finding';
import type { NoticeCode } from './notice';

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
  'op-refused':
    "{op} (layer {layer}) has the types {got}, which TensorFlow Lite Micro's kernel refuses; it takes {accepted} ({source}): convert the layer to one of these",
  'float-in-int8': '{op} (layer {layer}) computes in float inside an int8 model: slow on an MCU without an FPU, and it costs 4 bytes per value',
  'latency-over': 'Estimated latency {ms} (expected {low} – {high}) exceeds the {budget} ms real-time budget on {target}{slowest}',
} as const satisfies Readonly<Record<FindingCode, string>>;

/** Variants and fragments the messages above are assembled with. */
export const FINDING_PARTS = {
  opUnsupportedInSubgraph: '{op} (layer {layer} of subgraph {subgraph}) has no TensorFlow Lite Micro kernel',
  opRefusedFloat16:
    '{op} (layer {layer}) has FLOAT16 tensors ({got}): TensorFlow Lite Micro cannot compute in float16; convert them to float32 or quantize the model to int8',
  opRefusedDequantizeFloat16:
    'weights are FLOAT16 behind DEQUANTIZE (layer {layer}): TensorFlow Lite Micro cannot dequantize float16; convert the weights to float32 or quantize the model to int8',
  opRefusedFixedOutput:
    "{op} (layer {layer}): TensorFlow Lite Micro's kernel requires its output's scale and zero point to be {accepted}, not {got} ({source}); quantize the model again",
  opRefusedInt16ZeroPoint:
    "{op} (layer {layer}): TensorFlow Lite Micro's kernel requires zero point 0 on int16 tensors, not {got} ({source}); quantize int16 symmetrically",
  opRefusedSameQuantization:
    "{op} (layer {layer}): TensorFlow Lite Micro's kernel requires its output's scale and zero point to equal its input's, {accepted}, not {got} ({source}); quantize the model again",
  opRefusedFusedActivation:
    "{op} (layer {layer}) has a fused {got} activation, which TensorFlow Lite Micro's kernel refuses ({source}): apply the activation as a layer of its own",
  opRefusedBiasRequired:
    "{op} (layer {layer}) has no bias, which TensorFlow Lite Micro's kernel reads without checking ({source}): the interpreter aborts; give the layer a zero bias",
  opRefusedPerTensorWeights:
    "{op} (layer {layer}) has per-channel weights ({got}) with an int16 input, which TensorFlow Lite Micro's kernel refuses ({source}): quantize its weights per tensor, or the layer to int8",
  reserved: ' + {bytes} reserved',
  peak: '; peak at layer {layer} {op}',
  slowest: '; slowest layer {layer} {op} ({ms})',
} as const;

/** Every English template a finding can be rendered with: what a translation must cover. */
export const FINDING_TEMPLATES: readonly string[] = [...Object.values(FINDING_MESSAGES), ...Object.values(FINDING_PARTS)];

/**
 * The notices of the analysis, the estimator and the quantizer (notice.ts). A list of op names
 * fills one placeholder, joined with ", ".
 */
export const NOTICE_MESSAGES = {
  'offline-plan-not-words': 'OfflineMemoryAllocation metadata is {bytes} bytes, not a list of int32 words; planning online',
  'offline-plan-count': 'OfflineMemoryAllocation lists {offsets} offsets but the model has {tensors} tensors; TFLM would refuse it. Planning online',
  'offline-plan-negative': 'OfflineMemoryAllocation gives tensor {tensor} the offset {offset}, outside the arena (only -1, "plan at runtime", may be negative)',
  'offline-plan-misaligned':
    'OfflineMemoryAllocation gives "{name}" (subgraph {subgraph}, tensor {tensor}) the offset {offset}, not a multiple of {alignment}: its data would be misaligned',
  'offline-plan-overlap':
    'OfflineMemoryAllocation puts "{nameA}" (subgraph {subgraphA}, tensor {tensorA}) at {offsetA} and "{nameB}" (subgraph {subgraphB}, tensor {tensorB}) at {offsetB}: they share bytes while both are alive, so TFLM would let one overwrite the other',
  'offline-plan-more': 'OfflineMemoryAllocation has {count} more such problems',
  'persistent-unverified': 'persistent bytes assume kernel data for {ops} (±{errorBytes} bytes)',
  'kernels-reference-core': "TFLM's reference kernels: CMSIS-NN is written for Arm Cortex-M cores, and {core} is not one",
  'cost-unknown': 'cost of {ops} unknown: only their invocation overhead is counted',
  'subgraphs-per-call':
    'layers of subgraphs other than 0 are listed per call and left out of the total (how often control flow calls them is not known statically)',
  'float-layers': "{layers} float layer(s) run TFLM's reference float kernels{softFloat}; float costs are extrapolated from the int8 calibration",
  'hybrid-layers': 'hybrid (dynamic-range) layers: TFLM refuses them; the estimate assumes they ran',
  extrapolated: 'no measured row for {core} with {kernels} kernels: extrapolated ({derivation}), wider band',
  'other-board': "core calibrated on another board: band widened for this board's memory system",
  'estimate-needs-board': 'latency is estimated for boards, not for custom budgets',
  'energy-bare-core': 'no board power facts for a bare core (use --target <board>)',
  'energy-placeholder': 'the power figures of {board} are placeholders',
  'energy-formula': '{microAmpsPerMHz} µA/MHz × {clockMHz} MHz × {volts} V ({source}) × estimated latency{overhead}',
  'profile-negative-ticks': '{events} event(s) with negative ticks (timer wrapped?) ignored',
  'profile-per-tag-only': 'only per-tag totals found (LogTicksPerTagCsv): layers cannot be matched one by one; use MicroProfiler::Log or LogCsv',
  'profile-truncated': 'log too long to align in full: only the first {runs} invocation(s) are used',
  'profile-wrong-model': 'no profiler event names an op of this model: is it the right model?',
  'profile-empty': 'no profiler events found',
  'profile-unmatched': '{layers} layer(s) have no profiler event ({ops})',
  'profile-median': '{runs} invocations in the log: per-layer ticks are the median over them',
  'profile-ticks-as-cycles':
    "profiler ticks taken as CPU cycles at {clockMHz} MHz (TFLM's Cortex-M timer counts cycles when DWT is enabled); pass ticks per ms if your timer differs",
  'profile-fitted': 'fitted to a MicroProfiler log of {model} on this board ({layers} layers; ticks {ticks})',
  'samples-short': '{asked} calibration samples were asked for; the data holds {available}, {heldOut} of them held out',
  'no-held-out': 'no held-out samples: the report has no per-layer error (give more calibration files)',
  'non-finite': 'tensor "{tensor}" had {values} non-finite value(s) during calibration; they were ignored',
  'random-calibration':
    'calibrated on random data: the ranges do not reflect real inputs, so the int8 model may be far less accurate than one calibrated on real samples',
  'few-samples': 'only {samples} calibration sample(s): ranges from so few samples may miss values real inputs reach',
  'auto-unmeasured': 'auto ranges: no candidate could be measured ({reason}); kept {kept}',
  'auto-in-sample':
    'auto ranges: with only {samples} calibration sample(s) none could be kept apart, so the candidates were compared on the calibration samples themselves',
  'evaluation-no-held-out': 'no held-out samples were given',
  'evaluation-refused': 'our runtime cannot run the {kind} model: {error}',
  'not-evaluated': 'not evaluated: {why}',
  'dequantize-folded': '{ops} DEQUANTIZE op(s) of constant weights folded into float32 constants',
  'hybrid-dequantized': '{tensors} int8 weight tensor(s) of a hybrid (dynamic-range) model dequantized to float32',
  'weights-reused': '{tensors} int8 weight tensor(s) of the hybrid source reused exactly (no second rounding)',
  'evaluation-on-calibration':
    "no evaluation data was given: the report's figures are measured on {samples} of the calibration samples, which the model was fitted to, so they look better than on new data; give evaluation data for an honest measure",
  'input-range':
    'calibration input "{input}" spans [{min}, {max}], but the model expects about [{expectedMin}, {expectedMax}] ({from}); .npy and raw files are used as they are, never normalized',
  'bias-corrected': 'bias correction: int32 biases of {layers} layer(s) moved by the mean error of their output channels on {samples} calibration samples',
  'weights-rounded':
    'data-driven rounding: {weights} weight(s) of {layers} layer(s) rounded the other way than to nearest, to lower the layer output error on {samples} calibration samples',
  'bias-widened': "weight scales widened on {channels} channel(s) of {layers} layer(s) so their bias fits int32 (the converter's bias-scale check)",
  'weights-per-tensor':
    "FULLY_CONNECTED weights per tensor in {layers} int16 layer(s), not per channel as asked: the target's CMSIS-NN kernel refuses per-channel weights with an int16 input",
  'comparison-float':
    "{count} comparison layer(s) kept in float (layer {layers}): an int8 input's range is wider than about 255, so its scale would be 1 or more, which TFLite Micro's int8 comparison aborts on",
} as const satisfies Readonly<Record<NoticeCode, string>>;

/** Fragments the notices above are assembled with. */
export const NOTICE_PARTS = {
  softFloat: ' in software floating point (×{factor}, no FPU on {core})',
  noCandidates: 'no candidates',
  energyOverhead: ' + {overheadUj} µJ overhead',
  aModel: 'a model',
  ticksAsCycles: 'taken as CPU cycles',
  ticksGiven: 'at {ticksPerMs} per ms (given)',
  ticksPrinted: 'at {ticksPerMs} per ms from the printed ms',
  kindMixed: 'mixed-precision',
} as const;

/** Every English template a notice can be rendered with. */
export const NOTICE_TEMPLATES: readonly string[] = [...Object.values(NOTICE_MESSAGES), ...Object.values(NOTICE_PARTS)];

/** Every English template the core renders, findings and notices: what a translation must cover. */
export const ALL_TEMPLATES: readonly string[] = [...FINDING_TEMPLATES, ...NOTICE_TEMPLATES];

/** The names of a template's placeholders, sorted: `{arena}` → `arena`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}
