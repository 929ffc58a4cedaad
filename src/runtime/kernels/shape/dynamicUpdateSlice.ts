/**
 * DYNAMIC_UPDATE_SLICE, as TFLM's dynamic_update_slice.cc: the output is the operand with the
 * update written over it from the start indices (int32 or int64, one per dimension, read at each
 * invoke: they may be computed by the model), each clamped to [0, dim − update dim]. When operand
 * and update hold as many elements, the output is the update. Raw copies (float32, int8, int16,
 * int32: TFLM's Eval refuses the rest), so quantized tensors keep their values whatever their scales.
 */
import { input, output } from '../../kernelUtil';
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel, type Elements, requireSameType, stridesOf } from './common';

const TYPES = new Set(['float32', 'int8', 'int16', 'int32']);
/** TFLM's kMaxDimensions here (only checked when the update is smaller than the operand). */
const MAX_RANK = 6;

function prepare(ctx: KernelContext): Eval {
  const operand = input(ctx, 0);
  const update = input(ctx, 1);
  const indices = input(ctx, 2);
  const y = output(ctx);
  requireSameType(ctx, operand, update);
  requireSameType(ctx, operand, y);
  if (!TYPES.has(operand.dtype)) throw badModel(ctx, `has a ${operand.dtype} operand (TFLite Micro updates float32, int8, int16 and int32)`);
  if (indices.dtype !== 'int32' && indices.dtype !== 'int64') throw badModel(ctx, `has ${indices.dtype} start indices (TFLite Micro wants int32 or int64)`);
  const rank = operand.shape.length;
  if (indices.shape.length !== 1 || indices.shape[0] !== rank)
    throw badModel(ctx, `has start indices of shape [${indices.shape.join(', ')}] for a rank-${rank} operand`);
  if (update.shape.length !== rank) throw badModel(ctx, `has a rank-${update.shape.length} update for a rank-${rank} operand`);
  if (update.shape.some((d, i) => d > operand.shape[i]!))
    throw badModel(ctx, `has an update [${update.shape.join(', ')}] larger than its operand [${operand.shape.join(', ')}]`);
  if (y.data.length !== operand.data.length) throw badModel(ctx, `has an operand of ${operand.data.length} elements and an output of ${y.data.length}`);
  const src = operand.data as unknown as Elements;
  const upd = update.data as unknown as Elements;
  const dst = y.data as unknown as Elements;
  const total = operand.data.length;
  const count = update.data.length;
  if (count === total) {
    return () => {
      for (let i = 0; i < total; i++) dst[i] = upd[i]!;
    };
  }
  if (rank > MAX_RANK) throw badModel(ctx, `updates a rank-${rank} operand (at most ${MAX_RANK})`);
  const outStrides = stridesOf(operand.shape);
  const updStrides = stridesOf(update.shape);
  // Where each update element lands, relative to the start position.
  const local = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let j = 0;
    let rest = i;
    for (let d = 0; d < rank; d++) {
      const k = Math.floor(rest / updStrides[d]!);
      rest -= k * updStrides[d]!;
      j += k * outStrides[d]!;
    }
    local[i] = j;
  }
  const limits = operand.shape.map((dim, d) => dim - update.shape[d]!);
  const starts = indices.data as unknown as Elements;
  const wide = indices.dtype === 'int64';
  const inPlace = operand.data === y.data;
  return () => {
    if (!inPlace) for (let i = 0; i < total; i++) dst[i] = src[i]!;
    if (count === 0) return;
    let base = 0;
    for (let d = 0; d < rank; d++) {
      const raw = wide ? Number(starts[d]!) : starts[d]!;
      base += Math.min(Math.max(0, raw), limits[d]!) * outStrides[d]!;
    }
    for (let i = 0; i < count; i++) dst[base + local[i]!] = upd[i]!;
  };
}

export const DYNAMIC_UPDATE_SLICE: Kernel = { prepare };
