/**
 * What TFLite Micro's CMSIS-NN kernels (OPTIMIZED_KERNEL_DIR=cmsis_nn) allocate in the arena on a
 * Cortex-M target, in the `KernelFacts` shape of tflmKernels.ts. These are overrides: an op not
 * listed here runs TFLM's reference kernel, so the caller merges them over TFLM_KERNELS.
 *
 * Read from tensorflow/tflite-micro `tensorflow/lite/micro/kernels/cmsis_nn/*.cc` (the 2024
 * versions: conv.cc with grouped-conv dims, fully_connected.cc with MVE kernel sums, svdf.cc with
 * KERNELS_OPTIMIZED_FOR_SPEED/SIZE, batch_matmul.cc, transpose_conv.cc with two scratch requests)
 * and ARM-software/CMSIS-NN's `*_get_buffer_size*` functions (the V.2.x buffer-size files of 2024).
 * Both libraries change these formulas between releases (e.g. the MVE im2col buffer rounds
 * columns to 8 in CMSIS-NN of late 2023 and to 16 from 2024 on). The entries marked `verified`
 * give the arena of TFLM 90b983c2 with the CMSIS-NN it pins to the byte, on every path: the
 * test suite checks them against that build on i386 (C path) and as Cortex-M3 (C), Cortex-M4
 * (DSP) and Cortex-M55 (MVE) firmware, over the shared models and small generated models
 * (test/helpers/arenaCases.ts). TRANSPOSE_CONV and BATCH_MATMUL are read from the sources only.
 *
 * What `arch` selects, as CMSIS-NN's preprocessor does:
 * - 'none': neither ARM_MATH_DSP nor ARM_MATH_MVEI (Cortex-M0/M0+/M3, the plain C paths);
 * - 'dsp':  ARM_MATH_DSP only (Cortex-M4/M7/M33 with the DSP extension);
 * - 'mve':  ARM_MATH_MVEI, Helium (Cortex-M55/M85; ARM_MATH_DSP is set too but MVE wins).
 *
 * Float inputs never reach CMSIS-NN: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, the pools,
 * SOFTMAX, ADD, MUL, SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM, TRANSPOSE_CONV and BATCH_MATMUL call the
 * reference arithmetic for float32 (and ADD/MUL for int32), but still with the CMSIS kernel's own
 * Init/Prepare, so the OpData below applies to float models too. DEPTHWISE_CONV_2D with int16
 * input calls arm_depthwise_conv_s16 without a scratch buffer.
 */
import { computePaddingHeightWidth } from '../model/geometry';
import { elementCount, isConstant, type Tensor } from '../model/graph';
import { inputTensor as inputAt, optionsOf, outputTensor as outputAt, type ByBuiltin } from '../model/ops';
import { TFLM_KERNELS, tflmTypeSize, type ArenaSite, type KernelFacts } from './tflmKernels';

export type CmsisArch = 'none' | 'dsp' | 'mve';

/**
 * The compiler matters in one place: arm_convolve_1x1_s8_fast wants an im2col buffer on a DSP
 * core only when built with Arm Compiler 6 (`__ARMCC_VERSION >= 6010050`); with GCC, TFLM's
 * default toolchain, it needs none.
 */
export type CmsisToolchain = 'gcc' | 'armclang';

// ---------------------------------------------------------------------------------------------
// Tensor access

/** Dimension `k` of a shape, counting from the end when negative; 1 when absent. */
function dim(t: Tensor | undefined, k: number): number {
  if (!t) return 1;
  const i = k < 0 ? t.shape.length + k : k;
  return t.shape[i] ?? 1;
}

const isQuantized8or16 = (t: Tensor | undefined): boolean => t?.dtype === 'int8' || t?.dtype === 'int16';

// ---------------------------------------------------------------------------------------------
// Geometry shared by conv, depthwise conv and transpose conv

interface Dims {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

interface Pad {
  readonly h: number;
  readonly w: number;
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

// ---------------------------------------------------------------------------------------------
// CMSIS-NN buffer sizes (Source/*/arm_*_get_buffer_sizes_*.c)

/** arm_convolve_s8_get_buffer_size: two int16 im2col columns, or four 16-lane int8 ones on MVE. */
function convolveS8Im2col(arch: CmsisArch, input: Dims, filter: Dims): number {
  const cols = filter.w * filter.h * input.c;
  if (arch === 'mve') return 4 * ceilDiv(cols, 16) * 16;
  return 2 * (ceilDiv(cols, 4) * 4) * 2;
}

/** arm_convolve_1_x_n_s8_get_buffer_size_mve: one padded row of the 1xN kernel. */
function convolve1xNS8Mve(pad: Pad, stride: Pad, input: Dims, filter: Dims, output: Dims): number {
  const totalPad = (output.w - 1) * stride.w + filter.w - input.w;
  const asymPad = totalPad % 2;
  const rightPadNum = pad.w + asymPad !== 0 ? Math.max(1, Math.trunc((pad.w + asymPad + stride.w - 1) / stride.w)) : 0;
  const leftPadNum = pad.w !== 0 ? Math.max(1, Math.trunc((pad.w + stride.w - 1) / stride.w)) : 0;
  const noPadNum = Math.max(output.w - (rightPadNum + leftPadNum), 0);
  if (rightPadNum + noPadNum + leftPadNum !== output.w) return convolveS8Im2col('mve', input, filter);
  const padSizeLeft = pad.w * input.c;
  const padSizeRight = asymPad ? rightPadNum * input.c : padSizeLeft;
  const numElemLeft = filter.w * input.c;
  const numElemRight = numElemLeft - input.c;
  return Math.max(numElemLeft + padSizeLeft, numElemRight + padSizeRight);
}

/** arm_convolve_1x1_s8_fast_get_buffer_size. */
function convolve1x1FastS8(arch: CmsisArch, toolchain: CmsisToolchain, input: Dims): number {
  return arch === 'dsp' && toolchain === 'armclang' ? 2 * input.c * 2 : 0;
}

/** arm_convolve_wrapper_s8_get_buffer_size: picks the 1x1, 1xN or generic path as the wrapper does. */
function convolveWrapperS8(
  arch: CmsisArch,
  toolchain: CmsisToolchain,
  p: { pad: Pad; stride: Pad; dilation: Pad },
  input: Dims,
  filter: Dims,
  output: Dims,
): number {
  const is1x1 = p.pad.w === 0 && p.pad.h === 0 && filter.w === 1 && filter.h === 1 && p.dilation.w === 1 && p.dilation.h === 1;
  if (is1x1) return p.stride.w === 1 && p.stride.h === 1 ? convolve1x1FastS8(arch, toolchain, input) : 0;
  const is1xN = input.h === 1 && p.dilation.w === 1 && filter.h === 1 && (p.stride.w * input.c) % 4 === 0;
  if (is1xN && arch === 'mve') return convolve1xNS8Mve(p.pad, p.stride, input, filter, output);
  return convolveS8Im2col(arch, input, filter);
}

/** arm_convolve_wrapper_s16_get_buffer_size (2024): int16 im2col, eight-lane on MVE. */
function convolveWrapperS16(arch: CmsisArch, input: Dims, filter: Dims): number {
  const cols = input.c * filter.w * filter.h;
  return arch === 'mve' ? 4 * ceilDiv(cols, 8) * 8 * 2 : 2 * cols * 2;
}

/**
 * CONVERT_DW_CONV_WITH_ONE_INPUT_CH_AND_OUTPUT_CH_ABOVE_THRESHOLD with GCC (8 with Arm Compiler):
 * on MVE a depthwise conv of one input channel and more output channels than this runs as a conv.
 */
const CONVERT_DW_CONV_ONE_INPUT_CH_THRESHOLD = 1;

/** CH_IN_BLOCK_MVE in arm_nnsupportfunctions.h: channels per block of the MVE depthwise kernel. */
const CH_IN_BLOCK_MVE = 124;

/**
 * arm_depthwise_conv_wrapper_s8_get_buffer_size: only the channel-multiplier-1, batch-1,
 * undilated case (arm_depthwise_conv_s8_opt) takes a buffer; off MVE the 3x3 kernel with
 * padding <= 1 has its own fast path without one.
 */
function depthwiseWrapperS8(arch: CmsisArch, pad: Pad, stride: Pad, dilation: Pad, input: Dims, filter: Dims, output: Dims): number {
  if (arch === 'mve' && input.c === 1 && output.c > CONVERT_DW_CONV_ONE_INPUT_CH_THRESHOLD) {
    // arm_deptwise_conv_s8_one_in_ch_get_buffer_size_mve: run as a convolution (filter n = output
    // channels, c = 1), its im2col buffer followed by the transposed filter.
    const convFilter = { n: output.c, h: filter.h, w: filter.w, c: 1 };
    const conv = convolveWrapperS8('mve', 'gcc', { pad, stride, dilation }, input, convFilter, output);
    return conv + output.c * filter.h * filter.w;
  }
  if (input.c !== output.c || input.n !== 1 || dilation.w !== 1 || dilation.h !== 1) return 0;
  if (arch === 'mve') return 4 * CH_IN_BLOCK_MVE * filter.w * filter.h;
  if (filter.w === 3 && filter.h === 3 && pad.h <= 1 && pad.w <= 1) return 0;
  return arch === 'dsp' ? input.c * filter.w * filter.h * 2 : 0;
}

/** arm_depthwise_conv_wrapper_s4_get_buffer_size: the DSP-sized buffer on every architecture. */
function depthwiseWrapperS4(dilation: Pad, input: Dims, filter: Dims, output: Dims): number {
  if (input.c !== output.c || input.n !== 1 || dilation.w !== 1 || dilation.h !== 1) return 0;
  return input.c * filter.w * filter.h * 2;
}

/** arm_fully_connected_s8_get_buffer_size: int32 kernel sums per output channel on MVE only. */
const fullyConnectedS8 = (arch: CmsisArch, outputChannels: number): number => (arch === 'mve' ? 4 * outputChannels : 0);

/** REVERSE_TCOL_EFFICIENT_THRESHOLD in CMSIS-NN: input channels above which the reverse conv pays. */
const REVERSE_TCOL_EFFICIENT_THRESHOLD = 16;

// ---------------------------------------------------------------------------------------------
// Kernels

/** Per-channel multiplier and shift arrays, `channels` int32 each. */
const perChannel = (channels: number): number[] => [4 * channels, 4 * channels];

function convGeometry(ctx: ArenaSite): { input: Dims; filter: Dims; output: Dims; pad: Pad; stride: Pad; dilation: Pad } | undefined {
  const inp = inputAt(ctx, 0);
  const filt = inputAt(ctx, 1);
  const out = outputAt(ctx, 0);
  if (!inp || !filt || !out || inp.shape.length !== 4 || filt.shape.length !== 4) return undefined;
  const opts = optionsOf(ctx.op, 'Conv2DOptions') ?? optionsOf(ctx.op, 'DepthwiseConv2DOptions');
  const stride = { h: opts?.strideH ?? 1, w: opts?.strideW ?? 1 };
  const dilation = { h: opts?.dilationHFactor ?? 1, w: opts?.dilationWFactor ?? 1 };
  const input = { n: dim(inp, 0), h: dim(inp, 1), w: dim(inp, 2), c: dim(inp, 3) };
  const filter = { n: 1, h: dim(filt, 1), w: dim(filt, 2), c: dim(filt, 3) };
  const output = { n: dim(out, 0), h: dim(out, 1), w: dim(out, 2), c: dim(out, 3) };
  // The padding TFLM computes in Prepare, from the padding type and the input (not the output) size.
  const geometry = computePaddingHeightWidth({
    padding: opts?.padding ?? 'SAME',
    strideH: stride.h,
    strideW: stride.w,
    dilationH: dilation.h,
    dilationW: dilation.w,
    inHeight: input.h,
    inWidth: input.w,
    filterHeight: filter.h,
    filterWidth: filter.w,
  });
  const pad = { h: geometry.padTop, w: geometry.padLeft };
  return { input, filter, output, pad, stride, dilation };
}

function conv(arch: CmsisArch, toolchain: CmsisToolchain): KernelFacts {
  return {
    params: 28,
    // struct OpData { OpDataConv reference_op_data; int buffer_idx; }: 56 + 4 (x86-64: 72 + 4, 8-aligned).
    opData: { arm32: 60, i386: 60, x86_64: 80 },
    // Unlike the reference ConvPrepare, the per-channel arrays are made for int8/int16 input only.
    prepare: (ctx) => (isQuantized8or16(inputAt(ctx, 0)) ? perChannel(dim(inputAt(ctx, 1), 0)) : []),
    scratch: (ctx) => {
      const inp = inputAt(ctx, 0);
      const g = convGeometry(ctx);
      if (!inp || !g) return [];
      let bytes = 0;
      // An int4 filter is unpacked by arm_convolve_wrapper_s4 itself; Prepare still sizes with the s8 wrapper.
      if (inp.dtype === 'int8') bytes = convolveWrapperS8(arch, toolchain, g, g.input, g.filter, g.output);
      else if (inp.dtype === 'int16') {
        const bias = inputAt(ctx, 2);
        if (!bias || bias.dtype === 'int64') bytes = convolveWrapperS16(arch, g.input, g.filter);
      }
      return bytes > 0 ? [bytes] : [];
    },
    verified: true,
  };
}

function depthwise(arch: CmsisArch): KernelFacts {
  return {
    params: 28,
    // struct OpData { OpDataConv reference_op_data; int buffer_idx; }, as in conv.cc.
    opData: { arm32: 60, i386: 60, x86_64: 80 },
    prepare: (ctx) => (isQuantized8or16(inputAt(ctx, 0)) ? perChannel(dim(inputAt(ctx, 1), -1)) : []),
    scratch: (ctx) => {
      const inp = inputAt(ctx, 0);
      const filt = inputAt(ctx, 1);
      const g = convGeometry(ctx);
      if (!inp || !filt || !g || inp.dtype !== 'int8') return [];
      // filter_dims.c is the output depth in the kernel's Prepare.
      const filter = { ...g.filter, c: g.output.c };
      const bytes =
        filt.dtype === 'int4'
          ? depthwiseWrapperS4(g.dilation, g.input, filter, g.output)
          : depthwiseWrapperS8(arch, g.pad, g.stride, g.dilation, g.input, filter, g.output);
      return bytes > 0 ? [bytes] : [];
    },
    verified: true,
  };
}

/** What FULLY_CONNECTED's Prepare decides, shared by its persistent and scratch facts. */
function fullyConnectedPlan(arch: CmsisArch, toolchain: CmsisToolchain, ctx: ArenaSite): { persistent: number[]; scratch: number[] } {
  const inp = inputAt(ctx, 0);
  const filt = inputAt(ctx, 1);
  const out = outputAt(ctx, 0);
  if (!inp || !filt || !out) return { persistent: [], scratch: [] };
  const persistent: number[] = [];
  // CalculateOpDataFullyConnected (fully_connected_common.cc): per-channel filters get their arrays first.
  const scales = filt.quantization?.scale.length ?? 0;
  if (inp.dtype !== 'float32' && scales > 1) persistent.push(...perChannel(scales));
  if (inp.dtype !== 'int8' || filt.dtype === 'int4') return { persistent, scratch: [] };
  const accumDepth = dim(filt, -1);
  const outputDepth = dim(out, -1);
  if (out.shape.length > 2 && accumDepth % 4 === 0) {
    // Run as a 1x1 convolution, which wants per-channel arrays even for a per-tensor filter.
    persistent.push(...perChannel(outputDepth));
    const bytes = convolve1x1FastS8(arch, toolchain, { n: 1, h: 1, w: 1, c: accumDepth });
    return { persistent, scratch: bytes > 0 ? [bytes] : [] };
  }
  const bytes = fullyConnectedS8(arch, outputDepth);
  if (bytes <= 0) return { persistent, scratch: [] };
  // Constant weights: the kernel sums are computed once into a persistent buffer; otherwise per Eval.
  return isConstant(ctx.graph, filt) ? { persistent: [...persistent, bytes], scratch: [] } : { persistent, scratch: [bytes] };
}

function fullyConnected(arch: CmsisArch, toolchain: CmsisToolchain): KernelFacts {
  return {
    params: 16,
    // OpDataFullyConnected (48) and six words more: 72 measured on the i386 and Cortex-M builds; the
    // x86-64 figure is derived from the fields (no x86-64 CMSIS-NN build to measure).
    opData: { arm32: 72, i386: 72, x86_64: 112 },
    prepare: (ctx) => fullyConnectedPlan(arch, toolchain, ctx).persistent,
    // int16 asks arm_fully_connected_s16_get_buffer_size, which is 0 on every architecture.
    scratch: (ctx) => fullyConnectedPlan(arch, toolchain, ctx).scratch,
    verified: true,
  };
}

function averagePool(arch: CmsisArch): KernelFacts {
  return {
    params: 40,
    // struct OpData { OpDataPooling reference_op_data; int buffer_idx; }.
    opData: { arm32: 36, i386: 36, x86_64: 36 },
    // arm_avgpool_s8/s16_get_buffer_size: an int32 accumulator per channel on DSP only.
    scratch: (ctx) => {
      const inp = inputAt(ctx, 0);
      if (!isQuantized8or16(inp) || arch !== 'dsp') return [];
      const depth = dim(outputAt(ctx, 0), -1);
      return depth > 0 ? [4 * depth] : [];
    },
    verified: true,
  };
}

const MAX_POOL: KernelFacts = { params: 40, opData: { arm32: 36, i386: 36, x86_64: 36 }, verified: true };

const SOFTMAX: KernelFacts = {
  params: 4,
  // struct CMSISNNSoftmaxParams { SoftmaxParams softmax_params; int32_t num_rows, row_size; }: 56 + 8.
  opData: { arm32: 64, i386: 64, x86_64: 88 },
  // CalculateSoftmaxParams (softmax_common.cc) makes the two int16 lookup tables, as the reference does.
  prepare: (ctx) => (inputAt(ctx, 0)?.dtype === 'int16' ? [1026, 1026] : []),
  verified: true,
};

function svdf(arch: CmsisArch): KernelFacts {
  const dims = (ctx: ArenaSite): { batch: number; filters: number; units: number; int8: boolean } | undefined => {
    const inp = inputAt(ctx, 0);
    const weightsFeature = inputAt(ctx, 1);
    const rank = optionsOf(ctx.op, 'SVDFOptions')?.rank ?? 0;
    if (!inp || !weightsFeature || rank <= 0) return undefined;
    const filters = dim(weightsFeature, 0);
    return { batch: dim(inp, 0), filters, units: Math.floor(filters / rank), int8: inp.dtype === 'int8' };
  };
  return {
    params: 12,
    // CmsisNnOpDataSvdf with KERNELS_OPTIMIZED_FOR_SPEED: nine ints and the kernel_sums pointer.
    opData: { arm32: 40, i386: 40, x86_64: 48 },
    // arm_svdf_s8_get_buffer_size is num_filters int32 kernel sums on MVE, 0 elsewhere; for speed they are persistent.
    prepare: (ctx) => {
      const d = dims(ctx);
      return d?.int8 && arch === 'mve' ? [4 * d.filters] : [];
    },
    scratch: (ctx) => {
      const d = dims(ctx);
      if (!d) return [];
      return d.int8 ? [4 * d.batch * d.filters, 4 * d.batch * d.units] : [4 * d.batch * d.filters];
    },
    verified: true,
  };
}

function lstmPlan(ctx: ArenaSite): { cmsis: boolean; kernelSumBytes: number; hidden: number; batch: number; cellSize: number } | undefined {
  const inp = inputAt(ctx, 0);
  const hiddenState = inputAt(ctx, 18);
  const cell = inputAt(ctx, 19);
  if (!inp || !hiddenState || !cell) return undefined;
  const timeMajor = optionsOf(ctx.op, 'UnidirectionalSequenceLSTMOptions')?.timeMajor ?? false;
  const cmsis = cell.dtype === 'int16' && (inp.dtype === 'int8' || inp.dtype === 'int16');
  return {
    cmsis,
    // int32 kernel sums for int8 activations (int32 bias), int64 for int16 activations (int64 bias).
    kernelSumBytes: inp.dtype === 'int16' ? 8 : 4,
    hidden: dim(hiddenState, 1),
    batch: timeMajor ? dim(inp, 1) : dim(inp, 0),
    cellSize: tflmTypeSize(cell.dtype),
  };
}

const LSTM: KernelFacts = {
  params: 16,
  // struct OpData { OpDataLSTM params_ref; cmsis_nn_lstm_params params_cmsis_nn; }. OpDataLSTM is 672
  // on i386 (golden) and, from its layout (three ArithmeticParams holding int64), 688 and 8-aligned on
  // Cortex-M and x86-64; cmsis_nn_lstm_params is 15 int32 + 4 gates of 40 bytes (64 on x86-64).
  opData: { arm32: 912, i386: 892, x86_64: 1008 },
  // CMSIS_NN_PortOpData: eight kernel-sum arrays of state_dimension entries, input and recurrent per gate.
  prepare: (ctx) => {
    const p = lstmPlan(ctx);
    return p?.cmsis ? new Array<number>(8).fill(p.kernelSumBytes * p.hidden) : [];
  },
  // Three cell-sized buffers on the CMSIS-NN path, four on the float fallback.
  scratch: (ctx) => {
    const p = lstmPlan(ctx);
    if (!p) return [];
    return new Array<number>(p.cmsis ? 3 : 4).fill(p.batch * p.hidden * p.cellSize);
  },
  verified: true,
};

function transposeConv(arch: CmsisArch): KernelFacts {
  return {
    // TfLiteTransposeConvParams: padding, strides, activation, quantized_bias_type.
    params: 20,
    // struct OpData { ConvParams params; int three buffer indices; int32_t* multiplier, shift; }: 56 + 12 + 8.
    opData: { arm32: 76, i386: 76, x86_64: 88 },
    // The per-channel arrays are allocated for every type, float included.
    prepare: (ctx) => perChannel(dim(inputAt(ctx, 1), 0)),
    scratch: (ctx) => {
      const filt = inputAt(ctx, 1);
      const inp = inputAt(ctx, 2);
      const bias = inputAt(ctx, 3);
      const out = outputAt(ctx, 0);
      if (!filt || !inp || !out) return [];
      if (inp.dtype === 'int16') {
        // An int64 accumulator per output element; int16 biases are widened into a second buffer.
        const requests = [8 * elementCount(out.shape)];
        if (bias?.dtype === 'int16') requests.push(8 * elementCount(bias.shape));
        return requests;
      }
      if (inp.dtype !== 'int8') return [];
      const o = optionsOf(ctx.op, 'TransposeConvOptions');
      const stride = { h: o?.strideH ?? 1, w: o?.strideW ?? 1 };
      const input = { n: dim(inp, 0), h: dim(inp, 1), w: dim(inp, 2), c: dim(inp, 3) };
      const filter = { n: dim(out, 3), h: dim(filt, 1), w: dim(filt, 2), c: input.c };
      const reverse = stride.w <= 2 && stride.h <= 2 && input.c > REVERSE_TCOL_EFFICIENT_THRESHOLD;
      // arm_transpose_conv_s8_get_buffer_size; CMSIS-NN pads the row with MAX(filter w, stride h) as written.
      const main = reverse
        ? convolveS8Im2col(arch, { ...input, h: input.h * stride.h, w: input.w * stride.w }, filter)
        : ((input.w - 1) * stride.w + Math.max(filter.w, stride.h)) * dim(out, 3) * Math.max(filter.h, stride.h) * 4;
      // arm_transpose_conv_s8_get_reverse_conv_buffer_size: a reversed copy of the filter.
      const reversed = reverse ? input.c * filter.w * filter.h * filter.n : 0;
      // Both are requested even when 0 bytes; the planner then places an empty buffer.
      return [main, reversed];
    },
    verified: false,
  };
}

function batchMatmul(arch: CmsisArch): KernelFacts {
  return {
    // TfLiteBatchMatMulParams: three bools.
    params: 3,
    paramsAlign: 1,
    // struct OpData { OpDataBatchMatmul (3 pointers, 3 bools); cmsis_nn_dims output_shape; int buffer_idx; }.
    opData: { arm32: 36, i386: 36, x86_64: 56 },
    prepare: (ctx) => {
      const lhs = inputAt(ctx, 0);
      const rhs = inputAt(ctx, 1);
      const out = outputAt(ctx, 0);
      if (!lhs || !rhs || !out) return [];
      const o = optionsOf(ctx.op, 'BatchMatMulOptions');
      const adjX = o?.adjX ?? false;
      const adjY = o?.adjY ?? false;
      const evalTensor = ctx.abi === 'x86_64' ? 24 : 12;
      // AllocInitTransposeTensorFromTfLiteTensor: a TfLiteEvalTensor, its dims, then a full copy of the data.
      const transposed = (t: Tensor): number[] => [evalTensor, 4 + 4 * t.shape.length, elementCount(t.shape) * tflmTypeSize(t.dtype)];
      const buffers: number[] = [];
      if (adjX) buffers.push(...transposed(lhs));
      if (!adjY) buffers.push(...transposed(rhs));
      // ReshapeOutputTensor copies the output dims (CreateWritableTensorDimsWithCopy).
      buffers.push(4 + 4 * out.shape.length);
      // QuantizationOpDataBatchMatmul: seven int32.
      if (lhs.dtype !== 'float32' && rhs.dtype !== 'float32') buffers.push(28);
      return buffers;
    },
    // arm_fully_connected_s8_get_buffer_size on the output's last dimension: kernel sums on MVE.
    scratch: (ctx) => {
      const lhs = inputAt(ctx, 0);
      if (lhs?.dtype !== 'int8') return [];
      const bytes = fullyConnectedS8(arch, dim(outputAt(ctx, 0), -1));
      return bytes > 0 ? [bytes] : [];
    },
    verified: false,
  };
}

function buildTable(arch: CmsisArch, toolchain: CmsisToolchain): Readonly<Record<string, KernelFacts>> {
  return Object.freeze({
    // cmsis_nn/conv.cc Init/Prepare; arm_convolve_wrapper_s8/_s16_get_buffer_size (arm_convolve_get_buffer_sizes_s8/_s16.c).
    CONV_2D: conv(arch, toolchain),
    // cmsis_nn/depthwise_conv.cc Prepare; arm_depthwise_conv_wrapper_s8/_s4_get_buffer_size (arm_depthwise_conv_get_buffer_sizes_s8/_s4.c).
    DEPTHWISE_CONV_2D: depthwise(arch),
    // cmsis_nn/fully_connected.cc Prepare + fully_connected_common.cc; arm_fully_connected_s8_get_buffer_size, arm_convolve_1x1_s8_fast_get_buffer_size.
    FULLY_CONNECTED: fullyConnected(arch, toolchain),
    // cmsis_nn/pooling.cc AveragePrepare; arm_avgpool_s8/_s16_get_buffer_size (arm_avgpool_get_buffer_sizes_s8.c).
    AVERAGE_POOL_2D: averagePool(arch),
    // cmsis_nn/pooling.cc MaxPrepare: PoolingPrepare plus buffer_idx = -1, no scratch.
    MAX_POOL_2D: MAX_POOL,
    // cmsis_nn/softmax.cc Init/Prepare (CMSISNNSoftmaxParams) + softmax_common.cc CalculateSoftmaxParams.
    SOFTMAX,
    // cmsis_nn/add.cc InitAdd/PrepareAdd: its own 60-byte OpData, same size as the reference, no buffers.
    ADD: { params: 8, opData: { arm32: 60, i386: 60, x86_64: 60 }, verified: true },
    // cmsis_nn/mul.cc registers the reference MulInit/MulPrepare; only Eval differs.
    MUL: { ...TFLM_KERNELS.MUL!, verified: true },
    // cmsis_nn/svdf.cc CmsisNnPrepareSvdf; arm_svdf_s8_get_buffer_size (arm_svdf_get_buffer_sizes_s8.c).
    SVDF: svdf(arch),
    // cmsis_nn/unidirectional_sequence_lstm.cc Prepare + CMSIS_NN_PortOpData; arm_nn_types.h cmsis_nn_lstm_params.
    UNIDIRECTIONAL_SEQUENCE_LSTM: LSTM,
    // cmsis_nn/transpose_conv.cc Prepare/CalculateOpData; arm_transpose_conv_s8_get_buffer_size / _get_reverse_conv_buffer_size.
    TRANSPOSE_CONV: transposeConv(arch),
    // cmsis_nn/batch_matmul.cc Prepare + batch_matmul.h; arm_fully_connected_s8_get_buffer_size on the output shape.
    BATCH_MATMUL: batchMatmul(arch),
  } satisfies ByBuiltin<KernelFacts>);
}

const CACHE = new Map<string, Readonly<Record<string, KernelFacts>>>();

/**
 * The CMSIS-NN kernels' arena facts for `arch`, to merge over TFLM_KERNELS:
 * `{ ...TFLM_KERNELS, ...cmsisNnKernels('mve') }`. `toolchain` only changes the DSP 1x1 conv.
 */
export function cmsisNnKernels(arch: CmsisArch, toolchain: CmsisToolchain = 'gcc'): Readonly<Record<string, KernelFacts>> {
  const key = `${arch}/${toolchain}`;
  let table = CACHE.get(key);
  if (!table) {
    table = buildTable(arch, toolchain);
    CACHE.set(key, table);
  }
  return table;
}
