/**
 * Single-op models over dtype combinations, for proving the op-support table
 * (src/analysis/opSupport) against the real TFLite Micro: for each builtin, one recipe builds an
 * otherwise valid model (shapes, constant helper inputs, options, fixed output quantization
 * where a kernel insists on it) whose activations, weights or output take the dtypes given. Not
 * random models of valid ops (that is test/helpers/randomModels.ts): here only the dtypes vary,
 * and most combinations are meant to be refused.
 */
import type { DType } from '../../src/model/dtype';
import type { Graph, Operator, QuantParams, Tensor } from '../../src/model/graph';
import { GraphBuilder, quant, type SubgraphBuilder } from '../../src/model/graphBuilder';
import { type BuiltinName, makeOptions, type OpOptions } from '../../src/model/ops';

/** The activation dtypes every op is tried with. */
export const ACTIVATION_DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool', 'float16'] as const satisfies readonly DType[];
/** The weight dtypes ops with weights are tried with. */
export const WEIGHT_DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int4', 'float16'] as const satisfies readonly DType[];

export interface SignatureCase {
  readonly op: BuiltinName;
  /** For constraintCases: what was changed in the valid model (`fused RELU`, `int16 zero point 5`, `another output quantization`). */
  readonly variant?: string;
  /** What varies: the activation dtype, the weights' (ops with weights), the output's (conversions). */
  readonly input: DType;
  readonly weights?: DType;
  readonly output?: DType;
  readonly build: () => Graph;
}

/** Per-tensor parameters every activation of a quantized type gets (int16: zero point 0, as TFLM's int16 kernels need). */
function activationQuant(dtype: DType): QuantParams | undefined {
  if (dtype === 'int8') return quant(0.05, 0);
  if (dtype === 'uint8') return quant(0.05, 128);
  if (dtype === 'int16') return quant(0.001, 0);
  return undefined;
}

const BYTES: Partial<Record<DType, number>> = { float32: 4, float16: 2, int32: 4, int64: 8, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** Raw little-endian bytes of `n` elements of `dtype`, each holding a small positive value. */
export function constantBytes(dtype: DType, n: number, value = 2): Uint8Array {
  if (dtype === 'int4') return new Uint8Array(Math.ceil(n / 2)).fill(((value & 0xf) << 4) | (value & 0xf));
  const size = BYTES[dtype];
  if (size === undefined) throw new Error(`no constant of ${dtype}`);
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  for (let k = 0; k < n; k++) {
    if (dtype === 'float32') view.setFloat32(k * 4, value / 4, true);
    else if (dtype === 'float16')
      view.setUint16(k * 2, 0x3800, true); // 0.5
    else if (dtype === 'int64') view.setBigInt64(k * 8, BigInt(value), true);
    else if (dtype === 'int32') view.setInt32(k * 4, value, true);
    else if (dtype === 'int16') view.setInt16(k * 2, value, true);
    else if (dtype === 'bool') out[k] = 1;
    else out[k] = value;
  }
  return out;
}

const int32s = (values: readonly number[]): Uint8Array => new Uint8Array(Int32Array.from(values).buffer);

/** One model under construction: the helpers every recipe uses. */
class Recipe {
  readonly g = new GraphBuilder('signature model');
  readonly sg: SubgraphBuilder = this.g.subgraph();
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];
  private count = 0;

  /** A graph input of `dtype`. */
  input(dtype: DType, shape: readonly number[], q: QuantParams | undefined = activationQuant(dtype)): number {
    const t = this.sg.tensor({ name: `in${this.count++}`, shape, dtype, quantization: q });
    this.inputs.push(t);
    return t;
  }
  /** A constant of `dtype` (weights, a second operand, an axis). */
  constant(dtype: DType, shape: readonly number[], data?: Uint8Array, q: QuantParams | undefined = activationQuant(dtype)): number {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.sg.tensor({ name: `c${this.count++}`, shape, dtype, data: data ?? constantBytes(dtype, n), quantization: q });
  }
  ints(values: readonly number[], shape: readonly number[] = [values.length]): number {
    return this.constant('int32', shape, int32s(values), undefined);
  }
  output(dtype: DType, shape: readonly number[], q: QuantParams | undefined = activationQuant(dtype)): number {
    const t = this.sg.tensor({ name: `out${this.count++}`, shape, dtype, quantization: q });
    this.outputs.push(t);
    return t;
  }
  op(op: BuiltinName, inputs: readonly number[], outputs: readonly number[], options?: OpOptions, version = 1): Graph {
    this.sg.op({ op, inputs, outputs, ...(options ? { options } : {}), version }).io(this.inputs, this.outputs);
    return this.g.build();
  }
}

const S4 = [1, 4, 4, 2] as const;
type Build = (t: DType, out: DType) => Graph;

/** x → op → y of the same shape. */
const unary =
  (op: BuiltinName, options?: OpOptions, outQuant?: (out: DType) => QuantParams | undefined): Build =>
  (t, o) => {
    const r = new Recipe();
    return r.op(op, [r.input(t, S4)], [r.output(o, S4, outQuant ? outQuant(o) : activationQuant(o))], options);
  };

/** x, constant c → op → y, broadcasting c over the last axis. */
const binary =
  (op: BuiltinName, options?: OpOptions, outType?: DType): Build =>
  (t, o) => {
    const r = new Recipe();
    return r.op(op, [r.input(t, S4), r.constant(t, [2])], [r.output(outType ?? o, S4)], options);
  };

/** x, x2 (both inputs) → op → y. */
const binaryInputs =
  (op: BuiltinName, options?: OpOptions, outType?: DType): Build =>
  (t, o) => {
    const r = new Recipe();
    return r.op(op, [r.input(t, S4), r.input(t, S4)], [r.output(outType ?? o, S4)], options);
  };

const pool =
  (op: BuiltinName): Build =>
  (t, o) => {
    const r = new Recipe();
    const options = makeOptions('Pool2DOptions', { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 });
    return r.op(op, [r.input(t, S4)], [r.output(o, [1, 2, 2, 2])], options);
  };

const reduce =
  (op: BuiltinName): Build =>
  (t, o) => {
    const r = new Recipe();
    return r.op(op, [r.input(t, S4), r.ints([1, 2])], [r.output(o, [1, 1, 1, 2])], makeOptions('ReducerOptions', { keepDims: true }));
  };

const SOFTMAX_OUT = (o: DType): QuantParams | undefined =>
  o === 'int8' ? quant(1 / 256, -128) : o === 'int16' ? quant(1 / 32768, 0) : o === 'uint8' ? quant(1 / 256, 0) : undefined;
const TANH_OUT = (o: DType): QuantParams | undefined =>
  o === 'int8' ? quant(1 / 128, 0) : o === 'int16' ? quant(1 / 32768, 0) : o === 'uint8' ? quant(1 / 128, 128) : undefined;
const LOG_SOFTMAX_OUT = (o: DType): QuantParams | undefined => (o === 'int8' ? quant(16 / 256, 127) : activationQuant(o));

/** Ops whose output dtype follows the input: built with output = input. */
const SAME_TYPE: Partial<Record<BuiltinName, Build>> = {
  ABS: unary('ABS'),
  CEIL: unary('CEIL'),
  COS: unary('COS'),
  ELU: unary('ELU'),
  EXP: unary('EXP'),
  FLOOR: unary('FLOOR'),
  HARD_SWISH: unary('HARD_SWISH'),
  L2_NORMALIZATION: unary('L2_NORMALIZATION', makeOptions('L2NormOptions'), (o) => (o === 'int8' ? quant(1 / 128, 0) : activationQuant(o))),
  LEAKY_RELU: unary('LEAKY_RELU', makeOptions('LeakyReluOptions', { alpha: 0.2 })),
  LOG: unary('LOG'),
  LOGISTIC: unary('LOGISTIC', undefined, SOFTMAX_OUT),
  LOG_SOFTMAX: unary('LOG_SOFTMAX', makeOptions('LogSoftmaxOptions'), LOG_SOFTMAX_OUT),
  LOGICAL_NOT: unary('LOGICAL_NOT'),
  NEG: unary('NEG'),
  RELU: unary('RELU'),
  RELU6: unary('RELU6'),
  ROUND: unary('ROUND'),
  // A constant input of 2: TFLM's int8 and int16 RSQRT fail the invoke on values below the zero point.
  RSQRT: (t, o) => {
    const r = new Recipe();
    return r.op('RSQRT', [r.constant(t, S4)], [r.output(o, S4)]);
  },
  SIN: unary('SIN'),
  SQRT: unary('SQRT'),
  SQUARE: unary('SQUARE'),
  TANH: unary('TANH', undefined, TANH_OUT),
  SOFTMAX: unary('SOFTMAX', makeOptions('SoftmaxOptions', { beta: 1 }), SOFTMAX_OUT),
  ZEROS_LIKE: unary('ZEROS_LIKE'),
  ADD: binary('ADD', makeOptions('AddOptions')),
  SUB: binary('SUB', makeOptions('SubOptions')),
  MUL: binary('MUL', makeOptions('MulOptions')),
  DIV: binary('DIV', makeOptions('DivOptions')),
  MAXIMUM: binary('MAXIMUM'),
  MINIMUM: binary('MINIMUM'),
  FLOOR_DIV: binary('FLOOR_DIV'),
  FLOOR_MOD: binary('FLOOR_MOD'),
  SQUARED_DIFFERENCE: binary('SQUARED_DIFFERENCE'),
  LOGICAL_AND: binaryInputs('LOGICAL_AND'),
  LOGICAL_OR: binaryInputs('LOGICAL_OR'),
  ADD_N: binaryInputs('ADD_N'),
  AVERAGE_POOL_2D: pool('AVERAGE_POOL_2D'),
  MAX_POOL_2D: pool('MAX_POOL_2D'),
  L2_POOL_2D: pool('L2_POOL_2D'),
  MEAN: reduce('MEAN'),
  SUM: reduce('SUM'),
  REDUCE_MAX: reduce('REDUCE_MAX'),
  RESHAPE: (t, o) => {
    const r = new Recipe();
    return r.op('RESHAPE', [r.input(t, S4), r.ints([1, 32])], [r.output(o, [1, 32])], makeOptions('ReshapeOptions', { newShape: [1, 32] }));
  },
  SQUEEZE: (t, o) => {
    const r = new Recipe();
    return r.op('SQUEEZE', [r.input(t, [1, 4, 1, 2])], [r.output(o, [1, 4, 2])], makeOptions('SqueezeOptions', { squeezeDims: [2] }));
  },
  EXPAND_DIMS: (t, o) => {
    const r = new Recipe();
    return r.op('EXPAND_DIMS', [r.input(t, [4, 2]), r.ints([0], [1])], [r.output(o, [1, 4, 2])]);
  },
  TRANSPOSE: (t, o) => {
    const r = new Recipe();
    return r.op('TRANSPOSE', [r.input(t, S4), r.ints([0, 3, 1, 2])], [r.output(o, [1, 2, 4, 4])]);
  },
  PAD: (t, o) => {
    const r = new Recipe();
    return r.op('PAD', [r.input(t, S4), r.ints([0, 0, 1, 1, 1, 1, 0, 0], [4, 2])], [r.output(o, [1, 6, 6, 2])]);
  },
  PADV2: (t, o) => {
    const r = new Recipe();
    return r.op('PADV2', [r.input(t, S4), r.ints([0, 0, 1, 1, 1, 1, 0, 0], [4, 2]), r.constant(t, [1])], [r.output(o, [1, 6, 6, 2])]);
  },
  MIRROR_PAD: (t, o) => {
    const r = new Recipe();
    return r.op('MIRROR_PAD', [r.input(t, S4), r.ints([0, 0, 1, 1, 1, 1, 0, 0], [4, 2])], [r.output(o, [1, 6, 6, 2])], makeOptions('MirrorPadOptions'));
  },
  CONCATENATION: (t, o) => {
    const r = new Recipe();
    return r.op('CONCATENATION', [r.input(t, S4), r.input(t, S4)], [r.output(o, [1, 4, 4, 4])], makeOptions('ConcatenationOptions', { axis: 3 }));
  },
  PACK: (t, o) => {
    const r = new Recipe();
    return r.op('PACK', [r.input(t, [4, 2]), r.input(t, [4, 2])], [r.output(o, [2, 4, 2])], makeOptions('PackOptions', { valuesCount: 2, axis: 0 }));
  },
  UNPACK: (t, o) => {
    const r = new Recipe();
    return r.op('UNPACK', [r.input(t, [2, 4, 2])], [r.output(o, [4, 2]), r.output(o, [4, 2])], makeOptions('UnpackOptions', { num: 2, axis: 0 }));
  },
  SPLIT: (t, o) => {
    const r = new Recipe();
    return r.op(
      'SPLIT',
      [r.ints([3], [1]), r.input(t, S4)],
      [r.output(o, [1, 4, 4, 1]), r.output(o, [1, 4, 4, 1])],
      makeOptions('SplitOptions', { numSplits: 2 }),
    );
  },
  SPLIT_V: (t, o) => {
    const r = new Recipe();
    return r.op(
      'SPLIT_V',
      [r.input(t, S4), r.ints([1, 3]), r.ints([1], [1])],
      [r.output(o, [1, 1, 4, 2]), r.output(o, [1, 3, 4, 2])],
      makeOptions('SplitVOptions', { numSplits: 2 }),
    );
  },
  SLICE: (t, o) => {
    const r = new Recipe();
    return r.op('SLICE', [r.input(t, S4), r.ints([0, 1, 1, 0]), r.ints([1, 2, 2, 2])], [r.output(o, [1, 2, 2, 2])]);
  },
  STRIDED_SLICE: (t, o) => {
    const r = new Recipe();
    return r.op(
      'STRIDED_SLICE',
      [r.input(t, S4), r.ints([0, 0, 0, 0]), r.ints([1, 4, 4, 2]), r.ints([1, 2, 2, 1])],
      [r.output(o, [1, 2, 2, 2])],
      makeOptions('StridedSliceOptions'),
    );
  },
  GATHER: (t, o) => {
    const r = new Recipe();
    return r.op('GATHER', [r.input(t, [4, 2]), r.ints([0, 3, 1])], [r.output(o, [3, 2])], makeOptions('GatherOptions', { axis: 0 }));
  },
  GATHER_ND: (t, o) => {
    const r = new Recipe();
    return r.op('GATHER_ND', [r.input(t, [4, 2]), r.ints([0, 3], [2, 1])], [r.output(o, [2, 2])]);
  },
  BATCH_TO_SPACE_ND: (t, o) => {
    const r = new Recipe();
    return r.op('BATCH_TO_SPACE_ND', [r.input(t, [4, 2, 2, 1]), r.ints([2, 2]), r.ints([0, 0, 0, 0], [2, 2])], [r.output(o, [1, 4, 4, 1])]);
  },
  SPACE_TO_BATCH_ND: (t, o) => {
    const r = new Recipe();
    return r.op('SPACE_TO_BATCH_ND', [r.input(t, [1, 4, 4, 1]), r.ints([2, 2]), r.ints([0, 0, 0, 0], [2, 2])], [r.output(o, [4, 2, 2, 1])]);
  },
  DEPTH_TO_SPACE: (t, o) => {
    const r = new Recipe();
    return r.op('DEPTH_TO_SPACE', [r.input(t, [1, 2, 2, 4])], [r.output(o, [1, 4, 4, 1])], makeOptions('DepthToSpaceOptions', { blockSize: 2 }));
  },
  SPACE_TO_DEPTH: (t, o) => {
    const r = new Recipe();
    return r.op('SPACE_TO_DEPTH', [r.input(t, [1, 4, 4, 1])], [r.output(o, [1, 2, 2, 4])], makeOptions('SpaceToDepthOptions', { blockSize: 2 }));
  },
  BROADCAST_TO: (t, o) => {
    const r = new Recipe();
    return r.op('BROADCAST_TO', [r.input(t, [1, 2]), r.ints([3, 2])], [r.output(o, [3, 2])]);
  },
  FILL: (t, o) => {
    const r = new Recipe();
    return r.op('FILL', [r.ints([2, 3]), r.input(t, [])], [r.output(o, [2, 3])]);
  },
  SELECT_V2: (t, o) => {
    const r = new Recipe();
    return r.op('SELECT_V2', [r.constant('bool', S4), r.input(t, S4), r.input(t, S4)], [r.output(o, S4)]);
  },
  CUMSUM: (t, o) => {
    const r = new Recipe();
    return r.op('CUMSUM', [r.input(t, S4), r.ints([1], [])], [r.output(o, S4)], makeOptions('CumsumOptions'));
  },
  EMBEDDING_LOOKUP: (t, o) => {
    const r = new Recipe();
    return r.op('EMBEDDING_LOOKUP', [r.ints([1, 0]), r.constant(t, [3, 2])], [r.output(o, [2, 2])]);
  },
  RESIZE_BILINEAR: (t, o) => {
    const r = new Recipe();
    return r.op('RESIZE_BILINEAR', [r.input(t, S4), r.ints([8, 8])], [r.output(o, [1, 8, 8, 2])], makeOptions('ResizeBilinearOptions'));
  },
  RESIZE_NEAREST_NEIGHBOR: (t, o) => {
    const r = new Recipe();
    return r.op('RESIZE_NEAREST_NEIGHBOR', [r.input(t, S4), r.ints([8, 8])], [r.output(o, [1, 8, 8, 2])], makeOptions('ResizeNearestNeighborOptions'));
  },
  BROADCAST_ARGS: (t, o) => {
    const r = new Recipe();
    // Both shapes constant: random shapes would not broadcast.
    return r.op(
      'BROADCAST_ARGS',
      [r.constant(t, [2], constantBytes(t, 2, 1), undefined), r.constant(t, [2], constantBytes(t, 2, 1), undefined)],
      [r.output(o, [2], undefined)],
    );
  },
  BATCH_MATMUL: (t, o) => {
    const r = new Recipe();
    return r.op('BATCH_MATMUL', [r.input(t, [1, 2, 3]), r.input(t, [1, 3, 4])], [r.output(o, [1, 2, 4])], makeOptions('BatchMatMulOptions'));
  },
  REVERSE_V2: (t, o) => {
    const r = new Recipe();
    return r.op('REVERSE_V2', [r.input(t, S4), r.ints([1])], [r.output(o, S4)]);
  },
  DYNAMIC_UPDATE_SLICE: (t, o) => {
    const r = new Recipe();
    return r.op('DYNAMIC_UPDATE_SLICE', [r.input(t, S4), r.input(t, [1, 2, 2, 2]), r.ints([0, 1, 1, 0])], [r.output(o, S4)]);
  },
  REDUCE_MIN: reduce('REDUCE_MIN'),
  REDUCE_ALL: reduce('REDUCE_ALL'),
};

/** Ops whose output is of a fixed type (bool, int32) whatever the input's. */
const FIXED_OUTPUT: Partial<Record<BuiltinName, { readonly outputs: readonly DType[]; readonly build: Build }>> = {
  EQUAL: { outputs: ['bool'], build: binary('EQUAL', undefined, 'bool') },
  NOT_EQUAL: { outputs: ['bool'], build: binary('NOT_EQUAL', undefined, 'bool') },
  GREATER: { outputs: ['bool'], build: binary('GREATER', undefined, 'bool') },
  GREATER_EQUAL: { outputs: ['bool'], build: binary('GREATER_EQUAL', undefined, 'bool') },
  LESS: { outputs: ['bool'], build: binary('LESS', undefined, 'bool') },
  LESS_EQUAL: { outputs: ['bool'], build: binary('LESS_EQUAL', undefined, 'bool') },
  ARG_MAX: {
    outputs: ['int32', 'int64'],
    build: (t, o) => {
      const r = new Recipe();
      return r.op(
        'ARG_MAX',
        [r.input(t, S4), r.ints([3], [1])],
        [r.output(o, [1, 4, 4])],
        makeOptions('ArgMaxOptions', { outputType: o === 'int64' ? 'INT64' : 'INT32' }),
      );
    },
  },
  ARG_MIN: {
    outputs: ['int32', 'int64'],
    build: (t, o) => {
      const r = new Recipe();
      return r.op(
        'ARG_MIN',
        [r.input(t, S4), r.ints([3], [1])],
        [r.output(o, [1, 4, 4])],
        makeOptions('ArgMinOptions', { outputType: o === 'int64' ? 'INT64' : 'INT32' }),
      );
    },
  },
  SHAPE: {
    outputs: ['int32', 'int64'],
    build: (t, o) => {
      const r = new Recipe();
      return r.op('SHAPE', [r.input(t, S4)], [r.output(o, [4])], makeOptions('ShapeOptions', { outType: o === 'int64' ? 'INT64' : 'INT32' }));
    },
  },
};

/**
 * QUANTIZE and DEQUANTIZE check for quantization parameters before types (quantize_common.cc):
 * every integer tensor gets some, so that the types decide.
 */
const quantizing =
  (op: BuiltinName): Build =>
  (t, o) => {
    const q = (d: DType): QuantParams | undefined => activationQuant(d) ?? (d === 'int32' || d === 'int64' ? quant(0.05, 0) : undefined);
    const r = new Recipe();
    return r.op(op, [r.input(t, S4, q(t))], [r.output(o, S4, q(o))]);
  };

/** Ops whose output dtype is free: every input × output pair is tried. */
const CONVERSIONS: Partial<Record<BuiltinName, Build>> = {
  QUANTIZE: quantizing('QUANTIZE'),
  DEQUANTIZE: quantizing('DEQUANTIZE'),
  CAST: unary('CAST'),
};

/** The bias dtype a weighted op gets for its activation dtype (what TFLite's converter writes). */
function biasType(t: DType): DType {
  if (t === 'int16') return 'int64';
  if (t === 'int8' || t === 'uint8') return 'int32';
  return t;
}

function weightQuant(w: DType, channels: number, axis: number): QuantParams | undefined {
  if (w === 'int8' || w === 'int4' || w === 'int16') return quant(new Array<number>(channels).fill(0.02), 0, axis);
  if (w === 'uint8') return quant(0.02, 128);
  return undefined;
}

/** Bias scale = input scale × weight scale, as TFLM checks it. */
function biasQuant(t: DType, b: DType, channels: number): QuantParams | undefined {
  const inputScale = activationQuant(t)?.scale[0] ?? 1;
  return b === 'int32' || b === 'int64' ? quant(new Array<number>(channels).fill(inputScale * 0.02), 0) : undefined;
}

type WeightedBuild = (t: DType, w: DType) => Graph;

const WEIGHTED: Partial<Record<BuiltinName, WeightedBuild>> = {
  PRELU: (t, w) => {
    const r = new Recipe();
    return r.op('PRELU', [r.input(t, S4), r.constant(w, [2], undefined, activationQuant(w))], [r.output(t, S4)]);
  },
  CONV_2D: (t, w) => {
    const r = new Recipe();
    const b = biasType(t);
    return r.op(
      'CONV_2D',
      [r.input(t, S4), r.constant(w, [3, 3, 3, 2], undefined, weightQuant(w, 3, 0)), r.constant(b, [3], undefined, biasQuant(t, b, 3))],
      [r.output(t, [1, 4, 4, 3])],
      makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }),
    );
  },
  DEPTHWISE_CONV_2D: (t, w) => {
    const r = new Recipe();
    const b = biasType(t);
    return r.op(
      'DEPTHWISE_CONV_2D',
      [r.input(t, S4), r.constant(w, [1, 3, 3, 2], undefined, weightQuant(w, 2, 3)), r.constant(b, [2], undefined, biasQuant(t, b, 2))],
      [r.output(t, S4)],
      makeOptions('DepthwiseConv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, depthMultiplier: 1 }),
    );
  },
  FULLY_CONNECTED: (t, w) => {
    const r = new Recipe();
    const b = biasType(t);
    return r.op(
      'FULLY_CONNECTED',
      [r.input(t, [1, 8]), r.constant(w, [3, 8], undefined, weightQuant(w, 1, 0)), r.constant(b, [3], undefined, biasQuant(t, b, 1))],
      [r.output(t, [1, 3])],
      makeOptions('FullyConnectedOptions'),
    );
  },
  TRANSPOSE_CONV: (t, w) => {
    const r = new Recipe();
    const b = biasType(t);
    return r.op(
      'TRANSPOSE_CONV',
      [r.ints([1, 4, 4, 3]), r.constant(w, [3, 3, 3, 2], undefined, weightQuant(w, 3, 0)), r.input(t, S4), r.constant(b, [3], undefined, biasQuant(t, b, 3))],
      [r.output(t, [1, 4, 4, 3])],
      makeOptions('TransposeConvOptions', { padding: 'SAME', strideW: 1, strideH: 1 }),
    );
  },
};

/** Every case: SAME_TYPE and WEIGHTED ops per input dtype (× weights), the others per input × output. */
export function signatureCases(): SignatureCase[] {
  const cases: SignatureCase[] = [];
  for (const [op, build] of Object.entries(SAME_TYPE) as [BuiltinName, Build][]) {
    for (const t of ACTIVATION_DTYPES) cases.push({ op, input: t, build: () => build(t, t) });
  }
  for (const [op, { outputs, build }] of Object.entries(FIXED_OUTPUT) as [BuiltinName, { outputs: readonly DType[]; build: Build }][]) {
    for (const t of ACTIVATION_DTYPES) for (const o of outputs) cases.push({ op, input: t, output: o, build: () => build(t, o) });
  }
  for (const [op, build] of Object.entries(CONVERSIONS) as [BuiltinName, Build][]) {
    for (const t of ACTIVATION_DTYPES)
      for (const o of ACTIVATION_DTYPES) if (o !== 'float16' || t !== 'float16') cases.push({ op, input: t, output: o, build: () => build(t, o) });
  }
  for (const [op, build] of Object.entries(WEIGHTED) as [BuiltinName, WeightedBuild][]) {
    for (const t of ACTIVATION_DTYPES) for (const w of WEIGHT_DTYPES) cases.push({ op, input: t, weights: w, build: () => build(t, w) });
  }
  return cases;
}

/** The natural cases to vary: float32, int8 and int16 activations, with float32 or int8 weights. */
function naturalCases(): SignatureCase[] {
  return signatureCases().filter(
    (c) =>
      (c.input === 'float32' || c.input === 'int8' || c.input === 'int16') &&
      (c.weights === undefined || c.weights === (c.input === 'float32' ? 'float32' : 'int8')) &&
      (c.output === undefined || c.output === c.input || (c.op !== 'QUANTIZE' && c.op !== 'DEQUANTIZE' && c.op !== 'CAST')),
  );
}

/** `graph` with its one operator and its tensors rewritten (plain data: copies, never in place). */
function rewrite(graph: Graph, op: (o: Operator) => Operator, tensor: (t: Tensor, k: number, o: Operator) => Tensor): Graph {
  const [sg] = graph.subgraphs;
  if (!sg?.operators[0]) throw new Error('a single-op model was expected');
  const o = sg.operators[0];
  return { ...graph, subgraphs: [{ ...sg, operators: [op(o)], tensors: sg.tensors.map((t, k) => tensor(t, k, o)) }] };
}

/** Where each weighted op's optional bias is among its inputs. */
const BIAS_SLOT: Readonly<Record<string, number>> = { CONV_2D: 2, DEPTHWISE_CONV_2D: 2, FULLY_CONNECTED: 2, TRANSPOSE_CONV: 3 };

/**
 * Variants of the natural cases that break one constraint beyond types (signatures.ts
 * Constraint): a fused activation where the op has the option, a zero point of 5 on every
 * int16 tensor, another scale and zero point on a quantized output. Most are still accepted:
 * only the kernels that check refuse them.
 */
export function constraintCases(): SignatureCase[] {
  const cases: SignatureCase[] = [];
  for (const c of naturalCases()) {
    const base = c.build();
    const options = base.subgraphs[0]?.operators[0]?.options;
    if (options && 'fusedActivationFunction' in options) {
      for (const activation of ['RELU', 'TANH'] as const) {
        cases.push({
          ...c,
          variant: `fused ${activation}`,
          build: () =>
            rewrite(
              c.build(),
              (o) => ({ ...o, options: { ...options, fusedActivationFunction: activation } as OpOptions }),
              (t) => t,
            ),
        });
      }
    }
    if (c.input === 'int16') {
      const zeroPoint5 = (t: Tensor): Tensor => (t.dtype === 'int16' && t.quantization ? { ...t, quantization: quant(t.quantization.scale[0] ?? 1, 5) } : t);
      cases.push({ ...c, variant: 'int16 zero point 5', build: () => rewrite(c.build(), (o) => o, zeroPoint5) });
    }
    if (c.input === 'int8' || c.input === 'int16') {
      const other = (t: Tensor, k: number, o: Operator): Tensor =>
        o.outputs.includes(k) && t.quantization && (t.dtype === 'int8' || t.dtype === 'int16')
          ? { ...t, quantization: quant(0.037, t.dtype === 'int8' ? 3 : 0) }
          : t;
      cases.push({ ...c, variant: 'another output quantization', build: () => rewrite(c.build(), (o) => o, other) });
    }
    // Without the optional bias: depthwise aborts without one, the other weighted ops take its absence.
    const biasSlot = BIAS_SLOT[c.op];
    if (biasSlot !== undefined && (base.subgraphs[0]?.operators[0]?.inputs.length ?? 0) > biasSlot) {
      const noBias = (o: Operator): Operator => ({ ...o, inputs: o.inputs.map((i, k) => (k === biasSlot ? -1 : i)) });
      cases.push({ ...c, variant: 'no bias', build: () => rewrite(c.build(), noBias, (t) => t) });
    }
  }
  return cases;
}
