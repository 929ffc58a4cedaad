/**
 * DEPTHWISE_CONV_2D, as TFLM's depthwise_conv.cc + depthwise_conv_common.cc with
 * reference_ops::DepthwiseConv (float32) and reference_integer_ops::DepthwiseConvPerChannel
 * (int8): weights [1, kH, kW, inC · depthMultiplier], output channel c·M + m reads input
 * channel c. int8 weights are per channel along dimension 3 (TFLM's fixed axis, whatever the
 * file's quantized_dimension says: person_detect stores 3, which desktop TFLite rejects) or
 * per tensor.
 */
import { optionsOrDefault } from '../../../model/ops';
import { input, output } from '../../kernelUtil';
import { requantizeChannels, type ChannelRequantizer } from '../../quant';
import type { Eval, Kernel, KernelContext, RuntimeTensor } from '../../types';
import { activationOf, badModel, convWindow, dataPath, floatBias, floatRange, int32Bias, quantizedParams, shape4 } from './common';
import { tapRanges } from '../../../model/geometry';
import { prepareWasmDepthwise } from './wasmConv';
import { isHybrid, prepareHybrid } from './hybrid';
import { prepareWasmFloatDepthwise } from '../wasmFloat';

interface DwState {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly mult: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly ys: { readonly start: Int32Array; readonly end: Int32Array };
  readonly xs: { readonly start: Int32Array; readonly end: Int32Array };
  /** 3×3, multiplier 1: interior pixels take the unrolled path. */
  readonly full3x3: boolean;
  readonly tapOffset: Int32Array;
  readonly tapIndex: Int32Array;
  readonly weights: RuntimeTensor;
  /** Weights [tap][outC] and the input (plus input offset for int8), as doubles. */
  readonly wt: Float64Array;
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

/** acc[oc] = Σ over the taps of output pixel (b, oy, ox) inside the input of x · w. */
function pixel(s: DwState, b: number, oy: number, ox: number): void {
  const { xin, wt, acc, outC, inC } = s;
  const iy0 = oy * s.strideH - s.padTop;
  const ix0 = ox * s.strideW - s.padLeft;
  const fy0 = s.ys.start[oy]!;
  const fy1 = s.ys.end[oy]!;
  const fx0 = s.xs.start[ox]!;
  const fx1 = s.xs.end[ox]!;
  if (s.full3x3 && fy1 - fy0 === 3 && fx1 - fx0 === 3) {
    // Interior pixel of a 3×3 depthwise: nine taps, unrolled, each sum in a register.
    const rowStep = s.dilationH * s.inW * inC;
    const r0 = ((b * s.inH + iy0) * s.inW + ix0) * inC;
    const r1 = r0 + rowStep;
    const r2 = r1 + rowStep;
    const dx = s.dilationW * inC;
    const dx2 = 2 * dx;
    for (let c = 0; c < outC; c++) {
      acc[c] =
        xin[r0 + c]! * wt[c]! +
        xin[r0 + dx + c]! * wt[outC + c]! +
        xin[r0 + dx2 + c]! * wt[2 * outC + c]! +
        xin[r1 + c]! * wt[3 * outC + c]! +
        xin[r1 + dx + c]! * wt[4 * outC + c]! +
        xin[r1 + dx2 + c]! * wt[5 * outC + c]! +
        xin[r2 + c]! * wt[6 * outC + c]! +
        xin[r2 + dx + c]! * wt[7 * outC + c]! +
        xin[r2 + dx2 + c]! * wt[8 * outC + c]!;
    }
    return;
  }
  const tapOffset = s.tapOffset;
  const tapIndex = s.tapIndex;
  let n = 0;
  for (let fy = fy0; fy < fy1; fy++) {
    const row = (b * s.inH + iy0 + fy * s.dilationH) * s.inW;
    for (let fx = fx0; fx < fx1; fx++) {
      tapOffset[n] = (row + ix0 + fx * s.dilationW) * inC;
      tapIndex[n] = (fy * s.kW + fx) * outC;
      n++;
    }
  }
  acc.fill(0);
  const mult = s.mult;
  for (let j = 0; j < n; j++) {
    const xi = tapOffset[j]!;
    const wi = tapIndex[j]!;
    if (mult === 1) {
      for (let c = 0; c < outC; c++) acc[c]! += xin[xi + c]! * wt[wi + c]!;
    } else {
      for (let c = 0, oc = 0; c < inC; c++) {
        const v = xin[xi + c]!;
        for (let m = 0; m < mult; m++, oc++) acc[oc]! += v * wt[wi + oc]!;
      }
    }
  }
}

function runInt8(s: DwState, src: Int8Array, dst: Int8Array, inputOffset: number): void {
  if (!s.weights.constant) s.wt.set(s.weights.data as Int8Array);
  const xin = s.xin;
  for (let i = 0; i < xin.length; i++) xin[i] = src[i]! + inputOffset;
  const { acc, acc32, biasI, outC } = s;
  let outBase = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      for (let ox = 0; ox < s.outW; ox++) {
        pixel(s, b, oy, ox);
        if (biasI) for (let c = 0; c < outC; c++) acc32[c] = (acc[c]! + biasI[c]!) | 0;
        else for (let c = 0; c < outC; c++) acc32[c] = acc[c]! | 0;
        requantizeChannels(s.requant!, acc32, 0, dst, outBase, outC, 0, s.zeroPoint, s.min, s.max);
        outBase += outC;
      }
    }
  }
}

function runFloat(s: DwState, src: Float32Array, dst: Float32Array): void {
  if (!s.weights.constant) s.wt.set(s.weights.data as Float32Array);
  s.xin.set(src);
  const { acc, biasF, outC, min, max } = s;
  let outBase = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      for (let ox = 0; ox < s.outW; ox++) {
        pixel(s, b, oy, ox);
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
  const opts = optionsOrDefault(ctx.op, 'DepthwiseConv2DOptions');
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const y = output(ctx);
  const path = isHybrid(x, w, y) ? 'hybrid' : dataPath(ctx, x, w, y);
  const [batches, inH, inW, inC] = shape4(ctx, x, 'input');
  const [one, kH, kW, outC] = shape4(ctx, w, 'filter');
  const [outB, outH, outW, outC2] = shape4(ctx, y, 'output');
  if (one !== 1 || outB !== batches || outC2 !== outC)
    throw badModel(ctx, `output [${y.shape.join(', ')}] does not match input [${x.shape.join(', ')}] and filter [${w.shape.join(', ')}]`);
  // TFLM takes the multiplier from the options and expects output depth = input depth · multiplier.
  const mult = opts.depthMultiplier > 0 ? opts.depthMultiplier : outC / inC;
  if (inC * mult !== outC) throw badModel(ctx, `has ${outC} output channels for ${inC} input channels and depth multiplier ${opts.depthMultiplier}`);
  const strideH = opts.strideH;
  const strideW = opts.strideW;
  const geo = convWindow(opts, inH, inW, kH, kW);
  const { dilationH, dilationW } = geo;
  const act = activationOf(ctx, opts.fusedActivationFunction);
  const taps = kH * kW;
  const wt = new Float64Array(taps * outC);
  wt.set(w.data as Float32Array | Int8Array);
  const common = {
    batches,
    inH,
    inW,
    inC,
    outH,
    outW,
    outC,
    mult,
    kW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: geo.padTop,
    padLeft: geo.padLeft,
    ys: tapRanges(outH, strideH, geo.padTop, dilationH, kH, inH),
    xs: tapRanges(outW, strideW, geo.padLeft, dilationW, kW, inW),
    full3x3: kH === 3 && kW === 3 && mult === 1,
    tapOffset: new Int32Array(taps),
    tapIndex: new Int32Array(taps),
    weights: w,
    wt,
    xin: new Float64Array(batches * inH * inW * inC),
    acc: new Float64Array(outC),
    acc32: new Int32Array(outC),
  };

  if (path === 'hybrid') {
    const scales = w.info.quantization?.scale ?? [];
    // TFLite's hybrid depthwise kernel is per channel only (depthwise_conv.cc Prepare refuses others).
    if (scales.length !== outC) throw badModel(ctx, `has hybrid int8 weights with ${scales.length} scales for ${outC} channels (TFLite needs one per channel)`);
    const [min, max] = floatRange(act);
    const p = { ...common, kH, depth: 1, weights: w.data as Int8Array, weightScales: scales, bias: floatBias(ctx, 2, outC) ?? null, min, max };
    return prepareHybrid(ctx, { ...p, asymmetric: true, rows: batches, multiplier: mult }, x.data as Float32Array, y.data as Float32Array);
  }
  if (path === 'float32') {
    const [min, max] = floatRange(act);
    const biasF = floatBias(ctx, 2, outC) ?? null;
    if (ctx.wasm && w.constant) {
      const p = { ...common, kH, kW, channels: outC, multiplier: mult, weights: w.data as Float32Array, bias: biasF, min, max };
      const run = prepareWasmFloatDepthwise(ctx.wasm, p, x.data as Float32Array, y.data as Float32Array);
      if (run) return run;
    }
    const s: DwState = { ...common, biasI: null, biasF, requant: null, zeroPoint: 0, min, max };
    const src = x.data as Float32Array;
    const dst = y.data as Float32Array;
    return () => runFloat(s, src, dst);
  }

  const q = quantizedParams(ctx, { inputSlot: 0, weightSlot: 1, channels: outC, activation: act });
  const biasI = int32Bias(ctx, 2, outC) ?? null;
  if (ctx.wasm && w.constant) {
    const run = prepareWasmDepthwise(
      ctx.wasm,
      {
        batches,
        inH,
        inW,
        inC,
        multiplier: mult,
        outH,
        outW,
        kH,
        kW,
        strideH,
        strideW,
        dilationH,
        dilationW,
        padTop: geo.padTop,
        padLeft: geo.padLeft,
        weights: w.data as Int8Array,
        inputOffset: q.inputOffset,
      },
      { requant: q.requant, bias: biasI, zeroPoint: q.outputZeroPoint, min: q.actMin, max: q.actMax },
      x.data as Int8Array,
      y.data as Int8Array,
    );
    if (run) return run;
  }
  const s: DwState = { ...common, biasI, biasF: null, requant: q.requant, zeroPoint: q.outputZeroPoint, min: q.actMin, max: q.actMax };
  const src = x.data as Int8Array;
  const dst = y.data as Int8Array;
  const off = q.inputOffset;
  return () => runInt8(s, src, dst, off);
}

export const depthwiseConv2d: Kernel = { prepare };
