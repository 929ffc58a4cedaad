/**
 * What the convolution-like kernels share at prepare time: 4-D shapes, the data
 * types a kernel accepts, and the quantized parameters of TFLM's
 * PopulateConvolutionQuantizationParams (kernel_util.cc): one requantizer per output channel,
 * the input offset (−zero point) and the output's activation range.
 */
import { computePaddingHeightWidth, type WindowGeometry } from '../../../model/geometry';
import type { ActivationFunction, Padding } from '../../../model/ops';
import { fusedActivation, input, output, scaleOf, unsupportedType, zeroPointOf, type FusedActivation } from '../../kernelUtil';
import { activationRangeFloat, activationRangeQuantizedFor, makeChannelRequantizer, type ChannelRequantizer, type RequantizeSpec } from '../../quant';
import { RuntimeError, type KernelContext, type RuntimeTensor } from '../../types';

/** The window options CONV_2D and DEPTHWISE_CONV_2D share. */
export interface ConvWindowOptions {
  readonly padding: Padding;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationHFactor: number;
  readonly dilationWFactor: number;
}

/** A conv or depthwise layer's window: its dilations (0 read as 1, as TFLite does) and TFLite's padding for them. */
export function convWindow(
  opts: ConvWindowOptions,
  inH: number,
  inW: number,
  kH: number,
  kW: number,
): WindowGeometry & { readonly dilationH: number; readonly dilationW: number } {
  const dilationH = opts.dilationHFactor || 1;
  const dilationW = opts.dilationWFactor || 1;
  const geo = computePaddingHeightWidth({
    padding: opts.padding,
    strideH: opts.strideH,
    strideW: opts.strideW,
    dilationH,
    dilationW,
    inHeight: inH,
    inWidth: inW,
    filterHeight: kH,
    filterWidth: kW,
  });
  return { ...geo, dilationH, dilationW };
}

export function badModel(ctx: KernelContext, detail: string): RuntimeError {
  return new RuntimeError('bad-model', `${ctx.name} (layer ${ctx.opIndex}) ${detail}`, ctx.opIndex);
}

export type Shape4 = readonly [number, number, number, number];

export function shape4(ctx: KernelContext, t: RuntimeTensor, what: string): Shape4 {
  if (t.shape.length !== 4) throw badModel(ctx, `needs a 4-D ${what}, got [${t.shape.join(', ')}]`);
  return [t.shape[0]!, t.shape[1]!, t.shape[2]!, t.shape[3]!];
}

export type Path = 'float32' | 'int8';

/** float32 everywhere, or int8 activations with int8 weights (what TFLM's reference kernels run). */
export function dataPath(ctx: KernelContext, x: RuntimeTensor, w: RuntimeTensor | undefined, y: RuntimeTensor): Path {
  if (x.dtype === 'float32' && y.dtype === 'float32' && (!w || w.dtype === 'float32')) return 'float32';
  if (x.dtype === 'int8' && y.dtype === 'int8' && (!w || w.dtype === 'int8')) return 'int8';
  if (x.dtype === 'float32' && w && w.dtype === 'int8')
    throw unsupportedType(
      ctx,
      'hybrid float32 activations with int8 weights (TFLite Micro refuses hybrid models; our runtime runs hybrid CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED only)',
    );
  throw unsupportedType(ctx, `${x.dtype} input, ${w ? `${w.dtype} weights, ` : ''}${y.dtype} output`);
}

export function activationOf(ctx: KernelContext, act: ActivationFunction): FusedActivation {
  return fusedActivation(ctx, act);
}

export function floatRange(act: FusedActivation): readonly [number, number] {
  return activationRangeFloat(act);
}

/** Float32 bias, or undefined when the optional input is absent. */
export function floatBias(ctx: KernelContext, slot: number, channels: number): Float32Array | undefined {
  const b = ctx.inputs[slot];
  if (!b) return undefined;
  if (b.dtype !== 'float32') throw unsupportedType(ctx, `a ${b.dtype} bias on the float32 path`);
  if (b.data.length < channels) throw badModel(ctx, `has a bias of ${b.data.length} values for ${channels} output channels`);
  return b.data as Float32Array;
}

export function int32Bias(ctx: KernelContext, slot: number, channels: number): Int32Array | undefined {
  const b = ctx.inputs[slot];
  if (!b) return undefined;
  if (b.dtype !== 'int32') throw unsupportedType(ctx, `a ${b.dtype} bias with int8 activations`);
  if (b.data.length < channels) throw badModel(ctx, `has a bias of ${b.data.length} values for ${channels} output channels`);
  return b.data as Int32Array;
}

export interface QuantizedParams {
  readonly requant: ChannelRequantizer;
  /** Added to every input value: −input zero point. */
  readonly inputOffset: number;
  /** −weight zero point (used by per-tensor FULLY_CONNECTED only, as TFLM). */
  readonly weightOffset: number;
  readonly outputZeroPoint: number;
  readonly actMin: number;
  readonly actMax: number;
}

export interface QuantizedParamsOptions {
  readonly inputSlot: number;
  readonly weightSlot: number;
  /** Output channels: the weights' dimension TFLM treats as quantized (0 for conv, 3 for depthwise). */
  readonly channels: number;
  readonly activation: FusedActivation;
  /**
   * FULLY_CONNECTED per-tensor: GetQuantizedConvolutionMultipler multiplies the input and
   * weight scales in float32 and then widens (double(float(s_in · s_w)) / s_out); the per-channel
   * path of every op widens first (double(s_in) · double(s_w) / double(s_out)).
   */
  readonly productInFloat?: boolean;
}

export function quantizedParams(ctx: KernelContext, o: QuantizedParamsOptions): QuantizedParams {
  const x = input(ctx, o.inputSlot);
  const w = input(ctx, o.weightSlot);
  const y = output(ctx);
  const wq = w.info.quantization;
  if (!x.info.quantization || !wq || wq.scale.length === 0 || !y.info.quantization) throw badModel(ctx, 'has int8 tensors without quantization parameters');
  const perChannel = wq.scale.length > 1;
  if (perChannel && wq.scale.length !== o.channels) throw badModel(ctx, `has ${wq.scale.length} weight scales for ${o.channels} output channels`);
  const sIn = Math.fround(scaleOf(x));
  const sOut = Math.fround(scaleOf(y));
  const specs: RequantizeSpec[] = wq.scale.map((s) => {
    const sW = Math.fround(s);
    const real = o.productInFloat && !perChannel ? Math.fround(sIn * sW) / sOut : (sIn * sW) / sOut;
    return { real, inputScale: sIn, weightScale: sW, outputScale: sOut };
  });
  const outZp = zeroPointOf(y);
  const [actMin, actMax] = activationRangeQuantizedFor(ctx.rounding, o.activation, sOut, outZp, -128, 127);
  return {
    requant: makeChannelRequantizer(specs, ctx.rounding, o.channels),
    inputOffset: -zeroPointOf(x),
    weightOffset: -zeroPointOf(w),
    outputZeroPoint: outZp,
    actMin,
    actMax,
  };
}
