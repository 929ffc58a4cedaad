/**
 * The in-memory model that the analysis, the runtime and the quantizer share.
 *
 * It mirrors a .tflite file closely enough that `writeTflite(readTflite(bytes))` loses
 * nothing, while giving the parts every consumer needs (shapes, types, quantization,
 * operator codes) plain typed fields. Operator options keep the generated object-API
 * classes, so each op's options are typed (`Conv2DOptionsT`, `Pool2DOptionsT`, …) and can
 * be written back with the same generated code.
 */
import type { DType } from './dtype';
import type { OperatorT } from './tflite/generated/tflite/operator';
import type { SparsityParametersT } from './tflite/generated/tflite/sparsity-parameters';
import type { SignatureDefT } from './tflite/generated/tflite/signature-def';
import type { VariantSubTypeT } from './tflite/generated/tflite/variant-sub-type';
import type { QuantizationDetails } from './tflite/generated/tflite/quantization-details';
import type { ExternalBufferGroupT } from './tflite/generated/tflite/external-buffer-group';
import type { ExternalBufferT } from './tflite/generated/tflite/external-buffer';
import type { QuantizationParametersT } from './tflite/generated/tflite/quantization-parameters';

export type BuiltinOptionsValue = NonNullable<OperatorT['builtinOptions']>;
export type BuiltinOptions2Value = NonNullable<OperatorT['builtinOptions2']>;

/** Affine quantization: real = scale * (q - zeroPoint), per tensor or along one axis. */
export interface QuantParams {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** Axis of a per-channel quantization; 0 when per tensor. */
  readonly quantizedDimension: number;
  readonly min?: readonly number[];
  readonly max?: readonly number[];
  /** Custom quantization schemes, kept only so that writing the model loses nothing. */
  readonly details?: { readonly type: QuantizationDetails; readonly value: QuantizationParametersT['details'] };
}

export interface Tensor {
  readonly name: string;
  /** Static shape; a dynamic dimension is 1 here and -1 in `shapeSignature`. */
  readonly shape: readonly number[];
  readonly shapeSignature?: readonly number[];
  readonly dtype: DType;
  /** Index into `Graph.buffers`; buffer 0 is the empty sentinel, so 0 means "no data". */
  readonly buffer: number;
  readonly quantization?: QuantParams;
  readonly isVariable: boolean;
  readonly hasRank: boolean;
  readonly sparsity?: SparsityParametersT;
  readonly variantTensors?: readonly VariantSubTypeT[];
  /** Index into `Graph.externalBuffers` (newer schema); 0 when the data is inline. */
  readonly externalBuffer: number;
}

export interface Operator {
  readonly opcodeIndex: number;
  /** Tensor indices; -1 marks an optional input that is absent. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly intermediates: readonly number[];
  readonly builtinOptions?: BuiltinOptionsValue;
  readonly builtinOptions2?: BuiltinOptions2Value;
  readonly customOptions?: Uint8Array;
  readonly customOptionsFormat: number;
  readonly mutatingVariableInputs: readonly boolean[];
  readonly largeCustomOptionsOffset: bigint;
  readonly largeCustomOptionsSize: bigint;
  readonly debugMetadataIndex: number;
}

export interface OperatorCode {
  /** The operator, resolved as max(builtin_code, deprecated_builtin_code). */
  readonly builtin: number;
  /** Fields as stored, so that old files are written back as they were. */
  readonly builtinCode: number;
  readonly deprecatedBuiltinCode: number;
  readonly customCode?: string;
  readonly version: number;
}

export interface Buffer {
  /** The bytes (a view into the file when read); empty for activations. */
  readonly data: Uint8Array;
}

export interface Metadata {
  readonly name: string;
  readonly buffer: number;
}

export interface Subgraph {
  readonly name: string;
  readonly tensors: readonly Tensor[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly operators: readonly Operator[];
  readonly debugMetadataIndex: number;
}

export interface Graph {
  readonly version: number;
  readonly description: string;
  readonly operatorCodes: readonly OperatorCode[];
  /** Subgraph 0 is the one an interpreter runs; the others are bodies of WHILE/IF/CALL_ONCE. */
  readonly subgraphs: readonly Subgraph[];
  readonly buffers: readonly Buffer[];
  readonly metadata: readonly Metadata[];
  readonly signatureDefs: readonly SignatureDefT[];
  readonly metadataBuffer: readonly number[];
  /** Weights stored in files beside the model (newer schema), kept for round trips. */
  readonly externalBufferGroups: readonly ExternalBufferGroupT[];
  readonly externalBuffers: readonly ExternalBufferT[];
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True for tensors whose values live in the model (flash), not in the arena. */
export function isConstant(graph: Graph, tensor: Tensor): boolean {
  return tensor.buffer > 0 && (graph.buffers[tensor.buffer]?.data.length ?? 0) > 0;
}
