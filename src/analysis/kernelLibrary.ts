/**
 * The kernel library a TFLM build links, which decides the kernels' arena data: the
 * reference kernels, or CMSIS-NN's optimized ones (falling back to reference for the ops
 * it does not override). CMSIS-NN picks its code path, and so its buffers, by the core's
 * extensions: none (M0+/M3), DSP (M4/M7/M33), MVE/Helium (M55/M85).
 */
import type { CoreKind } from '../targets/target';
import { cmsisNnKernels, type CmsisArch } from './cmsisNnKernels';
import { TFLM_KERNELS, type KernelTable } from './tflmKernels';

/** The kernel libraries we model; every surface (CLI, settings, worker, estimator) takes one of these. */
export const KERNEL_LIBRARIES = ['reference', 'cmsis-nn'] as const;
export type KernelLibraryId = (typeof KERNEL_LIBRARIES)[number];
/** What a TFLM build links unless told otherwise. */
export const DEFAULT_KERNEL_LIBRARY: KernelLibraryId = 'reference';

export type ParsedKernelLibrary = { readonly ok: true; readonly id: KernelLibraryId } | { readonly ok: false; readonly error: string };

export function isKernelLibraryId(value: unknown): value is KernelLibraryId {
  return (KERNEL_LIBRARIES as readonly unknown[]).includes(value);
}

/**
 * A kernel library from untrusted input (a CLI option, a setting). The caller adds where the
 * value came from to the error, which names the accepted values.
 */
export function parseKernelLibrary(value: unknown): ParsedKernelLibrary {
  if (isKernelLibraryId(value)) return { ok: true, id: value };
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  return { ok: false, error: `unknown kernel library ${shown}; use ${KERNEL_LIBRARIES.join(' or ')}` };
}

export interface KernelLibrary {
  readonly id: KernelLibraryId;
  /** For reports: the library and, for CMSIS-NN, its code path, e.g. `cmsis-nn (dsp)`. */
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
export function kernelLibrary(id: KernelLibraryId, core?: CoreKind): KernelLibrary {
  switch (id) {
    case 'reference':
      return { id, name: id, table: TFLM_KERNELS, tailErrorShare: 0 };
    case 'cmsis-nn': {
      const arch = cmsisArchFor(core);
      return { id, name: `cmsis-nn (${arch})`, table: { ...TFLM_KERNELS, ...cmsisNnKernels(arch) }, tailErrorShare: 0.07 };
    }
  }
}
