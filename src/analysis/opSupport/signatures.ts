/**
 * What TensorFlow Lite Micro's kernels accept, per builtin: the dtype signatures (activations,
 * weights, output) a kernel runs with. A missing kernel is tflmOps.ts's question; this is the
 * next one: TFLM has the kernel, but its Prepare (AllocateTensors fails) or its Eval (the first
 * Invoke fails) refuses the tensors' types. Read from the kernels of tensorflow/tflite-micro at
 * commit 90b983c2 (`source`, relative to tensorflow/lite/micro/kernels/), and proven against
 * that build: test/core/opSupport.test.ts runs a single-op model per op and dtype combination
 * through it and compares (docs/op-support.md).
 *
 * The reference kernels' rules; CMSIS-NN's kernels register the same types or fall back to them.
 */
import type { DType } from '../../model/dtype';
import type { ByBuiltin } from '../../model/ops';

/** The dtypes one tensor slot may have; null when every dtype goes (a shape operand, or a kernel that does not look). */
export type Accepts = readonly DType[] | null;

/** One combination a kernel runs with: a slot per input and per output, in order; slots past the end are not checked. */
export interface Signature {
  readonly inputs: readonly Accepts[];
  readonly outputs: readonly Accepts[];
}

/**
 * What a kernel's Prepare checks beyond types, on quantized tensors and options. Each was seen
 * to refuse a model in the real TFLM (test/helpers/signatureModels.ts constraintCases).
 */
export type Constraint =
  /** An output of `dtype` (from an input of `input`, when given) must carry this zero point and this scale. */
  | {
      readonly kind: 'fixed-output';
      readonly dtype: DType;
      readonly input?: DType;
      readonly zeroPoint: number;
      /** The scale, exact (`==` on float32) or within `tolerance` (relative); absent, the scale is free. */
      readonly scale?: number;
      readonly tolerance?: number;
    }
  /** Every int16 tensor of the op must have zero point 0 (symmetric int16). */
  | { readonly kind: 'int16-zero-point' }
  /** int8/int16 outputs keep the quantization (scale and zero point) of these input slots. */
  | {
      readonly kind: 'same-quantization';
      readonly inputs: readonly number[] | 'all';
      /** Only for outputs of this dtype; absent: int8 and int16. */
      readonly dtype?: DType;
      /** Absolute tolerance on the scale; absent: equal as float32. */
      readonly tolerance?: number;
    }
  /** The op refuses a fused activation other than NONE. */
  | { readonly kind: 'no-fused-activation' }
  /** The input `slot` (the bias) must be present: the kernel reads it without checking (TFLM aborts). */
  | { readonly kind: 'bias-required'; readonly slot: number }
  /** With a data input of `input`, the weights at `slot` must have one scale (per tensor, not per channel). */
  | { readonly kind: 'per-tensor-weights'; readonly input: DType; readonly slot: number };

export type ConstraintKind = Constraint['kind'];

export interface OpSignatures {
  /** The TFLM kernel source the signatures were read from, under tensorflow/lite/micro/kernels/. */
  readonly source: string;
  readonly accepts: readonly Signature[];
  /** The input slot holding weights, where float activations with integer weights make a hybrid op. */
  readonly weights?: number;
  /**
   * True when the real TFLM confirmed every signature over generated single-op models
   * (test/helpers/signatureModels.ts); false for rules read from the source only.
   */
  readonly proven: boolean;
  /** Checks beyond types, each with the kernel source it is read from. */
  readonly constraints?: readonly (Constraint & { readonly source: string })[];
}

const one = (t: DType): readonly DType[] => [t];

/** Every data input and output of the same type, for each type listed. */
function same(types: readonly DType[], inputs = 1, outputs = 1): Signature[] {
  return types.map((t) => ({ inputs: Array.from({ length: inputs }, () => one(t)), outputs: Array.from({ length: outputs }, () => one(t)) }));
}

/** `inputs(t)` → `outputs(t)` for each type listed. */
function each(types: readonly DType[], inputs: (t: DType) => readonly Accepts[], outputs: (t: DType) => readonly Accepts[] = (t) => [one(t)]): Signature[] {
  return types.map((t) => ({ inputs: inputs(t), outputs: outputs(t) }));
}

const F = 'float32';
const FLOAT: readonly DType[] = [F];
const F_I8: readonly DType[] = [F, 'int8'];
const F_I8_I16: readonly DType[] = [F, 'int8', 'int16'];
const F_I8_I16_I32: readonly DType[] = [F, 'int8', 'int16', 'int32'];
const ANY_TYPE: readonly Signature[] = [{ inputs: [], outputs: [] }];

const proven = (source: string, accepts: readonly Signature[], weights?: number): OpSignatures => ({
  source,
  accepts,
  proven: true,
  ...(weights !== undefined ? { weights } : {}),
});
const fromSource = (source: string, accepts: readonly Signature[], weights?: number): OpSignatures => ({
  source,
  accepts,
  proven: false,
  ...(weights !== undefined ? { weights } : {}),
});

/** The rule with constraints added, each citing its source. */
function limited(rule: OpSignatures, ...constraints: readonly (Constraint & { readonly source: string })[]): OpSignatures {
  return { ...rule, constraints };
}

const INT16_ZERO_POINT = (source: string) => ({ kind: 'int16-zero-point', source }) as const;

/** Input, filter, bias → output of the convolutions and FULLY_CONNECTED (bias not checked here). */
const CONV_FAMILY: readonly Signature[] = [
  { inputs: [FLOAT, FLOAT], outputs: [FLOAT] },
  { inputs: [one('int8'), ['int8', 'int4']], outputs: [one('int8')] },
  { inputs: [one('int16'), one('int8')], outputs: [one('int16')] },
];

const COMPARE = (types: readonly DType[]): Signature[] =>
  each(
    types,
    (t) => [one(t), one(t)],
    () => [one('bool')],
  );
const ALONG_AXIS = (types: readonly DType[]): Signature[] => each(types, (t) => [one(t), null]);

export const OP_SIGNATURES = {
  ABS: limited(proven('elementwise.cc', same(F_I8_I16)), INT16_ZERO_POINT('elementwise.cc')),
  ADD: proven('add.cc', same(F_I8_I16_I32, 2)),
  ADD_N: proven('add_n.cc', same(F_I8, 2)),
  ARG_MAX: proven(
    'arg_min_max.cc',
    each(
      F_I8,
      (t) => [one(t), null],
      () => [one('int32')],
    ),
  ),
  ARG_MIN: proven(
    'arg_min_max.cc',
    each(
      F_I8,
      (t) => [one(t), null],
      () => [one('int32')],
    ),
  ),
  ASSIGN_VARIABLE: fromSource('assign_variable.cc', ANY_TYPE),
  AVERAGE_POOL_2D: limited(proven('pooling.cc', same(F_I8_I16)), { kind: 'same-quantization', inputs: [0], tolerance: 1e-6, source: 'pooling_common.cc' }),
  BATCH_MATMUL: limited(proven('batch_matmul.cc', same(F_I8_I16, 2)), INT16_ZERO_POINT('batch_matmul.cc')),
  BATCH_TO_SPACE_ND: proven('batch_to_space_nd.cc', ALONG_AXIS(F_I8)),
  BROADCAST_ARGS: proven('broadcast_args.cc', same(['int32', 'int64'], 2)),
  BROADCAST_TO: proven('broadcast_to.cc', ANY_TYPE),
  CALL_ONCE: fromSource('call_once.cc', ANY_TYPE),
  CAST: proven(
    'cast.cc',
    ([F, 'int8', 'int16', 'int32', 'bool'] as const).map((t) => ({ inputs: [one(t)], outputs: [[F, 'int8', 'int16', 'int32']] })),
  ),
  CEIL: proven('ceil.cc', same(FLOAT)),
  CONCATENATION: limited(
    proven('concatenation.cc', same([F, 'int8', 'int16', 'int32', 'int64', 'bool'], 2)),
    { kind: 'no-fused-activation', source: 'concatenation.cc' },
    INT16_ZERO_POINT('concatenation.cc'),
    { kind: 'same-quantization', inputs: 'all', dtype: 'int8', source: 'concatenation.cc' },
  ),
  CONV_2D: proven('conv_common.cc', CONV_FAMILY, 1),
  COS: proven('elementwise.cc', same(FLOAT)),
  CUMSUM: proven('cumsum.cc', ALONG_AXIS(F_I8)),
  DEPTH_TO_SPACE: proven('depth_to_space.cc', same(F_I8)),
  DEPTHWISE_CONV_2D: limited(proven('depthwise_conv_common.cc', CONV_FAMILY, 1), { kind: 'bias-required', slot: 2, source: 'depthwise_conv.cc' }),
  DEQUANTIZE: proven('dequantize_common.cc', [{ inputs: [['int8', 'uint8', 'int16']], outputs: [FLOAT] }]),
  DIV: proven('div.cc', same([F, 'int8', 'int32'], 2)),
  ELU: proven('elu.cc', same(F_I8)),
  EMBEDDING_LOOKUP: proven('embedding_lookup.cc', [
    { inputs: [null, FLOAT], outputs: [FLOAT] },
    { inputs: [null, one('int8')], outputs: [F_I8] },
  ]),
  EQUAL: proven('comparisons.cc', COMPARE([F, 'int8', 'int32', 'int64', 'bool'])),
  EXP: proven('exp.cc', same(FLOAT)),
  EXPAND_DIMS: proven('expand_dims.cc', ALONG_AXIS(F_I8_I16)),
  FILL: proven(
    'fill.cc',
    each([F, 'int8', 'int32'], (t) => [null, one(t)]),
  ),
  FLOOR: proven('floor.cc', same(FLOAT)),
  FLOOR_DIV: proven('floor_div.cc', same(FLOAT, 2)),
  FLOOR_MOD: proven('floor_mod.cc', same(FLOAT, 2)),
  FULLY_CONNECTED: proven('fully_connected_common.cc', CONV_FAMILY, 1),
  GATHER: proven('gather.cc', ALONG_AXIS(F_I8)),
  GATHER_ND: proven('gather_nd.cc', ALONG_AXIS(F_I8)),
  GREATER: proven('comparisons.cc', COMPARE([F, 'int8', 'int16', 'int32', 'int64'])),
  GREATER_EQUAL: proven('comparisons.cc', COMPARE([F, 'int8', 'int32', 'int64'])),
  HARD_SWISH: proven('hard_swish.cc', same(F_I8)),
  IF: fromSource('if.cc', ANY_TYPE),
  L2_NORMALIZATION: limited(proven('l2norm.cc', same(F_I8)), { kind: 'no-fused-activation', source: 'l2norm.cc' }),
  L2_POOL_2D: proven('l2_pool_2d.cc', same(FLOAT)),
  LEAKY_RELU: proven('leaky_relu.cc', same(F_I8_I16)),
  LESS: proven('comparisons.cc', COMPARE([F, 'int8', 'int32', 'int64'])),
  LESS_EQUAL: proven('comparisons.cc', COMPARE([F, 'int8', 'int32', 'int64'])),
  LOG: proven('elementwise.cc', same(FLOAT)),
  LOG_SOFTMAX: limited(proven('log_softmax.cc', same(F_I8)), {
    kind: 'fixed-output',
    dtype: 'int8',
    zeroPoint: 127,
    scale: 16 / 256,
    source: 'log_softmax.cc',
  }),
  // logical.cc reads its operands as bool without checking their type, so every type runs.
  LOGICAL_AND: proven('logical.cc', ANY_TYPE),
  LOGICAL_NOT: proven('elementwise.cc', same(['bool'])),
  LOGICAL_OR: proven('logical.cc', ANY_TYPE),
  LOGISTIC: limited(
    proven('logistic.cc', same(F_I8_I16)),
    { kind: 'fixed-output', dtype: 'int8', zeroPoint: -128, source: 'logistic_common.cc' },
    { kind: 'fixed-output', dtype: 'int16', zeroPoint: 0, scale: 1 / 32768, tolerance: 0.0007, source: 'logistic_common.cc' },
    INT16_ZERO_POINT('logistic_common.cc'),
  ),
  MAX_POOL_2D: limited(proven('pooling.cc', same(F_I8_I16)), { kind: 'same-quantization', inputs: [0], tolerance: 1e-6, source: 'pooling_common.cc' }),
  MAXIMUM: proven('maximum_minimum.cc', same([F, 'int8', 'int16', 'int32', 'int64'], 2)),
  MEAN: proven('reduce.cc', ALONG_AXIS(F_I8_I16)),
  MINIMUM: proven('maximum_minimum.cc', same([F, 'int8', 'int16', 'int32', 'int64'], 2)),
  MIRROR_PAD: proven('mirror_pad.cc', ALONG_AXIS(F_I8)),
  MUL: limited(proven('mul.cc', same(F_I8_I16_I32, 2)), INT16_ZERO_POINT('mul_common.cc')),
  NEG: proven('neg.cc', same(FLOAT)),
  NOT_EQUAL: proven('comparisons.cc', COMPARE([F, 'int8', 'int32', 'int64', 'bool'])),
  PACK: proven('pack.cc', same([F, 'int8', 'int16', 'int32', 'int64'], 2)),
  PAD: proven('pad.cc', ALONG_AXIS(F_I8_I16_I32)),
  PADV2: limited(proven('pad.cc', ALONG_AXIS(F_I8_I16_I32)), { kind: 'same-quantization', inputs: [2], dtype: 'int8', source: 'pad_common.cc' }),
  // prelu_common.cc checks alpha's type only for int16 input; float and int8 read it as their own.
  PRELU: proven('prelu_common.cc', [
    { inputs: [FLOAT, null], outputs: [FLOAT] },
    { inputs: [one('int8'), null], outputs: [one('int8')] },
    { inputs: [one('int16'), one('int8')], outputs: [one('int16')] },
  ]),
  QUANTIZE: proven('quantize_common.cc', [
    { inputs: [FLOAT], outputs: [['int8', 'int16']] },
    { inputs: [one('int8')], outputs: [['int8', 'uint8', 'int16', 'int32']] },
    { inputs: [one('uint8')], outputs: [one('int8')] },
    { inputs: [one('int16')], outputs: [['int8', 'int16', 'int32']] },
    { inputs: [one('int32')], outputs: [['int8', 'int16']] },
  ]),
  READ_VARIABLE: fromSource('read_variable.cc', ANY_TYPE),
  REDUCE_MAX: limited(proven('reduce.cc', ALONG_AXIS(F_I8)), { kind: 'same-quantization', inputs: [0], source: 'reduce_common.cc' }),
  RELU: limited(proven('activations.cc', same(F_I8_I16)), INT16_ZERO_POINT('activations_common.cc')),
  RELU6: proven('activations.cc', same(F_I8_I16)),
  RESHAPE: proven('reshape.cc', ANY_TYPE),
  RESIZE_BILINEAR: proven('resize_bilinear.cc', ALONG_AXIS(F_I8)),
  RESIZE_NEAREST_NEIGHBOR: proven('resize_nearest_neighbor.cc', ALONG_AXIS(F_I8_I16)),
  ROUND: proven('round.cc', same(FLOAT)),
  // int8 and int16 also fail at Invoke on an input below the zero point, which no type check can see.
  RSQRT: limited(proven('elementwise.cc', same(F_I8_I16)), INT16_ZERO_POINT('elementwise.cc')),
  SELECT_V2: proven(
    'select.cc',
    each(F_I8_I16, (t) => [null, one(t), one(t)]),
  ),
  SHAPE: proven('shape.cc', [{ inputs: [null], outputs: [one('int32')] }]),
  SIN: proven('elementwise.cc', same(FLOAT)),
  SLICE: proven('slice.cc', ALONG_AXIS([F, 'int8', 'int16', 'int32', 'bool'])),
  SOFTMAX: limited(
    proven('softmax_common.cc', [...same(F_I8_I16), { inputs: [one('int8')], outputs: [one('int16')] }]),
    { kind: 'fixed-output', dtype: 'int8', zeroPoint: -128, scale: 1 / 256, source: 'softmax_common.cc' },
    { kind: 'fixed-output', dtype: 'int16', input: 'int16', zeroPoint: 0, scale: 1 / 32768, tolerance: 0.001, source: 'softmax_common.cc' },
    { kind: 'fixed-output', dtype: 'int16', input: 'int8', zeroPoint: -32768, scale: 1 / 65536, tolerance: 0.001, source: 'softmax_common.cc' },
  ),
  SPACE_TO_BATCH_ND: proven('space_to_batch_nd.cc', ALONG_AXIS(F_I8)),
  SPACE_TO_DEPTH: proven('space_to_depth.cc', same(F_I8)),
  SPLIT: proven(
    'split.cc',
    each(
      F_I8_I16_I32,
      (t) => [null, one(t)],
      (t) => [one(t), one(t)],
    ),
  ),
  SPLIT_V: proven(
    'split_v.cc',
    each(
      F_I8_I16_I32,
      (t) => [one(t)],
      (t) => [one(t), one(t)],
    ),
  ),
  SQRT: proven('elementwise.cc', same(FLOAT)),
  SQUARE: proven('elementwise.cc', same(FLOAT)),
  SQUARED_DIFFERENCE: limited(proven('squared_difference.cc', same(F_I8_I16_I32, 2)), INT16_ZERO_POINT('squared_difference.cc')),
  SQUEEZE: proven('squeeze.cc', ANY_TYPE),
  STRIDED_SLICE: proven('strided_slice.cc', ALONG_AXIS([F, 'int8', 'int16', 'int32', 'bool'])),
  SUB: proven('sub.cc', same(F_I8_I16_I32, 2)),
  SUM: proven('reduce.cc', ALONG_AXIS(F_I8_I16)),
  SVDF: fromSource(
    'svdf_common.cc',
    [
      { inputs: [FLOAT, FLOAT, FLOAT, FLOAT, FLOAT], outputs: [FLOAT] },
      { inputs: [one('int8'), one('int8'), ['int16', 'int8'], one('int32'), ['int16', 'int8']], outputs: [one('int8')] },
    ],
    1,
  ),
  TANH: limited(
    proven('tanh.cc', same(F_I8_I16)),
    { kind: 'fixed-output', dtype: 'int16', zeroPoint: 0, scale: 1 / 32768, tolerance: 0.0007, source: 'tanh.cc' },
    INT16_ZERO_POINT('tanh.cc'),
  ),
  TRANSPOSE: proven('transpose.cc', ALONG_AXIS(F_I8_I16)),
  // Inputs: output shape, filter, input, bias.
  TRANSPOSE_CONV: proven(
    'transpose_conv.cc',
    [
      { inputs: [null, FLOAT, FLOAT], outputs: [FLOAT] },
      { inputs: [null, one('int8'), one('int8')], outputs: [one('int8')] },
      { inputs: [null, one('int8'), one('int16')], outputs: [one('int16')] },
    ],
    1,
  ),
  // Input 2 (input-to-forget weights) stands for the weights, which the kernel requires alike.
  UNIDIRECTIONAL_SEQUENCE_LSTM: fromSource(
    'unidirectional_sequence_lstm.cc',
    [
      { inputs: [FLOAT, null, FLOAT], outputs: [FLOAT] },
      { inputs: [one('int8'), null, one('int8')], outputs: [one('int8')] },
      { inputs: [one('int16'), null, one('int8')], outputs: [one('int16')] },
    ],
    2,
  ),
  UNPACK: proven(
    'unpack.cc',
    each(
      F_I8_I16_I32,
      (t) => [one(t)],
      (t) => [one(t), one(t)],
    ),
  ),
  VAR_HANDLE: fromSource('var_handle.cc', ANY_TYPE),
  WHILE: fromSource('while.cc', ANY_TYPE),
  ZEROS_LIKE: proven('zeros_like.cc', same([F, 'int8', 'int32', 'int64'])),
  REVERSE_V2: proven('reverse.cc', ALONG_AXIS([F, 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'])),
  DYNAMIC_UPDATE_SLICE: proven(
    'dynamic_update_slice.cc',
    each([F, 'int8', 'int16', 'int32'], (t) => [one(t), one(t), ['int32', 'int64']]),
  ),
  REDUCE_MIN: limited(proven('reduce.cc', ALONG_AXIS(F_I8)), { kind: 'same-quantization', inputs: [0], source: 'reduce_common.cc' }),
  REDUCE_ALL: proven('reduce.cc', ALONG_AXIS(['bool'])),
} satisfies ByBuiltin<OpSignatures>;

/**
 * What TFLM built with CMSIS-NN checks on top of the reference rules: its int16 kernels for these
 * ops want symmetric (zero point 0) int16 activations, where the reference kernels take any, and
 * its FULLY_CONNECTED refuses per-channel weights with an int16 input (Prepare: "per-channel int16
 * is not supported"; the int8 input takes them). The types are the same: the CMSIS-NN build
 * (`tflm_run32_cmsis_nn`) agrees with OP_SIGNATURES on every type case.
 */
export const CMSIS_NN_CONSTRAINTS = {
  ADD: [INT16_ZERO_POINT('cmsis_nn/add.cc')],
  CONV_2D: [INT16_ZERO_POINT('cmsis_nn/conv.cc')],
  DEPTHWISE_CONV_2D: [INT16_ZERO_POINT('cmsis_nn/depthwise_conv.cc')],
  FULLY_CONNECTED: [
    INT16_ZERO_POINT('cmsis_nn/fully_connected.cc'),
    { kind: 'per-tensor-weights', input: 'int16', slot: 1, source: 'cmsis_nn/fully_connected.cc' },
  ],
} satisfies ByBuiltin<readonly (Constraint & { readonly source: string })[]>;
