/** Kernels of this family, by TFLite builtin name. */
import type { ByBuiltin } from '../../../model/ops';
import type { Kernel, KernelRegistry } from '../../types';
import { CONCATENATION } from './concatenation';
import { EXPAND_DIMS } from './expandDims';
import { PAD, PADV2 } from './pad';
import { RESHAPE } from './reshape';
import { RESIZE_BILINEAR } from './resizeBilinear';
import { RESIZE_NEAREST_NEIGHBOR } from './resizeNearestNeighbor';
import { PACK, SPLIT, SPLIT_V, UNPACK } from './slabs';
import { SLICE } from './slice';
import { SQUEEZE } from './squeeze';
import { STRIDED_SLICE } from './stridedSlice';
import { SVDF } from './svdf';
import { TRANSPOSE } from './transpose';
import { UNIDIRECTIONAL_SEQUENCE_LSTM } from './unidirectionalSequenceLstm';
import { BROADCAST_TO } from './broadcastTo';
import { SHAPE } from './shape';
import { REVERSE_V2 } from './reverseV2';
import { DYNAMIC_UPDATE_SLICE } from './dynamicUpdateSlice';

export const KERNELS: KernelRegistry = {
  RESHAPE,
  SQUEEZE,
  EXPAND_DIMS,
  PACK,
  UNPACK,
  SPLIT,
  SPLIT_V,
  CONCATENATION,
  PAD,
  PADV2,
  TRANSPOSE,
  STRIDED_SLICE,
  SLICE,
  RESIZE_BILINEAR,
  RESIZE_NEAREST_NEIGHBOR,
  SVDF,
  UNIDIRECTIONAL_SEQUENCE_LSTM,
  BROADCAST_TO,
  SHAPE,
  REVERSE_V2,
  DYNAMIC_UPDATE_SLICE,
} satisfies ByBuiltin<Kernel>;
