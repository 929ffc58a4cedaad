/**
 * AVERAGE_POOL_2D, as TFLM's average_pool.cc with reference_ops::AveragePool (float32: sum /
 * count in float) and reference_integer_ops::AveragePool (int8, int16): the mean over the
 * window's taps that fall inside the input (padding is not counted), rounded to nearest with
 * halves away from zero by integer division: (sum ± count/2) / count.
 */
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel } from './common';
import { poolSetup } from './pool';

function prepare(ctx: KernelContext): Eval {
  const s = poolSetup(ctx);
  const { batches, inH, inW, channels, outH, outW, strideH, strideW, padTop, padLeft, ys, xs, min, max } = s;
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    if (ys.end[oy]! <= ys.start[oy]! || xs.end[ox]! <= xs.start[ox]!) throw badModel(ctx, `has an output position (${oy}, ${ox}) whose window holds no input (TFLite Micro fails there)`);
  }
  const acc = new Float64Array(channels);
  const src = s.x.data as Float32Array | Int8Array | Int16Array;
  const dst = s.y.data as Float32Array | Int8Array | Int16Array;
  const integer = s.dtype !== 'float32';
  return () => {
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
              for (let c = 0; c < channels; c++) acc[c] += src[base + c]!;
            }
          }
          const count = (fy1 - fy0) * (fx1 - fx0);
          if (integer) {
            const half = count >> 1;
            for (let c = 0; c < channels; c++, o++) {
              const a = acc[c]!;
              const v = a > 0 ? Math.trunc((a + half) / count) : Math.trunc((a - half) / count);
              dst[o] = v < min ? min : v > max ? max : v;
            }
          } else {
            for (let c = 0; c < channels; c++, o++) {
              const v = Math.fround(Math.fround(acc[c]!) / count);
              dst[o] = v < min ? min : v > max ? max : v;
            }
          }
        }
      }
    }
  };
}

export const averagePool2d: Kernel = { prepare };
