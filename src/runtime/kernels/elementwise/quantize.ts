/**
 * QUANTIZE.
 *
 * float32 → int8/uint8/int16 (TFLM quantize_common.cc, reference quantize.h AffineQuantize):
 * round(x / s_out) + zp_out, the quotient in float32 and rounded half away from zero, clamped.
 * 'tflite' (TFLite's optimized AffineQuantize): the quotient in double. 'xnnpack' (XNNPACK
 * f32→qs8/qu8 convert): x·f32(1/s_out) in float32, rounded half to even (int16 outputs stay
 * with TFLite's kernel).
 *
 * Integer → integer (Requantize, reference requantize.h): MultiplyByQuantizedMultiplier(x − zp_in,
 * s_in/s_out) + zp_out, clamped: int8↔int8/uint8, int8/int16 → int16/int32, int16/int32 → int8 …
 * double rounding ('tflm', and 'tflite': TFLite's Requantize is the same). 'xnnpack' for int8→int8
 * and uint8→uint8: XNNPACK's convert (8-bit fraction multiplier lrintf(256·s_in/s_out),
 * (zp_out·256 + 128 + (x − zp_in)·m) >> 8) when the scale ratio is within [2^−8, 2^7], TFLite's
 * kernel otherwise.
 */
import { input, intRange, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, roundHalfAway, roundHalfEven } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { byteTable, f32, isQuantType, lookupEval, newTable, qparams, sameCount, multiplyByQuantizedMultiplier } from './common';

type IntArray = Int8Array | Uint8Array | Int16Array | Int32Array;

function prepareQuantize(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  const rounding = ctx.rounding;
  if (x.dtype === 'float32' && isQuantType(y.dtype)) {
    const qy = qparams(ctx, y);
    const [qmin, qmax] = intRange(y.dtype);
    const X = f32(x);
    const Y = y.data as Int8Array | Uint8Array | Int16Array;
    const zp = qy.zeroPoint;
    let q: (v: number) => number;
    if (rounding === 'xnnpack' && y.dtype !== 'int16') {
      const inv = Math.fround(1 / qy.scale);
      q = (v) => roundHalfEven(Math.fround(v * inv));
    } else if (rounding !== 'tflm') {
      q = (v) => roundHalfAway(v / qy.scale);
    } else {
      q = (v) => roundHalfAway(Math.fround(v / qy.scale));
    }
    return () => {
      for (let i = 0; i < n; i++) {
        const v = q(X[i]!) + zp;
        // NaN becomes the zero point; out-of-range values saturate (as an ARM float→int conversion).
        Y[i] = v < qmin ? qmin : v > qmax ? qmax : Number.isNaN(v) ? zp : v;
      }
    };
  }
  const inTypes = ['int8', 'uint8', 'int16', 'int32'];
  const outTypes = ['int8', 'uint8', 'int16', 'int32'];
  if (inTypes.includes(x.dtype) && outTypes.includes(y.dtype)) {
    const qx = qparams(ctx, x);
    const qy = qparams(ctx, y);
    const [qmin, qmax] = intRange(y.dtype);
    let fn: (v: number) => number;
    const ratio = Math.fround(qx.scale / qy.scale);
    if (rounding === 'xnnpack' && x.dtype === y.dtype && (x.dtype === 'int8' || x.dtype === 'uint8') && ratio >= 2 ** -8 && ratio <= 2 ** 7) {
      const multiplier = roundHalfEven(256 * ratio);
      const bias = qy.zeroPoint * 256 + 128;
      fn = (v) => {
        const r = (bias + (v - qx.zeroPoint) * multiplier) >> 8;
        return r < qmin ? qmin : r > qmax ? qmax : r;
      };
    } else {
      const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
      fn = (v) => {
        const r = multiplyByQuantizedMultiplier(v - qx.zeroPoint, multiplier, shift) + qy.zeroPoint;
        return r < qmin ? qmin : r > qmax ? qmax : r;
      };
    }
    const X = x.data as IntArray;
    const Y = y.data as IntArray;
    if ((x.dtype === 'int8' || x.dtype === 'uint8') && y.dtype !== 'int32') {
      return lookupEval(
        X as Int8Array | Uint8Array,
        Y as Int8Array | Uint8Array | Int16Array,
        byteTable(x.dtype, newTable(y.dtype as 'int8' | 'uint8' | 'int16'), fn),
      );
    }
    return () => {
      for (let i = 0; i < n; i++) Y[i] = fn(X[i]!);
    };
  }
  throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
}

export const QUANTIZE: Kernel = { prepare: prepareQuantize };
