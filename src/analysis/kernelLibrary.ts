/**
 * The kernel library a TFLM build links, which decides the kernels' arena data: the
 * reference kernels, or CMSIS-NN's optimized ones (falling back to reference for the ops
 * it does not override).
 */
import { cmsisNnKernels } from './cmsisNnKernels';
import { TFLM_KERNELS, type KernelTable } from './tflmKernels';

export const KERNEL_LIBRARIES = ['reference', 'cmsis-nn'] as const;
export type KernelLibraryName = (typeof KERNEL_LIBRARIES)[number];

export interface KernelLibrary {
  readonly name: string;
  readonly table: KernelTable;
}

export function kernelLibrary(name: string): KernelLibrary | undefined {
  if (name === 'reference') return { name, table: TFLM_KERNELS };
  if (name === 'cmsis-nn') return { name, table: { ...TFLM_KERNELS, ...cmsisNnKernels('dsp') } };
  return undefined;
}
