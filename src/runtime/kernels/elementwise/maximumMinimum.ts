/**
 * MAXIMUM and MINIMUM with broadcasting (TFLM maximum_minimum.cc, reference
 * MaximumMinimumBroadcastSlow): the larger (smaller) of the two raw values, for float32, int8,
 * int16 and int32 alike; quantized tensors are compared as stored, so the converter gives the
 * inputs and the output one scale.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import type { Kernel, KernelContext } from '../../types';
import { binaryEval } from './binary';

const TYPES = new Set(['float32', 'int8', 'int16', 'int32']);

function prepare(ctx: KernelContext, pick: (a: number, b: number) => number): () => void {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = output(ctx);
  if (!TYPES.has(y.dtype) || a.dtype !== y.dtype || b.dtype !== y.dtype) throw unsupportedType(ctx, `${a.dtype} and ${b.dtype} inputs and a ${y.dtype} output`);
  return binaryEval(ctx, a, b, y, pick);
}

export const MAXIMUM: Kernel = { prepare: (ctx) => prepare(ctx, (a, b) => (a > b ? a : b)) };
export const MINIMUM: Kernel = { prepare: (ctx) => prepare(ctx, (a, b) => (a < b ? a : b)) };
