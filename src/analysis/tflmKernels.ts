/**
 * What each TFLite Micro reference kernel allocates in the arena, read from TFLM's kernel
 * sources (commit 90b983c2) and checked against a real build's recorded allocations
 * (../shared/golden). `verified` says whether a golden model pins the numbers down.
 *
 * Sizes are per ABI: `arm32` is a Cortex-M build (AAPCS: double and int64 are 8-aligned),
 * `i386` is the x86 -m32 build the golden data came from (double 4-aligned), `x86_64` a
 * 64-bit host build. They differ only for structs holding a double, an int64 or pointers.
 */
import { dtypeBits, type DType } from '../model/dtype';
import { inputTensor as input, optionsOf, outputTensor, type ByBuiltin, type OpSite } from '../model/ops';

export type Abi = 'arm32' | 'i386' | 'x86_64';
export const ABIS: readonly Abi[] = ['arm32', 'i386', 'x86_64'];

type PerAbi = Readonly<Record<Abi, number>>;
const same = (n: number): PerAbi => ({ arm32: n, i386: n, x86_64: n });

/** An operator whose arena needs are asked for, on one ABI. */
export interface ArenaSite extends OpSite {
  readonly abi: Abi;
}

export interface KernelFacts {
  /** The builtin params struct the op's parser allocates (4-aligned unless `paramsAlign`). */
  readonly params: number;
  readonly paramsAlign?: number;
  /** The OpData its Init allocates with AllocatePersistentBuffer (16-aligned). */
  readonly opData?: PerAbi;
  /** Persistent buffers its Prepare allocates, in order (each 16-aligned). */
  readonly prepare?: (ctx: ArenaSite) => number[];
  /** Scratch buffers it requests in the arena (planned in the head for its own step). */
  readonly scratch?: (ctx: ArenaSite) => number[];
  /** Pinned down by golden data from a real TFLM build. */
  readonly verified: boolean;
}

export type KernelTable = Readonly<Record<string, KernelFacts>>;

/** Per-channel multiplier and shift arrays: conv and depthwise allocate them even for float. */
const perChannel =
  (axis: 'first' | 'last') =>
  (ctx: ArenaSite): number[] => {
    const filter = input(ctx, 1);
    if (!filter || filter.shape.length === 0) return [];
    const channels = axis === 'first' ? filter.shape[0]! : filter.shape[filter.shape.length - 1]!;
    return [4 * channels, 4 * channels];
  };

const int4Unpack = (ctx: ArenaSite): number[] => {
  const filter = input(ctx, 1);
  return filter?.dtype === 'int4' ? [filter.shape.reduce((a, b) => a * b, 1)] : [];
};

/** Bytes per element as TFLM counts them (int4 takes a byte once unpacked). */
export function tflmTypeSize(dtype: DType): number {
  if (dtype === 'int4') return 1;
  if (dtype === 'resource') return 4;
  return dtypeBits(dtype) / 8;
}

const CONV: KernelFacts = { params: 28, opData: { arm32: 56, i386: 56, x86_64: 72 }, prepare: perChannel('first'), scratch: int4Unpack, verified: true };
const POOL: KernelFacts = { params: 40, opData: same(32), verified: true };
/**
 * MEAN and SUM (reduce_common.cc PrepareMeanOrSumHelper): OpDataReduce is 11 ints; scratch is
 * an int32 accumulator per output element for integer inputs, then the input iterator (an int
 * per input dimension) and the resolved axes (an int per axis), for every dtype.
 */
const REDUCE: KernelFacts = {
  params: 1,
  paramsAlign: 1,
  opData: same(44),
  scratch: (ctx) => {
    const inp = input(ctx, 0);
    const axis = input(ctx, 1);
    const out = outputTensor(ctx);
    if (!inp || !out) return [];
    const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
    const accumulator = ['int8', 'int16'].includes(inp.dtype) ? [4 * count(out.shape)] : [];
    return [...accumulator, 4 * inp.shape.length, 4 * (axis ? count(axis.shape) : 0)];
  },
  verified: true,
};

/** EQUAL … LESS_EQUAL (comparisons.cc): one OpData, ComparisonParams. */
const COMPARISON: KernelFacts = { params: 0, opData: same(32), verified: true };

export const TFLM_KERNELS: KernelTable = {
  CONV_2D: CONV,
  DEPTHWISE_CONV_2D: { ...CONV, prepare: perChannel('last') },
  FULLY_CONNECTED: {
    params: 16,
    opData: { arm32: 48, i386: 48, x86_64: 64 },
    prepare: (ctx) => {
      const inp = input(ctx, 0);
      const filter = input(ctx, 1);
      const scales = filter?.quantization?.scale.length ?? 0;
      return inp && inp.dtype !== 'float32' && scales > 1 ? [4 * scales, 4 * scales] : [];
    },
    scratch: int4Unpack,
    verified: true,
  },
  AVERAGE_POOL_2D: POOL,
  MAX_POOL_2D: POOL,
  SOFTMAX: {
    params: 4,
    opData: { arm32: 56, i386: 56, x86_64: 80 },
    // An int16 input gets two 513-entry int16 lookup tables.
    prepare: (ctx) => (input(ctx, 0)?.dtype === 'int16' ? [1026, 1026] : []),
    verified: true,
  },
  ADD: { params: 8, opData: same(60), verified: true },
  // Prepare copies the output dims only when the output shape itself holds a -1, which a
  // converted model never has (the reader rejects negative dims), so nothing is allocated.
  RESHAPE: { params: 36, verified: true },
  SVDF: {
    params: 12,
    opData: same(36),
    scratch: (ctx) => {
      const inp = input(ctx, 0);
      const featureWeights = input(ctx, 1);
      const rank = optionsOf(ctx.op, 'SVDFOptions')?.rank ?? 0;
      if (!inp || !featureWeights || rank <= 0) return [];
      const batch = inp.shape[0] ?? 1;
      const filters = featureWeights.shape[0] ?? 0;
      return inp.dtype === 'int8' ? [batch * filters * 4, batch * Math.floor(filters / rank) * 4] : [batch * filters * 4];
    },
    verified: true,
  },
  // Both hold a double: 4-aligned on i386, 8-aligned on Cortex-M.
  QUANTIZE: { params: 0, opData: { arm32: 32, i386: 24, x86_64: 32 }, verified: true },
  DEQUANTIZE: { params: 0, opData: { arm32: 32, i386: 24, x86_64: 32 }, verified: true },
  UNIDIRECTIONAL_SEQUENCE_LSTM: {
    params: 16,
    // 672/688 measured from the golden builds; on Cortex-M its int64 fields are 8-aligned,
    // which the same struct layout puts at 688 (derived, not measured).
    opData: { arm32: 688, i386: 672, x86_64: 688 },
    scratch: (ctx) => {
      const inp = input(ctx, 0);
      const hidden = input(ctx, 18);
      const cell = input(ctx, 19);
      if (!inp || !hidden || !cell) return [];
      const timeMajor = optionsOf(ctx.op, 'UnidirectionalSequenceLSTMOptions')?.timeMajor ?? false;
      const batch = (timeMajor ? inp.shape[1] : inp.shape[0]) ?? 1;
      const state = hidden.shape[1] ?? 0;
      const bytes = batch * state * tflmTypeSize(cell.dtype);
      return [bytes, bytes, bytes, bytes];
    },
    verified: true,
  },
  MUL: { params: 4, opData: same(36), verified: false },
  // No builtin params; OpData: a bool, then ArithmeticParams (104 bytes, holding two int64: 8-aligned
  // but on i386). x86_64 measured by test/core/tflmProperty.test.ts, the others derived.
  SQUARED_DIFFERENCE: { params: 0, opData: { arm32: 112, i386: 108, x86_64: 112 }, verified: true },
  MEAN: REDUCE,
  SUM: REDUCE,
  LOGISTIC: { params: 0, opData: same(16), verified: false },
  CONCATENATION: { params: 8, opData: { arm32: 24, i386: 24, x86_64: 40 }, verified: false },
  // Neither has builtin params (ParsePad and ParsePadV2 allocate nothing): a byte assumed here
  // hid inside the next 16-aligned allocation on single-op models, not on a MobileNet's three PADs.
  PAD: { params: 0, opData: same(56), verified: true },
  PADV2: { params: 0, opData: same(56), verified: true },
  // Pinned by the 16x8 property tests (test/core/runtime16x8.test.ts, eight side by side).
  STRIDED_SLICE: { params: 24, opData: same(84), verified: true },
  // No builtin params, no Init (so no OpData): Eval reads begin and size directly.
  SLICE: { params: 0, verified: true },
  // Measured on the x86_64 TFLM build by the property tests (test/core/tflmProperty.test.ts):
  // the recorded persistent buffers less the input/output pointer arrays, and the total.
  SUB: { params: 8, opData: same(52), verified: true },
  RELU: { params: 0, opData: same(28), verified: true },
  RELU6: { params: 0, opData: same(8), verified: true },
  LEAKY_RELU: { params: 4, opData: same(24), verified: true },
  TANH: { params: 0, opData: same(16), verified: true },
  HARD_SWISH: { params: 0, opData: same(20), verified: true },
  PRELU: { params: 0, opData: same(28), verified: true },
  // TfLiteSqueezeParams (eight dims and a count), no OpData: measured on the x86_64 build by
  // test/core/runtime16x8.test.ts.
  SQUEEZE: { params: 36, verified: true },
  // No builtin params and no OpData (Prepare writes the output dims only): measured as SQUEEZE.
  EXPAND_DIMS: { params: 0, verified: true },
  // Neither params nor OpData (Eval reads both inputs as they are), measured likewise.
  MAXIMUM: { params: 0, verified: true },
  MINIMUM: { params: 0, verified: true },
  // Their builtin params only (values count and axis; the split count), no OpData: measured by
  // test/core/tflmProperty.test.ts.
  PACK: { params: 8, verified: true },
  UNPACK: { params: 8, verified: true },
  SPLIT: { params: 4, verified: true },
  SPLIT_V: { params: 4, verified: true },
  // No builtin params and no OpData: Eval reads the perm tensor directly.
  TRANSPOSE: { params: 0, verified: true },
  // Two bools of params (align_corners, half_pixel_centers), no OpData.
  RESIZE_BILINEAR: { params: 2, paramsAlign: 1, verified: true },
  RESIZE_NEAREST_NEIGHBOR: { params: 2, paramsAlign: 1, verified: true },
  BATCH_MATMUL: {
    // TfLiteBatchMatMulParams: three bools.
    params: 3,
    paramsAlign: 1,
    // OpDataBatchMatmul: three pointers and three bools (x86_64 measured by test/core/tflmProperty.test.ts,
    // the 32-bit ABIs derived from the same layout).
    opData: { arm32: 16, i386: 16, x86_64: 32 },
    prepare: (ctx) => {
      const lhs = input(ctx, 0);
      const rhs = input(ctx, 1);
      const out = outputTensor(ctx);
      if (!lhs || !rhs || !out) return [];
      const opts = optionsOf(ctx.op, 'BatchMatMulOptions');
      const evalTensor = ctx.abi === 'x86_64' ? 24 : 12;
      // A transposed copy: its TfLiteEvalTensor, its dims (a TfLiteIntArray) and its data.
      const copy = (t: typeof lhs): number[] => [evalTensor, 4 + 4 * t.shape.length, t.shape.reduce((a, b) => a * b, 1) * tflmTypeSize(t.dtype)];
      return [
        // QuantizationOpDataBatchMatmul: seven int32.
        ...(lhs.dtype === 'int8' || lhs.dtype === 'int16' ? [28] : []),
        ...(opts?.adjX ? copy(lhs) : []),
        ...(opts?.adjY ? [] : copy(rhs)),
        // ReshapeOutputTensor's writable copy of the output dims.
        4 + 4 * out.shape.length,
      ];
    },
    verified: true,
  },
  TRANSPOSE_CONV: {
    params: 20,
    opData: { arm32: 64, i386: 64, x86_64: 80 },
    prepare: perChannel('first'),
    // The integer paths accumulate the whole output first: int32 per element (int64 for int16).
    scratch: (ctx) => {
      const inp = input(ctx, 2);
      const out = outputTensor(ctx);
      if (!inp || !out || (inp.dtype !== 'int8' && inp.dtype !== 'int16')) return [];
      return [(inp.dtype === 'int16' ? 8 : 4) * out.shape.reduce((a, b) => a * b, 1)];
    },
    verified: true,
  },
  // No builtin params (ParseAbs allocates none); OpDataAbsRsqrt: four ints, a bool and two enums
  // (1-byte enums on Cortex-M). Measured on the x86_64 build by test/core/tflmProperty.test.ts.
  ABS: { params: 0, opData: { arm32: 20, i386: 28, x86_64: 28 }, verified: true },
  // TfLiteCastParams (two TfLiteType enums), no Init and so no OpData: measured likewise.
  CAST: { params: 8, verified: true },
  // No builtin params; OpData is ComparisonParams: seven ints and a bool. Measured likewise.
  EQUAL: COMPARISON,
  NOT_EQUAL: COMPARISON,
  GREATER: COMPARISON,
  GREATER_EQUAL: COMPARISON,
  LESS: COMPARISON,
  LESS_EQUAL: COMPARISON,
  // No builtin params; OpData: two bools (requires_broadcast, has_low_rank_input_condition).
  SELECT_V2: { params: 0, opData: same(2), verified: true },
  // Measured by test/core/tflmProperty.test.ts on x86_64; the Cortex-M4 reference firmware and the
  // i386 build gave our head and arena_used_bytes() too (six of each op side by side, once).
  // OpDataAbsRsqrt: four int32, a bool and two enums (1-byte enums on Cortex-M); no builtin params.
  RSQRT: { params: 0, opData: { arm32: 20, i386: 28, x86_64: 28 }, verified: true },
  // No builtin params and no OpData: Prepare checks the shape, Eval copies.
  BROADCAST_TO: { params: 0, verified: true },
  // TfLiteShapeParams: the output type (an enum).
  SHAPE: { params: 4, verified: true },
  REVERSE_V2: { params: 0, verified: true },
  DYNAMIC_UPDATE_SLICE: { params: 0, verified: true },
} satisfies ByBuiltin<KernelFacts>;

/**
 * What we assume for a TFLM op whose kernel data we have not read: a small params struct
 * and OpData. Findings built on it carry a wider error band.
 */
export const UNKNOWN_KERNEL: KernelFacts = { params: 8, opData: same(32), verified: false };
/** How far an unverified kernel's persistent bytes may be from the assumption, each. */
export const UNVERIFIED_KERNEL_ERROR_BYTES = 64;
