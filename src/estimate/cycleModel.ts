/**
 * Cycles of one layer on a target: the kernel's uncalibrated work (kernels/layerKernel.ts) times
 * the library's calibrated efficiency, plus the flash wait states its weight reads pay, plus the
 * per-operator overhead. One function for the estimator and the fit, so the two never disagree.
 */
import type { LayerReport } from '../analysis/analyzeModel';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import type { KernelConstants } from './calibrationData';
import { computeCycles, layerKernel } from './kernels/layerKernel';
import type { CoreTiming } from './kernels/timing';

export interface CycleContext {
  readonly kernels: KernelLibraryId;
  readonly timing: CoreTiming;
  readonly fpu: boolean;
  readonly constants: KernelConstants;
  /** Flash wait states of one weight read at the target's clock. */
  readonly waitStates: number;
}

export interface LayerCycles {
  readonly library: KernelLibraryId;
  readonly kernel: string;
  /** The kernel's loops at the library's efficiency. */
  readonly compute: number;
  /** Flash waits of its weight reads. */
  readonly memory: number;
  /** Interpreter and Eval set-up. */
  readonly overhead: number;
  readonly total: number;
  readonly costUnknown: boolean;
}

export function layerCycles(layer: LayerReport, ctx: CycleContext): LayerCycles {
  const k = layerKernel(layer, ctx.kernels, ctx.timing, ctx.fpu);
  const compute = computeCycles(k) * ctx.constants.efficiency[k.library];
  const memory = k.weightWords * ctx.waitStates * ctx.constants.flashExposed;
  const overhead = ctx.constants.operatorCycles;
  return { library: k.library, kernel: k.kernel, compute, memory, overhead, total: compute + memory + overhead, costUnknown: k.costUnknown };
}

/** Cycles of a model's subgraph 0 (what one Invoke() runs). */
export function modelCycles(layers: readonly LayerReport[], ctx: CycleContext): number {
  let s = 0;
  for (const l of layers) if (l.subgraph === 0) s += layerCycles(l, ctx).total;
  return s;
}
