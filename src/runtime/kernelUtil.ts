/**
 * Small helpers every kernel uses: typed access to inputs, quantization parameters, fused
 * activations and broadcasting. Errors name the op and the layer.
 */
import type { ActivationFunction } from '../model/ops';
import { RuntimeError, type KernelContext, type RuntimeTensor } from './types';

export function input(ctx: KernelContext, slot: number): RuntimeTensor {
  const t = ctx.inputs[slot];
  if (!t) throw new RuntimeError('bad-model', `${ctx.name} (layer ${ctx.opIndex}) needs input ${slot}`, ctx.opIndex);
  return t;
}

export function optionalInput(ctx: KernelContext, slot: number): RuntimeTensor | undefined {
  return ctx.inputs[slot];
}

export function output(ctx: KernelContext, slot = 0): RuntimeTensor {
  const t = ctx.outputs[slot];
  if (!t) throw new RuntimeError('bad-model', `${ctx.name} (layer ${ctx.opIndex}) needs output ${slot}`, ctx.opIndex);
  return t;
}

export function unsupportedType(ctx: KernelContext, detail: string): RuntimeError {
  return new RuntimeError('unsupported-type', `${ctx.name} (layer ${ctx.opIndex}) is not supported for ${detail}`, ctx.opIndex);
}

/** Per-tensor scale and zero point (the first, for per-channel tensors). */
export function scaleOf(t: RuntimeTensor): number {
  return t.info.quantization?.scale[0] ?? 0;
}

export function zeroPointOf(t: RuntimeTensor): number {
  return t.info.quantization?.zeroPoint[0] ?? 0;
}

export type FusedActivation = 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1';

export function fusedActivation(ctx: KernelContext, act: ActivationFunction): FusedActivation {
  switch (act) {
    case 'NONE':
    case 'RELU':
    case 'RELU6':
    case 'RELU_N1_TO_1':
      return act;
    default:
      throw new RuntimeError(
        'unsupported-op',
        `${ctx.name} (layer ${ctx.opIndex}) has fused activation ${act}, which TFLite Micro does not support`,
        ctx.opIndex,
      );
  }
}

export { elementCount } from '../model/graph';

/** Strides of a row-major shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Range of an integer dtype. */
export function intRange(dtype: string): readonly [number, number] {
  switch (dtype) {
    case 'int8':
      return [-128, 127];
    case 'uint8':
      return [0, 255];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [-2147483648, 2147483647];
    default:
      return [-Infinity, Infinity];
  }
}

/** A tensor's data as bytes: a view, not a copy. */
export function byteView(t: RuntimeTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}
