/**
 * Operators TensorFlow Lite Micro has kernels for: the builtins its MicroMutableOpResolver
 * can register (`Add<Op>()`), as of the 2024–2025 sources, and the custom ops it ships.
 * A model using anything else cannot run on an MCU with stock TFLM.
 */
import type { BuiltinName } from '../model/ops';

export const TFLM_BUILTINS: ReadonlySet<string> = new Set<BuiltinName>([
  'ABS', 'ADD', 'ADD_N', 'ARG_MAX', 'ARG_MIN', 'ASSIGN_VARIABLE', 'AVERAGE_POOL_2D', 'BATCH_MATMUL',
  'BATCH_TO_SPACE_ND', 'BROADCAST_ARGS', 'BROADCAST_TO', 'CALL_ONCE', 'CAST', 'CEIL', 'CONCATENATION',
  'CONV_2D', 'COS', 'CUMSUM', 'DEPTH_TO_SPACE', 'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'DIV', 'ELU',
  'EMBEDDING_LOOKUP', 'EQUAL', 'EXP', 'EXPAND_DIMS', 'FILL', 'FLOOR', 'FLOOR_DIV', 'FLOOR_MOD',
  'FULLY_CONNECTED', 'GATHER', 'GATHER_ND', 'GREATER', 'GREATER_EQUAL', 'HARD_SWISH', 'IF',
  'L2_NORMALIZATION', 'L2_POOL_2D', 'LEAKY_RELU', 'LESS', 'LESS_EQUAL', 'LOG', 'LOG_SOFTMAX',
  'LOGICAL_AND', 'LOGICAL_NOT', 'LOGICAL_OR', 'LOGISTIC', 'MAX_POOL_2D', 'MAXIMUM', 'MEAN', 'MINIMUM',
  'MIRROR_PAD', 'MUL', 'NEG', 'NOT_EQUAL', 'PACK', 'PAD', 'PADV2', 'PRELU', 'QUANTIZE', 'READ_VARIABLE',
  'REDUCE_MAX', 'RELU', 'RELU6', 'RESHAPE', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'ROUND',
  'RSQRT', 'SELECT_V2', 'SHAPE', 'SIN', 'SLICE', 'SOFTMAX', 'SPACE_TO_BATCH_ND', 'SPACE_TO_DEPTH',
  'SPLIT', 'SPLIT_V', 'SQRT', 'SQUARE', 'SQUARED_DIFFERENCE', 'SQUEEZE', 'STRIDED_SLICE', 'SUB', 'SUM',
  'SVDF', 'TANH', 'TRANSPOSE', 'TRANSPOSE_CONV', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'UNPACK', 'VAR_HANDLE',
  'WHILE', 'ZEROS_LIKE',
]);

export const TFLM_CUSTOM_OPS: ReadonlySet<string> = new Set(['CIRCULAR_BUFFER', 'TFLite_Detection_PostProcess', 'ethos-u']);

export function tflmSupports(opName: string, isCustom: boolean): boolean {
  return isCustom ? TFLM_CUSTOM_OPS.has(opName) : TFLM_BUILTINS.has(opName);
}
