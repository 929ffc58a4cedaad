/**
 * What AVERAGE_POOL_2D and MAX_POOL_2D share, as TFLM's pooling_common.cc: the window
 * geometry (padding from the filter size and strides, no dilation), the data types (float32,
 * int8, int16) and, for integer types, the check that input and output share their
 * quantization and the fused activation's range in the output's units.
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, output, scaleOf, unsupportedType, zeroPointOf } from '../../kernelUtil';
import { activationRangeFloat, activationRangeQuantizedFor } from '../../quant';
import type { KernelContext, RuntimeTensor } from '../../types';
import type { FloatPoolParams } from '../wasmFloat';
import { activationOf, badModel, shape4 } from './common';
import { computePaddingHeightWidth, tapRanges } from '../../../model/geometry';

export interface PoolSetup {
  readonly x: RuntimeTensor;
  readonly y: RuntimeTensor;
  readonly dtype: 'float32' | 'int8' | 'int16';
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly outH: number;
  readonly outW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** Valid window rows/columns per output row/column. */
  readonly ys: { readonly start: Int32Array; readonly end: Int32Array };
  readonly xs: { readonly start: Int32Array; readonly end: Int32Array };
  /** Activation bounds in the output's units (float or quantized). */
  readonly min: number;
  readonly max: number;
}

/** The window geometry as the float SIMD kernel (kernels/wasmFloat.ts) takes it. */
export function poolParams(ctx: KernelContext, s: PoolSetup): FloatPoolParams {
  const opts = optionsOrDefault(ctx.op, 'Pool2DOptions');
  return { ...s, kH: opts.filterHeight, kW: opts.filterWidth };
}

export function poolSetup(ctx: KernelContext): PoolSetup {
  const opts = optionsOrDefault(ctx.op, 'Pool2DOptions');
  const x = input(ctx, 0);
  const y = output(ctx);
  if (x.dtype !== y.dtype || (x.dtype !== 'float32' && x.dtype !== 'int8' && x.dtype !== 'int16'))
    throw unsupportedType(ctx, `${x.dtype} input and ${y.dtype} output`);
  const [batches, inH, inW, channels] = shape4(ctx, x, 'input');
  const [outB, outH, outW, outC] = shape4(ctx, y, 'output');
  if (outB !== batches || outC !== channels) throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}]`);
  const kH = opts.filterHeight;
  const kW = opts.filterWidth;
  const geo = computePaddingHeightWidth({
    padding: opts.padding,
    strideH: opts.strideH,
    strideW: opts.strideW,
    dilationH: 1,
    dilationW: 1,
    inHeight: inH,
    inWidth: inW,
    filterHeight: kH,
    filterWidth: kW,
  });
  const ys = tapRanges(outH, opts.strideH, geo.padTop, 1, kH, inH);
  const xs = tapRanges(outW, opts.strideW, geo.padLeft, 1, kW, inW);
  const act = activationOf(ctx, opts.fusedActivationFunction);
  let min: number;
  let max: number;
  if (x.dtype === 'float32') {
    [min, max] = activationRangeFloat(act);
  } else {
    if (Math.abs(scaleOf(x) - scaleOf(y)) > 1e-6 || zeroPointOf(x) !== zeroPointOf(y))
      throw badModel(ctx, 'needs the same scale and zero point on its input and output (TFLite Micro checks this)');
    const [qmin, qmax] = x.dtype === 'int8' ? [-128, 127] : [-32768, 32767];
    [min, max] = activationRangeQuantizedFor(ctx.rounding, act, Math.fround(scaleOf(y)), zeroPointOf(y), qmin, qmax);
  }
  return {
    x,
    y,
    dtype: x.dtype,
    batches,
    inH,
    inW,
    channels,
    outH,
    outW,
    strideH: opts.strideH,
    strideW: opts.strideW,
    padTop: geo.padTop,
    padLeft: geo.padLeft,
    ys,
    xs,
    min,
    max,
  };
}
