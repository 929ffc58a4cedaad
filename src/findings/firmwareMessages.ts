/**
 * The English messages of the firmware checker's findings (src/firmware/check.ts), with named
 * placeholders; as for FINDING_MESSAGES, the English text is the key of its translations and a
 * test checks each has a Korean one with the same placeholders.
 */

export const FIRMWARE_CODES = [
  'arena-too-small',
  'arena-oversized',
  'arena-unknown',
  'op-missing',
  'resolver-too-small',
  'add-unchecked',
  'op-unused',
  'model-unaligned',
  'model-not-const',
  'model-invalid',
  'model-stale',
] as const;

export type FirmwareCode = (typeof FIRMWARE_CODES)[number];

export const FIRMWARE_MESSAGES = {
  'arena-too-small':
    'Tensor arena {arena} has {bytes} but the model needs {required} with {kernels} kernels ({planned} planned + {persistent} persistent): AllocateTensors() will fail',
  'arena-oversized': 'Tensor arena {arena} has {bytes}, more than twice the {required} the model needs: {spare} could be given back',
  'arena-unknown': 'The size of tensor arena {arena} cannot be evaluated: {reason}',
  'op-missing': 'The model uses {op} (first at layer {layer}) but resolver {resolver} never adds it: call {method}()',
  'resolver-too-small': 'Resolver {resolver} has room for {capacity} ops but {adds} Add calls register ops: the ones beyond {capacity} fail',
  'add-unchecked': 'The result of {method}() is not checked: a failed registration goes unnoticed',
  'op-unused': '{method}() adds {op}, which the model never uses: its kernel costs flash',
  'model-unaligned': 'Model array {symbol} is not 16-byte aligned: add alignas(16)',
  'model-not-const': 'Model array {symbol} is not const: its {bytes} are copied into SRAM',
  'model-invalid': 'Array {symbol} is not a valid TFLite model: {reason}',
  'model-stale': 'Model array {symbol} differs from {model}: a stale export',
} as const satisfies Readonly<Record<FirmwareCode, string>>;

/** Variants of the messages above. */
export const FIRMWARE_PARTS = {
  opMissingNoMethod:
    "The model uses {op} (first at layer {layer}) but resolver {resolver} never adds it, and TFLM's MicroMutableOpResolver has no Add method for it",
  addChained: '{method}() is chained with &&: kTfLiteOk is 0, so the chain stops after the first success and the ops after it are never added',
  underCondition: '{message} (in a build where {condition})',
} as const;

/** The titles of the quick fixes (src/firmware/fixes.ts), by fix kind. */
export const FIRMWARE_FIX_TITLES = {
  'set-arena': 'Set tensor arena {arena} to {bytes} bytes',
  'add-ops': 'Add {methods} to resolver {resolver}',
  'set-capacity': 'Set the op count N of resolver {resolver} to {capacity}',
  'align-model': 'Align model array {symbol} to 16 bytes',
  'const-model': 'Make model array {symbol} const (it stays in flash)',
} as const;

export const FIRMWARE_TEMPLATES: readonly string[] = [
  ...Object.values(FIRMWARE_MESSAGES),
  ...Object.values(FIRMWARE_PARTS),
  ...Object.values(FIRMWARE_FIX_TITLES),
];
