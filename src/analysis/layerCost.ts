/**
 * Arithmetic cost of one operator, by the convention in the README:
 * - CONV_2D: output elements × KH × KW × input channels per group
 * - DEPTHWISE_CONV_2D: output elements × KH × KW
 * - FULLY_CONNECTED: output elements × input features
 * - TRANSPOSE_CONV: input elements × KH × KW × output channels
 * - BATCH_MATMUL, SVDF, LSTM: their matrix products
 * Everything else counts element operations (outputs, or outputs × window for pooling),
 * reported apart from MACs. Ops we do not know report neither, and say so.
 */
import { elementCount, type Graph, type Operator, type Subgraph, type Tensor } from '../model/graph';
import { opName, optionsOf, type BuiltinName } from '../model/ops';

export type OpKind =
  | 'conv'
  | 'pointwise'
  | 'depthwise'
  | 'fully-connected'
  | 'transpose-conv'
  | 'matmul'
  | 'recurrent'
  | 'elementwise'
  | 'data-movement'
  | 'control-flow'
  | 'unknown';

export interface OpCost {
  readonly kind: OpKind;
  /** Multiply-accumulates, or undefined when the op's cost is unknown. */
  readonly macs: number | undefined;
  /** Element operations of ops that are not MAC-based (pooling, activations, adds…). */
  readonly elementOps: number | undefined;
}

/** Ops that only move or relabel data: no arithmetic worth counting. */
const DATA_MOVEMENT: ReadonlySet<string> = new Set<BuiltinName>([
  'RESHAPE',
  'SQUEEZE',
  'EXPAND_DIMS',
  'TRANSPOSE',
  'CONCATENATION',
  'PAD',
  'PADV2',
  'MIRROR_PAD',
  'STRIDED_SLICE',
  'SLICE',
  'GATHER',
  'GATHER_ND',
  'PACK',
  'UNPACK',
  'SPLIT',
  'SPLIT_V',
  'SHAPE',
  'DEPTH_TO_SPACE',
  'SPACE_TO_DEPTH',
  'BATCH_TO_SPACE_ND',
  'SPACE_TO_BATCH_ND',
  'BROADCAST_TO',
  'FILL',
  'ZEROS_LIKE',
  'CAST',
  'TILE',
  'REVERSE_V2',
  'EMBEDDING_LOOKUP',
  'DYNAMIC_UPDATE_SLICE',
]);
const CONTROL_FLOW: ReadonlySet<string> = new Set<BuiltinName>(['WHILE', 'IF', 'CALL_ONCE', 'CALL', 'VAR_HANDLE', 'READ_VARIABLE', 'ASSIGN_VARIABLE']);
/** Builtins whose element count is a fair measure of their work. */
const ELEMENTWISE: ReadonlySet<string> = new Set<BuiltinName>([
  'ADD',
  'SUB',
  'MUL',
  'DIV',
  'MAXIMUM',
  'MINIMUM',
  'SQUARED_DIFFERENCE',
  'POW',
  'ADD_N',
  'RELU',
  'RELU6',
  'RELU_N1_TO_1',
  'RELU_0_TO_1',
  'LEAKY_RELU',
  'PRELU',
  'ELU',
  'GELU',
  'HARD_SWISH',
  'LOGISTIC',
  'TANH',
  'SOFTMAX',
  'LOG_SOFTMAX',
  'EXP',
  'LOG',
  'SQRT',
  'RSQRT',
  'SQUARE',
  'ABS',
  'NEG',
  'SIN',
  'COS',
  'FLOOR',
  'CEIL',
  'ROUND',
  'QUANTIZE',
  'DEQUANTIZE',
  'EQUAL',
  'NOT_EQUAL',
  'LESS',
  'LESS_EQUAL',
  'GREATER',
  'GREATER_EQUAL',
  'LOGICAL_AND',
  'LOGICAL_OR',
  'LOGICAL_NOT',
  'SELECT',
  'SELECT_V2',
  'FLOOR_DIV',
  'FLOOR_MOD',
  'L2_NORMALIZATION',
  'RESIZE_BILINEAR',
  'RESIZE_NEAREST_NEIGHBOR',
  'CUMSUM',
  'ARG_MAX',
  'ARG_MIN',
  'MEAN',
  'SUM',
  'REDUCE_MAX',
  'REDUCE_MIN',
  'REDUCE_PROD',
  'REDUCE_ALL',
]);

function tensorAt(sg: Subgraph, index: number | undefined): Tensor | undefined {
  return index === undefined || index < 0 ? undefined : sg.tensors[index];
}

export function opCost(graph: Graph, sg: Subgraph, op: Operator): OpCost {
  const name = opName(graph, op);
  const out = tensorAt(sg, op.outputs[0]);
  const outElements = out ? elementCount(out.shape) : 0;
  const inp = tensorAt(sg, op.inputs[0]);
  const mac = (kind: OpKind, macs: number): OpCost => ({ kind, macs, elementOps: 0 });

  switch (name) {
    case 'CONV_2D': {
      const f = tensorAt(sg, op.inputs[1]);
      if (f?.shape.length !== 4) break;
      const [, kh, kw, cin] = f.shape as [number, number, number, number];
      return mac(kh === 1 && kw === 1 ? 'pointwise' : 'conv', outElements * kh * kw * cin);
    }
    case 'DEPTHWISE_CONV_2D': {
      const f = tensorAt(sg, op.inputs[1]);
      if (f?.shape.length !== 4) break;
      return mac('depthwise', outElements * f.shape[1]! * f.shape[2]!);
    }
    case 'FULLY_CONNECTED': {
      const f = tensorAt(sg, op.inputs[1]);
      if (!f || f.shape.length < 2) break;
      return mac('fully-connected', outElements * f.shape[f.shape.length - 1]!);
    }
    case 'TRANSPOSE_CONV': {
      const f = tensorAt(sg, op.inputs[1]);
      const x = tensorAt(sg, op.inputs[2]);
      if (!f || !x || f.shape.length !== 4) break;
      const [cout, kh, kw] = f.shape as [number, number, number, number];
      return mac('transpose-conv', elementCount(x.shape) * kh * kw * cout);
    }
    case 'BATCH_MATMUL': {
      if (!inp || inp.shape.length < 2) break;
      const adjX = optionsOf(op, 'BatchMatMulOptions')?.adjX ?? false;
      const k = inp.shape[inp.shape.length - (adjX ? 2 : 1)]!;
      return mac('matmul', outElements * k);
    }
    case 'SVDF': {
      const features = tensorAt(sg, op.inputs[1]);
      const time = tensorAt(sg, op.inputs[2]);
      if (!inp || !features || !time || !optionsOf(op, 'SVDFOptions')) break;
      const batch = inp.shape[0] ?? 1;
      const filters = features.shape[0] ?? 0;
      const inputSize = features.shape[1] ?? 0;
      const memory = time.shape[1] ?? 0;
      // Feature projection, then the time filter over the memory, per filter and batch.
      return mac('recurrent', batch * filters * (inputSize + memory));
    }
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
    case 'LSTM': {
      if (!inp) break;
      const timeMajor = optionsOf(op, 'UnidirectionalSequenceLSTMOptions')?.timeMajor ?? false;
      const steps = name === 'LSTM' ? 1 : ((timeMajor ? inp.shape[0] : inp.shape[1]) ?? 1);
      const batch = name === 'LSTM' ? (inp.shape[0] ?? 1) : ((timeMajor ? inp.shape[1] : inp.shape[0]) ?? 1);
      // Input-to-gate weights are inputs 1-4, recurrent weights 5-8, projection 16.
      let perStep = 0;
      for (const k of [1, 2, 3, 4, 5, 6, 7, 8, 16]) {
        const w = tensorAt(sg, op.inputs[k]);
        if (w && w.shape.length === 2) perStep += w.shape[0]! * w.shape[1]!;
      }
      return mac('recurrent', steps * batch * perStep);
    }
    default:
      break;
  }
  if (DATA_MOVEMENT.has(name)) return { kind: 'data-movement', macs: 0, elementOps: 0 };
  if (CONTROL_FLOW.has(name)) return { kind: 'control-flow', macs: 0, elementOps: 0 };
  if (name === 'AVERAGE_POOL_2D' || name === 'MAX_POOL_2D' || name === 'L2_POOL_2D') {
    const o = optionsOf(op, 'Pool2DOptions');
    const window = o ? o.filterWidth * o.filterHeight : 1;
    return { kind: 'elementwise', macs: 0, elementOps: outElements * window };
  }
  if (ELEMENTWISE.has(name)) {
    // Reductions do work per input element, everything else per output element.
    const reduces = ['MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD', 'ARG_MAX', 'ARG_MIN', 'SOFTMAX', 'LOG_SOFTMAX'].includes(name);
    return { kind: 'elementwise', macs: 0, elementOps: reduces && inp ? elementCount(inp.shape) : outElements };
  }
  return { kind: 'unknown', macs: undefined, elementOps: undefined };
}
