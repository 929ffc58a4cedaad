/**
 * Builds a Graph op by op: the project's own fixtures, the example workspace and the
 * quantizer's output are all made with it and written by `writeModel`.
 */
import type { DType } from './dtype';
import type { Buffer, Graph, Metadata, Operator, OperatorCode, QuantParams, Subgraph, Tensor } from './graph';
import { builtinCode, type BuiltinName, type OpOptions, type OpOptions2 } from './ops';

/** TFLite keeps 127 in the old int8 field for every operator code above it. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

export type TensorData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Constant values (weights); absent for activations. */
  readonly data?: TensorData;
  readonly quantization?: QuantParams | undefined;
  readonly shapeSignature?: readonly number[];
  readonly isVariable?: boolean;
}

export interface OperatorSpec {
  readonly op: BuiltinName | { readonly custom: string };
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Plain options, usually from `makeOptions('Conv2DOptions', { … })`. */
  readonly options?: OpOptions;
  readonly options2?: OpOptions2;
  readonly customOptions?: Uint8Array;
  readonly intermediates?: readonly number[];
  readonly version?: number;
}

/** Little-endian bytes of a typed array (every platform Node runs on here is little-endian). */
export function toBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class SubgraphBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly operators: Operator[] = [];
  private inputs: number[] = [];
  private outputs: number[] = [];

  constructor(
    private readonly model: GraphBuilder,
    private readonly name: string,
  ) {}

  tensor(spec: TensorSpec): number {
    const buffer = spec.data ? this.model.addBuffer(toBytes(spec.data)) : 0;
    this.tensors.push({
      name: spec.name,
      shape: [...spec.shape],
      ...(spec.shapeSignature ? { shapeSignature: [...spec.shapeSignature] } : {}),
      dtype: spec.dtype,
      buffer,
      ...(spec.quantization ? { quantization: spec.quantization } : {}),
      isVariable: spec.isVariable ?? false,
      hasRank: false,
      externalBuffer: 0,
    });
    return this.tensors.length - 1;
  }

  op(spec: OperatorSpec): this {
    this.operators.push({
      opcodeIndex: this.model.opcode(spec.op, spec.version ?? 1),
      inputs: [...spec.inputs],
      outputs: [...spec.outputs],
      intermediates: spec.intermediates ? [...spec.intermediates] : [],
      ...(spec.options ? { options: spec.options } : {}),
      ...(spec.options2 ? { options2: spec.options2 } : {}),
      ...(spec.customOptions ? { customOptions: spec.customOptions } : {}),
      customOptionsFormat: 0,
      mutatingVariableInputs: [],
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
      debugMetadataIndex: -1,
    });
    return this;
  }

  io(inputs: readonly number[], outputs: readonly number[]): this {
    this.inputs = [...inputs];
    this.outputs = [...outputs];
    return this;
  }

  build(): Subgraph {
    return { name: this.name, tensors: this.tensors, inputs: this.inputs, outputs: this.outputs, operators: this.operators, debugMetadataIndex: -1 };
  }
}

export class GraphBuilder {
  // Buffer 0 is the empty sentinel every TFLite file starts with.
  private readonly buffers: Buffer[] = [{ data: new Uint8Array(0) }];
  private readonly operatorCodes: OperatorCode[] = [];
  private readonly subgraphs: SubgraphBuilder[] = [];
  private readonly metadata: Metadata[] = [];

  constructor(private readonly description = 'written by TinyML Lens') {}

  subgraph(name = ''): SubgraphBuilder {
    const sg = new SubgraphBuilder(this, name);
    this.subgraphs.push(sg);
    return sg;
  }

  addBuffer(data: Uint8Array): number {
    this.buffers.push({ data });
    return this.buffers.length - 1;
  }

  addMetadata(name: string, data: Uint8Array): this {
    this.metadata.push({ name, buffer: this.addBuffer(data) });
    return this;
  }

  /** The index of an operator code, added on first use (one entry per op and version). */
  opcode(op: BuiltinName | { readonly custom: string }, version: number): number {
    const builtin = builtinCode(typeof op === 'string' ? op : 'CUSTOM');
    const customCode = typeof op === 'string' ? undefined : op.custom;
    const found = this.operatorCodes.findIndex((c) => c.builtin === builtin && c.customCode === customCode && c.version === version);
    if (found >= 0) return found;
    this.operatorCodes.push({
      builtin,
      builtinCode: builtin,
      deprecatedBuiltinCode: Math.min(builtin, PLACEHOLDER_FOR_GREATER_OP_CODES),
      ...(customCode !== undefined ? { customCode } : {}),
      version,
    });
    return this.operatorCodes.length - 1;
  }

  build(): Graph {
    return {
      version: 3,
      description: this.description,
      operatorCodes: this.operatorCodes,
      subgraphs: this.subgraphs.map((s) => s.build()),
      buffers: this.buffers,
      metadata: this.metadata,
      signatureDefs: [],
      metadataBuffer: [],
      externalBufferGroups: [],
      externalBuffers: [],
    };
  }
}

/** Per-tensor or per-channel quantization parameters. */
export function quant(scale: number | readonly number[], zeroPoint: number | readonly number[] = 0, quantizedDimension = 0): QuantParams {
  const scales = typeof scale === 'number' ? [scale] : [...scale];
  const zps = typeof zeroPoint === 'number' ? scales.map(() => zeroPoint) : [...zeroPoint];
  return { scale: scales.map(Math.fround), zeroPoint: zps, quantizedDimension };
}
