/**
 * Graph → .tflite bytes, with the same generated code the reader uses. Small tables go
 * through the object API's pack(); weight buffers are copied in one piece and aligned to
 * 16 bytes as the schema asks (`force_align: 16`), which the TypeScript generator ignores.
 */
import * as flatbuffers from 'flatbuffers';
import { dtypeCode } from '../dtype';
import { ModelFormatError } from '../errors';
import type { Graph, Operator, QuantParams, Subgraph, Tensor } from '../graph';
import { Buffer as FbBuffer } from './generated/tflite/buffer';
import { BuiltinOptions } from './generated/tflite/builtin-options';
import { BuiltinOptions2 } from './generated/tflite/builtin-options2';
import { MetadataT } from './generated/tflite/metadata';
import { Model } from './generated/tflite/model';
import { Operator as FbOperator, OperatorT } from './generated/tflite/operator';
import { OperatorCodeT } from './generated/tflite/operator-code';
import { QuantizationDetails } from './generated/tflite/quantization-details';
import { QuantizationParametersT } from './generated/tflite/quantization-parameters';
import { SubGraphT } from './generated/tflite/sub-graph';
import { TensorT } from './generated/tflite/tensor';
import { TFLITE_IDENTIFIER } from './reader';
import * as generated from './generated/tflite';

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
  const signatureDefs = builder.createObjectOffsetList([...graph.signatureDefs]);
  const externalBufferGroups = builder.createObjectOffsetList([...graph.externalBufferGroups]);
  const externalBuffers = builder.createObjectOffsetList([...graph.externalBuffers]);

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
  return new SubGraphT(
    sg.tensors.map(toTensorT),
    [...sg.inputs],
    [...sg.outputs],
    sg.operators.map(toOperatorT),
    sg.name,
    sg.debugMetadataIndex,
  );
}

function toTensorT(t: Tensor): TensorT {
  return new TensorT(
    [...t.shape],
    dtypeCode(t.dtype),
    t.buffer,
    t.name,
    t.quantization ? toQuantT(t.quantization) : null,
    t.isVariable,
    t.sparsity ?? null,
    t.shapeSignature ? [...t.shapeSignature] : [],
    t.hasRank,
    t.variantTensors ? [...t.variantTensors] : [],
    t.externalBuffer,
  );
}

function toQuantT(q: QuantParams): QuantizationParametersT {
  return new QuantizationParametersT(
    q.min ? [...q.min] : [],
    q.max ? [...q.max] : [],
    [...q.scale],
    q.zeroPoint.map((z) => BigInt(z)),
    q.details?.type ?? QuantizationDetails.NONE,
    q.details?.value ?? null,
    q.quantizedDimension,
  );
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
  return new OperatorOut(
    op.opcodeIndex,
    [...op.inputs],
    [...op.outputs],
    op.builtinOptions ? builtinOptionsType(op) : BuiltinOptions.NONE,
    op.builtinOptions ?? null,
    op.customOptions ? Array.from(op.customOptions) : [],
    op.customOptionsFormat,
    [...op.mutatingVariableInputs],
    [...op.intermediates],
    op.largeCustomOptionsOffset,
    op.largeCustomOptionsSize,
    op.builtinOptions2 ? builtinOptions2Type(op) : BuiltinOptions2.NONE,
    op.builtinOptions2 ?? null,
    op.debugMetadataIndex,
  );
}

/**
 * Union tags by options class, from the generated barrel's export names (`Conv2DOptions` →
 * `Conv2DOptionsT`): export names survive bundling and minification, class names may not.
 */
function tagTable(tags: Record<string, string | number>): Map<unknown, number> {
  const exports = generated as unknown as Record<string, unknown>;
  const table = new Map<unknown, number>();
  for (const [name, tag] of Object.entries(tags)) {
    if (typeof tag === 'number' && exports[`${name}T`]) table.set(exports[`${name}T`], tag);
  }
  return table;
}
const OPTIONS_TAGS = tagTable(BuiltinOptions);
const OPTIONS2_TAGS = tagTable(BuiltinOptions2);

function builtinOptionsType(op: Operator): BuiltinOptions {
  return unionTag(op.builtinOptions!, OPTIONS_TAGS);
}

function builtinOptions2Type(op: Operator): BuiltinOptions2 {
  return unionTag(op.builtinOptions2!, OPTIONS2_TAGS);
}

function unionTag(value: object, table: Map<unknown, number>): number {
  const tag = table.get(value.constructor);
  if (tag === undefined) throw new ModelFormatError('unsupported', `operator options of kind ${value.constructor.name} have no union tag`);
  return tag;
}
