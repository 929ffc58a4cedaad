/**
 * .tflite bytes → Graph. Reads through the flatc-generated accessors over a bounds-checked
 * ByteBuffer, then checks every cross-reference, so that any later stage can index tensors,
 * buffers and operator codes without checking again.
 */
import { bytesFor, dtypeBits, dtypeFromCode } from '../dtype';
import { ModelFormatError } from '../errors';
import type {
  Buffer,
  DimensionMetadata,
  ExternalBuffer,
  ExternalBufferGroup,
  Graph,
  Metadata,
  Operator,
  OperatorCode,
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
import { calledSubgraphs } from '../ops';
import { CheckedByteBuffer } from './checkedByteBuffer';
import { DimensionType } from './generated/tflite/dimension-type';
import type { DimensionMetadataT } from './generated/tflite/dimension-metadata';
import type { ExternalBufferT } from './generated/tflite/external-buffer';
import type { ExternalBufferGroupT } from './generated/tflite/external-buffer-group';
import { Model } from './generated/tflite/model';
import type { OperatorT } from './generated/tflite/operator';
import { QuantizationDetails } from './generated/tflite/quantization-details';
import type { QuantizationParametersT } from './generated/tflite/quantization-parameters';
import type { SignatureDefT } from './generated/tflite/signature-def';
import { SparseIndexVector } from './generated/tflite/sparse-index-vector';
import type { SparsityParametersT } from './generated/tflite/sparsity-parameters';
import type { TensorT } from './generated/tflite/tensor';
import type { TensorMapT } from './generated/tflite/tensor-map';
import type { VariantSubTypeT } from './generated/tflite/variant-sub-type';
import { readOptions, readOptions2 } from './options';

export const TFLITE_IDENTIFIER = 'TFL3';

/** TFLite and TFLM size tensors with 32-bit integers; nothing larger is a real tensor. */
const MAX_ELEMENTS = 0x7fffffff;

/** Reads a .tflite file. Throws ModelFormatError, and nothing else, on a malformed file. */
export function readTflite(bytes: Uint8Array): Graph {
  try {
    return parse(bytes);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    // The accessors can still fail in ways the checks above them cannot foresee (a
    // misaligned typed-array view, a string that is not UTF-8): the file is still at fault.
    throw new ModelFormatError('bad-value', `malformed model: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parse(bytes: Uint8Array): Graph {
  if (bytes.length < 8) {
    throw new ModelFormatError('truncated', `the file is ${bytes.length} bytes; a .tflite model has at least 8`);
  }
  const identifier = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (identifier !== TFLITE_IDENTIFIER) {
    throw new ModelFormatError(
      'bad-identifier',
      `not a TFLite model: expected the identifier "${TFLITE_IDENTIFIER}" at bytes 4-7, found ${JSON.stringify(identifier)}`,
      4,
    );
  }
  const bb = new CheckedByteBuffer(bytes, 32 * bytes.length + 65536);
  const model = Model.getRootAsModel(bb);

  const buffers: Buffer[] = [];
  for (let i = 0; i < model.buffersLength(); i++) buffers.push(readBuffer(model, i, bytes));

  const operatorCodes: OperatorCode[] = [];
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const c = model.operatorCodes(i)!;
    const deprecatedBuiltinCode = c.deprecatedBuiltinCode();
    const builtinCode = c.builtinCode();
    const customCode = c.customCode();
    operatorCodes.push({
      // Files written before builtin_code existed leave it at 0 (ADD) and keep the real
      // code in the deprecated int8 field; newer files put 127 there for codes above it.
      builtin: Math.max(builtinCode, deprecatedBuiltinCode),
      builtinCode,
      deprecatedBuiltinCode,
      ...(customCode !== null ? { customCode } : {}),
      version: c.version(),
    });
  }

  const subgraphs: Subgraph[] = [];
  for (let s = 0; s < model.subgraphsLength(); s++) {
    const sg = model.subgraphs(s)!;
    const tensors: Tensor[] = [];
    for (let i = 0; i < sg.tensorsLength(); i++) tensors.push(toTensor(sg.tensors(i)!.unpack(), `subgraph ${s} tensor ${i}`));
    const operators: Operator[] = [];
    for (let i = 0; i < sg.operatorsLength(); i++) operators.push(toOperator(sg.operators(i)!.unpack(), `subgraph ${s} operator ${i}`));
    subgraphs.push({
      name: sg.name() ?? '',
      tensors,
      inputs: intList(sg.inputsLength(), (i) => sg.inputs(i)!),
      outputs: intList(sg.outputsLength(), (i) => sg.outputs(i)!),
      operators,
      debugMetadataIndex: sg.debugMetadataIndex(),
    });
  }

  const metadata: Metadata[] = [];
  for (let i = 0; i < model.metadataLength(); i++) {
    const m = model.metadata(i)!;
    metadata.push({ name: m.name() ?? '', buffer: m.buffer() });
  }

  const graph: Graph = {
    version: model.version(),
    description: model.description() ?? '',
    operatorCodes,
    subgraphs,
    buffers,
    metadata,
    signatureDefs: Array.from({ length: model.signatureDefsLength() }, (_, i) => toSignatureDef(model.signatureDefs(i)!.unpack())),
    metadataBuffer: intList(model.metadataBufferLength(), (i) => model.metadataBuffer(i)!),
    externalBufferGroups: Array.from({ length: model.externalBufferGroupsLength() }, (_, i) => toExternalBufferGroup(model.externalBufferGroups(i)!.unpack())),
    externalBuffers: Array.from({ length: model.externalBuffersLength() }, (_, i) => toExternalBuffer(model.externalBuffers(i)!.unpack())),
  };
  validate(graph);
  return graph;
}

function intList(length: number, at: (i: number) => number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = at(i);
  return out;
}

function readBuffer(model: Model, index: number, file: Uint8Array): Buffer {
  const b = model.buffers(index)!;
  const offset = b.offset();
  if (offset > 1n) {
    // Models over 2 GB keep their weights after the flatbuffer, addressed from the file start.
    const size = b.size();
    if (offset + size > BigInt(file.length)) {
      throw new ModelFormatError('out-of-range', `buffer ${index} claims ${size} bytes at file offset ${offset}, past the end of the ${file.length}-byte file`);
    }
    return { data: file.subarray(Number(offset), Number(offset + size)) };
  }
  // dataLength() has checked that the vector lies inside the file.
  return { data: b.dataLength() > 0 ? b.dataArray()! : new Uint8Array(0) };
}

function toTensor(t: TensorT, where: string): Tensor {
  const dtype = dtypeFromCode(t.type);
  if (dtype === undefined) throw new ModelFormatError('bad-value', `${where} has unknown type code ${t.type}`);
  const quantization = toQuant(t.quantization, where);
  return {
    name: typeof t.name === 'string' ? t.name : '',
    shape: t.shape,
    ...(t.shapeSignature.length > 0 ? { shapeSignature: t.shapeSignature } : {}),
    dtype,
    buffer: t.buffer,
    ...(quantization ? { quantization } : {}),
    isVariable: t.isVariable,
    hasRank: t.hasRank,
    ...(t.sparsity ? { sparsity: toSparsity(t.sparsity) } : {}),
    ...(t.variantTensors.length > 0 ? { variantTensors: t.variantTensors.map((v) => toVariantSubType(v, where)) } : {}),
    externalBuffer: t.externalBuffer,
  };
}

function toQuant(q: QuantizationParametersT | null, where: string): QuantParams | undefined {
  if (!q) return undefined;
  const details = toQuantizationDetails(q);
  const empty = q.scale.length === 0 && q.zeroPoint.length === 0 && q.min.length === 0 && q.max.length === 0 && !details;
  if (empty) return undefined;
  const zeroPoint = q.zeroPoint.map((z) => {
    if (z > BigInt(Number.MAX_SAFE_INTEGER) || z < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ModelFormatError('bad-value', `${where} has zero point ${z}, outside any integer type`);
    }
    return Number(z);
  });
  return {
    scale: q.scale,
    zeroPoint,
    quantizedDimension: q.quantizedDimension,
    ...(q.min.length > 0 ? { min: q.min } : {}),
    ...(q.max.length > 0 ? { max: q.max } : {}),
    ...(details ? { details } : {}),
  };
}

/** A union member the schema does not know, or one whose table is missing, is left out. */
function toQuantizationDetails(q: QuantizationParametersT): PlainQuantizationDetails | undefined {
  const d = q.details;
  if (!d) return undefined;
  switch (q.detailsType) {
    case QuantizationDetails.CustomQuantization:
      return 'custom' in d ? { kind: 'CustomQuantization', custom: d.custom } : undefined;
    case QuantizationDetails.BlockwiseQuantization:
      return 'blockSize' in d ? { kind: 'BlockwiseQuantization', scales: d.scales, zeroPoints: d.zeroPoints, blockSize: d.blockSize } : undefined;
    case QuantizationDetails.MultiAxisQuantization:
      return 'quantizedDimensions' in d
        ? { kind: 'MultiAxisQuantization', scales: d.scales, zeroPoints: d.zeroPoints, blockSize: d.blockSize, quantizedDimensions: d.quantizedDimensions }
        : undefined;
    default:
      return undefined;
  }
}

function toSparsity(s: SparsityParametersT): SparsityParameters {
  return { traversalOrder: s.traversalOrder, blockMap: s.blockMap, dimMetadata: s.dimMetadata.map(toDimensionMetadata) };
}

function toDimensionMetadata(d: DimensionMetadataT): DimensionMetadata {
  const segments = toIndexVector(d.arraySegmentsType, d.arraySegments);
  const indices = toIndexVector(d.arrayIndicesType, d.arrayIndices);
  return {
    // DENSE is 0 and the only other value SPARSE_CSR; TFLite reads any non-zero format as sparse.
    format: d.format === DimensionType.DENSE ? 'DENSE' : 'SPARSE_CSR',
    denseSize: d.denseSize,
    ...(segments ? { arraySegments: segments } : {}),
    ...(indices ? { arrayIndices: indices } : {}),
  };
}

function toIndexVector(type: SparseIndexVector, v: { values: number[] } | null): PlainSparseIndexVector | undefined {
  if (!v) return undefined;
  const kind = SparseIndexVector[type];
  if (kind !== 'Int32Vector' && kind !== 'Uint16Vector' && kind !== 'Uint8Vector') return undefined;
  return { kind, values: v.values };
}

function toVariantSubType(v: VariantSubTypeT, where: string): VariantSubType {
  const dtype = dtypeFromCode(v.type);
  if (dtype === undefined) throw new ModelFormatError('bad-value', `${where} has a variant of unknown type code ${v.type}`);
  return { shape: v.shape, dtype, hasRank: v.hasRank };
}

function text(s: string | Uint8Array | null): string | null {
  return s === null || typeof s === 'string' ? s : new TextDecoder().decode(s);
}

function toTensorMap(m: TensorMapT): TensorMap {
  return { name: text(m.name), tensorIndex: m.tensorIndex };
}

function toSignatureDef(s: SignatureDefT): SignatureDef {
  return { inputs: s.inputs.map(toTensorMap), outputs: s.outputs.map(toTensorMap), signatureKey: text(s.signatureKey), subgraphIndex: s.subgraphIndex };
}

function toExternalBufferGroup(g: ExternalBufferGroupT): ExternalBufferGroup {
  return { name: text(g.name) };
}

function toExternalBuffer(b: ExternalBufferT): ExternalBuffer {
  return { id: b.id, group: b.group, offset: b.offset, length: b.length, packing: text(b.packing) };
}

function toOperator(o: OperatorT, where: string): Operator {
  const options = readOptions(o.builtinOptionsType, o.builtinOptions, where);
  const options2 = readOptions2(o.builtinOptions2Type, o.builtinOptions2, where);
  return {
    opcodeIndex: o.opcodeIndex,
    inputs: o.inputs,
    outputs: o.outputs,
    intermediates: o.intermediates,
    ...(options ? { options } : {}),
    ...(options2 ? { options2 } : {}),
    ...(o.customOptions.length > 0 ? { customOptions: Uint8Array.from(o.customOptions) } : {}),
    customOptionsFormat: o.customOptionsFormat,
    mutatingVariableInputs: o.mutatingVariableInputs,
    largeCustomOptionsOffset: o.largeCustomOptionsOffset,
    largeCustomOptionsSize: o.largeCustomOptionsSize,
    debugMetadataIndex: o.debugMetadataIndex,
  };
}

/** Checks every index and size so that consumers never meet a dangling reference. */
function validate(graph: Graph): void {
  const nBuffers = graph.buffers.length;
  graph.metadata.forEach((m, i) => {
    if (m.buffer < 0 || m.buffer >= nBuffers) {
      throw new ModelFormatError('bad-reference', `metadata ${i} ("${m.name}") names buffer ${m.buffer}; the model has ${nBuffers}`);
    }
  });
  graph.metadataBuffer.forEach((b, i) => {
    if (b < 0 || b >= nBuffers) throw new ModelFormatError('bad-reference', `metadata_buffer ${i} names buffer ${b}; the model has ${nBuffers}`);
  });
  graph.signatureDefs.forEach((sig, i) => {
    const sg = graph.subgraphs[sig.subgraphIndex];
    if (!sg) throw new ModelFormatError('bad-reference', `signature ${i} names subgraph ${sig.subgraphIndex}; the model has ${graph.subgraphs.length}`);
    for (const m of [...sig.inputs, ...sig.outputs]) {
      if (m.tensorIndex < 0 || m.tensorIndex >= sg.tensors.length) {
        throw new ModelFormatError(
          'bad-reference',
          `signature ${i} maps "${String(m.name)}" to tensor ${m.tensorIndex}; subgraph ${sig.subgraphIndex} has ${sg.tensors.length}`,
        );
      }
    }
  });
  graph.subgraphs.forEach((sg, s) => {
    const nTensors = sg.tensors.length;
    const checkTensorRef = (t: number, what: string, optional: boolean): void => {
      if (optional && t === -1) return;
      if (!Number.isInteger(t) || t < 0 || t >= nTensors) {
        throw new ModelFormatError('bad-reference', `${what} refers to tensor ${t}; subgraph ${s} has ${nTensors}`);
      }
    };
    sg.inputs.forEach((t, i) => checkTensorRef(t, `subgraph ${s} input ${i}`, false));
    sg.outputs.forEach((t, i) => checkTensorRef(t, `subgraph ${s} output ${i}`, false));
    sg.tensors.forEach((t, i) => validateTensor(graph, t, `subgraph ${s} tensor ${i} ("${t.name}")`));
    sg.operators.forEach((op, i) => {
      const where = `subgraph ${s} operator ${i}`;
      if (op.opcodeIndex < 0 || op.opcodeIndex >= graph.operatorCodes.length) {
        throw new ModelFormatError('bad-reference', `${where} uses operator code ${op.opcodeIndex}; the model has ${graph.operatorCodes.length}`);
      }
      op.inputs.forEach((t, k) => checkTensorRef(t, `${where} input ${k}`, true));
      op.outputs.forEach((t, k) => checkTensorRef(t, `${where} output ${k}`, false));
      op.intermediates.forEach((t, k) => checkTensorRef(t, `${where} intermediate ${k}`, false));
      for (const target of calledSubgraphs(op)) {
        if (target < 0 || target >= graph.subgraphs.length) {
          throw new ModelFormatError('bad-reference', `${where} calls subgraph ${target}; the model has ${graph.subgraphs.length}`);
        }
      }
    });
  });
}

function validateTensor(graph: Graph, t: Tensor, where: string): void {
  let elements = 1;
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0) throw new ModelFormatError('bad-shape', `${where} has dimension ${d} in its shape [${t.shape.join(', ')}]`);
    elements *= d;
    if (elements > MAX_ELEMENTS) {
      throw new ModelFormatError('bad-shape', `${where} has shape [${t.shape.join(', ')}], more elements than a 32-bit size can count`);
    }
  }
  if (t.buffer < 0 || t.buffer >= graph.buffers.length) {
    throw new ModelFormatError('bad-reference', `${where} refers to buffer ${t.buffer}; the model has ${graph.buffers.length}`);
  }
  const data = graph.buffers[t.buffer]!.data;
  if (data.length > 0 && dtypeBits(t.dtype) > 0 && !t.sparsity) {
    const packed = bytesFor(t.dtype, elements);
    // int4 weights are stored packed two to a byte, but older files kept one per byte.
    const unpacked = t.dtype === 'int4' ? elements : packed;
    if (data.length !== packed && data.length !== unpacked) {
      throw new ModelFormatError(
        'bad-value',
        `${where} is ${t.dtype}[${t.shape.join(', ')}] (${packed} bytes) but its buffer ${t.buffer} holds ${data.length} bytes`,
      );
    }
  }
  const q = t.quantization;
  if (q && q.scale.length > 1) {
    // person_detect's biases say dimension 3 on rank-1 tensors; TFLM reads them per
    // element, so a rank-1 tensor with one scale per element is accepted whatever it says.
    const axis = t.shape.length === 1 ? 0 : q.quantizedDimension;
    if (axis < 0 || axis >= t.shape.length) {
      throw new ModelFormatError('bad-value', `${where} is quantized along dimension ${q.quantizedDimension} of a rank-${t.shape.length} tensor`);
    }
    if (q.scale.length !== t.shape[axis]) {
      throw new ModelFormatError('bad-value', `${where} has ${q.scale.length} scales for ${t.shape[axis]} channels along dimension ${axis}`);
    }
  }
  if (q && q.zeroPoint.length > 0 && q.scale.length > 0 && q.zeroPoint.length !== q.scale.length) {
    throw new ModelFormatError('bad-value', `${where} has ${q.scale.length} scales but ${q.zeroPoint.length} zero points`);
  }
}
