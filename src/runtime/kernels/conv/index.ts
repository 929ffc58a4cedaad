/** Kernels of this family, by TFLite builtin name. */
import type { ByBuiltin } from '../../../model/ops';
import type { Kernel, KernelRegistry } from '../../types';
import { averagePool2d } from './averagePool2d';
import { conv2d } from './conv2d';
import { depthwiseConv2d } from './depthwiseConv2d';
import { fullyConnected } from './fullyConnected';
import { maxPool2d } from './maxPool2d';
import { transposeConv } from './transposeConv';

export const KERNELS: KernelRegistry = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  FULLY_CONNECTED: fullyConnected,
  TRANSPOSE_CONV: transposeConv,
  AVERAGE_POOL_2D: averagePool2d,
  MAX_POOL_2D: maxPool2d,
} satisfies ByBuiltin<Kernel>;
