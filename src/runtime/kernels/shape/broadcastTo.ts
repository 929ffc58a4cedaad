/**
 * BROADCAST_TO, as TFLM's broadcast_to.cc with TFLite's reference broadcast_to.h: the constant
 * int32 or int64 shape is the output's, of rank at most 5; each input dimension (right-aligned)
 * is 1 or the output's. The elements are copied raw, whatever their type (TFLM refuses only
 * strings), so a quantized output keeps the input's values.
 */
import { elementCount, input, output } from '../../kernelUtil';
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel, constantInts, extendShape, gatherEval, requireMovable, requireSameType, stridesOf } from './common';

/** TFLM's kMaxDims for BROADCAST_TO. */
const MAX_RANK = 5;

function prepare(ctx: KernelContext): Eval {
  const x = input(ctx, 0);
  const shapeT = input(ctx, 1);
  const y = output(ctx);
  requireSameType(ctx, x, y);
  requireMovable(ctx, x);
  if (shapeT.dtype !== 'int32' && shapeT.dtype !== 'int64') throw badModel(ctx, `has a ${shapeT.dtype} shape (TFLite Micro wants int32 or int64)`);
  if (shapeT.shape.length !== 1) throw badModel(ctx, `has a shape tensor of rank ${shapeT.shape.length} (it must be 1-D)`);
  const shape = constantInts(ctx, shapeT, 'shape');
  const rank = shape.length;
  if (rank > MAX_RANK || x.shape.length > MAX_RANK) throw badModel(ctx, `broadcasts to rank ${rank} (TFLite Micro takes 1 to ${MAX_RANK} dimensions)`);
  if (x.shape.length > rank) throw badModel(ctx, `cannot broadcast [${x.shape.join(', ')}] to the lower rank of [${shape.join(', ')}]`);
  if (y.shape.length !== rank || y.shape.some((d, i) => d !== shape[i]))
    throw badModel(ctx, `broadcasts to [${shape.join(', ')}] but its output is [${y.shape.join(', ')}]`);
  const from = extendShape(x.shape, rank);
  if (from.some((d, i) => d !== 1 && d !== shape[i])) throw badModel(ctx, `cannot broadcast [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  const inStrides = stridesOf(from);
  const outStrides = stridesOf(shape);
  const n = elementCount(shape);
  const map = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let j = 0;
    let rest = i;
    for (let d = 0; d < rank; d++) {
      const k = Math.floor(rest / outStrides[d]!);
      rest -= k * outStrides[d]!;
      if (from[d] !== 1) j += k * inStrides[d]!;
    }
    map[i] = j;
  }
  return gatherEval(x, y, map);
}

export const BROADCAST_TO: Kernel = { prepare };
