/**
 * The loop every broadcasting binary kernel runs: out[i] = f(a[ia], b[ib]), with the input
 * indices precomputed at prepare time when the shapes differ.
 */
import type { KernelContext, RuntimeTensor, TensorArray } from '../../types';
import { badModel, broadcastIndex } from './common';

type Numeric = Exclude<TensorArray, BigInt64Array>;

export function binaryEval(ctx: KernelContext, a: RuntimeTensor, b: RuntimeTensor, y: RuntimeTensor, f: (x: number, z: number) => number): () => void {
  if (a.data instanceof BigInt64Array || b.data instanceof BigInt64Array || y.data instanceof BigInt64Array) throw badModel(ctx, 'has 64-bit integer tensors');
  const A = a.data as Numeric;
  const B = b.data as Numeric;
  const O = y.data as Numeric;
  const index = broadcastIndex(ctx, a.shape, b.shape, y.shape);
  const n = O.length;
  if (!index) {
    if (A.length !== n || B.length !== n) throw badModel(ctx, `has inputs of ${A.length} and ${B.length} elements for an output of ${n}`);
    return () => {
      for (let i = 0; i < n; i++) O[i] = f(A[i]!, B[i]!);
    };
  }
  const ia = index.a;
  const ib = index.b;
  return () => {
    for (let i = 0; i < n; i++) O[i] = f(A[ia[i]!]!, B[ib[i]!]!);
  };
}

/** Outputs from which an int8 binary op looks its results up in a table of every input pair. */
const TABLE_FROM = 4096;

/**
 * binaryEval for int8 inputs and output, where f depends on the two input bytes alone: large
 * tensors read f from a 256 × 256 table built once at prepare time (the same values, so the
 * same bytes) instead of computing each output.
 */
export function int8TableEval(ctx: KernelContext, a: RuntimeTensor, b: RuntimeTensor, y: RuntimeTensor, f: (x: number, z: number) => number): () => void {
  const n = y.data.length;
  if (a.dtype !== 'int8' || b.dtype !== 'int8' || y.dtype !== 'int8' || n < TABLE_FROM) return binaryEval(ctx, a, b, y, f);
  const table = new Int8Array(65536);
  for (let p = -128; p < 128; p++) for (let q = -128; q < 128; q++) table[((p & 0xff) << 8) | (q & 0xff)] = f(p, q);
  const A = a.data as Int8Array;
  const B = b.data as Int8Array;
  const O = y.data as Int8Array;
  const index = broadcastIndex(ctx, a.shape, b.shape, y.shape);
  if (!index) {
    if (A.length !== n || B.length !== n) throw badModel(ctx, `has inputs of ${A.length} and ${B.length} elements for an output of ${n}`);
    return () => {
      for (let i = 0; i < n; i++) O[i] = table[((A[i]! & 0xff) << 8) | (B[i]! & 0xff)]!;
    };
  }
  const ia = index.a;
  const ib = index.b;
  return () => {
    for (let i = 0; i < n; i++) O[i] = table[((A[ia[i]!]! & 0xff) << 8) | (B[ib[i]!]! & 0xff)]!;
  };
}
