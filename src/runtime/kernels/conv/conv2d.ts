/**
 * CONV_2D, as TFLM's conv.cc + conv_common.cc with reference_ops::Conv (float32) and
 * reference_integer_ops::ConvPerChannel (int8): NHWC input, OHWI weights (grouped when the
 * input has a multiple of the weights' depth), optional bias, SAME/VALID padding, strides,
 * dilations and a fused activation. int8 weights are per channel (axis 0) or per tensor; their
 * zero point is ignored, as in TFLM. Taps outside the input contribute nothing, which in int8
 * is padding with the input zero point (TFLM adds input_offset = −zero point to each input).
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, output } from '../../kernelUtil';
import { requantizeChannels, type ChannelRequantizer } from '../../quant';
import type { Eval, Kernel, KernelContext, RuntimeTensor } from '../../types';
import { activationOf, badModel, convWindow, dataPath, floatBias, floatRange, int32Bias, quantizedParams, shape4 } from './common';
import { accumulateSpans, accumulateSpansInt, newSpans, packWeights, repackWeights, type PackedWeights, type Spans } from './gemm';
import { tapRanges } from '../../../model/geometry';
import { prepareWasmConv } from './wasmConv';
import { prepareWasmFloatConv } from '../wasmFloat';
import { isHybrid, prepareHybrid, scalesDiffer } from './hybrid';

/** Everything an invoke needs, computed at prepare; one shape for every layer and path. */
interface ConvState {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kW: number;
  readonly depth: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** Whole filter rows are contiguous runs of the input (no grouping, no horizontal dilation). */
  readonly rowSpans: boolean;
  readonly ys: { readonly start: Int32Array; readonly end: Int32Array };
  readonly xs: { readonly start: Int32Array; readonly end: Int32Array };
  readonly spans: Spans;
  readonly pw: PackedWeights;
  readonly weights: RuntimeTensor;
  readonly weightOffset: number;
  /** Input plus input offset (int8) or the float input, as doubles. */
  readonly xin: Float64Array;
  readonly acc: Float64Array;
  readonly acc32: Int32Array;
  readonly biasI: Int32Array | null;
  readonly biasF: Float32Array | null;
  readonly requant: ChannelRequantizer | null;
  readonly zeroPoint: number;
  readonly min: number;
  readonly max: number;
}

/** The spans of output pixel (b, oy, ox). */
function pixelSpans(s: ConvState, b: number, oy: number, ox: number): void {
  const sp = s.spans;
  const iy0 = oy * s.strideH - s.padTop;
  const ix0 = ox * s.strideW - s.padLeft;
  const fy0 = s.ys.start[oy]!;
  const fy1 = s.ys.end[oy]!;
  const fx0 = s.xs.start[ox]!;
  const fx1 = s.xs.end[ox]!;
  let n = 0;
  for (let fy = fy0; fy < fy1; fy++) {
    const row = (b * s.inH + iy0 + fy * s.dilationH) * s.inW;
    if (s.rowSpans) {
      if (fx1 > fx0) {
        sp.x[n] = (row + ix0 + fx0) * s.inC;
        sp.w[n] = (fy * s.kW + fx0) * s.depth;
        sp.len[n] = (fx1 - fx0) * s.inC;
        n++;
      }
    } else {
      for (let fx = fx0; fx < fx1; fx++) {
        sp.x[n] = (row + ix0 + fx * s.dilationW) * s.inC;
        sp.w[n] = (fy * s.kW + fx) * s.depth;
        sp.len[n] = s.depth;
        n++;
      }
    }
  }
  sp.n = n;
}

function runInt8(s: ConvState, src: Int8Array, dst: Int8Array, inputOffset: number): void {
  if (!s.weights.constant) repackWeights(s.pw, s.weights.data as Int8Array, s.weightOffset);
  const xin = s.xin;
  for (let i = 0; i < xin.length; i++) xin[i] = src[i]! + inputOffset;
  const { acc32, biasI, outC } = s;
  let outBase = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      for (let ox = 0; ox < s.outW; ox++) {
        pixelSpans(s, b, oy, ox);
        accumulateSpansInt(s.pw, xin, s.spans, biasI, acc32);
        requantizeChannels(s.requant!, acc32, 0, dst, outBase, outC, 0, s.zeroPoint, s.min, s.max);
        outBase += outC;
      }
    }
  }
}

function runFloat(s: ConvState, src: Float32Array, dst: Float32Array): void {
  if (!s.weights.constant) repackWeights(s.pw, s.weights.data as Float32Array, 0);
  s.xin.set(src);
  const { acc, biasF, outC, min, max } = s;
  let outBase = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      for (let ox = 0; ox < s.outW; ox++) {
        pixelSpans(s, b, oy, ox);
        accumulateSpans(s.pw, s.xin, s.spans, acc);
        for (let c = 0; c < outC; c++) {
          const v = Math.fround(acc[c]!) + (biasF ? biasF[c]! : 0);
          dst[outBase + c] = v < min ? min : v > max ? max : v;
        }
        outBase += outC;
      }
    }
  }
}

function prepare(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'Conv2DOptions');
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const y = output(ctx);
  const path = isHybrid(x, w, y) ? 'hybrid' : dataPath(ctx, x, w, y);
  const [batches, inH, inW, inC] = shape4(ctx, x, 'input');
  const [outC, kH, kW, depth] = shape4(ctx, w, 'filter');
  const [outB, outH, outW, outC2] = shape4(ctx, y, 'output');
  if (outB !== batches || outC2 !== outC)
    throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}] and filter [${w.shape.join(', ')}]`);
  if (depth <= 0 || inC % depth !== 0) throw badModel(ctx, `has input depth ${inC}, not a multiple of the filter depth ${depth}`);
  const groups = inC / depth;
  if (outC % groups !== 0) throw badModel(ctx, `has ${outC} output channels for ${groups} groups`);
  const geo = convWindow(opts, inH, inW, kH, kW);
  const { dilationH, dilationW } = geo;
  const act = activationOf(ctx, opts.fusedActivationFunction);
  const taps = kH * kW;
  const common = {
    batches,
    inH,
    inW,
    inC,
    // TFLM loops over the output tensor's own size, with the padding computed from the options.
    outH,
    outW,
    outC,
    kW,
    depth,
    strideH: opts.strideH,
    strideW: opts.strideW,
    dilationH,
    dilationW,
    padTop: geo.padTop,
    padLeft: geo.padLeft,
    rowSpans: groups === 1 && dilationW === 1,
    ys: tapRanges(outH, opts.strideH, geo.padTop, dilationH, kH, inH),
    xs: tapRanges(outW, opts.strideW, geo.padLeft, dilationW, kW, inW),
    spans: newSpans(taps),
    weights: w,
    weightOffset: 0,
    xin: new Float64Array(batches * inH * inW * inC),
    acc: new Float64Array(outC),
    acc32: new Int32Array(outC),
  };

  if (path === 'hybrid') {
    const scales = w.info.quantization?.scale ?? [];
    if (groups !== 1 || scales.length === 0) throw badModel(ctx, 'has hybrid int8 weights that are grouped or without scales');
    const [min, max] = floatRange(act);
    const p = { ...common, kH, weights: w.data as Int8Array, weightScales: scales, bias: floatBias(ctx, 2, outC) ?? null, min, max };
    return prepareHybrid(ctx, { ...p, asymmetric: scalesDiffer(scales), rows: batches }, x.data as Float32Array, y.data as Float32Array);
  }
  if (path === 'float32') {
    const [min, max] = floatRange(act);
    const biasF = floatBias(ctx, 2, outC) ?? null;
    if (ctx.wasm && w.constant) {
      const p = { ...common, kH, weights: w.data as Float32Array, bias: biasF, min, max };
      const run = prepareWasmFloatConv(ctx.wasm, p, x.data as Float32Array, y.data as Float32Array);
      if (run) return run;
    }
    const s: ConvState = {
      ...common,
      pw: packWeights(w.data as Float32Array, { outChannels: outC, taps, depth, groups, weightOffset: 0, maxAbsInput: 0 }),
      biasI: null,
      biasF,
      requant: null,
      zeroPoint: 0,
      min,
      max,
    };
    const src = x.data as Float32Array;
    const dst = y.data as Float32Array;
    return () => runFloat(s, src, dst);
  }

  const q = quantizedParams(ctx, { inputSlot: 0, weightSlot: 1, channels: outC, activation: act });
  const off = q.inputOffset;
  const biasI = int32Bias(ctx, 2, outC) ?? null;
  if (ctx.wasm && w.constant) {
    const run = prepareWasmConv(
      ctx.wasm,
      {
        batches,
        inH,
        inW,
        inC,
        outH,
        outW,
        outC,
        kH,
        kW,
        depth,
        strideH: opts.strideH,
        strideW: opts.strideW,
        dilationH,
        dilationW,
        padTop: geo.padTop,
        padLeft: geo.padLeft,
        weights: w.data as Int8Array,
        weightOffset: 0,
        inputOffset: off,
      },
      { requant: q.requant, bias: biasI, zeroPoint: q.outputZeroPoint, min: q.actMin, max: q.actMax },
      x.data as Int8Array,
      y.data as Int8Array,
    );
    if (run) return run;
  }
  const maxAbsInput = w.constant ? Math.max(Math.abs(-128 + off), Math.abs(127 + off)) : 0;
  const s: ConvState = {
    ...common,
    pw: packWeights(w.data as Int8Array, { outChannels: outC, taps, depth, groups, weightOffset: 0, maxAbsInput }),
    biasI,
    biasF: null,
    requant: q.requant,
    zeroPoint: q.outputZeroPoint,
    min: q.actMin,
    max: q.actMax,
  };
  const src = x.data as Int8Array;
  const dst = y.data as Int8Array;
  return () => runInt8(s, src, dst, off);
}

export const conv2d: Kernel = { prepare };
