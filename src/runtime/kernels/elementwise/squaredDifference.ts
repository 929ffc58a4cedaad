/**
 * SQUARED_DIFFERENCE, (a − b)² with broadcasting, as TFLM's squared_difference.cc: float32 and
 * int32 square the raw difference (int32 wrapping as C++ does); int8 and int16 follow the
 * ADD-style requantization of its PrepareQuantized. Each input is shifted left (7 bits for int8,
 * 0 for int16), scaled by s_i / (2·max(s_1, s_2)) (QuantizeMultiplierSmallerThanOneExp), the
 * difference squared in int32 and brought to the output by (2·max s)² / (2^(2·shift) · s_out),
 * then offset and clamped to the type. int16 needs zero points of 0; there is no fused activation.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import { multiplyByQuantizedMultiplierTflm, quantizeMultiplier } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { int8TableEval, binaryEval } from './binary';
import { badModel, qparams } from './common';

const TYPES = new Set(['float32', 'int8', 'int16', 'int32']);

function prepare(ctx: KernelContext): () => void {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = output(ctx);
  if (!TYPES.has(y.dtype) || a.dtype !== y.dtype || b.dtype !== y.dtype) throw unsupportedType(ctx, `${a.dtype} and ${b.dtype} inputs and a ${y.dtype} output`);
  if (y.dtype === 'float32')
    return binaryEval(ctx, a, b, y, (p, q) => {
      const d = Math.fround(p - q);
      return Math.fround(d * d);
    });
  if (y.dtype === 'int32')
    return binaryEval(ctx, a, b, y, (p, q) => {
      const d = (p - q) | 0;
      return Math.imul(d, d);
    });
  const qa = qparams(ctx, a);
  const qb = qparams(ctx, b);
  const qy = qparams(ctx, y);
  const int8 = y.dtype === 'int8';
  if (!int8 && (qa.zeroPoint !== 0 || qb.zeroPoint !== 0 || qy.zeroPoint !== 0))
    throw badModel(ctx, `has int16 zero points ${qa.zeroPoint}, ${qb.zeroPoint} → ${qy.zeroPoint} (TFLite Micro needs 0 on every int16 tensor)`);
  const leftShift = int8 ? 7 : 0;
  const twiceMax = 2 * Math.max(qa.scale, qb.scale);
  const m1 = quantizeMultiplier(qa.scale / twiceMax);
  const m2 = quantizeMultiplier(qb.scale / twiceMax);
  // (1 << 2·shift) · s_out is an int times a float in C++: a float32 product.
  const mOut = quantizeMultiplier((twiceMax * twiceMax) / Math.fround(2 ** (2 * leftShift) * qy.scale));
  const [lo, hi] = int8 ? [-128, 127] : [-32768, 32767];
  const unit = 2 ** leftShift;
  const f = (p: number, q: number): number => {
    const x1 = multiplyByQuantizedMultiplierTflm((p - qa.zeroPoint) * unit, m1.multiplier, m1.shift);
    const x2 = multiplyByQuantizedMultiplierTflm((q - qb.zeroPoint) * unit, m2.multiplier, m2.shift);
    const d = (x1 - x2) | 0;
    const v = multiplyByQuantizedMultiplierTflm(Math.imul(d, d), mOut.multiplier, mOut.shift) + qy.zeroPoint;
    return v < lo ? lo : v > hi ? hi : v;
  };
  return int8TableEval(ctx, a, b, y, f);
}

export const SQUARED_DIFFERENCE: Kernel = { prepare };
