/**
 * TRANSPOSE_CONV, as TFLM's transpose_conv.cc with reference_ops::TransposeConv (float32) and
 * reference_integer_ops::TransposeConv (int8): inputs (output_shape, weights [outC, kH, kW,
 * inC], input, optional bias). TFLM ignores the output_shape tensor and uses the output
 * tensor's shape; the padding is that of a forward convolution from the output to the input
 * (ComputePaddingHeightWidth on the output size, no dilation). Every input value is scattered
 * into the window it touches; sums then get the bias, the requantization (int8, per channel
 * along axis 0) and the fused activation.
 *
 * The fused activation: TFLM applies it to float32 but, before tflite-micro PR #3278 (January
 * 2026), passed kTfLiteActNone for int8; current TFLM, TFLite and XNNPACK apply it to both,
 * and so does this kernel.
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, output } from '../../kernelUtil';
import { requantizeChannels } from '../../quant';
import type { Eval, Kernel, KernelContext } from '../../types';
import { activationOf, badModel, dataPath, floatBias, floatRange, int32Bias, quantizedParams, shape4 } from './common';
import { computePaddingHeightWidth } from '../../../model/geometry';
import { prepareWasmFloatTransposeConv } from '../wasmFloat';

function prepare(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'TransposeConvOptions');
  const w = input(ctx, 1);
  const x = input(ctx, 2);
  const y = output(ctx);
  const path = dataPath(ctx, x, w, y);
  const [batches, inH, inW, inC] = shape4(ctx, x, 'input');
  const [outC, kH, kW, depth] = shape4(ctx, w, 'filter');
  const [outB, outH, outW, outC2] = shape4(ctx, y, 'output');
  if (outB !== batches || outC2 !== outC || depth !== inC)
    throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}] and filter [${w.shape.join(', ')}]`);
  const strideH = opts.strideH;
  const strideW = opts.strideW;
  const geo = computePaddingHeightWidth({
    padding: opts.padding,
    strideH,
    strideW,
    dilationH: 1,
    dilationW: 1,
    inHeight: outH,
    inWidth: outW,
    filterHeight: kH,
    filterWidth: kW,
  });
  const padTop = geo.padTop;
  const padLeft = geo.padLeft;
  const act = activationOf(ctx, opts.fusedActivationFunction);
  const inSize = batches * inH * inW * inC;
  const outSize = batches * outH * outW * outC;
  const xin = new Float64Array(inSize);
  const wt = Float64Array.from(w.data as Float32Array | Int8Array);
  const sums = new Float64Array(outSize);

  const scatter = (): void => {
    sums.fill(0);
    for (let b = 0; b < batches; b++) {
      for (let iy = 0; iy < inH; iy++) {
        for (let ix = 0; ix < inW; ix++) {
          const inBase = ((b * inH + iy) * inW + ix) * inC;
          for (let fy = 0; fy < kH; fy++) {
            const oy = iy * strideH - padTop + fy;
            if (oy < 0 || oy >= outH) continue;
            for (let fx = 0; fx < kW; fx++) {
              const ox = ix * strideW - padLeft + fx;
              if (ox < 0 || ox >= outW) continue;
              const outBase = ((b * outH + oy) * outW + ox) * outC;
              for (let oc = 0; oc < outC; oc++) {
                const wBase = ((oc * kH + fy) * kW + fx) * inC;
                let s = 0;
                for (let ic = 0; ic < inC; ic++) s += xin[inBase + ic]! * wt[wBase + ic]!;
                sums[outBase + oc]! += s;
              }
            }
          }
        }
      }
    }
  };

  if (path === 'float32') {
    const bias = floatBias(ctx, 3, outC);
    const [lo, hi] = floatRange(act);
    const src = x.data as Float32Array;
    const dst = y.data as Float32Array;
    if (ctx.wasm && w.constant) {
      const p = {
        batches,
        inH,
        inW,
        inC,
        outH,
        outW,
        outC,
        kH,
        kW,
        strideH,
        strideW,
        padTop,
        padLeft,
        weights: w.data as Float32Array,
        bias,
        min: lo,
        max: hi,
      };
      const run = prepareWasmFloatTransposeConv(ctx.wasm, p, src, dst);
      if (run) return run;
    }
    return () => {
      if (!w.constant) wt.set(w.data as Float32Array);
      xin.set(src);
      scatter();
      for (let i = 0, c = 0; i < outSize; i++) {
        const v = Math.fround(sums[i]!) + (bias ? bias[c]! : 0);
        dst[i] = v < lo ? lo : v > hi ? hi : v;
        if (++c === outC) c = 0;
      }
    };
  }

  const q = quantizedParams(ctx, { inputSlot: 2, weightSlot: 1, channels: outC, activation: act });
  const off = q.inputOffset;
  const bias = int32Bias(ctx, 3, outC);
  const acc32 = new Int32Array(outC);
  const src = x.data as Int8Array;
  const dst = y.data as Int8Array;
  const { requant, outputZeroPoint, actMin, actMax } = q;
  return () => {
    if (!w.constant) wt.set(w.data as Int8Array);
    for (let i = 0; i < inSize; i++) xin[i] = src[i]! + off;
    scatter();
    for (let base = 0; base < outSize; base += outC) {
      if (bias) for (let c = 0; c < outC; c++) acc32[c] = (sums[base + c]! + bias[c]!) | 0;
      else for (let c = 0; c < outC; c++) acc32[c] = sums[base + c]! | 0;
      requantizeChannels(requant, acc32, 0, dst, base, outC, 0, outputZeroPoint, actMin, actMax);
    }
  };
}

export const transposeConv: Kernel = { prepare };
