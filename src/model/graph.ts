/**
 * The in-memory model that the analysis, the runtime and the quantizer share.
 *
 * It mirrors a .tflite file closely enough that `writeModel(readModel(bytes))` loses
 * nothing, while giving the parts every consumer needs (shapes, types, quantization,
 * operator codes) plain typed fields. Operator options are plain objects told apart by
 * `kind` (see ops.ts); nothing here is a flatc-generated class.
 */
import type { DType } from './dtype';
import type { OpOptions, OpOptions2 } from './tflite/options';

/** Quantization schemes beyond scale and zero point, kept so that writing the model loses nothing. */
export type QuantizationDetails =
  | { readonly kind: 'CustomQuantization'; readonly custom: readonly number[] }
  | { readonly kind: 'BlockwiseQuantization'; readonly scales: number; readonly zeroPoints: number; readonly blockSize: number }
  | {
      readonly kind: 'MultiAxisQuantization';
      readonly scales: number;
      readonly zeroPoints: number;
      readonly blockSize: number;
      readonly quantizedDimensions: readonly number[];
    };

/** Index vector of a sparse dimension, in the width the file stores it. */
export interface SparseIndexVector {
  readonly kind: 'Int32Vector' | 'Uint16Vector' | 'Uint8Vector';
  readonly values: readonly number[];
}

export interface DimensionMetadata {
  readonly format: 'DENSE' | 'SPARSE_CSR';
  readonly denseSize: number;
  readonly arraySegments?: SparseIndexVector;
  readonly arrayIndices?: SparseIndexVector;
}

/** How a sparse constant is laid out (TFLite's SparsityParameters). */
export interface SparsityParameters {
  readonly traversalOrder: readonly number[];
  readonly blockMap: readonly number[];
  readonly dimMetadata: readonly DimensionMetadata[];
}

/** Element type and shape inside a variant tensor. */
export interface VariantSubType {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly hasRank: boolean;
}

export interface TensorMap {
  readonly name: string | null;
  readonly tensorIndex: number;
}

/** A named entry point: which tensors of which subgraph are its inputs and outputs. */
export interface SignatureDef {
  readonly inputs: readonly TensorMap[];
  readonly outputs: readonly TensorMap[];
  readonly signatureKey: string | null;
  readonly subgraphIndex: number;
}

export interface ExternalBufferGroup {
  readonly name: string | null;
}

/** Weights kept in a file beside the model (newer schema). */
export interface ExternalBuffer {
  readonly id: number;
  readonly group: number;
  readonly offset: bigint;
  readonly length: bigint;
  readonly packing: string | null;
}

/** Affine quantization: real = scale * (q - zeroPoint), per tensor or along one axis. */
export interface QuantParams {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** Axis of a per-channel quantization; 0 when per tensor. */
  readonly quantizedDimension: number;
  readonly min?: readonly number[];
  readonly max?: readonly number[];
  /** Custom quantization schemes, kept only so that writing the model loses nothing. */
  readonly details?: QuantizationDetails;
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
  readonly sparsity?: SparsityParameters;
  readonly variantTensors?: readonly VariantSubType[];
  /** Index into `Graph.externalBuffers` (newer schema); 0 when the data is inline. */
  readonly externalBuffer: number;
}

export interface Operator {
  readonly opcodeIndex: number;
  /** Tensor indices; -1 marks an optional input that is absent. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly intermediates: readonly number[];
  /** The op's BuiltinOptions, as a plain object (`{ kind: 'Conv2DOptions', padding: 'SAME', … }`). */
  readonly options?: OpOptions;
  readonly options2?: OpOptions2;
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
  readonly signatureDefs: readonly SignatureDef[];
  readonly metadataBuffer: readonly number[];
  /** Weights stored in files beside the model (newer schema), kept for round trips. */
  readonly externalBufferGroups: readonly ExternalBufferGroup[];
  readonly externalBuffers: readonly ExternalBuffer[];
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
