/**
 * MUL. Float and int32: the product, clamped to the fused activation. int8/int16 (TFLM
 * mul_common.cc, reference integer_ops/mul.h): (a − zp_a)·(b − zp_b) requantized with
 * QuantizeMultiplier(s_a·s_b / s_out) (computed in double), plus zp_out, clamped.
 *
 * 'tflm' and 'tflite': double rounding. 'xnnpack' (XNNPACK's qs8 vmul): fp32 requantization,
 * the integer product times f32(f32(s_a·s_b)/s_out) rounded half to even; the TFLite kernel
 * when XNNPACK would refuse that scale (outside [2^−16, 2^8)).
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, roundHalfEven } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { binaryEval, int8TableEval } from './binary';
import { prepareWasmFloatBinary } from '../wasmFloat';
import { clamp, fusedActivationOf, floatActivationRange, qparams, quantActivationRange, multiplyByQuantizedMultiplier } from './common';

function prepareMul(ctx: KernelContext): () => void {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = output(ctx);
  const act = fusedActivationOf(ctx);
  if (a.dtype !== b.dtype || a.dtype !== y.dtype) throw unsupportedType(ctx, `${a.dtype} and ${b.dtype} inputs with a ${y.dtype} output`);
  switch (y.dtype) {
    case 'float32': {
      const [lo, hi] = floatActivationRange(act);
      const f32 = (t: typeof a): { shape: readonly number[]; data: Float32Array } => ({ shape: t.shape, data: t.data as Float32Array });
      const simd = ctx.wasm && prepareWasmFloatBinary(ctx.wasm, 'mul', f32(a), f32(b), f32(y), lo, hi);
      return simd || binaryEval(ctx, a, b, y, (p, q) => clamp(Math.fround(p * q), lo, hi));
    }
    case 'int32': {
      const [lo, hi] = floatActivationRange(act);
      return binaryEval(ctx, a, b, y, (p, q) => clamp(Math.imul(p, q), lo, hi));
    }
    case 'int8':
    case 'int16': {
      const qa = qparams(ctx, a);
      const qb = qparams(ctx, b);
      const qy = qparams(ctx, y);
      const offA = -qa.zeroPoint;
      const offB = -qb.zeroPoint;
      const zp = qy.zeroPoint;
      const xnnScale = Math.fround(Math.fround(qa.scale * qb.scale) / qy.scale);
      const xnn = ctx.rounding === 'xnnpack' && y.dtype === 'int8' && xnnScale >= 2 ** -16 && xnnScale < 2 ** 8;
      // Fused bounds as the runtime that runs the op quantizes them.
      const [lo, hi] = quantActivationRange(act, qy, y.dtype, xnn ? 'xnnpack' : 'tflm');
      if (xnn) return int8TableEval(ctx, a, b, y, (p, q) => clamp(roundHalfEven(Math.fround((p + offA) * (q + offB) * xnnScale)) + zp, lo, hi));
      const { multiplier, shift } = quantizeMultiplier((qa.scale * qb.scale) / qy.scale);
      return int8TableEval(ctx, a, b, y, (p, q) => clamp(multiplyByQuantizedMultiplier((p + offA) * (q + offB), multiplier, shift) + zp, lo, hi));
    }
    default:
      throw unsupportedType(ctx, `${y.dtype} tensors`);
  }
}

export const MUL: Kernel = { prepare: prepareMul };
