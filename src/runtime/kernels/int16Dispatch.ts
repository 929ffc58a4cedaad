/**
 * How a 16x8 path joins an op's kernel without touching the int8 one: the registry holds
 * `withInt16(kernel, kernel16)`, which picks the 16x8 kernel at prepare time when the layer's
 * input is int16 (as TFLM's Eval switches on the input type).
 */
import type { Kernel, KernelContext } from '../types';

export function isInt16Layer(ctx: KernelContext): boolean {
  return ctx.inputs[0]?.dtype === 'int16';
}

export function withInt16(other: Kernel, sixteen: Kernel): Kernel {
  return { prepare: (ctx) => (isInt16Layer(ctx) ? sixteen : other).prepare(ctx) };
}
