/**
 * STRIDED_SLICE with constant begin/end/strides.
 *
 * Which semantics depends on the runtime flavour:
 * - `tflm` (TFLM strided_slice_common.cc): BuildStridedSliceParams copies begin_mask,
 *   end_mask and shrink_axis_mask but sets ellipsis_mask and new_axis_mask to 0 and never
 *   sets `offset`, so those three options are ignored. Prepare (CheckOutputSize) then
 *   demands the model's output shape equal the one computed that way with the older
 *   StartForAxis/StopForAxis; when a model relies on ellipsis/new_axis/offset this fails
 *   and TFLM refuses the model, and so do we.
 * - `tflite`, `xnnpack` (TFLite strided_slice.cc): the ellipsis is expanded to full ranges,
 *   new axes become size-1 dimensions of an "effective input shape", and `offset` makes
 *   end relative to begin.
 * Both then run reference_ops::StridedSlice: per axis StridedSliceStartForAxis /
 * StridedSliceEndForAxis (negative indices wrap once, then clamp to [0, n] or [-1, n-1]
 * for negative strides; masks override; a shrunk axis takes one element, none when its
 * start is past the end) and the elements are written in order.
 */
import { optionsOf, type Options } from '../../../model/ops';
import { input, output } from '../../kernelUtil';
import { RuntimeError, type Kernel, type KernelContext } from '../../types';
import { badModel, constantInts, gatherEval, requireMovable, requireSameType, stridesOf } from './common';

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** tflite::StridedSliceParams after mask processing: one entry per (effective) axis. */
interface SliceParams {
  readonly start: number[];
  readonly stop: number[];
  readonly strides: number[];
  readonly beginMask: number;
  readonly endMask: number;
  readonly shrinkMask: number;
  readonly offset: boolean;
}

function clamp(v: number, lo: number, hi: number): number {
  return hi < v ? hi : v < lo ? lo : v;
}

const bit = (mask: number, axis: number): boolean => (mask & (1 << axis)) !== 0;

/** strided_slice::StridedSliceStartForAxis (what the reference kernel runs). */
function startForAxis(p: SliceParams, shape: readonly number[], axis: number): number {
  const size = shape[axis]!;
  const stride = p.strides[axis]!;
  let start = p.start[axis]!;
  if (start < 0) start += size;
  start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  if (bit(p.beginMask, axis)) start = stride > 0 ? 0 : size - 1;
  return start;
}

/** strided_slice::StridedSliceEndForAxis. */
function endForAxis(p: SliceParams, shape: readonly number[], axis: number, start: number): number {
  const size = shape[axis]!;
  if (bit(p.shrinkMask, axis)) return start >= size ? start : start + 1;
  const stride = p.strides[axis]!;
  let end = p.stop[axis]!;
  if (p.offset) end += start;
  if (end < 0) end += size;
  end = stride > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1);
  if (bit(p.endMask, axis)) end = stride > 0 ? size : -1;
  return end;
}

/** The older strided_slice::StartForAxis that TFLM's CheckOutputSize uses. */
function legacyStart(p: SliceParams, shape: readonly number[], axis: number): number {
  const size = shape[axis]!;
  if (size === 0) return 0;
  const stride = p.strides[axis]!;
  let start = p.start[axis]!;
  if (bit(p.beginMask, axis)) start = stride > 0 ? INT_MIN : INT_MAX;
  if (start < 0) start += size;
  return stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
}

/** The older strided_slice::StopForAxis. */
function legacyStop(p: SliceParams, shape: readonly number[], axis: number, start: number): number {
  const size = shape[axis]!;
  if (size === 0) return 0;
  if (bit(p.shrinkMask, axis)) return start + 1;
  const stride = p.strides[axis]!;
  let stop = p.stop[axis]!;
  if (bit(p.endMask, axis)) stop = stride > 0 ? INT_MAX : INT_MIN;
  if (stop < 0) stop += size;
  return stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
}

/** ceil(float(n) / float(stride)), at least 0, as both Prepares compute an output dimension. */
function sliceLength(n: number, stride: number): number {
  return Math.max(0, Math.ceil(Math.fround(Math.fround(n) / Math.fround(stride))));
}

interface Plan {
  readonly params: SliceParams;
  /** The input shape the params index (with new axes inserted, for TFLite). */
  readonly shape: readonly number[];
  /** The output shape the op's Prepare derives. */
  readonly outputShape: readonly number[];
}

function tflmPlan(
  ctx: KernelContext,
  inShape: readonly number[],
  begin: number[],
  end: number[],
  strides: number[],
  o: Options<'StridedSliceOptions'> | undefined,
): Plan {
  const rank = inShape.length;
  if (begin.length < rank || end.length < rank || strides.length < rank) throw badModel(ctx, `begin/end/strides have fewer than the input's ${rank} entries`);
  const params: SliceParams = {
    start: begin.slice(0, rank),
    stop: end.slice(0, rank),
    strides: strides.slice(0, rank),
    beginMask: o?.beginMask ?? 0,
    endMask: o?.endMask ?? 0,
    shrinkMask: o?.shrinkAxisMask ?? 0,
    offset: false,
  };
  const outputShape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const b = legacyStart(params, inShape, d);
    const e = bit(params.shrinkMask, d) ? b + 1 : legacyStop(params, inShape, d, b);
    if (!bit(params.shrinkMask, d)) outputShape.push(sliceLength(e - b, params.strides[d]!));
  }
  return { params, shape: inShape, outputShape };
}

/** TFLite's BuildStridedSliceParams + ResizeOutputTensor (strided_slice.cc). */
function tflitePlan(inShape: readonly number[], begin: number[], end: number[], strides: number[], o: Options<'StridedSliceOptions'> | undefined): Plan {
  const ellipsisMask = o?.ellipsisMask ?? 0;
  const newAxisMask = o?.newAxisMask ?? 0;
  const inputDims = inShape.length;
  const beginCount = begin.length;
  let numAddAxis = 0;
  for (let i = 0; i < beginCount; i++) if (!bit(ellipsisMask, i) && bit(newAxisMask, i)) numAddAxis++;
  const effectiveDims = inputDims + numAddAxis;

  let effEllipsis = 0;
  let effNewAxis = 0;
  let ellipsisStart = effectiveDims;
  let expanded = 0;
  for (let i = 0; i < effectiveDims; ) {
    if (bit(ellipsisMask, i)) {
      ellipsisStart = i;
      const ellipsisEnd = Math.max(i + 1, Math.min(i + 1 + numAddAxis + inputDims - beginCount, effectiveDims));
      expanded = ellipsisEnd - ellipsisStart - 1;
      for (; i < ellipsisEnd; i++) effEllipsis |= 1 << i;
      continue;
    }
    if (bit(newAxisMask, i - expanded)) effNewAxis |= 1 << i;
    i++;
  }

  const start: number[] = [];
  const stop: number[] = [];
  const str: number[] = [];
  const shape: number[] = [];
  let beginMask = 0;
  let endMask = 0;
  let shrinkMask = 0;
  let addedEllipsis = 0;
  let addedAxes = 0;
  for (let i = 0; i < effectiveDims; i++) {
    if (bit(effEllipsis, i)) {
      addedEllipsis = Math.max(0, i - ellipsisStart);
      beginMask |= 1 << i;
      endMask |= 1 << i;
      start.push(0);
      stop.push(0);
      str.push(1);
      shape.push(inShape[i - addedAxes]!);
    } else if (bit(effNewAxis, i)) {
      start.push(0);
      stop.push(1);
      str.push(1);
      shape.push(1);
      addedAxes++;
    } else if (i >= beginCount + expanded) {
      start.push(0);
      stop.push(0);
      str.push(1);
      beginMask |= 1 << i;
      endMask |= 1 << i;
      shape.push(inShape[i - addedAxes]!);
    } else {
      const k = i - addedEllipsis;
      start.push(begin[k]!);
      stop.push(end[k]!);
      str.push(strides[k]!);
      if (bit(o?.beginMask ?? 0, k)) beginMask |= 1 << i;
      if (bit(o?.endMask ?? 0, k)) endMask |= 1 << i;
      if (bit(o?.shrinkAxisMask ?? 0, k)) shrinkMask |= 1 << i;
      shape.push(inShape[i - addedAxes]!);
    }
  }
  const offset = o?.offset ?? false;
  const params: SliceParams = { start, stop, strides: str, beginMask, endMask, shrinkMask, offset };
  const outputShape: number[] = [];
  for (let i = 0; i < effectiveDims; i++) {
    if (bit(shrinkMask, i)) continue;
    let n: number;
    if (offset) {
      // ResizeOutputTensor reads end_data at the effective index, as TFLite does.
      n = end[i] ?? 0;
    } else {
      const b = startForAxis(params, shape, i);
      n = endForAxis(params, shape, i, b) - b;
    }
    outputShape.push(sliceLength(n, str[i]!));
  }
  return { params, shape, outputShape };
}

/**
 * The output shape STRIDED_SLICE gives, as TFLM's (`tflm`) or TFLite's Prepare computes it;
 * for model builders and tests.
 */
export function stridedSliceOutputShape(
  inShape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  options: Options<'StridedSliceOptions'> | undefined,
  flavour: 'tflm' | 'tflite',
): number[] {
  const fake = { name: 'STRIDED_SLICE', opIndex: -1 } as KernelContext;
  const plan =
    flavour === 'tflm'
      ? tflmPlan(fake, inShape, [...begin], [...end], [...strides], options)
      : tflitePlan(inShape, [...begin], [...end], [...strides], options);
  return [...plan.outputShape];
}

export const STRIDED_SLICE: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const begin = constantInts(ctx, input(ctx, 1), 'begin');
    const end = constantInts(ctx, input(ctx, 2), 'end');
    const strides = constantInts(ctx, input(ctx, 3), 'strides');
    const y = output(ctx);
    requireSameType(ctx, x, y);
    requireMovable(ctx, y);
    if (strides.some((s) => s === 0)) throw badModel(ctx, 'a stride is 0');
    const o = optionsOf(ctx.op, 'StridedSliceOptions');
    const tflm = ctx.rounding === 'tflm';
    const plan = tflm ? tflmPlan(ctx, x.shape, begin, end, strides, o) : tflitePlan(x.shape, begin, end, strides, o);

    if (plan.outputShape.length !== y.shape.length || plan.outputShape.some((d, i) => d !== y.shape[i])) {
      const ignored = tflm && ((o?.ellipsisMask ?? 0) !== 0 || (o?.newAxisMask ?? 0) !== 0 || o?.offset === true);
      if (ignored) {
        throw new RuntimeError(
          'unsupported-op',
          `${ctx.name} (layer ${ctx.opIndex}) uses ellipsis_mask, new_axis_mask or offset, which TFLite Micro ignores: it computes an output of [${plan.outputShape.join(', ')}] where the model has [${y.shape.join(', ')}], and refuses the model`,
          ctx.opIndex,
        );
      }
      throw badModel(ctx, `the slice gives [${plan.outputShape.join(', ')}] but the output is [${y.shape.join(', ')}]`);
    }

    // Walk the slice as reference_ops::StridedSlice does, recording the input index of
    // each element it writes; unwritten output elements (map -1) keep their contents.
    const { params, shape } = plan;
    const rank = shape.length;
    const inStrides = stridesOf(shape);
    const starts = shape.map((_, d) => startForAxis(params, shape, d));
    const stops = starts.map((s, d) => endForAxis(params, shape, d, s));
    const map = new Int32Array(y.data.length).fill(-1);
    let written = 0;
    const walk = (d: number, base: number): void => {
      const stride = params.strides[d]!;
      const stop = stops[d]!;
      for (let i = starts[d]!; stride > 0 ? i < stop : i > stop; i += stride) {
        const at = base + i * inStrides[d]!;
        if (d === rank - 1) {
          if (written < map.length) map[written] = at;
          written++;
        } else walk(d + 1, at);
      }
    };
    if (rank === 0) map.fill(0);
    else walk(0, 0);
    return gatherEval(x, y, map);
  },
};
