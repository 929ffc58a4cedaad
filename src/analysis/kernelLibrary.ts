/**
 * The kernel library a TFLM build links, which decides the kernels' arena data: the
 * reference kernels, or CMSIS-NN's optimized ones (falling back to reference for the ops
 * it does not override). CMSIS-NN picks its code path, and so its buffers, by the core's
 * extensions: none (M0+/M3), DSP (M4/M7/M33), MVE/Helium (M55/M85).
 */
import type { CoreKind } from '../targets/target';
import { cmsisNnKernels, type CmsisArch } from './cmsisNnKernels';
import { TFLM_KERNELS, type KernelTable } from './tflmKernels';

export const KERNEL_LIBRARIES = ['reference', 'cmsis-nn'] as const;
export type KernelLibraryName = (typeof KERNEL_LIBRARIES)[number];

export interface KernelLibrary {
  readonly name: string;
  readonly table: KernelTable;
  /**
   * Share of the persistent bytes added to the error band for what no golden build pins
   * down. CMSIS-NN: the one measurement we have (person_detect on Corstone-300, TFLM's
   * benchmarking README) has a tail 6.7% above our estimate.
   */
  readonly tailErrorShare: number;
}

export function cmsisArchFor(core: CoreKind | undefined): CmsisArch {
  switch (core) {
    case 'cortex-m0plus':
    case 'cortex-m3':
    case 'rv32imc':
    case 'rv32imac':
    case 'xtensa-lx6':
    case 'xtensa-lx7':
      return 'none';
    case 'cortex-m55':
    case 'cortex-m85':
      return 'mve';
    default:
      return 'dsp';
  }
}

/** `core` chooses CMSIS-NN's path; without one, the DSP path of the common M4/M7/M33. */
export function kernelLibrary(name: string, core?: CoreKind): KernelLibrary | undefined {
  if (name === 'reference') return { name, table: TFLM_KERNELS, tailErrorShare: 0 };
  if (name === 'cmsis-nn') {
    const arch = cmsisArchFor(core);
    return { name: `cmsis-nn (${arch})`, table: { ...TFLM_KERNELS, ...cmsisNnKernels(arch) }, tailErrorShare: 0.07 };
  }
  return undefined;
}
