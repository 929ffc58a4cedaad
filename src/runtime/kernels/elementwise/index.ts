/**
 * Kernels of this family, by TFLite builtin name: elementwise arithmetic, activations,
 * (de)quantization, MEAN, comparisons, SELECT_V2 and CAST. One file per op (ADD and SUB share add.ts, RELU and RELU6
 * relu.ts); common.ts and binary.ts hold broadcasting and tables, lut.ts the float-derived
 * int8 tables of TFLite and XNNPACK.
 *
 * The three rounding modes, as these kernels read them:
 * - 'tflm': TFLite Micro's reference kernels, bit for bit.
 * - 'tflite': TFLite's builtin kernels. Their requantization rounds twice, as TFLM's (TFLite
 *   is built without TFLITE_SINGLE_ROUNDING), so this mode differs from 'tflm' only where
 *   TFLite computes something else: int8 SOFTMAX, LOGISTIC and TANH from float32 tables,
 *   RELU6 requantizing to the output scale, float → int QUANTIZE dividing in double, MEAN
 *   rescaling in float32.
 * - 'xnnpack': what tfjs-tflite runs by default, XNNPACK's arithmetic for the nodes its
 *   delegate takes (ADD, SUB, MUL, LOGISTIC, LEAKY_RELU, QUANTIZE, MEAN over H and W) and
 *   TFLite's kernel for the others or when the delegate would refuse the scales.
 * Every int8 unary op is a function of the input byte: prepare builds its 256-entry table and
 * eval is one lookup per element.
 */
import type { ByBuiltin } from '../../../model/ops';
import type { Kernel, KernelRegistry } from '../../types';
import { ADD, SUB } from './add';
import { DEQUANTIZE } from './dequantize';
import { HARD_SWISH } from './hardSwish';
import { LEAKY_RELU } from './leakyRelu';
import { LOGISTIC } from './logistic';
import { LOGISTIC_16, TANH_16 } from './lut16x8';
import { withInt16 } from '../int16Dispatch';
import { MAXIMUM, MINIMUM } from './maximumMinimum';
import { MEAN } from './mean';
import { RSQRT } from './rsqrt';
import { MUL } from './mul';
import { PRELU } from './prelu';
import { QUANTIZE } from './quantize';
import { RELU, RELU6 } from './relu';
import { SOFTMAX } from './softmax';
import { SOFTMAX_16 } from './softmax16';
import { SQUARED_DIFFERENCE } from './squaredDifference';
import { SUM } from './sum';
import { TANH } from './tanh';
import { ABS } from './abs';
import { CAST } from './cast';
import { EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL, NOT_EQUAL } from './comparisons';
import { SELECT_V2 } from './select';

export const KERNELS: KernelRegistry = {
  ADD,
  SUB,
  MUL,
  SOFTMAX: withInt16(SOFTMAX, SOFTMAX_16),
  LOGISTIC: withInt16(LOGISTIC, LOGISTIC_16),
  TANH: withInt16(TANH, TANH_16),
  RELU,
  RELU6,
  LEAKY_RELU,
  HARD_SWISH,
  PRELU,
  QUANTIZE,
  DEQUANTIZE,
  MEAN,
  MAXIMUM,
  MINIMUM,
  SQUARED_DIFFERENCE,
  SUM,
  ABS,
  CAST,
  EQUAL,
  NOT_EQUAL,
  GREATER,
  GREATER_EQUAL,
  LESS,
  LESS_EQUAL,
  SELECT_V2,
  RSQRT,
} satisfies ByBuiltin<Kernel>;
