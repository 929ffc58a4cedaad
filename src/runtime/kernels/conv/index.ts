/** Kernels of this family, by TFLite builtin name. */
import type { ByBuiltin } from '../../../model/ops';
import type { Kernel, KernelRegistry } from '../../types';
import { averagePool2d } from './averagePool2d';
import { batchMatmul } from './batchMatmul';
import { conv2d } from './conv2d';
import { conv2d16x8, depthwiseConv2d16x8, fullyConnected16x8, transposeConv16x8 } from './conv16x8';
import { withInt16, withInt16OnSlot } from '../int16Dispatch';
import { depthwiseConv2d } from './depthwiseConv2d';
import { fullyConnected } from './fullyConnected';
import { maxPool2d } from './maxPool2d';
import { transposeConv } from './transposeConv';

export const KERNELS: KernelRegistry = {
  CONV_2D: withInt16(conv2d, conv2d16x8),
  DEPTHWISE_CONV_2D: withInt16(depthwiseConv2d, depthwiseConv2d16x8),
  FULLY_CONNECTED: withInt16(fullyConnected, fullyConnected16x8),
  TRANSPOSE_CONV: withInt16OnSlot(transposeConv, transposeConv16x8, 2),
  // One kernel for float32, int8 and int16 (both inputs share the dtype).
  BATCH_MATMUL: batchMatmul,
  AVERAGE_POOL_2D: averagePool2d,
  MAX_POOL_2D: maxPool2d,
} satisfies ByBuiltin<Kernel>;
