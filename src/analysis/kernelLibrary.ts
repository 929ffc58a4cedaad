/**
 * The kernel library a TFLM build links, which decides the kernels' arena data: the
 * reference kernels, or CMSIS-NN's optimized ones (falling back to reference for the ops
 * it does not override). CMSIS-NN picks its code path, and so its buffers, by the core's
 * extensions: none (M0+/M3), DSP (M4/M7/M33), MVE/Helium (M55/M85).
 */
import type { AnalysisNotice } from '../findings/notice';
import type { CoreKind } from '../targets/target';
import { cmsisNnKernels, type CmsisArch } from './cmsisNnKernels';
import { TFLM_KERNELS, type KernelTable } from './tflmKernels';

/** The kernel libraries we model; every surface (CLI, settings, worker, estimator) takes one of these. */
export const KERNEL_LIBRARIES = ['reference', 'cmsis-nn'] as const;
export type KernelLibraryId = (typeof KERNEL_LIBRARIES)[number];
/** What a TFLM build links when nothing says which core it is for. */
export const DEFAULT_KERNEL_LIBRARY: KernelLibraryId = 'reference';

/** The Arm Cortex-M cores, the ones CMSIS-NN is written for. */
export function isCortexM(core: string | undefined): boolean {
  return core?.startsWith('cortex-m') ?? false;
}

/**
 * The library a TFLM build for `core` links unless told otherwise: CMSIS-NN on a Cortex-M
 * (Arduino, Zephyr and the vendor SDKs build TFLM with it), the reference kernels on any
 * other core and when the core is unknown.
 */
export function defaultKernelLibrary(core: string | undefined): KernelLibraryId {
  return isCortexM(core) ? 'cmsis-nn' : DEFAULT_KERNEL_LIBRARY;
}

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
   * Share of the persistent bytes added to the error band for what no real build pins down.
   * 0 for both libraries: their kernels are checked against TFLM builds to the byte, and the
   * ops that are not carry their own band (UNVERIFIED_KERNEL_ERROR_BYTES each).
   */
  readonly tailErrorShare: number;
  /** Said beside the arena: the reference kernels on a core CMSIS-NN does not serve. */
  readonly notice?: AnalysisNotice;
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
      return {
        id,
        name: id,
        table: TFLM_KERNELS,
        tailErrorShare: 0,
        ...(core !== undefined && !isCortexM(core) ? { notice: { code: 'kernels-reference-core' as const, params: { core } } } : {}),
      };
    case 'cmsis-nn': {
      const arch = cmsisArchFor(core);
      return { id, name: `cmsis-nn (${arch})`, table: { ...TFLM_KERNELS, ...cmsisNnKernels(arch) }, tailErrorShare: 0 };
    }
  }
}
