/**
 * CAST (TFLM cast.cc): each element static_cast to the output type, quantization parameters
 * ignored (a quantized int8 value casts as its stored integer). Input types float32, int8,
 * int16, int32, uint32 and bool; output types float32, int8, int16, int32 and uint32.
 *
 * - integer or bool → float32: the nearest float32 (a bool is 0 or 1);
 * - integer → narrower integer: the low bits (two's complement wrap-around);
 * - float32 → integer: truncated toward zero, then wrapped like an integer. C++ leaves a float
 *   outside the 32-bit range undefined; here it saturates to that range first, as the
 *   Cortex-M's VCVT does (x86-64 gives the "integer indefinite" 0x80000000 instead).
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import type { Kernel, KernelContext, TensorArray } from '../../types';
import { sameCount } from './common';

const FROM = new Set(['float32', 'int8', 'int16', 'int32', 'uint32', 'bool']);
const TO = new Set(['float32', 'int8', 'int16', 'int32', 'uint32']);

type Numeric = Exclude<TensorArray, BigInt64Array>;

function fromFloat(v: number, unsigned: boolean): number {
  if (Number.isNaN(v)) return 0;
  const t = Math.trunc(v);
  return unsigned ? Math.min(4294967295, Math.max(0, t)) : Math.min(2147483647, Math.max(-2147483648, t));
}

function prepareCast(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  if (!FROM.has(x.dtype) || !TO.has(y.dtype)) throw unsupportedType(ctx, `a cast from ${x.dtype} to ${y.dtype}`);
  const n = sameCount(ctx, x, y);
  const X = x.data as Numeric;
  const Y = y.data as Numeric;
  if (x.dtype === 'bool') {
    return () => {
      for (let i = 0; i < n; i++) Y[i] = X[i] ? 1 : 0;
    };
  }
  if (x.dtype === 'float32' && y.dtype !== 'float32') {
    const unsigned = y.dtype === 'uint32';
    return () => {
      // The typed-array store wraps to the output's width.
      for (let i = 0; i < n; i++) Y[i] = fromFloat(X[i]!, unsigned);
    };
  }
  // Integer → integer wraps and integer → float32 rounds to nearest, as typed-array stores do.
  return () => {
    for (let i = 0; i < n; i++) Y[i] = X[i]!;
  };
}

export const CAST: Kernel = { prepare: prepareCast };
