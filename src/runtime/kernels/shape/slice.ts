/**
 * SLICE with constant begin and size (int32 or int64), as TFLM's slice.cc with reference
 * slice.h: rank up to 5, begin within [0, dim], a size of −1 taking the rest of the axis, and
 * the sliced element count equal to the output's (GetValidatedBeginAndSizeVectors); the
 * elements are copied in order, raw (float32, int8, int16, int32, bool: a quantized output
 * keeps the input's values, so the converter gives it the input's quantization).
 */
import { elementCount, input, output } from '../../kernelUtil';
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel, constantInts, gatherEval, requireMovable, requireSameType, stridesOf } from './common';

const TYPES = new Set(['float32', 'int8', 'int16', 'int32', 'bool']);

function prepare(ctx: KernelContext): Eval {
  const x = input(ctx, 0);
  const y = output(ctx);
  requireSameType(ctx, x, y);
  requireMovable(ctx, x);
  if (!TYPES.has(x.dtype)) throw badModel(ctx, `has a ${x.dtype} input (TFLite Micro slices float32, int8, int16, int32 and bool)`);
  const beginT = input(ctx, 1);
  const sizeT = input(ctx, 2);
  if (beginT.dtype !== sizeT.dtype || (beginT.dtype !== 'int32' && beginT.dtype !== 'int64'))
    throw badModel(ctx, `has ${beginT.dtype} begin and ${sizeT.dtype} size (TFLite Micro wants both int32 or both int64)`);
  const rank = x.shape.length;
  if (rank > 5) throw badModel(ctx, `slices a rank-${rank} input (at most 5)`);
  const begin = constantInts(ctx, beginT, 'begin');
  const size = constantInts(ctx, sizeT, 'size');
  if (begin.length !== rank || size.length !== rank) throw badModel(ctx, `has ${begin.length} begins and ${size.length} sizes for a rank-${rank} input`);
  const sizes = x.shape.map((dim, d) => {
    const b = begin[d]!;
    if (b < 0 || b > dim) throw badModel(ctx, `begins at ${b} on axis ${d} of size ${dim}`);
    const s = size[d] === -1 ? dim - b : size[d]!;
    if (s < 0 || s > dim - b) throw badModel(ctx, `takes ${size[d]} from ${b} on axis ${d} of size ${dim}`);
    return s;
  });
  const n = elementCount(sizes);
  if (n !== y.data.length) throw badModel(ctx, `slices ${n} elements into an output of ${y.data.length}`);
  const inStrides = stridesOf(x.shape);
  const map = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let d = 0; d < rank; d++) j += (begin[d]! + counter[d]!) * inStrides[d]!;
    map[i] = j;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < sizes[d]!) break;
      counter[d] = 0;
    }
  }
  return gatherEval(x, y, map);
}

export const SLICE: Kernel = { prepare };
