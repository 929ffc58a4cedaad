/**
 * The inner loops of the kernels that ship, as instruction mixes: what one iteration of each
 * loop executes and how many multiply-accumulates (or elements) it retires. Read off the loop
 * bodies of CMSIS-NN (ARM-software/CMSIS-NN, Source/) and TFLite Micro's reference kernels
 * (tensorflow/lite/kernels/internal/reference/integer_ops/). A mix times a core's instruction
 * timings (timing.ts) gives cycles per iteration; nothing here is fitted.
 */
import type { CoreTiming } from './timing';

/** Instructions of one loop iteration, by class. */
export interface Mix {
  readonly load?: number;
  readonly store?: number;
  readonly alu?: number;
  readonly mul?: number;
  readonly mla?: number;
  readonly longMul?: number;
  /** Dual 16-bit MACs (SMLAD). */
  readonly smlad?: number;
  readonly branch?: number;
  /** 128-bit Helium instructions (loads, VMLADAVA, VADD…). */
  readonly vector?: number;
}

export interface Loop {
  /** What one iteration retires: MACs for a MAC loop, elements for a copy or per-output loop. */
  readonly per: number;
  readonly mix: Mix;
  /** File the loop is read from. */
  readonly from: string;
}

/** Cycles of one iteration on a core. A mix that needs an extension the core lacks is a bug. */
export function mixCycles(mix: Mix, t: CoreTiming): number {
  if ((mix.smlad ?? 0) > 0 && t.smlad === null) throw new Error('loop uses SMLAD on a core without the DSP extension');
  if ((mix.vector ?? 0) > 0 && t.vector === null) throw new Error('loop uses Helium on a core without MVE');
  const scalar =
    (mix.load ?? 0) * t.load +
    (mix.store ?? 0) * t.store +
    (mix.alu ?? 0) * t.alu +
    (mix.mul ?? 0) * t.mul +
    (mix.mla ?? 0) * t.mla +
    (mix.longMul ?? 0) * t.longMul +
    (mix.smlad ?? 0) * (t.smlad ?? 0) +
    (mix.branch ?? 0) * t.branch;
  return scalar * t.issue + (mix.vector ?? 0) * (t.vector ?? 0);
}

/** Cycles per unit (per MAC, per element) of a loop on a core. */
export function perUnit(loop: Loop, t: CoreTiming): number {
  return mixCycles(loop.mix, t) / loop.per;
}

const CONV = 'CMSIS-NN ConvolutionFunctions';
const SUPPORT = 'CMSIS-NN NNSupportFunctions';
const REF = 'TFLM reference integer_ops';

/**
 * CMSIS-NN, DSP extension (Cortex-M4/M7/M33). `arm_nn_mat_mult_kernel_s8_s16` (the im2col conv):
 * two output channels × two im2col columns, four column elements per iteration: two
 * `read_and_pad_reordered` (LDR + 2 SXTB16 each), four q15×2 loads of the columns, eight SMLAD,
 * the counter and the branch: 16 MACs.
 */
export const DSP_MAT_MULT_S8_S16: Loop = { per: 16, mix: { load: 6, alu: 5, smlad: 8, branch: 1 }, from: `${CONV}/arm_nn_mat_mult_kernel_s8_s16.c` };

/**
 * `arm_nn_mat_mult_nt_t_s8` on DSP (the 1×1 fast path, the matrix part of 1×N and FC batches):
 * two rows × two columns of int8, four elements each: four LDR, eight SXTB16, eight SMLAD: 16 MACs.
 */
export const DSP_MAT_MULT_NT_T: Loop = { per: 16, mix: { load: 4, alu: 9, smlad: 8, branch: 1 }, from: `${SUPPORT}/arm_nn_mat_mult_nt_t_s8.c` };

/**
 * `arm_nn_vec_mat_mult_t_s8` on DSP (fully connected, batch 1): two weight rows, four columns:
 * one input LDR + two SXTAB16 (offset folded in), per row one LDR + two SXTB16 and two SMLAD:
 * 8 MACs. Every weight byte is read once.
 */
export const DSP_VEC_MAT_MULT: Loop = { per: 8, mix: { load: 3, alu: 7, smlad: 4, branch: 1 }, from: `${SUPPORT}/arm_nn_vec_mat_mult_t_s8.c` };

/**
 * `arm_depthwise_conv_3x3_s8` on DSP: per kernel row and four channels, three taps, each an
 * input and a kernel LDR, four SXTB16/SXTAB16 and four single MACs (SMLABB/SMLATT): 12 MACs,
 * plus the row's pointer updates and the bounds tests on the taps.
 */
export const DSP_DW_3X3: Loop = { per: 12, mix: { load: 6, alu: 16, mla: 12, branch: 3 }, from: `${CONV}/arm_depthwise_conv_3x3_s8.c` };

/**
 * `arm_depthwise_conv_s8_opt` on DSP, the MAC loop over the im2col buffer: two taps × four
 * channels: two kernel LDR, four q15×2 column loads, four SXTB16, eight PKHBT/PKHTB, four SMLAD,
 * two pointer updates: 8 MACs.
 */
export const DSP_DW_OPT: Loop = { per: 8, mix: { load: 6, alu: 15, smlad: 4, branch: 1 }, from: `${CONV}/arm_depthwise_conv_s8_opt.c` };

/**
 * `arm_q7_to_q15_with_offset` on DSP (im2col into q15 for the conv and depthwise-opt paths):
 * four int8 in, one LDR, two SXTAB16, two packs, two STR: 4 elements.
 */
export const DSP_IM2COL_Q15: Loop = { per: 4, mix: { load: 1, alu: 5, store: 2, branch: 1 }, from: `${SUPPORT}/arm_q7_to_q15_with_offset.c` };

/**
 * CMSIS-NN plain C (Cortex-M0+/M3: the `#else` branches of the same kernels).
 * `arm_nn_mat_mult_kernel_s8_s16` without DSP: per column element, two int8 weights and two
 * int16 columns loaded, four MACs (two channels × two columns).
 */
export const C_MAT_MULT_S8_S16: Loop = { per: 4, mix: { load: 4, mla: 4, alu: 1, branch: 1 }, from: `${CONV}/arm_nn_mat_mult_kernel_s8_s16.c` };

/** `arm_nn_mat_mult_nt_t_s8` without DSP: per element two rows × two columns, four loads, four MACs. */
export const C_MAT_MULT_NT_T: Loop = { per: 4, mix: { load: 4, mla: 4, alu: 1, branch: 1 }, from: `${SUPPORT}/arm_nn_mat_mult_nt_t_s8.c` };

/** `arm_nn_vec_mat_mult_t_s8` without DSP: per element one input and two weight loads, the offset add, two MACs. */
export const C_VEC_MAT_MULT: Loop = { per: 2, mix: { load: 3, alu: 2, mla: 2, branch: 1 }, from: `${SUPPORT}/arm_nn_vec_mat_mult_t_s8.c` };

/** `arm_depthwise_conv_3x3_s8` without DSP: per tap and four channels, two word loads, eight byte extracts, four offset adds, four MACs. */
export const C_DW_3X3: Loop = { per: 4, mix: { load: 2, alu: 14, mla: 4, branch: 1 }, from: `${CONV}/arm_depthwise_conv_3x3_s8.c` };

/** Depthwise without DSP (`arm_depthwise_conv_s8`, the generic path): per MAC two loads, the offset add, index updates, one MAC, a bounds test. */
export const C_DW_GENERIC: Loop = { per: 1, mix: { load: 2, alu: 3, mla: 1, branch: 1 }, from: `${CONV}/arm_depthwise_conv_s8.c` };

/** `arm_q7_to_q15_with_offset` without DSP: per element a load, the offset add and a store. */
export const C_IM2COL_Q15: Loop = { per: 1, mix: { load: 1, alu: 1, store: 1, branch: 1 }, from: `${SUPPORT}/arm_q7_to_q15_with_offset.c` };

/**
 * CMSIS-NN on Helium (Cortex-M55/M85). `arm_nn_mat_mul_core_4x_s8` / `arm_nn_mat_mult_nt_t_s8`:
 * four rows × one column, 16 int8 per vector: one column VLDRB, four row VLDRB, four VMLADAVA and
 * one VADDVA for the offset term, plus the loop (LE, zero overhead): 64 MACs.
 */
export const MVE_MAT_MULT: Loop = { per: 64, mix: { vector: 10 }, from: `${SUPPORT}/arm_nn_mat_mul_core_4x_s8.c` };

/** `arm_nn_vec_mat_mult_t_s8` on Helium: four weight rows × 16 columns: one input and four weight VLDRB, four VMLADAVA, one VADDVA: 64 MACs. */
export const MVE_VEC_MAT_MULT: Loop = { per: 64, mix: { vector: 10 }, from: `${SUPPORT}/arm_nn_vec_mat_mult_t_s8.c` };

/**
 * `arm_nn_depthwise_conv_nt_t_s8` on Helium: four channels in 32-bit lanes × four output pixels
 * per tap: one kernel VLDRB.S32, four input VLDRB.S32, four VADD (offset), four VMLA: 16 MACs.
 */
export const MVE_DW: Loop = { per: 16, mix: { vector: 13 }, from: `${SUPPORT}/arm_nn_depthwise_conv_nt_t_s8.c` };

/** Helium im2col: `arm_memcpy_s8` of each tap's channels, 16 bytes per VLDRB/VSTRB pair. */
export const MVE_IM2COL: Loop = { per: 16, mix: { vector: 2 }, from: `${CONV}/arm_convolve_s8.c` };

/**
 * One output's requantisation (`arm_nn_requantize` and the clamp/store around it): load the
 * channel's multiplier and shift, SMULL, the rounding add and shifts, the offset, two clamps,
 * one store.
 */
export const REQUANT: Loop = { per: 1, mix: { load: 2, longMul: 1, alu: 9, store: 1 }, from: `${SUPPORT}/arm_nnsupportfunctions.h` };

/** Helium requantisation of four outputs (`arm_requantize_mve_32x4`): about eight vector instructions. */
export const MVE_REQUANT: Loop = { per: 4, mix: { vector: 8 }, from: `${SUPPORT}/arm_nnsupportfunctions.h` };

/**
 * TFLM reference kernels. `ConvPerChannel`, innermost loop over input channels: input and filter
 * byte loads at `Offset()` indices (strength-reduced by the compiler to pointer steps), the input
 * offset add, one MAC, the counter and branch.
 */
export const REF_CONV: Loop = { per: 1, mix: { load: 2, alu: 3, mla: 1, branch: 1 }, from: `${REF}/conv.h` };

/**
 * Per filter tap of `ConvPerChannel` (outside the channel loop): `is_point_inside_image` (four
 * compares), two `Offset()` computations (three multiply-adds each) and the loop branches.
 */
export const REF_CONV_TAP: Loop = { per: 1, mix: { alu: 6, mla: 6, branch: 3 }, from: `${REF}/conv.h` };

/**
 * `DepthwiseConvPerChannel`: the filter taps are innermost, so each MAC pays the bounds test and
 * two full `Offset()` index computations (the channel is the fastest index, so nothing is strength-reduced).
 */
export const REF_DW: Loop = { per: 1, mix: { load: 2, alu: 7, mla: 7, branch: 3 }, from: `${REF}/depthwise_conv.h` };

/** `FullyConnected` (integer_ops): per MAC two loads, two offset adds, one MAC, the loop. */
export const REF_FC: Loop = { per: 1, mix: { load: 2, alu: 3, mla: 1, branch: 1 }, from: `${REF}/fully_connected.h` };

/**
 * One output of a reference kernel: `MultiplyByQuantizedMultiplier` in portable C (a 64-bit
 * product, the rounding doubling high multiply and `RoundingDivideByPOT`), the offset, the clamp,
 * the store, and the per-channel parameter loads.
 */
export const REF_REQUANT: Loop = { per: 1, mix: { load: 3, longMul: 2, alu: 20, branch: 2, store: 1 }, from: 'TFLM common.h MultiplyByQuantizedMultiplier' };

/**
 * Element-wise and pooling work per element op (the analysis counts pooling window taps and
 * per-element ops). Reference int8 ADD/MUL rescales each input and the output (three
 * quantized multiplies); CMSIS-NN's `arm_elementwise_add_s8` does the same with SIMD packing.
 */
export const REF_ELEMENT: Loop = { per: 1, mix: { load: 2, longMul: 3, alu: 24, store: 1, branch: 2 }, from: `${REF}/add.h` };
export const CMSIS_ELEMENT: Loop = {
  per: 1,
  mix: { load: 1, longMul: 3, alu: 10, store: 1, branch: 1 },
  from: 'CMSIS-NN BasicMathFunctions/arm_elementwise_add_s8.c',
};
export const MVE_ELEMENT: Loop = { per: 16, mix: { vector: 24 }, from: 'CMSIS-NN BasicMathFunctions/arm_elementwise_add_s8.c' };

/** Pooling taps: reference `AveragePool`/`MaxPool` per window tap (bounds test, load, add/compare). */
export const REF_POOL_TAP: Loop = { per: 1, mix: { load: 1, alu: 4, branch: 2 }, from: 'TFLM reference pooling.h' };
/** CMSIS-NN `arm_avgpool_s8`/`arm_max_pool_s8` per tap: a running sum or max over channels, SIMD where available. */
export const CMSIS_POOL_TAP: Loop = { per: 1, mix: { load: 1, alu: 1, branch: 0.25 }, from: 'CMSIS-NN PoolingFunctions' };

/** Copy-like ops (RESHAPE when not in place, PAD, CONCATENATION, TRANSPOSE…) per byte. */
export const COPY_BYTE: Loop = { per: 4, mix: { load: 1, store: 1, alu: 1, branch: 0.5 }, from: 'TFLM reference memcpy-style kernels' };
