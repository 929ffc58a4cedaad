/**
 * AVERAGE_POOL_2D, as TFLM's average_pool.cc with reference_ops::AveragePool (float32: sum /
 * count in float) and reference_integer_ops::AveragePool (int8, int16): the mean over the
 * window's taps that fall inside the input (padding is not counted), rounded to nearest with
 * halves away from zero by integer division: (sum ± count/2) / count.
 */
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel } from './common';
import { prepareWasmFloatPool } from '../wasmFloat';
import { poolParams, poolSetup, type PoolSetup } from './pool';

interface AvgState extends PoolSetup {
  readonly acc: Float64Array;
  readonly integer: boolean;
}

/**
 * The loop, module-level (not a per-layer closure) so that V8 optimizes it once for every layer
 * and model, and written without data-dependent branches in the integer path, so that a model
 * whose sums or clamps go the other way does not deoptimize it.
 */
function run(s: AvgState, src: Float32Array | Int8Array | Int16Array, dst: Float32Array | Int8Array | Int16Array): void {
  const { batches, inH, inW, channels, outH, outW, strideH, strideW, padTop, padLeft, ys, xs, min, max, acc, integer } = s;
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padTop;
      const fy0 = ys.start[oy]!;
      const fy1 = ys.end[oy]!;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const fx0 = xs.start[ox]!;
        const fx1 = xs.end[ox]!;
        acc.fill(0);
        for (let fy = fy0; fy < fy1; fy++) {
          const row = (b * inH + iy0 + fy) * inW;
          for (let fx = fx0; fx < fx1; fx++) {
            const base = (row + ix0 + fx) * channels;
            for (let c = 0; c < channels; c++) acc[c]! += src[base + c]!;
          }
        }
        const count = (fy1 - fy0) * (fx1 - fx0);
        if (integer) {
          // (sum ± count/2) / count, truncated.
          const half = count >> 1;
          for (let c = 0; c < channels; c++, o++) {
            const a = acc[c]!;
            dst[o] = Math.min(max, Math.max(min, Math.trunc((a + Math.sign(a) * half) / count)));
          }
        } else {
          // Float keeps the comparisons: they leave −0 and NaN as they are.
          for (let c = 0; c < channels; c++, o++) {
            const v = Math.fround(Math.fround(acc[c]!) / count);
            dst[o] = v < min ? min : v > max ? max : v;
          }
        }
      }
    }
  }
}

function prepare(ctx: KernelContext): Eval {
  const setup = poolSetup(ctx);
  const { outH, outW, ys, xs } = setup;
  for (let oy = 0; oy < outH; oy++)
    for (let ox = 0; ox < outW; ox++) {
      if (ys.end[oy]! <= ys.start[oy]! || xs.end[ox]! <= xs.start[ox]!)
        throw badModel(ctx, `has an output position (${oy}, ${ox}) whose window holds no input (TFLite Micro fails there)`);
    }
  const s: AvgState = { ...setup, acc: new Float64Array(setup.channels), integer: setup.dtype !== 'float32' };
  const src = setup.x.data as Float32Array | Int8Array | Int16Array;
  const dst = setup.y.data as Float32Array | Int8Array | Int16Array;
  const simd =
    setup.dtype === 'float32' && ctx.wasm && prepareWasmFloatPool(ctx.wasm, 'average', poolParams(ctx, setup), src as Float32Array, dst as Float32Array);
  return simd || (() => run(s, src, dst));
}

export const averagePool2d: Kernel = { prepare };
