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
const REDUCE: KernelFacts = {
  params: 1,
  paramsAlign: 1,
  opData: same(36),
  scratch: (ctx) => {
    const inp = input(ctx, 0);
    const out = outputTensor(ctx);
    if (!inp || !out || !['int8', 'uint8', 'int16'].includes(inp.dtype)) return [];
    if (inp.dtype === 'int8' || inp.dtype === 'int16') {
      // Measured on TFLM (test/core/runtime16x8.test.ts, and int8 by hand): two more scratch
      // buffers of one int per input dimension (the resolved axes and the index counter).
      return [4 * out.shape.reduce((a, b) => a * b, 1), 4 * inp.shape.length, 4 * inp.shape.length];
    }
    return [4 * out.shape.reduce((a, b) => a * b, 1)];
  },
  verified: false,
};

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
  MEAN: REDUCE,
  SUM: REDUCE,
  LOGISTIC: { params: 0, opData: same(16), verified: false },
  CONCATENATION: { params: 8, opData: { arm32: 24, i386: 24, x86_64: 40 }, verified: false },
  // Measured with int16 models on the golden build (test/core/runtime16x8.test.ts): no params struct.
  PAD: { params: 0, opData: same(56), verified: true },
  PADV2: { params: 0, opData: same(56), verified: true },
  SUB: { params: 8, opData: same(52), verified: true },
  RELU: { params: 0, opData: same(28), verified: true },
  RELU6: { params: 0, opData: same(8), verified: true },
  TANH: { params: 0, opData: same(16), verified: true },
  STRIDED_SLICE: { params: 24, opData: same(84), verified: false },
} satisfies ByBuiltin<KernelFacts>;

/**
 * What we assume for a TFLM op whose kernel data we have not read: a small params struct
 * and OpData. Findings built on it carry a wider error band.
 */
export const UNKNOWN_KERNEL: KernelFacts = { params: 8, opData: same(32), verified: false };
/** How far an unverified kernel's persistent bytes may be from the assumption, each. */
export const UNVERIFIED_KERNEL_ERROR_BYTES = 64;
