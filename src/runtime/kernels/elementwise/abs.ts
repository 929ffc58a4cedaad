/**
 * ABS (TFLM elementwise.cc, PrepareAbsRsqrt and AbsEval).
 *
 * float32: |x|.
 *
 * int8, and int16 with quantization parameters (zero points 0 for int16, as TFLM's Prepare
 * demands): v = |x − zp_in|; when the two float32 scales differ, v is requantized by
 * MultiplyByQuantizedMultiplier(v, s_in/s_out), rounded twice, the ratio divided in float32 as
 * the TFLM we prove against does (a double division missed 1 of 30 values in a 16x8 case);
 * then zp_out is added and the result clamped to the type. Equal scales skip the multiply.
 *
 * int16 without quantization parameters: the plain integer |x|, where |−32768| wraps back to
 * −32768 (std::abs on the promoted int, then stored as int16).
 *
 * Every rounding mode runs TFLM's arithmetic: TFLite's builtin kernel computes the same.
 */
import { input, intRange, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { badModel, f32, i16, integerMapEval, multiplyByQuantizedMultiplier, qparams, sameCount } from './common';

function isQuantized(ctx: KernelContext, slot: 'in' | 'out'): boolean {
  const t = slot === 'in' ? input(ctx, 0) : output(ctx);
  return (t.info.quantization?.scale.length ?? 0) > 0;
}

function prepareAbs(ctx: KernelContext): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  const n = sameCount(ctx, x, y);
  if (x.dtype !== y.dtype) throw unsupportedType(ctx, `a ${x.dtype} input and a ${y.dtype} output`);
  if (x.dtype === 'float32') {
    const X = f32(x);
    const Y = f32(y);
    return () => {
      for (let i = 0; i < n; i++) Y[i] = Math.abs(X[i]!);
    };
  }
  if (x.dtype === 'int16' && !isQuantized(ctx, 'in')) {
    const X = i16(x);
    const Y = i16(y);
    return () => {
      // The Int16Array store wraps 32768 to −32768, as the C++ narrowing does.
      for (let i = 0; i < n; i++) Y[i] = Math.abs(X[i]!);
    };
  }
  if (x.dtype !== 'int8' && x.dtype !== 'int16') throw unsupportedType(ctx, `${x.dtype} tensors`);
  if (!isQuantized(ctx, 'out')) throw badModel(ctx, `has a quantized ${x.dtype} input and an output without quantization parameters`);
  const qx = qparams(ctx, x);
  const qy = qparams(ctx, y);
  if (x.dtype === 'int16' && (qx.zeroPoint !== 0 || qy.zeroPoint !== 0))
    throw unsupportedType(ctx, 'int16 tensors with a zero point other than 0 (TFLite Micro requires 0)');
  const [qmin, qmax] = intRange(x.dtype);
  const rescale = qx.scale !== qy.scale;
  const { multiplier, shift } = quantizeMultiplier(Math.fround(qx.scale / qy.scale));
  const fn = (v: number): number => {
    const a = Math.abs(v - qx.zeroPoint);
    const r = (rescale ? multiplyByQuantizedMultiplier(a, multiplier, shift) : a) + qy.zeroPoint;
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
  return integerMapEval(x, y, n, fn);
}

export const ABS: Kernel = { prepare: prepareAbs };
