/**
 * The project's own small models, each built with GraphBuilder to exercise one trap of the
 * format or one rule of the analysis. Values come from a seeded generator so every run
 * writes the same bytes.
 */
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { prng } from '../../src/util/prng';
import { makeOptions } from '../../src/model/ops';

export { prng };

export function randomInt8(n: number, rand: () => number): Int8Array {
  return Int8Array.from({ length: n }, () => Math.floor(rand() * 255) - 127);
}

export function randomInt32(n: number, rand: () => number, range = 1000): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor((rand() * 2 - 1) * range));
}

export function randomFloat32(n: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

/**
 * int8 CONV_2D (per-channel, axis 0) → DEPTHWISE_CONV_2D (per-channel, axis 3) → AVERAGE_POOL
 * → RESHAPE → FULLY_CONNECTED → SOFTMAX on a 1×8×8×1 input. MACs: 2304 + 2304 + 12.
 */
export function tinyInt8ConvNet(): Graph {
  const r = prng(1);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const input = sg.tensor({ name: 'input', shape: [1, 8, 8, 1], dtype: 'int8', quantization: quant(0.02, -3) });
  const w1 = sg.tensor({ name: 'conv/w', shape: [4, 3, 3, 1], dtype: 'int8', data: randomInt8(36, r), quantization: quant([0.01, 0.02, 0.015, 0.03], 0, 0) });
  const b1 = sg.tensor({ name: 'conv/b', shape: [4], dtype: 'int32', data: randomInt32(4, r), quantization: quant([0.0002, 0.0004, 0.0003, 0.0006], 0, 0) });
  const a1 = sg.tensor({ name: 'conv/out', shape: [1, 8, 8, 4], dtype: 'int8', quantization: quant(0.05, -128) });
  const w2 = sg.tensor({ name: 'dw/w', shape: [1, 3, 3, 4], dtype: 'int8', data: randomInt8(36, r), quantization: quant([0.01, 0.01, 0.02, 0.02], 0, 3) });
  const b2 = sg.tensor({ name: 'dw/b', shape: [4], dtype: 'int32', data: randomInt32(4, r), quantization: quant([0.0005, 0.0005, 0.001, 0.001], 0, 0) });
  const a2 = sg.tensor({ name: 'dw/out', shape: [1, 8, 8, 4], dtype: 'int8', quantization: quant(0.04, -128) });
  const a3 = sg.tensor({ name: 'pool/out', shape: [1, 1, 1, 4], dtype: 'int8', quantization: quant(0.04, -128) });
  const shape = sg.tensor({ name: 'reshape/shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 4]) });
  const a4 = sg.tensor({ name: 'reshape/out', shape: [1, 4], dtype: 'int8', quantization: quant(0.04, -128) });
  const w5 = sg.tensor({ name: 'fc/w', shape: [3, 4], dtype: 'int8', data: randomInt8(12, r), quantization: quant(0.02) });
  const b5 = sg.tensor({ name: 'fc/b', shape: [3], dtype: 'int32', data: randomInt32(3, r), quantization: quant(0.0008) });
  const a5 = sg.tensor({ name: 'fc/out', shape: [1, 3], dtype: 'int8', quantization: quant(0.1, 10) });
  const out = sg.tensor({ name: 'output', shape: [1, 3], dtype: 'int8', quantization: quant(1 / 256, -128) });
  sg.op({
    op: 'CONV_2D',
    inputs: [input, w1, b1],
    outputs: [a1],
    options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' }),
    version: 3,
  })
    .op({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [a1, w2, b2],
      outputs: [a2],
      options: makeOptions('DepthwiseConv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 'RELU6' }),
      version: 3,
    })
    .op({
      op: 'AVERAGE_POOL_2D',
      inputs: [a2],
      outputs: [a3],
      options: makeOptions('Pool2DOptions', { padding: 'VALID', strideW: 8, strideH: 8, filterWidth: 8, filterHeight: 8 }),
      version: 2,
    })
    .op({ op: 'RESHAPE', inputs: [a3, shape], outputs: [a4], options: makeOptions('ReshapeOptions', { newShape: [1, 4] }) })
    .op({ op: 'FULLY_CONNECTED', inputs: [a4, w5, b5], outputs: [a5], options: makeOptions('FullyConnectedOptions'), version: 4 })
    .op({ op: 'SOFTMAX', inputs: [a5], outputs: [out], options: makeOptions('SoftmaxOptions', { beta: 1 }), version: 2 })
    .io([input], [out]);
  return g.build();
}

/** FLOAT16 weights behind DEQUANTIZE feeding a float CONV_2D, as the fp16 converter writes them. */
export function float16WeightsModel(): Graph {
  const r = prng(2);
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, 6, 6, 2], dtype: 'float32' });
  // Half-precision bit patterns of small values: sign, exponent 0b01100..0b01110, random mantissa.
  const half = Uint16Array.from({ length: 3 * 3 * 3 * 2 }, () => (r() < 0.5 ? 0x8000 : 0) | ((12 + Math.floor(r() * 3)) << 10) | Math.floor(r() * 1024));
  const w16 = sg.tensor({ name: 'w_fp16', shape: [3, 3, 3, 2], dtype: 'float16', data: half });
  const w32 = sg.tensor({ name: 'w_dequantized', shape: [3, 3, 3, 2], dtype: 'float32' });
  const bias = sg.tensor({ name: 'bias', shape: [3], dtype: 'float32', data: randomFloat32(3, r) });
  const out = sg.tensor({ name: 'output', shape: [1, 6, 6, 3], dtype: 'float32' });
  sg.op({ op: 'DEQUANTIZE', inputs: [w16], outputs: [w32], version: 3 })
    .op({ op: 'CONV_2D', inputs: [input, w32, bias], outputs: [out], options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }) })
    .io([input], [out]);
  return g.build();
}

/** A float FULLY_CONNECTED with int8 weights: dynamic-range ("hybrid") quantization. */
export function hybridModel(): Graph {
  const r = prng(3);
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, 16], dtype: 'float32' });
  const w = sg.tensor({ name: 'w', shape: [8, 16], dtype: 'int8', data: randomInt8(128, r), quantization: quant(0.01) });
  const b = sg.tensor({ name: 'b', shape: [8], dtype: 'float32', data: randomFloat32(8, r) });
  const out = sg.tensor({ name: 'output', shape: [1, 8], dtype: 'float32' });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [input, w, b],
    outputs: [out],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'RELU' }),
    version: 3,
  }).io([input], [out]);
  return g.build();
}

/** A CUSTOM op between two float tensors, as MediaPipe and TF ops leave in models. */
/**
 * A float SVDF (no int8 rule in the quantizer) feeding a FULLY_CONNECTED. The MNIST LSTM stood
 * in the quantizer's tests until the quantizer took UNIDIRECTIONAL_SEQUENCE_LSTM.
 */
export function svdfModel(): Graph {
  const r = prng(5);
  const data = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 8], dtype: 'float32' });
  const wf = sg.tensor({ name: 'wf', shape: [4, 8], dtype: 'float32', data: data(32) });
  const wt = sg.tensor({ name: 'wt', shape: [4, 3], dtype: 'float32', data: data(12) });
  const b = sg.tensor({ name: 'b', shape: [4], dtype: 'float32', data: data(4) });
  const st = sg.tensor({ name: 'state', shape: [1, 12], dtype: 'float32', isVariable: true });
  const y = sg.tensor({ name: 'y', shape: [1, 4], dtype: 'float32' });
  sg.op({ op: 'SVDF', inputs: [x, wf, wt, b, st], outputs: [y], options: makeOptions('SVDFOptions', { rank: 1, fusedActivationFunction: 'RELU' }) });
  const w = sg.tensor({ name: 'w', shape: [3, 4], dtype: 'float32', data: data(12) });
  const z = sg.tensor({ name: 'z', shape: [1, 3], dtype: 'float32' });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [y, w, -1], outputs: [z], options: makeOptions('FullyConnectedOptions', {}) });
  sg.io([x], [z]);
  return g.build();
}

export function customOpModel(): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, 10], dtype: 'float32' });
  const mid = sg.tensor({ name: 'mid', shape: [1, 10], dtype: 'float32' });
  const out = sg.tensor({ name: 'output', shape: [1, 10], dtype: 'float32' });
  sg.op({ op: { custom: 'MyVendorOp' }, inputs: [input], outputs: [mid], customOptions: Uint8Array.from([1, 2, 3, 4]) })
    .op({ op: 'RELU', inputs: [mid], outputs: [out] })
    .io([input], [out]);
  return g.build();
}

/**
 * A WHILE loop (counter < 10: counter += 1) and an IF choosing between two subgraphs:
 * five subgraphs in all, so planning and cost must walk more than subgraph 0.
 */
export function controlFlowModel(): Graph {
  const g = new GraphBuilder();
  const main = g.subgraph('main');
  const cond = g.subgraph('cond');
  const body = g.subgraph('body');
  const thenG = g.subgraph('then');
  const elseG = g.subgraph('else');

  const x = main.tensor({ name: 'x', shape: [1, 64], dtype: 'float32' });
  const flag = main.tensor({ name: 'flag', shape: [1], dtype: 'bool' });
  const looped = main.tensor({ name: 'looped', shape: [1, 64], dtype: 'float32' });
  const out = main.tensor({ name: 'output', shape: [1, 64], dtype: 'float32' });
  main
    .op({ op: 'WHILE', inputs: [x], outputs: [looped], options: makeOptions('WhileOptions', { condSubgraphIndex: 1, bodySubgraphIndex: 2 }) })
    .op({ op: 'IF', inputs: [flag, looped], outputs: [out], options: makeOptions('IfOptions', { thenSubgraphIndex: 3, elseSubgraphIndex: 4 }) })
    .io([x, flag], [out]);

  const cx = cond.tensor({ name: 'cx', shape: [1, 64], dtype: 'float32' });
  const sumAxis = cond.tensor({ name: 'axis', shape: [1], dtype: 'int32', data: Int32Array.from([1]) });
  const total = cond.tensor({ name: 'total', shape: [1], dtype: 'float32' });
  const limit = cond.tensor({ name: 'limit', shape: [1], dtype: 'float32', data: Float32Array.from([640]) });
  const keepGoing = cond.tensor({ name: 'keep_going', shape: [1], dtype: 'bool' });
  cond
    .op({ op: 'SUM', inputs: [cx, sumAxis], outputs: [total] })
    .op({ op: 'LESS', inputs: [total, limit], outputs: [keepGoing] })
    .io([cx], [keepGoing]);

  const bx = body.tensor({ name: 'bx', shape: [1, 64], dtype: 'float32' });
  const one = body.tensor({ name: 'one', shape: [1], dtype: 'float32', data: Float32Array.from([1]) });
  const by = body.tensor({ name: 'by', shape: [1, 64], dtype: 'float32' });
  body.op({ op: 'ADD', inputs: [bx, one], outputs: [by], options: makeOptions('AddOptions') }).io([bx], [by]);

  for (const [sg, op] of [
    [thenG, 'RELU'],
    [elseG, 'TANH'],
  ] as const) {
    const i = sg.tensor({ name: 'in', shape: [1, 64], dtype: 'float32' });
    const o = sg.tensor({ name: 'out', shape: [1, 64], dtype: 'float32' });
    sg.op({ op, inputs: [i], outputs: [o] }).io([i], [o]);
  }
  return g.build();
}

/** A chain of float ops: input → a → b → c → output, 4 KB per activation. */
export function chainModel(offlineOffsets?: readonly number[]): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const names = ['input', 'a', 'b', 'c', 'output'];
  const ids = names.map((name) => sg.tensor({ name, shape: [1, 1024], dtype: 'float32' }));
  for (let i = 0; i + 1 < ids.length; i++) sg.op({ op: i % 2 === 0 ? 'RELU' : 'TANH', inputs: [ids[i]!], outputs: [ids[i + 1]!] });
  sg.io([ids[0]!], [ids[ids.length - 1]!]);
  if (offlineOffsets) g.addMetadata('OfflineMemoryAllocation', offlinePlanBytes(0, offlineOffsets));
  return g.build();
}

/** The OfflineMemoryAllocation metadata layout: version 1, subgraph, count, then offsets (-1 = plan online). */
export function offlinePlanBytes(subgraph: number, offsets: readonly number[]): Uint8Array {
  const words = Int32Array.from([1, subgraph, offsets.length, ...offsets]);
  return new Uint8Array(words.buffer);
}
