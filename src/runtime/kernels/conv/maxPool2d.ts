/**
 * MAX_POOL_2D, as TFLM's max_pool.cc with reference_ops::MaxPool and
 * reference_integer_ops::MaxPool: the largest value among the window's taps inside the input,
 * then the fused activation's clamp. Exact in every type.
 */
import type { Eval, Kernel, KernelContext } from '../../types';
import { prepareWasmFloatPool } from '../wasmFloat';
import { poolParams, poolSetup, type PoolSetup } from './pool';

interface MaxState extends PoolSetup {
  readonly best: Float64Array;
  /** TFLM starts from the type's lowest value (an empty window yields it, then the clamp). */
  readonly lowest: number;
  readonly integer: boolean;
}

/** The loop, module-level and without data-dependent clamps in the integer path (see averagePool2d.ts). */
function run(s: MaxState, src: Float32Array | Int8Array | Int16Array, dst: Float32Array | Int8Array | Int16Array): void {
  const { batches, inH, inW, channels, outH, outW, strideH, strideW, padTop, padLeft, ys, xs, min, max, best, lowest, integer } = s;
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
        best.fill(lowest);
        for (let fy = fy0; fy < fy1; fy++) {
          const row = (b * inH + iy0 + fy) * inW;
          for (let fx = fx0; fx < fx1; fx++) {
            const base = (row + ix0 + fx) * channels;
            for (let c = 0; c < channels; c++) {
              const v = src[base + c]!;
              if (v > best[c]!) best[c] = v;
            }
          }
        }
        if (integer) {
          for (let c = 0; c < channels; c++, o++) dst[o] = Math.min(max, Math.max(min, best[c]!));
        } else {
          // Float keeps the comparisons: they leave −0 and NaN as they are.
          for (let c = 0; c < channels; c++, o++) {
            const v = best[c]!;
            dst[o] = v < min ? min : v > max ? max : v;
          }
        }
      }
    }
  }
}

function prepare(ctx: KernelContext): Eval {
  const setup = poolSetup(ctx);
  const lowest = setup.dtype === 'float32' ? -3.4028234663852886e38 : setup.dtype === 'int8' ? -128 : -32768;
  const s: MaxState = { ...setup, best: new Float64Array(setup.channels), lowest, integer: setup.dtype !== 'float32' };
  const src = setup.x.data as Float32Array | Int8Array | Int16Array;
  const dst = setup.y.data as Float32Array | Int8Array | Int16Array;
  const simd = setup.dtype === 'float32' && ctx.wasm && prepareWasmFloatPool(ctx.wasm, 'max', poolParams(ctx, setup), src as Float32Array, dst as Float32Array);
  return simd || (() => run(s, src, dst));
}

export const maxPool2d: Kernel = { prepare };
