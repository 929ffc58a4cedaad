/**
 * FULLY_CONNECTED, as TFLM's fully_connected.cc + fully_connected_common.cc with
 * reference_ops::FullyConnected (float32) and reference_integer_ops::FullyConnected /
 * FullyConnectedPerChannel (int8). Weights [outDepth, accumDepth]; the input is read as
 * [batches, accumDepth] where batches = output size / outDepth (so keep_num_dims only shapes
 * the output tensor); the bias is optional. Per-tensor int8 weights apply their zero point
 * (weights_offset) and take the multiplier from the float32 product of the input and weight
 * scales (GetQuantizedConvolutionMultipler); per-channel weights are symmetric (their zero
 * point is ignored) and widen each scale to double first.
 */
import { optionsOrDefault } from '../../../model/ops';
import { elementCount, input, output } from '../../kernelUtil';
import { requantizeChannels, type ChannelRequantizer } from '../../quant';
import type { Eval, Kernel, KernelContext } from '../../types';
import { activationOf, badModel, dataPath, floatBias, floatRange, int32Bias, quantizedParams } from './common';
import { accumulateSpans, accumulateSpansInt, newSpans, packWeights, repackWeights, type PackedWeights, type Spans } from './gemm';
import { prepareWasmConv } from './wasmConv';
import { prepareWasmFloatConv } from '../wasmFloat';
import { isHybrid, prepareHybrid } from './hybrid';

interface FcState {
  readonly batches: number;
  readonly accum: number;
  readonly outDepth: number;
  readonly spans: Spans;
  readonly pw: PackedWeights;
  /** The used weight rows, and whether to repack them at each invoke. */
  readonly weights: Float32Array | Int8Array;
  readonly constant: boolean;
  readonly weightOffset: number;
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

function runInt8(s: FcState, src: Int8Array, dst: Int8Array, inputOffset: number): void {
  if (!s.constant) repackWeights(s.pw, s.weights, s.weightOffset);
  const xin = s.xin;
  for (let i = 0; i < xin.length; i++) xin[i] = src[i]! + inputOffset;
  const { acc32, biasI, outDepth } = s;
  for (let b = 0; b < s.batches; b++) {
    s.spans.x[0] = b * s.accum;
    accumulateSpansInt(s.pw, xin, s.spans, biasI, acc32);
    requantizeChannels(s.requant!, acc32, 0, dst, b * outDepth, outDepth, 0, s.zeroPoint, s.min, s.max);
  }
}

function runFloat(s: FcState, src: Float32Array, dst: Float32Array): void {
  if (!s.constant) repackWeights(s.pw, s.weights, 0);
  s.xin.set(src);
  const { acc, biasF, outDepth, min, max } = s;
  for (let b = 0; b < s.batches; b++) {
    s.spans.x[0] = b * s.accum;
    accumulateSpans(s.pw, s.xin, s.spans, acc);
    const outBase = b * outDepth;
    for (let c = 0; c < outDepth; c++) {
      const v = Math.fround(acc[c]!) + (biasF ? biasF[c]! : 0);
      dst[outBase + c] = v < min ? min : v > max ? max : v;
    }
  }
}

/** The geometry of a 1×1 convolution over one image row, stride 1, no padding. */
const ONE_BY_ONE = { inH: 1, outH: 1, kH: 1, kW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 } as const;

function prepare(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'FullyConnectedOptions');
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const y = output(ctx);
  const path = isHybrid(x, w, y) ? 'hybrid' : dataPath(ctx, x, w, y);
  if (w.shape.length < 2 || y.shape.length < 1) throw badModel(ctx, `has weights [${w.shape.join(', ')}] and output [${y.shape.join(', ')}]`);
  const outDepth = y.shape[y.shape.length - 1]!;
  const accum = w.shape[w.shape.length - 1]!;
  const rows = w.shape[w.shape.length - 2]!;
  if (outDepth > rows) throw badModel(ctx, `has ${outDepth} outputs but only ${rows} weight rows`);
  const batches = outDepth === 0 ? 0 : elementCount(y.shape) / outDepth;
  const inSize = batches * accum;
  if (inSize > x.data.length) throw badModel(ctx, `reads ${batches} × ${accum} input values but the input has ${x.data.length}`);
  const act = activationOf(ctx, opts.fusedActivationFunction);
  const spans = newSpans(1);
  spans.n = 1;
  spans.len[0] = accum;
  // Only the first outDepth weight rows are used.
  const weights = (w.data as Float32Array | Int8Array).subarray(0, outDepth * accum);
  const common = {
    batches,
    accum,
    outDepth,
    spans,
    weights,
    constant: w.constant,
    xin: new Float64Array(inSize),
    acc: new Float64Array(outDepth),
    acc32: new Int32Array(outDepth),
  };

  if (path === 'hybrid') {
    const scales = w.info.quantization?.scale ?? [];
    if (scales.length === 0) throw badModel(ctx, 'has hybrid int8 weights without scales');
    const [min, max] = floatRange(act);
    const p = { ...ONE_BY_ONE, batches: 1, inW: batches, outW: batches, inC: accum, depth: accum, outC: outDepth, min, max };
    const hybrid = {
      ...p,
      weights: weights as Int8Array,
      weightScales: scales.slice(0, scales.length > 1 ? outDepth : 1),
      bias: floatBias(ctx, 2, outDepth) ?? null,
    };
    const src = (x.data as Float32Array).subarray(0, inSize);
    return prepareHybrid(ctx, { ...hybrid, asymmetric: opts.asymmetricQuantizeInputs, rows: batches }, src, y.data as Float32Array);
  }
  if (path === 'float32') {
    const [min, max] = floatRange(act);
    const biasF = floatBias(ctx, 2, outDepth) ?? null;
    if (ctx.wasm && w.constant) {
      // A 1×1 convolution over a 1 × batches image of accum channels.
      const p = {
        ...ONE_BY_ONE,
        batches: 1,
        inW: batches,
        outW: batches,
        inC: accum,
        depth: accum,
        outC: outDepth,
        weights: weights as Float32Array,
        bias: biasF,
        min,
        max,
      };
      const run = prepareWasmFloatConv(ctx.wasm, p, x.data as Float32Array, y.data as Float32Array);
      if (run) return run;
    }
    const s: FcState = {
      ...common,
      weightOffset: 0,
      pw: packWeights(weights, { outChannels: outDepth, taps: 1, depth: accum, groups: 1, weightOffset: 0, maxAbsInput: 0 }),
      biasI: null,
      biasF,
      requant: null,
      zeroPoint: 0,
      min,
      max,
    };
    const src = (x.data as Float32Array).subarray(0, inSize);
    const dst = y.data as Float32Array;
    return () => runFloat(s, src, dst);
  }

  const scales = w.info.quantization?.scale.length ?? 0;
  const perChannel = scales > 1;
  if (perChannel && scales !== rows) throw badModel(ctx, `has ${scales} weight scales for ${rows} rows`);
  const q = quantizedParams(ctx, { inputSlot: 0, weightSlot: 1, channels: outDepth, activation: act, productInFloat: true });
  const off = q.inputOffset;
  const weightOffset = perChannel ? 0 : q.weightOffset;
  const biasI = int32Bias(ctx, 2, outDepth) ?? null;
  if (ctx.wasm && w.constant) {
    // A 1×1 convolution over a 1 × batches image of accum channels.
    const run = prepareWasmConv(
      ctx.wasm,
      {
        batches: 1,
        inH: 1,
        inW: batches,
        inC: accum,
        outH: 1,
        outW: batches,
        outC: outDepth,
        kH: 1,
        kW: 1,
        depth: accum,
        strideH: 1,
        strideW: 1,
        dilationH: 1,
        dilationW: 1,
        padTop: 0,
        padLeft: 0,
        weights: weights as Int8Array,
        weightOffset,
        inputOffset: off,
      },
      { requant: q.requant, bias: biasI, zeroPoint: q.outputZeroPoint, min: q.actMin, max: q.actMax },
      x.data as Int8Array,
      y.data as Int8Array,
    );
    if (run) return run;
  }
  const maxAbsInput = w.constant ? Math.max(Math.abs(-128 + off), Math.abs(127 + off)) : 0;
  const s: FcState = {
    ...common,
    weightOffset,
    pw: packWeights(weights, { outChannels: outDepth, taps: 1, depth: accum, groups: 1, weightOffset, maxAbsInput }),
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

export const fullyConnected: Kernel = { prepare };
