/**
 * What the data-movement kernels share: constant index tensors read at prepare time, byte
 * views for plain copies, and one gather loop (output element i takes input element map[i])
 * that PAD, TRANSPOSE, STRIDED_SLICE and RESIZE_NEAREST_NEIGHBOR all reduce to.
 */
import { RuntimeError, type Eval, type KernelContext, type RuntimeTensor, type TensorArray } from '../../types';
import { byteView } from '../../kernelUtil';

/** The values of a constant integer tensor (int32, int64, int16, int8, uint8), as numbers. */
export function constantInts(ctx: KernelContext, t: RuntimeTensor, what: string): number[] {
  if (!t.constant) {
    throw new RuntimeError(
      'unsupported-op',
      `${ctx.name} (layer ${ctx.opIndex}): a non-constant ${what} tensor is not supported (TFLite Micro needs it in the model)`,
      ctx.opIndex,
    );
  }
  switch (t.dtype) {
    case 'int32':
    case 'int16':
    case 'int8':
    case 'uint8':
      return Array.from(t.data as Int32Array);
    case 'int64':
      return Array.from(t.data as BigInt64Array, (v) => Number(v));
    default:
      throw new RuntimeError('bad-model', `${ctx.name} (layer ${ctx.opIndex}): the ${what} tensor is ${t.dtype}, not an integer type`, ctx.opIndex);
  }
}

export function badModel(ctx: KernelContext, detail: string): RuntimeError {
  return new RuntimeError('bad-model', `${ctx.name} (layer ${ctx.opIndex}): ${detail}`, ctx.opIndex);
}

export function requireSameType(ctx: KernelContext, a: RuntimeTensor, b: RuntimeTensor): void {
  if (a.dtype !== b.dtype) throw badModel(ctx, `input is ${a.dtype} but output is ${b.dtype}`);
}

/** The dtypes a gather can move (one typed-array element per tensor element). */
export function requireMovable(ctx: KernelContext, t: RuntimeTensor): void {
  switch (t.dtype) {
    case 'float32':
    case 'float16':
    case 'float64':
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'bool':
      return;
    default:
      throw new RuntimeError('unsupported-type', `${ctx.name} (layer ${ctx.opIndex}) is not supported for ${t.dtype}`, ctx.opIndex);
  }
}

/** Copies input → output byte for byte: RESHAPE, SQUEEZE and other views of the same data. */
export function copyEval(ctx: KernelContext, from: RuntimeTensor, to: RuntimeTensor): Eval {
  requireSameType(ctx, from, to);
  if (from.data.length !== to.data.length) throw badModel(ctx, `input has ${from.data.length} elements but output has ${to.data.length}`);
  if (from.data === to.data) return () => {};
  const src = byteView(from);
  const dst = byteView(to);
  return () => dst.set(src);
}

/** Elements of one typed array, read and written as numbers (bigints for int64: same JS code). */
export type Elements = { [i: number]: number; readonly length: number };

/**
 * output[i] = input[map[i]]; where map[i] < 0, output[i] = fill (when given) or is left as is.
 * A numeric fill is stored in the output's own element type first (an int64 fill becomes a
 * bigint); a tensor fill (PADV2's constant_values, same type as the output) is read at each
 * invoke, so it need not be constant.
 */
export function gatherEval(from: RuntimeTensor, to: RuntimeTensor, map: Int32Array, fill?: number | RuntimeTensor): Eval {
  const src = from.data as unknown as Elements;
  const dst = to.data as unknown as Elements;
  const n = map.length;
  if (fill === undefined) {
    return () => {
      for (let i = 0; i < n; i++) {
        const j = map[i]!;
        if (j >= 0) dst[i] = src[j]!;
      }
    };
  }
  const fillCell = typeof fill === 'number' ? sameTypeCell(to.data, fill) : (fill.data as unknown as Elements);
  return () => {
    const f = fillCell[0]!;
    for (let i = 0; i < n; i++) {
      const j = map[i]!;
      dst[i] = j >= 0 ? src[j]! : f;
    }
  };
}

/** A one-element array of `like`'s type holding `value` (converted as a typed-array store converts it). */
function sameTypeCell(like: TensorArray, value: number): Elements {
  const ctor = like.constructor as new (n: number) => TensorArray;
  const cell = new ctor(1);
  if (cell instanceof BigInt64Array) cell[0] = BigInt(value);
  else (cell as Float32Array)[0] = value;
  return cell as unknown as Elements;
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** The shape padded with leading 1s to `rank` dimensions (RuntimeShape::ExtendedShape). */
export function extendShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}

/**
 * RESIZE_* take the new height and width from input 1 (TFLM demands it be constant); the
 * kernels use the output tensor's shape, so the two must agree.
 */
export function checkSize(ctx: KernelContext, height: number, width: number): void {
  const size = ctx.inputs[1];
  if (!size) throw badModel(ctx, 'the size input is missing');
  if (!size.constant) return;
  const hw = constantInts(ctx, size, 'size');
  if (hw.length !== 2 || hw[0] !== height || hw[1] !== width) throw badModel(ctx, `size [${hw.join(', ')}] is not the output's ${height}×${width}`);
}
