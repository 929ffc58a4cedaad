/**
 * The C layouts that differ between the ABIs TFLite Micro is built for, where they decide
 * what the arena holds. Three rules make the differences:
 * - `x86_64`: 8-byte pointers.
 * - `i386` (gcc -m32): 4-byte enums; double and int64 are 4-aligned inside structs.
 * - `arm32` (arm-none-eabi GCC, AAPCS as TFLM's cortex_m_generic target builds it): enums take
 *   the smallest integer that holds their values (1 byte for every TfLite enum), and double
 *   and int64 are 8-aligned.
 * The sizes were read from the headers of TFLM commit 90b983c2 compiled with each ABI's rules
 * and are checked by the tests against the runners' `sizeof` block and arenas
 * (../shared/tflm/README.md): the i386 runner, and the reference-kernel Cortex-M4 firmware.
 */
import type { Abi } from './tflmKernels';

/** Sizes of the structs the interpreter itself allocates in the arena's tail. */
export interface AbiSizes {
  readonly pointer: number;
  readonly evalTensor: number;
  readonly nodeAndRegistration: number;
  /** TfLiteTensor: its type, allocation type and quantization type are enums. */
  readonly tfLiteTensor: number;
  readonly affineQuantization: number;
  /** SingleArenaBufferAllocator, GreedyMemoryPlanner, MicroAllocator. */
  readonly allocatorObjects: readonly number[];
  /** The same three as RecordingMicroAllocator creates them (TFLM's benchmarks use it). */
  readonly recordingObjects: number;
}

export const ABI_SIZES: Readonly<Record<Abi, AbiSizes>> = {
  arm32: {
    pointer: 4,
    evalTensor: 12,
    nodeAndRegistration: 32,
    tfLiteTensor: 32,
    affineQuantization: 12,
    allocatorObjects: [36, 44, 36],
    recordingObjects: 220,
  },
  i386: {
    pointer: 4,
    evalTensor: 12,
    nodeAndRegistration: 32,
    tfLiteTensor: 40,
    affineQuantization: 12,
    allocatorObjects: [36, 44, 36],
    recordingObjects: 220,
  },
  x86_64: {
    pointer: 8,
    evalTensor: 24,
    nodeAndRegistration: 64,
    tfLiteTensor: 64,
    affineQuantization: 24,
    allocatorObjects: [72, 72, 72],
    recordingObjects: 424,
  },
};

/** A struct's size and alignment. */
export interface Layout {
  readonly size: number;
  readonly align: number;
}

/**
 * The builtin params structs (TfLite*Params, allocated by the flatbuffer parser with their own
 * alignment) whose layout changes with 1-byte enums, by operator. A struct made only of
 * enums, bools and chars shrinks and becomes 1-aligned, e.g. TfLiteFullyConnectedParams
 * (three enums and two bools) is 16 bytes on i386 and 5 on a Cortex-M. Operators not listed
 * have the same params on every ABI (KernelFacts.params).
 */
export const SHORT_ENUM_PARAMS: Readonly<Record<string, Layout>> = {
  FULLY_CONNECTED: { size: 5, align: 1 },
  ADD: { size: 2, align: 1 },
  SUB: { size: 2, align: 1 },
  MUL: { size: 1, align: 1 },
  DIV: { size: 1, align: 1 },
  SVDF: { size: 8, align: 4 },
  TRANSPOSE_CONV: { size: 16, align: 4 },
  LSTM: { size: 16, align: 4 },
  ARG_MAX: { size: 1, align: 1 },
  ARG_MIN: { size: 1, align: 1 },
  CAST: { size: 2, align: 1 },
  L2_NORMALIZATION: { size: 1, align: 1 },
  MIRROR_PAD: { size: 1, align: 1 },
  SHAPE: { size: 1, align: 1 },
};

/** The builtin params an operator's parser allocates on `abi`, from its size on a 4-byte-enum ABI. */
export function builtinParamsLayout(op: string, params: number, paramsAlign: number | undefined, abi: Abi): Layout {
  if (abi === 'arm32') {
    const short = SHORT_ENUM_PARAMS[op];
    if (short) return short;
  }
  return { size: params, align: paramsAlign ?? 4 };
}
