/**
 * What drives an operator's run time on an MCU, read off one analysed layer: its MACs by kind
 * (standard conv, pointwise, depthwise, fully connected, other MAC ops), the activation bytes it
 * reads and writes in the arena, the weight bytes it streams from flash, its element operations
 * and the fixed cost of invoking it. The latency model multiplies these by per-library
 * coefficients; the fit sums them per model. One function for both, so the two never disagree.
 */
import type { LayerReport } from '../analysis/analyzeModel';
import { cmsisNnKernels } from '../analysis/cmsisNnKernels';
import type { KernelLibraryId } from '../analysis/kernelLibrary';

export const MAC_TERMS = ['conv', 'pointwise', 'depthwise', 'fullyConnected', 'otherMac'] as const;
export type MacTerm = (typeof MAC_TERMS)[number];

export const SCALAR_TERMS = ['activationByte', 'weightByte', 'elementOp', 'operator'] as const;
export type ScalarTerm = (typeof SCALAR_TERMS)[number];

export const TERMS = [...MAC_TERMS, ...SCALAR_TERMS] as const;
export type Term = MacTerm | ScalarTerm;

/** Amount of each term in a layer or a model (MACs, bytes, element ops, operator count). */
export type TermSums = Readonly<Record<Term, number>>;

export function zeroTerms(): Record<Term, number> {
  return { conv: 0, pointwise: 0, depthwise: 0, fullyConnected: 0, otherMac: 0, activationByte: 0, weightByte: 0, elementOp: 0, operator: 0 };
}

export function isMacTerm(t: Term): t is MacTerm {
  return (MAC_TERMS as readonly string[]).includes(t);
}

/**
 * Ops the TFLM CMSIS-NN build overrides (the same table the arena estimate uses). Anything else,
 * and every float layer, runs TFLM's reference kernel even in a CMSIS-NN build.
 */
const CMSIS_OPS: ReadonlySet<string> = new Set(Object.keys(cmsisNnKernels('dsp')));

export function cmsisNnCovers(op: string): boolean {
  return CMSIS_OPS.has(op);
}

function macTerm(layer: LayerReport): MacTerm | null {
  switch (layer.kind) {
    case 'conv':
      return 'conv';
    case 'pointwise':
      return 'pointwise';
    case 'depthwise':
      return 'depthwise';
    case 'fully-connected':
      return 'fullyConnected';
    case 'transpose-conv':
    case 'matmul':
    case 'recurrent':
      return 'otherMac';
    default:
      return null;
  }
}

export interface LayerTerms {
  /** The library whose kernel runs this layer. */
  readonly library: KernelLibraryId;
  readonly terms: TermSums;
  /** Computes in float (TFLM's reference float kernels). */
  readonly float: boolean;
  /** The op's arithmetic is unknown (custom op): only its invocation is counted. */
  readonly costUnknown: boolean;
}

/**
 * The terms of one layer as built with `kernels`. A float layer on a core without an FPU is
 * weighted by `softFloatFactor` (the same loops, each multiply-add a library call).
 */
export function layerTerms(layer: LayerReport, kernels: KernelLibraryId, softFloatFactor = 1): LayerTerms {
  const library: KernelLibraryId = kernels === 'cmsis-nn' && !layer.float && cmsisNnCovers(layer.op) ? 'cmsis-nn' : 'reference';
  const t = zeroTerms();
  const costUnknown = layer.macs === null;
  const f = layer.float ? softFloatFactor : 1;
  const term = macTerm(layer);
  if (term && layer.macs !== null) t[term] = layer.macs * f;
  t.activationByte = layer.activationBytes + layer.inputActivationBytes;
  t.weightByte = layer.weightBytes;
  t.elementOp = (layer.elementOps ?? 0) * f;
  t.operator = 1;
  return { library, terms: t, float: layer.float, costUnknown };
}

export function addTerms(into: Record<Term, number>, add: TermSums, scale = 1): void {
  for (const k of TERMS) into[k] += add[k] * scale;
}
