/**
 * RESIZE_BILINEAR on NHWC (TFLM resize_bilinear.cc; reference_ops::ResizeBilinear for
 * float32, reference_ops::ResizeBilinearInteger for int8, which ignores the quantization:
 * input and output share it).
 *
 * float32, all in float32 as the C++ does: scale = in / out (or (in-1)/(out-1) with
 * align_corners and out > 1); v = half_pixel_centers ? (i + 0.5)·scale − 0.5 : i·scale;
 * lo = max(floor(v), 0), hi = min(ceil(v), in − 1); then
 * ((a·(1−dy))·(1−dx) + (b·dy)·(1−dx)) + (c·(1−dy))·dx + (d·dy)·dx with dy = v − lo.
 *
 * int16 runs the int8 arithmetic in TFLite's modes only: TFLM refuses int16 at Invoke.
 *
 * int8, in 10-bit fixed point: scale10 = (1024·in + out/2) / out (or the align_corners
 * variant), v = i·scale10 (+ scale10/2 − 512 with half_pixel_centers), lo = max(v/1024, 0),
 * hi = min((v + 1023)/1024, in − 1) with C's truncating division; the four products are
 * summed in 20 fractional bits and brought back with
 * - `tflm`: (sum ± 2^19) / 2^20, truncating: half away from zero;
 * - `tflite` (TFLITE_SINGLE_ROUNDING): (sum + 2^19) >> 20: half up;
 * - `xnnpack`: XNNPACK's s8 bilinear kernel, which tfjs-tflite delegates int8 resizes to:
 *   float32 source coordinates (TensorFlow-legacy, align-corners or half-pixel, the last
 *   clamped to [0, in − 1]) whose fractions become Q11 weights lrintf(α·2048); per channel
 *   t = (tl << 11) + (tr − tl)·αx, b likewise, out = ((t << 11) + (b − t)·αy + 2^21) >> 22
 *   (xnn_indirection_init_resize_bilinear2d_hwc_q11, xnn_s8_ibilinear_ukernel__scalar_c1).
 */
import { optionsOf } from '../../../model/ops';
import { input, output, unsupportedType } from '../../kernelUtil';
import { roundHalfEven } from '../../quant';
import type { Eval, Kernel, KernelContext, RuntimeTensor } from '../../types';
import { badModel, checkSize, requireSameType, type Elements } from './common';

const f = Math.fround;

interface Geometry {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly depth: number;
  readonly outH: number;
  readonly outW: number;
  readonly align: boolean;
  readonly half: boolean;
}

/** Per output row (or column): the two source indices and the two float32 weights. */
interface Axis {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** 1 − (v − lo) and v − lo, for float; 1024 − (v − 1024·lo) and v − 1024·lo, for int8. */
  readonly wLo: Float64Array;
  readonly wHi: Float64Array;
}

function floatAxis(outSize: number, inSize: number, align: boolean, half: boolean): Axis {
  let scale = f(f(inSize) / f(outSize));
  if (align && outSize > 1) scale = f(f(inSize - 1) / f(outSize - 1));
  const axis: Axis = { lo: new Int32Array(outSize), hi: new Int32Array(outSize), wLo: new Float64Array(outSize), wHi: new Float64Array(outSize) };
  for (let i = 0; i < outSize; i++) {
    const v = half ? f(f(f(i + 0.5) * scale) - 0.5) : f(i * scale);
    const lo = Math.max(Math.floor(v), 0);
    axis.lo[i] = lo;
    axis.hi[i] = Math.min(Math.ceil(v), inSize - 1);
    const d = f(v - lo);
    axis.wHi[i] = d;
    axis.wLo[i] = f(1 - d);
  }
  return axis;
}

function integerAxis(outSize: number, inSize: number, align: boolean, half: boolean): Axis {
  let scale10 = Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
  if (align && outSize > 1) scale10 = Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1));
  const axis: Axis = { lo: new Int32Array(outSize), hi: new Int32Array(outSize), wLo: new Float64Array(outSize), wHi: new Float64Array(outSize) };
  for (let i = 0; i < outSize; i++) {
    const v = half ? i * scale10 + Math.trunc(scale10 / 2) - 512 : i * scale10;
    const lo = Math.max(Math.trunc(v / 1024), 0);
    axis.lo[i] = lo;
    axis.hi[i] = Math.min(Math.trunc((v + 1023) / 1024), inSize - 1);
    const d = v - 1024 * lo;
    axis.wHi[i] = d;
    axis.wLo[i] = 1024 - d;
  }
  return axis;
}

function floatEval(g: Geometry, x: RuntimeTensor, y: RuntimeTensor): Eval {
  const rows = floatAxis(g.outH, g.inH, g.align, g.half);
  const cols = floatAxis(g.outW, g.inW, g.align, g.half);
  const src = x.data as Float32Array;
  const dst = y.data as Float32Array;
  const { batches, inH, inW, depth, outH, outW } = g;
  return () => {
    let o = 0;
    for (let b = 0; b < batches; b++) {
      for (let oy = 0; oy < outH; oy++) {
        const r0 = (b * inH + rows.lo[oy]!) * inW;
        const r1 = (b * inH + rows.hi[oy]!) * inW;
        const wy0 = rows.wLo[oy]!;
        const wy1 = rows.wHi[oy]!;
        for (let ox = 0; ox < outW; ox++) {
          const c0 = cols.lo[ox]!;
          const c1 = cols.hi[ox]!;
          const wx0 = cols.wLo[ox]!;
          const wx1 = cols.wHi[ox]!;
          const p00 = (r0 + c0) * depth;
          const p10 = (r1 + c0) * depth;
          const p01 = (r0 + c1) * depth;
          const p11 = (r1 + c1) * depth;
          for (let c = 0; c < depth; c++) {
            const t00 = f(f(src[p00 + c]! * wy0) * wx0);
            const t10 = f(f(src[p10 + c]! * wy1) * wx0);
            const t01 = f(f(src[p01 + c]! * wy0) * wx1);
            const t11 = f(f(src[p11 + c]! * wy1) * wx1);
            dst[o++] = f(f(f(t00 + t10) + t01) + t11);
          }
        }
      }
    }
  };
}

function integerEval(g: Geometry, x: RuntimeTensor, y: RuntimeTensor, singleRounding: boolean): Eval {
  const rows = integerAxis(g.outH, g.inH, g.align, g.half);
  const cols = integerAxis(g.outW, g.inW, g.align, g.half);
  const src = x.data as unknown as Elements;
  const dst = y.data as unknown as Elements;
  const { batches, inH, inW, depth, outH, outW } = g;
  const HALF = 524288; // 2^19
  const ONE = 1048576; // 2^20
  return () => {
    let o = 0;
    for (let b = 0; b < batches; b++) {
      for (let oy = 0; oy < outH; oy++) {
        const r0 = (b * inH + rows.lo[oy]!) * inW;
        const r1 = (b * inH + rows.hi[oy]!) * inW;
        const wy0 = rows.wLo[oy]!;
        const wy1 = rows.wHi[oy]!;
        for (let ox = 0; ox < outW; ox++) {
          const wx0 = cols.wLo[ox]!;
          const wx1 = cols.wHi[ox]!;
          const p00 = (r0 + cols.lo[ox]!) * depth;
          const p10 = (r1 + cols.lo[ox]!) * depth;
          const p01 = (r0 + cols.hi[ox]!) * depth;
          const p11 = (r1 + cols.hi[ox]!) * depth;
          for (let c = 0; c < depth; c++) {
            // Every product and the sum stay far below 2^53: exact, like the C++ int64.
            const sum = src[p00 + c]! * wy0 * wx0 + src[p10 + c]! * wy1 * wx0 + src[p01 + c]! * wy0 * wx1 + src[p11 + c]! * wy1 * wx1;
            dst[o++] = singleRounding ? Math.floor((sum + HALF) / ONE) : Math.trunc((sum + (sum > 0 ? HALF : -HALF)) / ONE);
          }
        }
      }
    }
  };
}

/** XNNPACK's source indices and Q11 weights for one axis. */
function xnnpackAxis(outSize: number, inSize: number, align: boolean, half: boolean): Axis {
  const adjust = align && outSize !== 1 ? 1 : 0;
  const scale = f(f(inSize - adjust) / f(outSize - adjust));
  const axis: Axis = { lo: new Int32Array(outSize), hi: new Int32Array(outSize), wLo: new Float64Array(outSize), wHi: new Float64Array(outSize) };
  const offset = f(f(0.5 * scale) - 0.5);
  for (let i = 0; i < outSize; i++) {
    let v: number;
    if (align || !half) v = f(i * scale);
    else v = Math.min(Math.max(f(f(i * scale) + offset), 0), inSize - 1);
    const lo = Math.trunc(v);
    axis.lo[i] = lo;
    axis.hi[i] = Math.min(lo + 1, inSize - 1);
    axis.wHi[i] = roundHalfEven(f(f(v - lo) * 2048));
  }
  return axis;
}

function xnnpackInt8Eval(g: Geometry, x: RuntimeTensor, y: RuntimeTensor): Eval {
  const rows = xnnpackAxis(g.outH, g.inH, g.align, g.half);
  const cols = xnnpackAxis(g.outW, g.inW, g.align, g.half);
  const src = x.data as Int8Array;
  const dst = y.data as Int8Array;
  const { batches, inH, inW, depth, outH, outW } = g;
  return () => {
    let o = 0;
    for (let b = 0; b < batches; b++) {
      for (let oy = 0; oy < outH; oy++) {
        const top = (b * inH + rows.lo[oy]!) * inW;
        const bottom = (b * inH + rows.hi[oy]!) * inW;
        const av = rows.wHi[oy]!;
        for (let ox = 0; ox < outW; ox++) {
          const ah = cols.wHi[ox]!;
          const tl = (top + cols.lo[ox]!) * depth;
          const tr = (top + cols.hi[ox]!) * depth;
          const bl = (bottom + cols.lo[ox]!) * depth;
          const br = (bottom + cols.hi[ox]!) * depth;
          for (let c = 0; c < depth; c++) {
            const vtl = src[tl + c]!;
            const vbl = src[bl + c]!;
            const vt = vtl * 2048 + (src[tr + c]! - vtl) * ah;
            const vb = vbl * 2048 + (src[br + c]! - vbl) * ah;
            dst[o++] = (vt * 2048 + (vb - vt) * av + 2097152) >> 22;
          }
        }
      }
    }
  };
}

export const RESIZE_BILINEAR: Kernel = {
  prepare(ctx: KernelContext) {
    const x = input(ctx, 0);
    const y = output(ctx);
    requireSameType(ctx, x, y);
    if (x.shape.length !== 4 || y.shape.length !== 4) throw badModel(ctx, 'input and output must be 4-D (NHWC)');
    const [batches, inH, inW, depth] = x.shape as [number, number, number, number];
    const [outB, outH, outW, outD] = y.shape as [number, number, number, number];
    if (outB !== batches || outD !== depth)
      throw badModel(ctx, `input [${x.shape.join(', ')}] and output [${y.shape.join(', ')}] differ outside height and width`);
    checkSize(ctx, outH, outW);
    const o = optionsOf(ctx.op, 'ResizeBilinearOptions');
    const align = o?.alignCorners ?? false;
    const half = o?.halfPixelCenters ?? false;
    if (align && half) throw badModel(ctx, 'half_pixel_centers and align_corners cannot both be set');
    const g: Geometry = { batches, inH, inW, depth, outH, outW, align, half };
    switch (y.dtype) {
      case 'float32':
        return floatEval(g, x, y);
      case 'int8':
        if (ctx.rounding === 'xnnpack') return xnnpackInt8Eval(g, x, y);
        return integerEval(g, x, y, ctx.rounding !== 'tflm');
      case 'int16':
        // TFLM's Eval takes float32 and int8 only (its Prepare lets int16 through).
        if (ctx.rounding === 'tflm') throw unsupportedType(ctx, 'int16 (TFLite Micro runs RESIZE_BILINEAR on float32 and int8 only)');
        return integerEval(g, x, y, true);
      default:
        throw badModel(ctx, `${y.dtype} is not supported (float32, int8 or int16)`);
    }
  },
};
