/**
 * How a 16x8 path joins an op's kernel without touching the int8 one: the registry holds
 * `withInt16(kernel, kernel16)`, which picks the 16x8 kernel at prepare time when the layer's
 * data input is int16 (as TFLM's Eval switches on the input type). The data input is slot 0,
 * except for TRANSPOSE_CONV (slot 2, after the output shape and the weights).
 */
import type { Kernel, KernelContext } from '../types';

export function isInt16Layer(ctx: KernelContext, slot = 0): boolean {
  return ctx.inputs[slot]?.dtype === 'int16';
}

export function withInt16(other: Kernel, sixteen: Kernel): Kernel {
  return withInt16OnSlot(other, sixteen, 0);
}

export function withInt16OnSlot(other: Kernel, sixteen: Kernel, slot: number): Kernel {
  return { prepare: (ctx) => (isInt16Layer(ctx, slot) ? sixteen : other).prepare(ctx) };
}
