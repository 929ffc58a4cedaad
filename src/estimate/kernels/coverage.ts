/**
 * Ops the TFLM CMSIS-NN build overrides (the same table the arena estimate uses). Anything else,
 * and every float layer, runs TFLM's reference kernel even in a CMSIS-NN build.
 */
import { cmsisNnKernels } from '../../analysis/cmsisNnKernels';

const CMSIS_OPS: ReadonlySet<string> = new Set(Object.keys(cmsisNnKernels('dsp')));

export function cmsisNnCovers(op: string): boolean {
  return CMSIS_OPS.has(op);
}
