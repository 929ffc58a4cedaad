/**
 * REVERSE_V2, as TFLM's reverse.cc with reference reverse.h: reverses the input along the
 * constant int32 axes (negative ones count from the end), which must be contiguous once sorted
 * (TFLM's Eval refuses others, and duplicates with them); rank at most 6. The elements are
 * copied raw (float32, int8, uint8, int16, int32, int64, bool), so a quantized output keeps the
 * input's values.
 */
import { elementCount, input, output } from '../../kernelUtil';
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel, constantInts, gatherEval, requireSameType, stridesOf } from './common';

const TYPES = new Set(['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool']);
/** RuntimeShape::kMaxSmallSize, TFLM's limit here. */
const MAX_RANK = 6;

function prepare(ctx: KernelContext): Eval {
  const x = input(ctx, 0);
  const axisT = input(ctx, 1);
  const y = output(ctx);
  requireSameType(ctx, x, y);
  if (!TYPES.has(x.dtype)) throw badModel(ctx, `has a ${x.dtype} input (TFLite Micro reverses float32, int8, uint8, int16, int32, int64 and bool)`);
  if (axisT.dtype !== 'int32') throw badModel(ctx, `has ${axisT.dtype} axes (TFLite Micro wants int32)`);
  if (axisT.shape.length !== 1) throw badModel(ctx, `has an axis tensor of rank ${axisT.shape.length} (it must be 1-D)`);
  const rank = x.shape.length;
  if (rank > MAX_RANK) throw badModel(ctx, `reverses a rank-${rank} input (at most ${MAX_RANK})`);
  if (x.data.length !== y.data.length) throw badModel(ctx, `has an input of ${x.data.length} elements and an output of ${y.data.length}`);
  const given = constantInts(ctx, axisT, 'axis');
  if (given.length === 0 || given.length > rank) throw badModel(ctx, `has ${given.length} axes for a rank-${rank} input`);
  const axes = given.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  if (axes.some((a) => a < 0 || a >= rank)) throw badModel(ctx, `has axes [${given.join(', ')}] outside a rank-${rank} input`);
  if (axes.some((a, i) => i > 0 && a !== axes[i - 1]! + 1)) throw badModel(ctx, `has axes [${given.join(', ')}], not contiguous (TFLite Micro refuses them)`);
  const reversed = new Set(axes);
  const strides = stridesOf(x.shape);
  const n = elementCount(x.shape);
  const map = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let j = 0;
    let rest = i;
    for (let d = 0; d < rank; d++) {
      const k = Math.floor(rest / strides[d]!);
      rest -= k * strides[d]!;
      j += (reversed.has(d) ? x.shape[d]! - 1 - k : k) * strides[d]!;
    }
    map[i] = j;
  }
  return gatherEval(x, y, map);
}

export const REVERSE_V2: Kernel = { prepare };
