/**
 * The float-derived 256-entry tables that TFLite's builtin kernels and XNNPACK build for int8
 * LOGISTIC and TANH (TFLite's LUTPopulate in kernels/internal/common.h; XNNPACK's
 * create_lut_elementwise_nc), evaluated in float32 as they are. TFLM's reference kernels use
 * fixed-point polynomials instead (see logistic.ts, tanh.ts); on int8 both are a function of
 * the input byte alone, so every path ends as a table here.
 */
import { roundHalfAway, roundHalfEven } from '../../quant';
import { byteTable, type QParams } from './common';

/**
 * TFLite's LUTPopulate<int8_t>: dequantized = s_in·(x − zp_in) in float32, y = transform(dequantized),
 * q = int(round(y / s_out) + zp_out), clamped.
 */
export function tfliteLut(qx: QParams, qy: QParams, transform: (v: number) => number): Int8Array {
  const inverseScale = Math.fround(1 / qy.scale);
  return byteTable(
    'int8',
    (n) => new Int8Array(n),
    (x) => {
      const dequantized = Math.fround(qx.scale * (x - qx.zeroPoint));
      const transformed = Math.fround(transform(dequantized));
      const rescaled = roundHalfAway(Math.fround(transformed * inverseScale));
      const q = Math.trunc(Math.fround(rescaled + qy.zeroPoint));
      return q < -128 ? -128 : q > 127 ? 127 : q;
    },
  );
}

/**
 * XNNPACK's create_lut_elementwise_nc: dequantized = (x − zp_in)·s_in in float32,
 * q = lrintf(f(dequantized)·(1/s_out)) + zp_out, clamped.
 */
export function xnnpackLut(qx: QParams, qy: QParams, fn: (v: number) => number): Int8Array {
  const inverseScale = Math.fround(1 / qy.scale);
  return byteTable(
    'int8',
    (n) => new Int8Array(n),
    (x) => {
      const dequantized = Math.fround((x - qx.zeroPoint) * qx.scale);
      const q = roundHalfEven(Math.fround(Math.fround(fn(dequantized)) * inverseScale)) + qy.zeroPoint;
      return q < -128 ? -128 : q > 127 ? 127 : q;
    },
  );
}

/** expf, as the float32 result of the double exponential (within an ulp of a libm's expf). */
export function expf(v: number): number {
  return Math.fround(Math.exp(v));
}
