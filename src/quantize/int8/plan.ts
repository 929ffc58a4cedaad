/**
 * The int8 plan: what each stage of buildInt8Graph decided, as one record a reader (or a
 * test) can inspect. Stages fill it in order; each reads only the parts before it.
 * (Stages take their inputs as arguments and never import this file.)
 */
import type { Int8Source } from './source';
import type { ScaleGroups } from './scaleGroups';
import type { TensorPlan } from './tensorPlan';
import type { WeightPlan } from './weights';
import type { OperatorRewrite } from './rewrite';
import type { ModelIo } from './io';

export interface Int8Plan {
  /** The float graph, with the layers the int8 path quantizes. */
  readonly source: Int8Source;
  /** 1. Tensor forms that share one scale and zero point (per integer type), and the inputs requantized between groups. */
  readonly groups: ScaleGroups;
  /** 2. Per float tensor: its int8, int16 and float forms and their parameters; constants quantized. */
  readonly tensors: TensorPlan;
  /** 2b. Per weighted layer: int8 weights (per channel or per tensor) and int32 biases (int64 in 16x8 layers). */
  readonly weights: WeightPlan;
  /** 3. The new operator list: quantized layers, kept-float ones, QUANTIZE/DEQUANTIZE between. */
  readonly rewrite: OperatorRewrite;
  /** 4. The model's inputs and outputs, and the operator versions of the int8 signatures. */
  readonly io: ModelIo;
  /** The version of each operator of `rewrite.ops`. */
  readonly versions: readonly number[];
  /** Comparison layers kept in float because an int8 input's scale would abort TFLM (comparisonScale.ts). */
  readonly floatComparisons: readonly number[];
}
