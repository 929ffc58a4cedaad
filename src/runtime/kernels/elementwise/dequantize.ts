/**
 * DEQUANTIZE.
 *
 * int8/uint8/int16 → float32 (TFLM dequantize_common.cc, reference dequantize.h):
 * float(s·(x − zp)) with s in double. The product is exact in a double, so this is one rounding
 * to float32, identical to XNNPACK's float32 (x − zp)·s.
 *
 * Per-channel int8 tensors (weights dequantized for a float op) use each channel's scale and
 * zero point along the quantized dimension (PerChannelDequantize). Constant inputs are
 * converted once at prepare time.
 *
 * float16 → float32 (weights of fp16-quantized models): the exact conversion.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import type { Kernel, KernelContext } from '../../types';
import { badModel, byteTable, f32, lookupEval, qparams, sameCount } from './common';

/** IEEE 754 binary16 bits → the number they encode. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

function prepareDequantize(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (y.dtype !== 'float32') throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
  const Y = f32(y);
  if (x.dtype === 'float16') {
    const X = x.data as Uint16Array;
    if (x.constant) {
      // Weights: the result never changes, so convert once here and copy on each run.
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = halfToFloat(X[i]!);
      return () => Y.set(values);
    }
    return () => {
      for (let i = 0; i < n; i++) Y[i] = halfToFloat(X[i]!);
    };
  }
  if (x.dtype === 'int8' || x.dtype === 'uint8' || x.dtype === 'int16') {
    const q = x.info.quantization;
    if (q && q.scale.length > 1)
      return perChannel(ctx, x.data as Int8Array | Uint8Array | Int16Array, x.shape, q.scale, q.zeroPoint, q.quantizedDimension, Y, x.constant);
    const { scale, zeroPoint } = qparams(ctx, x);
    const dequantize = (v: number): number => Math.fround(scale * (v - zeroPoint));
    if (x.dtype === 'int16') {
      const X = x.data as Int16Array;
      return () => {
        for (let i = 0; i < n; i++) Y[i] = dequantize(X[i]!);
      };
    }
    return lookupEval(
      x.data as Int8Array | Uint8Array,
      Y,
      byteTable(x.dtype, (k) => new Float32Array(k), dequantize),
    );
  }
  throw unsupportedType(ctx, `${x.dtype} input`);
}

/** PerChannelDequantize: scale and zero point of the element's index along the quantized dimension. */
function perChannel(
  ctx: KernelContext,
  X: Int8Array | Uint8Array | Int16Array,
  shape: readonly number[],
  scales: readonly number[],
  zeroPoints: readonly number[],
  axis: number,
  Y: Float32Array,
  constant: boolean,
): () => void {
  const channels = shape[axis] ?? 0;
  if (scales.length !== channels) throw badModel(ctx, `has ${scales.length} scales for ${channels} channels along dimension ${axis}`);
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const n = X.length;
  const convert = (out: Float32Array): void => {
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / inner) % channels;
      out[i] = Math.fround(scales[c]!) * (X[i]! - (zeroPoints[c] ?? 0));
    }
  };
  if (constant) {
    const values = new Float32Array(n);
    convert(values);
    return () => Y.set(values);
  }
  return () => convert(Y);
}

export const DEQUANTIZE: Kernel = { prepare: prepareDequantize };
