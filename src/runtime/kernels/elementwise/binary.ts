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
