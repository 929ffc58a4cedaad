/**
 * Graph → .tflite bytes, with the same generated code the reader uses. Small tables go
 * through the object API's pack(); weight buffers are copied in one piece and aligned to
 * 16 bytes as the schema asks (`force_align: 16`), which the TypeScript generator ignores.
 */
import * as flatbuffers from 'flatbuffers';
import { dtypeCode } from '../dtype';
import { ModelFormatError } from '../errors';
import type {
  DimensionMetadata,
  ExternalBuffer,
  ExternalBufferGroup,
  Graph,
  Operator,
  QuantizationDetails as PlainQuantizationDetails,
  QuantParams,
  SignatureDef,
  SparseIndexVector as PlainSparseIndexVector,
  SparsityParameters,
  Subgraph,
  Tensor,
  TensorMap,
  VariantSubType,
} from '../graph';
import { BlockwiseQuantizationT } from './generated/tflite/blockwise-quantization';
import { Buffer as FbBuffer } from './generated/tflite/buffer';
import { BuiltinOptions } from './generated/tflite/builtin-options';
import { BuiltinOptions2 } from './generated/tflite/builtin-options2';
import { CustomQuantizationT } from './generated/tflite/custom-quantization';
import { DimensionMetadataT } from './generated/tflite/dimension-metadata';
import { DimensionType } from './generated/tflite/dimension-type';
import { ExternalBufferT } from './generated/tflite/external-buffer';
import { ExternalBufferGroupT } from './generated/tflite/external-buffer-group';
import { Int32VectorT } from './generated/tflite/int32-vector';
import { MetadataT } from './generated/tflite/metadata';
import { Model } from './generated/tflite/model';
import { MultiAxisQuantizationT } from './generated/tflite/multi-axis-quantization';
import { Operator as FbOperator, OperatorT } from './generated/tflite/operator';
import { OperatorCodeT } from './generated/tflite/operator-code';
import { QuantizationDetails } from './generated/tflite/quantization-details';
import { QuantizationParametersT } from './generated/tflite/quantization-parameters';
import { SignatureDefT } from './generated/tflite/signature-def';
import { SparseIndexVector } from './generated/tflite/sparse-index-vector';
import { SparsityParametersT } from './generated/tflite/sparsity-parameters';
import { SubGraphT } from './generated/tflite/sub-graph';
import { TensorT } from './generated/tflite/tensor';
import { TensorMapT } from './generated/tflite/tensor-map';
import { Uint16VectorT } from './generated/tflite/uint16-vector';
import { Uint8VectorT } from './generated/tflite/uint8-vector';
import { VariantSubTypeT } from './generated/tflite/variant-sub-type';
import { writeOptions, writeOptions2 } from './options';
import { TFLITE_IDENTIFIER } from './reader';

const BUFFER_ALIGNMENT = 16;
/** Flatbuffer offsets are 32-bit; bigger models need the external-buffer layout. */
const MAX_FLATBUFFER_BYTES = 0x7fffffff;

/**
 * The builder leaves out a field equal to its default, and to JavaScript -0 equals 0, so a
 * stored -0.0 (a float option defaulting to 0) would come back as +0.0. Writing -0 keeps
 * read → write → read lossless to the bit.
 */
class LosslessBuilder extends flatbuffers.Builder {
  override addFieldFloat32(voffset: number, value: number, defaultValue: number): void {
    if (Object.is(value, -0) && defaultValue === 0) {
      this.addFloat32(value);
      this.slot(voffset);
    } else super.addFieldFloat32(voffset, value, defaultValue);
  }

  override addFieldFloat64(voffset: number, value: number, defaultValue: number): void {
    if (Object.is(value, -0) && defaultValue === 0) {
      this.addFloat64(value);
      this.slot(voffset);
    } else super.addFieldFloat64(voffset, value, defaultValue);
  }
}

/** Serializes a Graph. Never mutates it; the result is a fresh array. */
export function writeTflite(graph: Graph): Uint8Array {
  let payload = 0;
  for (const b of graph.buffers) payload += b.data.length + BUFFER_ALIGNMENT;
  if (payload > MAX_FLATBUFFER_BYTES) {
    throw new ModelFormatError('too-large', `the model holds ${payload} bytes of buffers; models over 2 GB are not written`);
  }
  const builder = new LosslessBuilder(Math.max(1024, payload + 64 * 1024));

  // Buffers first: they are most of the file, and building them while the builder is
  // still small keeps the doubling copies cheap.
  const bufferOffsets = graph.buffers.map((b) => {
    let data = 0;
    if (b.data.length > 0) {
      builder.prep(BUFFER_ALIGNMENT, b.data.length);
      data = builder.createByteVector(b.data);
    }
    FbBuffer.startBuffer(builder);
    if (data !== 0) FbBuffer.addData(builder, data);
    return FbBuffer.endBuffer(builder);
  });

  const operatorCodes = graph.operatorCodes.map((c) =>
    new OperatorCodeT(c.deprecatedBuiltinCode, c.customCode ?? null, c.version, c.builtinCode).pack(builder),
  );
  const subgraphs = graph.subgraphs.map((sg) => toSubGraphT(sg).pack(builder));
  const description = builder.createString(graph.description);
  const metadataBuffer = Model.createMetadataBufferVector(builder, [...graph.metadataBuffer]);
  const metadata = graph.metadata.map((m) => new MetadataT(m.name, m.buffer).pack(builder));
  const signatureDefs = builder.createObjectOffsetList(graph.signatureDefs.map(toSignatureDefT));
  const externalBufferGroups = builder.createObjectOffsetList(graph.externalBufferGroups.map(toExternalBufferGroupT));
  const externalBuffers = builder.createObjectOffsetList(graph.externalBuffers.map(toExternalBufferT));

  const root = Model.createModel(
    builder,
    graph.version,
    Model.createOperatorCodesVector(builder, operatorCodes),
    Model.createSubgraphsVector(builder, subgraphs),
    description,
    Model.createBuffersVector(builder, bufferOffsets),
    metadataBuffer,
    Model.createMetadataVector(builder, metadata),
    Model.createSignatureDefsVector(builder, signatureDefs),
    graph.externalBufferGroups.length > 0 ? Model.createExternalBufferGroupsVector(builder, externalBufferGroups) : 0,
    graph.externalBuffers.length > 0 ? Model.createExternalBuffersVector(builder, externalBuffers) : 0,
  );
  builder.finish(root, TFLITE_IDENTIFIER);
  return builder.asUint8Array().slice();
}

function toSubGraphT(sg: Subgraph): SubGraphT {
  return new SubGraphT(sg.tensors.map(toTensorT), [...sg.inputs], [...sg.outputs], sg.operators.map(toOperatorT), sg.name, sg.debugMetadataIndex);
}

function toTensorT(t: Tensor): TensorT {
  return new TensorT(
    [...t.shape],
    dtypeCode(t.dtype),
    t.buffer,
    t.name,
    t.quantization ? toQuantT(t.quantization) : null,
    t.isVariable,
    t.sparsity ? toSparsityT(t.sparsity) : null,
    t.shapeSignature ? [...t.shapeSignature] : [],
    t.hasRank,
    t.variantTensors ? t.variantTensors.map(toVariantSubTypeT) : [],
    t.externalBuffer,
  );
}

function toQuantT(q: QuantParams): QuantizationParametersT {
  return new QuantizationParametersT(
    q.min ? [...q.min] : [],
    q.max ? [...q.max] : [],
    [...q.scale],
    q.zeroPoint.map((z) => BigInt(z)),
    q.details ? QuantizationDetails[q.details.kind] : QuantizationDetails.NONE,
    q.details ? toQuantizationDetailsT(q.details) : null,
    q.quantizedDimension,
  );
}

function toQuantizationDetailsT(d: PlainQuantizationDetails): CustomQuantizationT | BlockwiseQuantizationT | MultiAxisQuantizationT {
  switch (d.kind) {
    case 'CustomQuantization':
      return new CustomQuantizationT([...d.custom]);
    case 'BlockwiseQuantization':
      return new BlockwiseQuantizationT(d.scales, d.zeroPoints, d.blockSize);
    case 'MultiAxisQuantization':
      return new MultiAxisQuantizationT(d.scales, d.zeroPoints, d.blockSize, [...d.quantizedDimensions]);
  }
}

function toSparsityT(s: SparsityParameters): SparsityParametersT {
  return new SparsityParametersT([...s.traversalOrder], [...s.blockMap], s.dimMetadata.map(toDimensionMetadataT));
}

function toDimensionMetadataT(d: DimensionMetadata): DimensionMetadataT {
  return new DimensionMetadataT(
    DimensionType[d.format],
    d.denseSize,
    d.arraySegments ? SparseIndexVector[d.arraySegments.kind] : SparseIndexVector.NONE,
    d.arraySegments ? toIndexVectorT(d.arraySegments) : null,
    d.arrayIndices ? SparseIndexVector[d.arrayIndices.kind] : SparseIndexVector.NONE,
    d.arrayIndices ? toIndexVectorT(d.arrayIndices) : null,
  );
}

function toIndexVectorT(v: PlainSparseIndexVector): Int32VectorT | Uint16VectorT | Uint8VectorT {
  switch (v.kind) {
    case 'Int32Vector':
      return new Int32VectorT([...v.values]);
    case 'Uint16Vector':
      return new Uint16VectorT([...v.values]);
    case 'Uint8Vector':
      return new Uint8VectorT([...v.values]);
  }
}

function toVariantSubTypeT(v: VariantSubType): VariantSubTypeT {
  return new VariantSubTypeT([...v.shape], dtypeCode(v.dtype), v.hasRank);
}

function toTensorMapT(m: TensorMap): TensorMapT {
  return new TensorMapT(m.name, m.tensorIndex);
}

function toSignatureDefT(s: SignatureDef): SignatureDefT {
  return new SignatureDefT(s.inputs.map(toTensorMapT), s.outputs.map(toTensorMapT), s.signatureKey, s.subgraphIndex);
}

function toExternalBufferGroupT(g: ExternalBufferGroup): ExternalBufferGroupT {
  return new ExternalBufferGroupT(g.name);
}

function toExternalBufferT(b: ExternalBuffer): ExternalBufferT {
  return new ExternalBufferT(b.id, b.group, b.offset, b.length, b.packing);
}

/**
 * The generated pack() always writes a custom_options vector, even an empty one, and TFLite
 * logs "Found builtin operator … with custom options" for a builtin op that has one: leave
 * the field out when there are no bytes, as the converter does.
 */
class OperatorOut extends OperatorT {
  override pack(builder: flatbuffers.Builder): flatbuffers.Offset {
    if (this.customOptions.length > 0) return super.pack(builder);
    const inputs = FbOperator.createInputsVector(builder, this.inputs);
    const outputs = FbOperator.createOutputsVector(builder, this.outputs);
    const builtinOptions = builder.createObjectOffset(this.builtinOptions);
    const mutatingVariableInputs = FbOperator.createMutatingVariableInputsVector(builder, this.mutatingVariableInputs);
    const intermediates = FbOperator.createIntermediatesVector(builder, this.intermediates);
    const builtinOptions2 = builder.createObjectOffset(this.builtinOptions2);
    return FbOperator.createOperator(
      builder,
      this.opcodeIndex,
      inputs,
      outputs,
      this.builtinOptionsType,
      builtinOptions,
      0,
      this.customOptionsFormat,
      mutatingVariableInputs,
      intermediates,
      this.largeCustomOptionsOffset,
      this.largeCustomOptionsSize,
      this.builtinOptions2Type,
      builtinOptions2,
      this.debugMetadataIndex,
    );
  }
}

function toOperatorT(op: Operator): OperatorT {
  const options = op.options ? writeOptions(op.options) : undefined;
  const options2 = op.options2 ? writeOptions2(op.options2) : undefined;
  return new OperatorOut(
    op.opcodeIndex,
    [...op.inputs],
    [...op.outputs],
    options?.tag ?? BuiltinOptions.NONE,
    (options?.table ?? null) as OperatorT['builtinOptions'],
    op.customOptions ? Array.from(op.customOptions) : [],
    op.customOptionsFormat,
    [...op.mutatingVariableInputs],
    [...op.intermediates],
    op.largeCustomOptionsOffset,
    op.largeCustomOptionsSize,
    options2?.tag ?? BuiltinOptions2.NONE,
    (options2?.table ?? null) as OperatorT['builtinOptions2'],
    op.debugMetadataIndex,
  );
}
