/**
 * What the int8 path does with each operator, from TFLite's quantizer
 * (tensorflow/lite/tools/optimize/operator_property.cc, and the MLIR quantizer's op traits:
 * SameOperandsAndResultsScale, FixedOutputRangeInterface, AffineQuantizedOpInterface):
 *
 * - `weight`: the constant input quantized symmetric int8, per channel along `axis` (CONV_2D 0,
 *   DEPTHWISE_CONV_2D 3, TRANSPOSE_CONV 0; FULLY_CONNECTED 0 only on request, else per tensor).
 * - `bias`: the int32 input whose scale is input scale × weight scale.
 * - `output`:
 *   - 'own': its own calibrated range;
 *   - 'same': the scale and zero point of its (single) real-valued input
 *     (restrict_same_input_output_scale);
 *   - 'shared': every real-valued input and the output share one scale, taken from the
 *     output's range (CONCATENATION, PACK, MAXIMUM, MINIMUM: the MLIR quantizer propagates a
 *     multi-input same-scale op's result scale back to its operands);
 *   - fixed: SOFTMAX and LOGISTIC 1/256, −128; TANH and L2_NORMALIZATION 1/128, 0; LOG_SOFTMAX
 *     16/256, 127.
 * - `gates`: further weight/bias pairs (an LSTM's eight gate matrices), each int8 per tensor
 *   (TFLM's integer LSTM reads one scale per matrix), multiplying the data input at `input`; a
 *   bias, where there is one, int32 (int64 in 16x8) at s_input · s_w.
 * - `state`: an LSTM's variable state inputs. The hidden state takes the output's parameters
 *   (TFLM writes the hidden state's bytes to the output); the cell state is int16 at either
 *   activation type, symmetric with a power-of-two scale from its calibrated range (TFLM's
 *   CheckedLog2), as the converter writes it.
 * Every other float input is a real value quantized asymmetric int8 (activations from their
 * calibrated range, constants from their values: quantize_input_as_activations); integer
 * inputs (shapes, axes, paddings) are left as they are.
 */
import { optionsOf, type ActivationFunction, type ByBuiltin } from '../model/ops';
import type { DType } from '../model/dtype';
import type { Operator } from '../model/graph';

export type OutputRule =
  | { readonly kind: 'own' }
  | { readonly kind: 'same' }
  | { readonly kind: 'shared' }
  | { readonly kind: 'fixed'; readonly scale: number; readonly zeroPoint: number };

/** A weight matrix (and its bias) beyond an op's one `weight`: per tensor, multiplying the data input at slot `input`. */
export interface GateWeights {
  readonly weight: number;
  readonly bias?: number;
  readonly input: number;
}

export interface OpProperty {
  /** The real-valued input slots that are data (the first one is "the" input of 'same' ops); undefined: every float input. */
  readonly dataInputs?: readonly number[];
  readonly weight?: { readonly slot: number; readonly axis: number | 'fc' };
  readonly bias?: number;
  readonly output: OutputRule;
  /** Fused activations this op may carry in int8 (TFLM supports NONE, RELU, RELU6, RELU_N1_TO_1). */
  readonly fused?: boolean;
  readonly gates?: readonly GateWeights[];
  /** Variable state input slots (an LSTM's): the hidden state shares the output's parameters, the cell state is int16 with a power-of-two scale. */
  readonly state?: { readonly hidden: number; readonly cell: number };
  /**
   * Data slots TFLM's 16x8 kernel reads as int8 all the same (PRELU's alpha: prelu_common.cc
   * takes int16 data only with an int8 alpha). In an int16 layer they take their int8 form,
   * with its own int8 parameters.
   */
  readonly int8In16x8?: readonly number[];
}

const OWN: OutputRule = { kind: 'own' };
const SAME: OutputRule = { kind: 'same' };
const SHARED: OutputRule = { kind: 'shared' };
const fixed = (scale: number, zeroPoint: number): OutputRule => ({ kind: 'fixed', scale: Math.fround(scale), zeroPoint });

/** Operators the int8 path quantizes, by TFLite builtin name. */
export const OP_PROPERTIES: Readonly<Record<string, OpProperty>> = {
  CONV_2D: { dataInputs: [0], weight: { slot: 1, axis: 0 }, bias: 2, output: OWN, fused: true },
  DEPTHWISE_CONV_2D: { dataInputs: [0], weight: { slot: 1, axis: 3 }, bias: 2, output: OWN, fused: true },
  FULLY_CONNECTED: { dataInputs: [0], weight: { slot: 1, axis: 'fc' }, bias: 2, output: OWN, fused: true },
  TRANSPOSE_CONV: { dataInputs: [2], weight: { slot: 1, axis: 0 }, bias: 3, output: OWN, fused: true },
  AVERAGE_POOL_2D: { dataInputs: [0], output: SAME, fused: true },
  MAX_POOL_2D: { dataInputs: [0], output: SAME, fused: true },
  RESHAPE: { dataInputs: [0], output: SAME },
  SQUEEZE: { dataInputs: [0], output: SAME },
  EXPAND_DIMS: { dataInputs: [0], output: SAME },
  TRANSPOSE: { dataInputs: [0], output: SAME },
  PAD: { dataInputs: [0], output: SAME },
  PADV2: { dataInputs: [0], output: SAME },
  MIRROR_PAD: { dataInputs: [0], output: SAME },
  STRIDED_SLICE: { dataInputs: [0], output: SAME },
  SLICE: { dataInputs: [0], output: SAME },
  SPLIT: { dataInputs: [1], output: SAME },
  SPLIT_V: { dataInputs: [0], output: SAME },
  UNPACK: { dataInputs: [0], output: SAME },
  RESIZE_BILINEAR: { dataInputs: [0], output: SAME },
  RESIZE_NEAREST_NEIGHBOR: { dataInputs: [0], output: SAME },
  DEPTH_TO_SPACE: { dataInputs: [0], output: SAME },
  SPACE_TO_DEPTH: { dataInputs: [0], output: SAME },
  BATCH_TO_SPACE_ND: { dataInputs: [0], output: SAME },
  SPACE_TO_BATCH_ND: { dataInputs: [0], output: SAME },
  REDUCE_MAX: { dataInputs: [0], output: SAME },
  REDUCE_MIN: { dataInputs: [0], output: SAME },
  CONCATENATION: { output: SHARED, fused: true },
  PACK: { output: SHARED },
  MAXIMUM: { output: SHARED },
  MINIMUM: { output: SHARED },
  SOFTMAX: { dataInputs: [0], output: fixed(1 / 256, -128) },
  LOGISTIC: { dataInputs: [0], output: fixed(1 / 256, -128) },
  TANH: { dataInputs: [0], output: fixed(1 / 128, 0) },
  LOG_SOFTMAX: { dataInputs: [0], output: fixed(16 / 256, 127) },
  L2_NORMALIZATION: { dataInputs: [0], output: fixed(1 / 128, 0) },
  ADD: { output: OWN, fused: true },
  SUB: { output: OWN, fused: true },
  MUL: { output: OWN, fused: true },
  SQUARED_DIFFERENCE: { output: OWN },
  // Both operands are real values quantized as activations, a constant RHS too (operator_property.cc:
  // quantize_input_as_activations), so that TFLM sees the one dtype it requires on both.
  BATCH_MATMUL: { output: OWN },
  RELU: { dataInputs: [0], output: OWN },
  RELU6: { dataInputs: [0], output: OWN },
  RELU_N1_TO_1: { dataInputs: [0], output: OWN },
  LEAKY_RELU: { dataInputs: [0], output: OWN },
  PRELU: { output: OWN, int8In16x8: [1] },
  HARD_SWISH: { dataInputs: [0], output: OWN },
  MEAN: { dataInputs: [0], output: OWN },
  SUM: { dataInputs: [0], output: OWN },
  // Integer outputs: only the input is quantized.
  ARG_MAX: { dataInputs: [0], output: OWN },
  ARG_MIN: { dataInputs: [0], output: OWN },
  // Inputs in TFLite's order: x; input-to-{input, forget, cell, output} weights 1–4, recurrent
  // 5–8, gate biases 12–15; hidden state 18, cell state 19 (peephole, projection and layer norm
  // are absent: TFLM runs only the standard LSTM, support.ts).
  UNIDIRECTIONAL_SEQUENCE_LSTM: {
    dataInputs: [0, 18],
    gates: [
      { weight: 1, bias: 12, input: 0 },
      { weight: 2, bias: 13, input: 0 },
      { weight: 3, bias: 14, input: 0 },
      { weight: 4, bias: 15, input: 0 },
      { weight: 5, input: 18 },
      { weight: 6, input: 18 },
      { weight: 7, input: 18 },
      { weight: 8, input: 18 },
    ],
    state: { hidden: 18, cell: 19 },
    output: OWN,
  },
  ABS: { dataInputs: [0], output: OWN },
  // Bool outputs; each input keeps its own scale (TFLM rescales both before comparing).
  EQUAL: { output: OWN },
  NOT_EQUAL: { output: OWN },
  GREATER: { output: OWN },
  GREATER_EQUAL: { output: OWN },
  LESS: { output: OWN },
  LESS_EQUAL: { output: OWN },
  // The bool condition stays; x, y and the output share one scale (TFLM copies stored values).
  SELECT_V2: { output: SHARED },
  // operator_property.cc: RSQRT rescales (its own range); REVERSE_V2 and BROADCAST_TO keep the
  // input's scale. DYNAMIC_UPDATE_SLICE copies both operand and update raw, so all three share one.
  RSQRT: { dataInputs: [0], output: OWN },
  BROADCAST_TO: { dataInputs: [0], output: SAME },
  REVERSE_V2: { dataInputs: [0], output: SAME },
  DYNAMIC_UPDATE_SLICE: { dataInputs: [0, 1], output: SHARED },
} satisfies ByBuiltin<OpProperty>;

/**
 * Ops the 16x8 path (int16 activations, int8 weights) quantizes: those our runtime runs in
 * 16x8 bit-exact with TFLite Micro (docs/runtime.md, "16x8"). Any other op is refused by name
 * before calibration. No comparison is here: TFLM's take int16 for GREATER only, and the TFLM we
 * prove against leaves its int16 rescale unset (GREATER is then false everywhere).
 */
export const OPS_16X8: ReadonlySet<string> = new Set([
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
  'ADD',
  'SUB',
  'MUL',
  'MAX_POOL_2D',
  'AVERAGE_POOL_2D',
  'RESHAPE',
  'RELU',
  'RELU6',
  'MEAN',
  'CONCATENATION',
  'PAD',
  'LOGISTIC',
  'TANH',
  'SOFTMAX',
  'TRANSPOSE_CONV',
  'LEAKY_RELU',
  'STRIDED_SLICE',
  'TRANSPOSE',
  'SQUEEZE',
  'RESIZE_NEAREST_NEIGHBOR',
  'PADV2',
  'EXPAND_DIMS',
  'MAXIMUM',
  'MINIMUM',
  'PACK',
  'UNPACK',
  'SPLIT',
  'SPLIT_V',
  'BATCH_MATMUL',
  'SLICE',
  'SUM',
  'SQUARED_DIFFERENCE',
  'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'ABS',
  'SELECT_V2',
  'RSQRT',
  'BROADCAST_TO',
  'REVERSE_V2',
  'DYNAMIC_UPDATE_SLICE',
  'PRELU',
]);

/**
 * Fixed output parameters in 16x8, where they differ from int8's: TFLM's int16 LOGISTIC, TANH
 * and SOFTMAX require 2^−15, 0 (SOFTMAX's Prepare: within 0.1% of 1/32768, zero point 0).
 */
export const FIXED_16X8: Readonly<Record<string, { readonly scale: number; readonly zeroPoint: number }>> = {
  LOGISTIC: { scale: 1 / 32768, zeroPoint: 0 },
  TANH: { scale: 1 / 32768, zeroPoint: 0 },
  SOFTMAX: { scale: 1 / 32768, zeroPoint: 0 },
};

/** Fused activations TFLM's int8 kernels accept. */
export const INT8_FUSED_ACTIVATIONS: ReadonlySet<ActivationFunction> = new Set<ActivationFunction>(['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1']);

export interface OpSignature {
  readonly op: string;
  readonly operator: Operator;
  /** Element types of the inputs (undefined for an absent optional input). */
  readonly inputs: readonly (DType | undefined)[];
  readonly inputRanks: readonly number[];
  readonly outputs: readonly DType[];
  /** Per-channel weights (FULLY_CONNECTED, for the hybrid versions). */
  readonly perChannel?: boolean;
  /** s_in1 · s_in2 / s_out for MUL. */
  readonly mulScaleRatio?: number;
}

/**
 * The operator version TFLite's converter writes (GetBuiltinOperatorVersion in
 * tensorflow/lite/tools/versioning/op_version.cc), for the float and int8 signatures the
 * quantizer produces. UpdateOpVersion never lowers a version, so the result is the larger
 * of this and `current`.
 */
export function operatorVersion(sig: OpSignature, current = 1): number {
  return Math.max(current, computedVersion(sig));
}

/**
 * Versions of the 16x8 signatures (int16 data input; op_version.cc read as written: its CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED int16 tests ask for int16 weights or a
 * quantized_bias_type the converter leaves unset, so 16x8 layers fall through to the plain
 * versions). Undefined: the op has no int16 rule of its own.
 */
function version16(sig: OpSignature): number | undefined {
  const out16 = sig.outputs[0] === 'int16';
  switch (sig.op) {
    case 'CONV_2D':
      return 1;
    case 'DEPTHWISE_CONV_2D': {
      const o = optionsOf(sig.operator, 'DepthwiseConv2DOptions');
      return o && (o.dilationWFactor !== 1 || o.dilationHFactor !== 1) ? 2 : 1;
    }
    case 'FULLY_CONNECTED': {
      const o = optionsOf(sig.operator, 'FullyConnectedOptions');
      if (sig.operator.inputs.length === 2) return 6;
      return o?.keepNumDims ? 5 : 1;
    }
    case 'MUL':
      return 4;
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
    case 'LOGISTIC':
    case 'TANH':
      return out16 ? 3 : undefined;
    case 'ADD': {
      const o = optionsOf(sig.operator, 'AddOptions');
      return out16 && o && !o.potScaleInt16 ? 3 : 1;
    }
    case 'SUB': {
      const o = optionsOf(sig.operator, 'SubOptions');
      return out16 && o && !o.potScaleInt16 ? 5 : undefined;
    }
    case 'RELU':
    case 'PAD':
    case 'PADV2':
    case 'CONCATENATION':
    case 'SOFTMAX':
    case 'MEAN':
    case 'RELU6':
      return (sig.op === 'PAD' || sig.op === 'PADV2') && Math.max(0, ...sig.inputRanks) > 4 ? 4 : 3;
    case 'TRANSPOSE':
      return Math.max(0, ...sig.inputRanks) > 5 ? 6 : 5;
    case 'RESIZE_NEAREST_NEIGHBOR':
      return 4;
    case 'LEAKY_RELU':
      return 2;
    case 'BATCH_MATMUL':
      return 3;
    case 'SLICE':
      return Math.max(0, ...sig.inputRanks) > 4 ? 5 : 4;
    case 'MAXIMUM':
    case 'MINIMUM':
      return out16 ? 4 : undefined;
    case 'PACK':
      return out16 ? 3 : undefined;
    case 'UNPACK':
      return out16 ? 4 : undefined;
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
      return out16 && sig.inputs[2] === 'int8' ? 5 : undefined;
    case 'ABS':
      return 3;
    case 'EQUAL':
      return 4;
    case 'LESS':
    case 'GREATER_EQUAL':
      return 3;
    default:
      return undefined;
  }
}

function computedVersion(sig: OpSignature): number {
  if (sig.inputs[0] === 'int16') {
    const v = version16(sig);
    if (v !== undefined) return v;
  }
  const in0 = sig.inputs[0];
  const in1 = sig.inputs[1];
  const out0 = sig.outputs[0];
  const int8 = in0 === 'int8';
  const maxRank = Math.max(0, ...sig.inputRanks);
  const broadcast = sig.inputRanks.length >= 2 && sig.inputRanks[0] !== sig.inputRanks[1];
  switch (sig.op) {
    case 'CONV_2D':
      if (int8 && in1 === 'int8' && out0 === 'int8') return 3;
      if (in0 === 'float32' && in1 === 'int8') return 2;
      return 1;
    case 'DEPTHWISE_CONV_2D': {
      if (int8 && in1 === 'int8' && out0 === 'int8') return 3;
      if (in0 === 'float32' && in1 === 'int8') return 4;
      const o = optionsOf(sig.operator, 'DepthwiseConv2DOptions');
      return o && (o.dilationWFactor !== 1 || o.dilationHFactor !== 1) ? 2 : 1;
    }
    case 'FULLY_CONNECTED': {
      const o = optionsOf(sig.operator, 'FullyConnectedOptions');
      if (sig.operator.inputs.length === 2) return 6;
      if (o?.keepNumDims) return 5;
      if (int8 && in1 === 'int8' && out0 === 'int8') return 4;
      if (in0 === 'float32' && in1 === 'int8') return o?.asymmetricQuantizeInputs ? 9 : 3;
      return 1;
    }
    case 'TRANSPOSE_CONV': {
      const o = optionsOf(sig.operator, 'TransposeConvOptions');
      if (o && o.fusedActivationFunction !== 'NONE') return 4;
      if (sig.operator.inputs.length === 4 && sig.operator.inputs[3]! >= 0) return 3;
      return in1 === 'int8' ? 2 : 1;
    }
    case 'MUL':
      if (sig.mulScaleRatio !== undefined && sig.mulScaleRatio >= 1) return 3;
      return int8 ? 2 : 1;
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
    case 'LOGISTIC':
    case 'TANH':
    case 'SOFTMAX':
    case 'MEAN':
    case 'MIRROR_PAD':
    case 'REDUCE_MAX':
    case 'REDUCE_MIN':
    case 'RELU6':
    case 'CONCATENATION':
    case 'PACK':
    case 'ADD':
    case 'RELU':
    case 'SPACE_TO_DEPTH':
    case 'DEPTH_TO_SPACE':
    case 'SPLIT_V':
    case 'SUM':
    case 'LOG_SOFTMAX':
    case 'SQUARED_DIFFERENCE':
    case 'L2_NORMALIZATION':
    case 'UNPACK':
    case 'ARG_MAX':
    case 'ARG_MIN':
    case 'BATCH_MATMUL':
    case 'ABS':
    case 'EQUAL':
    case 'NOT_EQUAL':
    case 'GREATER':
    case 'GREATER_EQUAL':
    case 'LESS':
    case 'LESS_EQUAL':
      return int8 ? 2 : 1;
    case 'SLICE':
      if (maxRank > 4) return 5;
      return int8 ? 2 : 1;
    case 'SPLIT':
      // The data is input 1 (input 0 is the axis): int16 is version 4.
      if (in1 === 'int16') return 4;
      return in1 === 'int8' ? 2 : 1;
    case 'TRANSPOSE':
      if (maxRank > 5) return 6;
      if (maxRank > 4) return 4;
      return int8 ? 2 : 1;
    case 'PAD':
    case 'PADV2':
      if (maxRank > 4) return 4;
      return int8 ? 2 : 1;
    case 'SUB':
    case 'MAXIMUM':
    case 'MINIMUM':
      if (broadcast && maxRank > 4) return 3;
      return int8 ? 2 : 1;
    case 'STRIDED_SLICE': {
      const o = optionsOf(sig.operator, 'StridedSliceOptions');
      if (o?.offset) return 8;
      if (o && (o.ellipsisMask !== 0 || o.newAxisMask !== 0)) return 6;
      if (maxRank > 4) return 4;
      return int8 ? 2 : 1;
    }
    case 'RESIZE_BILINEAR': {
      const o = optionsOf(sig.operator, 'ResizeBilinearOptions');
      if (o?.halfPixelCenters) return 3;
      return int8 ? 2 : 1;
    }
    case 'RESIZE_NEAREST_NEIGHBOR': {
      const o = optionsOf(sig.operator, 'ResizeNearestNeighborOptions');
      if (o && (o.halfPixelCenters || o.alignCorners)) return 3;
      return int8 ? 2 : 1;
    }
    case 'SPACE_TO_BATCH_ND':
    case 'BATCH_TO_SPACE_ND':
      if (sig.inputRanks[0] !== 4) return 3;
      return int8 ? 2 : 1;
    case 'DEQUANTIZE':
      if (in0 === 'float16' || in0 === 'int16') return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'QUANTIZE':
      return out0 === 'int16' ? 2 : 1;
    case 'RSQRT':
      return in0 === 'int16' ? 3 : int8 ? 2 : 1;
    // Version 1 was rolled back when the op code moved: float is 2, quantized 3.
    case 'BROADCAST_TO':
      return int8 || in0 === 'int16' ? 3 : 2;
    case 'REVERSE_V2':
      return int8 ? 3 : in0 === 'bool' ? 2 : 1;
    case 'DYNAMIC_UPDATE_SLICE':
      return sig.inputs[2] === 'int64' ? 2 : 1;
    default:
      return 1;
  }
}
