/**
 * PACK, UNPACK, SPLIT and SPLIT_V as TFLM's pack.cc, unpack.cc, split.cc and split_v.cc run
 * them (any movable type; TFLM takes float32, int8, int16 and int32, PACK also int64): every
 * tensor is seen as [outer, along the axis, inner] and whole inner runs are copied, tensor by
 * tensor. A negative axis counts from the end (of the output's rank for PACK).
 */
import { optionsOrDefault } from '../../../model/ops';
import { byteView, input, output } from '../../kernelUtil';
import type { Eval, Kernel, KernelContext, RuntimeTensor } from '../../types';
import { badModel, constantInts, requireMovable, requireSameType } from './common';

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

function resolveAxis(ctx: KernelContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw badModel(ctx, `has axis ${axis} for rank ${rank}`);
  return a;
}

/**
 * Copies between one whole tensor and parts of another along `axis`: part k spans `sizes[k]`
 * positions of the whole's axis. `toWhole` moves parts into the whole (PACK), else out (SPLIT).
 */
function slabs(ctx: KernelContext, whole: RuntimeTensor, parts: readonly RuntimeTensor[], axis: number, sizes: readonly number[], toWhole: boolean): Eval {
  requireMovable(ctx, whole);
  for (const p of parts) requireSameType(ctx, toWhole ? p : whole, toWhole ? whole : p);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (whole.shape[axis] !== total) throw badModel(ctx, `has ${total} positions along axis ${axis} for a dimension of ${whole.shape[axis]}`);
  const outer = product(whole.shape.slice(0, axis));
  const width = whole.data.BYTES_PER_ELEMENT;
  const innerBytes = product(whole.shape.slice(axis + 1)) * width;
  parts.forEach((p, k) => {
    if (p.data.length !== outer * sizes[k]! * (innerBytes / width))
      throw badModel(ctx, `part ${k} has ${p.data.length} elements, not ${outer * sizes[k]! * (innerBytes / width)}`);
  });
  const w = byteView(whole);
  const views = parts.map(byteView);
  const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0) * innerBytes);
  const rowBytes = total * innerBytes;
  return () => {
    views.forEach((v, k) => {
      const run = sizes[k]! * innerBytes;
      for (let o = 0; o < outer; o++) {
        const at = o * rowBytes + offsets[k]!;
        if (toWhole) w.set(v.subarray(o * run, (o + 1) * run), at);
        else v.set(w.subarray(at, at + run), o * run);
      }
    });
  };
}

export const PACK: Kernel = {
  prepare(ctx) {
    const y = output(ctx);
    const o = optionsOrDefault(ctx.op, 'PackOptions');
    const parts = ctx.inputs.map((t, k) => t ?? input(ctx, k));
    if (parts.length !== o.valuesCount) throw badModel(ctx, `has ${parts.length} inputs for values_count ${o.valuesCount}`);
    return slabs(
      ctx,
      y,
      parts,
      resolveAxis(ctx, o.axis, y.shape.length),
      parts.map(() => 1),
      true,
    );
  },
};

export const UNPACK: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const o = optionsOrDefault(ctx.op, 'UnpackOptions');
    const parts = ctx.outputs.map((t, k) => t ?? output(ctx, k));
    const axis = resolveAxis(ctx, o.axis, x.shape.length);
    return slabs(
      ctx,
      x,
      parts,
      axis,
      parts.map(() => 1),
      false,
    );
  },
};

export const SPLIT: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 1);
    const axes = constantInts(ctx, input(ctx, 0), 'axis');
    if (axes.length !== 1) throw badModel(ctx, `needs one axis, not ${axes.length}`);
    const axis = resolveAxis(ctx, axes[0]!, x.shape.length);
    const parts = ctx.outputs.map((t, k) => t ?? output(ctx, k));
    const size = x.shape[axis]! / parts.length;
    if (!Number.isInteger(size)) throw badModel(ctx, `cannot split ${x.shape[axis]} positions into ${parts.length} equal parts`);
    return slabs(
      ctx,
      x,
      parts,
      axis,
      parts.map(() => size),
      false,
    );
  },
};

export const SPLIT_V: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const axes = constantInts(ctx, input(ctx, 2), 'axis');
    if (axes.length !== 1) throw badModel(ctx, `needs one axis, not ${axes.length}`);
    const axis = resolveAxis(ctx, axes[0]!, x.shape.length);
    const parts = ctx.outputs.map((t, k) => t ?? output(ctx, k));
    // Each part's size is its output's own dimension (TFLM reads the output shapes too).
    return slabs(
      ctx,
      x,
      parts,
      axis,
      parts.map((p) => p.shape[axis] ?? 0),
      false,
    );
  },
};
