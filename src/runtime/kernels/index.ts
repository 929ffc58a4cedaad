/** Every kernel the runtime has, by TFLite builtin name. */
import type { KernelRegistry } from '../types';
import { KERNELS as CONV } from './conv';
import { KERNELS as ELEMENTWISE } from './elementwise';
import { KERNELS as SHAPE } from './shape';

export const KERNELS: KernelRegistry = { ...CONV, ...ELEMENTWISE, ...SHAPE };
