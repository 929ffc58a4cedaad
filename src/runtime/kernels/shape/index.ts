/** Kernels of this family, by TFLite builtin name. */
import type { KernelRegistry } from '../../types';

export const KERNELS: KernelRegistry = {};
