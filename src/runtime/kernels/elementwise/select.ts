/**
 * SELECT_V2 (TFLM select.cc, reference select.h Select and BroadcastSelect5DSlow): out[i] is
 * x[i] where the bool condition holds, else y[i], the three inputs broadcast against each other
 * (right-aligned, a dimension of 1 repeats). x, y and the output are float32, int8 or int16 of
 * one type; values are copied as stored, so quantized x, y and output share one scale and zero
 * point (the converter gives them one). TFLM registers SELECT_V2 only, not SELECT.
 */
import { elementCount, input, output, unsupportedType } from '../../kernelUtil';
import type { Kernel, KernelContext, TensorArray } from '../../types';
import { badModel } from './common';

const TYPES = new Set(['float32', 'int8', 'int16']);

type Numeric = Exclude<TensorArray, BigInt64Array>;

/** Per output element, the flat index it reads in an input of `shape` (broadcast to `out`). */
function gather(ctx: KernelContext, shape: readonly number[], out: readonly number[]): Int32Array {
  const rank = Math.max(shape.length, out.length);
  const s = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const o = [...new Array<number>(rank - out.length).fill(1), ...out];
  for (let d = 0; d < rank; d++) {
    if (s[d] !== 1 && s[d] !== o[d]) throw badModel(ctx, `cannot broadcast [${shape.join(', ')}] to [${out.join(', ')}]`);
  }
  const n = elementCount(o);
  const index = new Int32Array(n);
  const stride = new Array<number>(rank).fill(0);
  for (let d = rank - 1, p = 1; d >= 0; d--) {
    stride[d] = s[d] === 1 ? 0 : p;
    p *= s[d]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let i = 0; i < n; i++) {
    index[i] = at;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      at += stride[d]!;
      if (counter[d]! < o[d]!) break;
      at -= stride[d]! * o[d]!;
      counter[d] = 0;
    }
  }
  return index;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function prepareSelect(ctx: KernelContext): () => void {
  const c = input(ctx, 0);
  const x = input(ctx, 1);
  const yIn = input(ctx, 2);
  const out = output(ctx);
  if (c.dtype !== 'bool' || !TYPES.has(x.dtype) || yIn.dtype !== x.dtype || out.dtype !== x.dtype) {
    throw unsupportedType(ctx, `a ${c.dtype} condition, ${x.dtype} and ${yIn.dtype} values and a ${out.dtype} output`);
  }
  const C = c.data as Uint8Array;
  const X = x.data as Numeric;
  const Y = yIn.data as Numeric;
  const O = out.data as Numeric;
  const n = O.length;
  // Select's elementwise path: the same shapes, or four one-element tensors of any ranks.
  const single = C.length === 1 && X.length === 1 && Y.length === 1 && n === 1;
  if (single || (sameShape(c.shape, x.shape) && sameShape(x.shape, yIn.shape))) {
    if (C.length !== n || X.length !== n || Y.length !== n)
      throw badModel(ctx, `has inputs of ${C.length}, ${X.length} and ${Y.length} elements for an output of ${n}`);
    return () => {
      for (let i = 0; i < n; i++) O[i] = C[i] ? X[i]! : Y[i]!;
    };
  }
  const rank = Math.max(c.shape.length, x.shape.length, yIn.shape.length);
  if (out.shape.length !== rank)
    throw badModel(ctx, `has an output of rank ${out.shape.length} for inputs of rank up to ${rank} (TFLite Micro requires them equal)`);
  const ic = gather(ctx, c.shape, out.shape);
  const ix = gather(ctx, x.shape, out.shape);
  const iy = gather(ctx, yIn.shape, out.shape);
  return () => {
    for (let i = 0; i < n; i++) O[i] = C[ic[i]!] ? X[ix[i]!]! : Y[iy[i]!]!;
  };
}

export const SELECT_V2: Kernel = { prepare: prepareSelect };
