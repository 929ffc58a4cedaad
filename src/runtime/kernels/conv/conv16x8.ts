/**
 * The 16x8 paths of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (int16 activations, int8
 * weights), as TFLM's conv.cc / depthwise_conv.cc / fully_connected.cc dispatch them to
 * reference_integer_ops::ConvPerChannel<AccumScalar>, DepthwiseConvPerChannel (int16) and
 * FullyConnected<AccumScalar> (int16), and TRANSPOSE_CONV (transpose_conv.cc →
 * reference_integer_ops::TransposeConv<int64_t>: every input value scattered into an int64
 * scratch the size of the output, then bias, requantization and clamp as the others):
 * - activations are symmetric: no input offset and no output offset is applied (TFLM
 *   ignores the int16 zero points; the quantizer writes 0);
 * - products are summed in the bias type: int64 (the converter's choice, `AccumScalar =
 *   int64_t`) is requantized by the 64-bit MultiplyByQuantizedMultiplier (quant64.ts); an int32
 *   bias, which TFLM's CONV_2D also accepts, accumulates in int32 and takes the ordinary
 *   double-rounding requantization;
 * - multipliers come from the scales as on the int8 path (per channel: double(s_in)·double(s_w)
 *   / double(s_out); per-tensor FULLY_CONNECTED: the float32 product first, and the weights'
 *   zero point as filter offset);
 * - the fused activation clamps to CalculateActivationRangeQuantized over [−32768, 32767].
 * The loops are plain (no packing): these layers run in precision studies, not in hot loops.
 */
import { computePaddingHeightWidth, tapRanges } from '../../../model/geometry';
import { optionsOrDefault } from '../../../model/ops';
import { elementCount, input, output, scaleOf, unsupportedType, zeroPointOf } from '../../kernelUtil';
import { activationRangeQuantized, multiplyByQuantizedMultiplierTflm, quantizeMultiplier } from '../../quant';
import { multiplyByQuantizedMultiplier64, multiplyByQuantizedMultiplierBig, wideMultiplier, type WideMultiplier } from '../../quant64';
import type { Eval, Kernel, KernelContext, RuntimeTensor } from '../../types';
import { activationOf, badModel, convWindow, shape4 } from './common';

/** |bias| below this converts to a double exactly, with room for the accumulator. */
const EXACT_BIAS = 2 ** 50;

/** A per-channel finisher: accumulator (without bias) → clamped int16. */
interface Finisher {
  readonly run: (acc: number, c: number) => number;
}

function check16x8(ctx: KernelContext, x: RuntimeTensor, w: RuntimeTensor, y: RuntimeTensor): void {
  if (y.dtype !== 'int16' || w.dtype !== 'int8')
    throw unsupportedType(ctx, `int16 input with ${w.dtype} weights and ${y.dtype} output (TFLite Micro's 16x8 kernels take int8 weights and an int16 output)`);
  if (!x.info.quantization || !y.info.quantization || !w.info.quantization || w.info.quantization.scale.length === 0)
    throw badModel(ctx, 'has int16 tensors without quantization parameters');
}

/** The multipliers (one per output channel), the bias rule and the activation clamp. */
function finisher(
  ctx: KernelContext,
  channels: number,
  multipliers: readonly number[],
  act: ReturnType<typeof activationOf>,
  allowInt32Bias: boolean,
  biasSlot = 2,
): Finisher {
  const y = output(ctx);
  const [min, max] = activationRangeQuantized(act, scaleOf(y), zeroPointOf(y), -32768, 32767);
  const clamp = (v: number): number => (v < min ? min : v > max ? max : v);
  const real = (c: number): number => multipliers[multipliers.length === 1 ? 0 : c]!;
  const b = ctx.inputs[biasSlot];
  if (b && b.data.length < channels) throw badModel(ctx, `has a bias of ${b.data.length} values for ${channels} output channels`);
  if (b && b.dtype === 'int32') {
    if (!allowInt32Bias) throw unsupportedType(ctx, 'an int32 bias with int16 activations (TFLite Micro reads this bias as int64)');
    const q = Array.from({ length: channels }, (_, c) => quantizeMultiplier(real(c)));
    const bias = b.data as Int32Array;
    return { run: (acc, c) => clamp(multiplyByQuantizedMultiplierTflm((acc + bias[c]!) | 0, q[c]!.multiplier, q[c]!.shift)) };
  }
  if (b && b.dtype !== 'int64') throw unsupportedType(ctx, `a ${b.dtype} bias with int16 activations`);
  const m: WideMultiplier[] = Array.from({ length: channels }, (_, c) => wideMultiplier(real(c)));
  // TFLite's 64-bit MultiplyByQuantizedMultiplier only takes shifts below 8 (TFLM asserts).
  const tooLarge = m.findIndex((q) => q.shift >= 8);
  if (tooLarge >= 0)
    throw badModel(ctx, `has a requantization multiplier of ${real(tooLarge)} (channel ${tooLarge}), beyond the 2^7 TFLite's 16x8 kernels accept`);
  if (!b) return { run: (acc, c) => clamp(multiplyByQuantizedMultiplier64(acc, m[c]!)) };
  const big = b.data as BigInt64Array;
  const exact = big.subarray(0, channels).every((v) => v > -EXACT_BIAS && v < EXACT_BIAS);
  if (exact) {
    const bias = Float64Array.from(big.subarray(0, channels), Number);
    return { run: (acc, c) => clamp(multiplyByQuantizedMultiplier64(acc + bias[c]!, m[c]!)) };
  }
  return { run: (acc, c) => clamp(multiplyByQuantizedMultiplierBig(BigInt(acc) + big[c]!, m[c]!)) };
}

/** Per-channel real multipliers double(s_in) · double(s_w) / double(s_out), as PopulateConvolutionQuantizationParams. */
function channelMultipliers(ctx: KernelContext, w: RuntimeTensor, channels: number, inputSlot = 0): number[] {
  const sIn = Math.fround(scaleOf(input(ctx, inputSlot)));
  const sOut = Math.fround(scaleOf(output(ctx)));
  const scales = w.info.quantization!.scale;
  if (scales.length > 1 && scales.length !== channels) throw badModel(ctx, `has ${scales.length} weight scales for ${channels} output channels`);
  return scales.map((s) => (sIn * Math.fround(s)) / sOut);
}

function prepareConv(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'Conv2DOptions');
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const y = output(ctx);
  check16x8(ctx, x, w, y);
  const [batches, inH, inW, inC] = shape4(ctx, x, 'input');
  const [outC, kH, kW, depth] = shape4(ctx, w, 'filter');
  const [outB, outH, outW, outC2] = shape4(ctx, y, 'output');
  if (outB !== batches || outC2 !== outC)
    throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}] and filter [${w.shape.join(', ')}]`);
  if (depth <= 0 || inC % depth !== 0) throw badModel(ctx, `has input depth ${inC}, not a multiple of the filter depth ${depth}`);
  const groups = inC / depth;
  if (outC % groups !== 0) throw badModel(ctx, `has ${outC} output channels for ${groups} groups`);
  const perGroup = outC / groups;
  const geo = convWindow(opts, inH, inW, kH, kW);
  const { dilationH, dilationW } = geo;
  const ys = tapRanges(outH, opts.strideH, geo.padTop, dilationH, kH, inH);
  const xs = tapRanges(outW, opts.strideW, geo.padLeft, dilationW, kW, inW);
  const fin = finisher(ctx, outC, channelMultipliers(ctx, w, outC), activationOf(ctx, opts.fusedActivationFunction), true);
  const X = x.data as Int16Array;
  const W = w.data as Int8Array;
  const Y = y.data as Int16Array;
  const { strideH, strideW } = opts;
  return () => {
    let o = 0;
    for (let b = 0; b < batches; b++) {
      for (let oy = 0; oy < outH; oy++) {
        const iy0 = oy * strideH - geo.padTop;
        for (let ox = 0; ox < outW; ox++) {
          const ix0 = ox * strideW - geo.padLeft;
          for (let c = 0; c < outC; c++) {
            const g = Math.floor(c / perGroup);
            let acc = 0;
            for (let fy = ys.start[oy]!; fy < ys.end[oy]!; fy++) {
              const iy = iy0 + fy * dilationH;
              for (let fx = xs.start[ox]!; fx < xs.end[ox]!; fx++) {
                const ix = ix0 + fx * dilationW;
                const xBase = ((b * inH + iy) * inW + ix) * inC + g * depth;
                const wBase = ((c * kH + fy) * kW + fx) * depth;
                for (let d = 0; d < depth; d++) acc += W[wBase + d]! * X[xBase + d]!;
              }
            }
            Y[o++] = fin.run(acc, c);
          }
        }
      }
    }
  };
}

function prepareDepthwise(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'DepthwiseConv2DOptions');
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const y = output(ctx);
  check16x8(ctx, x, w, y);
  const [batches, inH, inW, inC] = shape4(ctx, x, 'input');
  const [one, kH, kW, outC] = shape4(ctx, w, 'filter');
  const [outB, outH, outW, outC2] = shape4(ctx, y, 'output');
  if (one !== 1 || outB !== batches || outC2 !== outC)
    throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}] and filter [${w.shape.join(', ')}]`);
  const mult = opts.depthMultiplier > 0 ? opts.depthMultiplier : outC / inC;
  if (inC * mult !== outC) throw badModel(ctx, `has ${outC} output channels for ${inC} input channels and depth multiplier ${opts.depthMultiplier}`);
  const geo = convWindow(opts, inH, inW, kH, kW);
  const { dilationH, dilationW } = geo;
  const ys = tapRanges(outH, opts.strideH, geo.padTop, dilationH, kH, inH);
  const xs = tapRanges(outW, opts.strideW, geo.padLeft, dilationW, kW, inW);
  // TFLM's depthwise 16x8 kernel is written for int64 biases only.
  const fin = finisher(ctx, outC, channelMultipliers(ctx, w, outC), activationOf(ctx, opts.fusedActivationFunction), false);
  const X = x.data as Int16Array;
  const W = w.data as Int8Array;
  const Y = y.data as Int16Array;
  const { strideH, strideW } = opts;
  return () => {
    for (let b = 0; b < batches; b++) {
      for (let oy = 0; oy < outH; oy++) {
        const iy0 = oy * strideH - geo.padTop;
        for (let ox = 0; ox < outW; ox++) {
          const ix0 = ox * strideW - geo.padLeft;
          const oBase = ((b * outH + oy) * outW + ox) * outC;
          for (let c = 0; c < outC; c++) {
            const ic = Math.floor(c / mult);
            let acc = 0;
            for (let fy = ys.start[oy]!; fy < ys.end[oy]!; fy++) {
              const iy = iy0 + fy * dilationH;
              for (let fx = xs.start[ox]!; fx < xs.end[ox]!; fx++) {
                const ix = ix0 + fx * dilationW;
                acc += W[(fy * kW + fx) * outC + c]! * X[((b * inH + iy) * inW + ix) * inC + ic]!;
              }
            }
            Y[oBase + c] = fin.run(acc, c);
          }
        }
      }
    }
  };
}

function prepareFullyConnected(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'FullyConnectedOptions');
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const y = output(ctx);
  check16x8(ctx, x, w, y);
  if (w.shape.length < 2 || y.shape.length < 1) throw badModel(ctx, `has weights [${w.shape.join(', ')}] and output [${y.shape.join(', ')}]`);
  const outDepth = y.shape[y.shape.length - 1]!;
  const accum = w.shape[w.shape.length - 1]!;
  const rows = w.shape[w.shape.length - 2]!;
  if (outDepth > rows) throw badModel(ctx, `has ${outDepth} outputs but only ${rows} weight rows`);
  const batches = outDepth === 0 ? 0 : elementCount(y.shape) / outDepth;
  if (batches * accum > x.data.length) throw badModel(ctx, `reads ${batches} × ${accum} input values but the input has ${x.data.length}`);
  const scales = w.info.quantization!.scale;
  const perChannel = scales.length > 1;
  // Per tensor, TFLM multiplies the input and weight scales in float32 (GetQuantizedConvolutionMultipler).
  const multipliers = perChannel
    ? channelMultipliers(ctx, w, rows)
    : [Math.fround(Math.fround(scaleOf(x)) * Math.fround(scales[0]!)) / Math.fround(scaleOf(y))];
  const filterOffset = perChannel ? 0 : -zeroPointOf(w);
  const fin = finisher(ctx, outDepth, multipliers, activationOf(ctx, opts.fusedActivationFunction), false);
  const X = x.data as Int16Array;
  const W = w.data as Int8Array;
  const Y = y.data as Int16Array;
  return () => {
    for (let b = 0; b < batches; b++) {
      for (let c = 0; c < outDepth; c++) {
        let acc = 0;
        const xBase = b * accum;
        const wBase = c * accum;
        for (let d = 0; d < accum; d++) acc += (W[wBase + d]! + filterOffset) * X[xBase + d]!;
        Y[b * outDepth + c] = fin.run(acc, c);
      }
    }
  };
}

function prepareTransposeConv(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'TransposeConvOptions');
  const w = input(ctx, 1);
  const x = input(ctx, 2);
  const y = output(ctx);
  check16x8(ctx, x, w, y);
  const [batches, inH, inW, inC] = shape4(ctx, x, 'input');
  const [outC, kH, kW, depth] = shape4(ctx, w, 'filter');
  const [outB, outH, outW, outC2] = shape4(ctx, y, 'output');
  if (outB !== batches || outC2 !== outC || depth !== inC)
    throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}] and filter [${w.shape.join(', ')}]`);
  // The padding of a forward convolution from the output back to the input.
  const geo = computePaddingHeightWidth({
    padding: opts.padding,
    strideH: opts.strideH,
    strideW: opts.strideW,
    dilationH: 1,
    dilationW: 1,
    inHeight: outH,
    inWidth: outW,
    filterHeight: kH,
    filterWidth: kW,
  });
  // TFLM reads a 16x8 transpose conv's bias as int64 (an int16 one is widened; int32 is not read).
  const fin = finisher(ctx, outC, channelMultipliers(ctx, w, outC, 2), activationOf(ctx, opts.fusedActivationFunction), false, 3);
  const X = x.data as Int16Array;
  const W = w.data as Int8Array;
  const Y = y.data as Int16Array;
  const sums = new Float64Array(Y.length);
  const { strideH, strideW } = opts;
  return () => {
    sums.fill(0);
    for (let b = 0; b < batches; b++) {
      for (let iy = 0; iy < inH; iy++) {
        for (let ix = 0; ix < inW; ix++) {
          const xBase = ((b * inH + iy) * inW + ix) * inC;
          for (let fy = 0; fy < kH; fy++) {
            const oy = iy * strideH - geo.padTop + fy;
            if (oy < 0 || oy >= outH) continue;
            for (let fx = 0; fx < kW; fx++) {
              const ox = ix * strideW - geo.padLeft + fx;
              if (ox < 0 || ox >= outW) continue;
              const oBase = ((b * outH + oy) * outW + ox) * outC;
              for (let c = 0; c < outC; c++) {
                const wBase = ((c * kH + fy) * kW + fx) * inC;
                let acc = 0;
                for (let d = 0; d < inC; d++) acc += X[xBase + d]! * W[wBase + d]!;
                sums[oBase + c]! += acc;
              }
            }
          }
        }
      }
    }
    for (let i = 0, c = 0; i < Y.length; i++) {
      Y[i] = fin.run(sums[i]!, c);
      if (++c === outC) c = 0;
    }
  };
}

export const conv2d16x8: Kernel = { prepare: prepareConv };
export const depthwiseConv2d16x8: Kernel = { prepare: prepareDepthwise };
export const fullyConnected16x8: Kernel = { prepare: prepareFullyConnected };
export const transposeConv16x8: Kernel = { prepare: prepareTransposeConv };
