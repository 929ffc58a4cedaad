/**
 * Small single-op models whose sizes walk through the branches of CMSIS-NN's buffer-size
 * functions (arm_*_get_buffer_size*) and TFLM's CMSIS-NN Prepare: the 1x1, 1xN and im2col
 * convolutions, the 3x3 and generic depthwise kernels and the one-input-channel depthwise that
 * MVE runs as a convolution, the fully connected kernel's kernel sums and its 1x1-conv route,
 * the average pool's accumulator, and the ops without buffers. Deterministic: the same models
 * every run, so the runners' answers can be compared byte for byte.
 */
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { writeModel } from '../../src/model/io';
import { makeOptions, type Padding } from '../../src/model/ops';

export interface ArenaCase {
  readonly name: string;
  readonly bytes: Uint8Array;
}

type Dtype = 'int8' | 'int16';

const filled = (n: number, f: (i: number) => number): Int8Array => Int8Array.from({ length: n }, (_, i) => f(i));
const weights = (n: number): Int8Array => filled(n, (i) => ((i * 37) % 255) - 127);
const biases = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => (i * 101) % 500);
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface ConvSpec {
  readonly input: readonly [number, number, number, number];
  readonly kernel: readonly [number, number];
  readonly outC: number;
  readonly stride?: readonly [number, number];
  readonly dilation?: number;
  readonly padding?: Padding;
  readonly dtype?: Dtype;
}

function outSize(padding: Padding, size: number, k: number, stride: number, dilation: number): number {
  const effective = (k - 1) * dilation + 1;
  return padding === 'SAME' ? Math.ceil(size / stride) : Math.floor((size - effective) / stride) + 1;
}

function conv(spec: ConvSpec, depthwise: boolean): ArenaCase {
  const [n, h, w, c] = spec.input;
  const [kh, kw] = spec.kernel;
  const [sh, sw] = spec.stride ?? [1, 1];
  const dil = spec.dilation ?? 1;
  const padding = spec.padding ?? 'SAME';
  const dtype = spec.dtype ?? 'int8';
  const oc = spec.outC;
  const oh = outSize(padding, h, kh, sh, dil);
  const ow = outSize(padding, w, kw, sw, dil);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const wShape = depthwise ? [1, kh, kw, oc] : [oc, kh, kw, c];
  const sIn = 0.02;
  const sW = Array.from({ length: oc }, (_, i) => 0.01 + 0.001 * i);
  const zp = dtype === 'int16' ? 0 : 3;
  const x = sg.tensor({ name: 'x', shape: [n, h, w, c], dtype, quantization: quant(sIn, zp) });
  const wt = sg.tensor({ name: 'w', shape: wShape, dtype: 'int8', data: weights(product(wShape)), quantization: quant(sW, 0, depthwise ? 3 : 0) });
  const bias =
    dtype === 'int16'
      ? sg.tensor({
          name: 'b',
          shape: [oc],
          dtype: 'int64',
          data: BigInt64Array.from({ length: oc }, (_, i) => BigInt(i)),
          quantization: quant(sW.map((s) => s * sIn)),
        })
      : sg.tensor({ name: 'b', shape: [oc], dtype: 'int32', data: biases(oc), quantization: quant(sW.map((s) => s * sIn)) });
  const y = sg.tensor({ name: 'y', shape: [n, oh, ow, oc], dtype, quantization: quant(0.5, zp === 0 ? 0 : -2) });
  const common = { padding, strideH: sh, strideW: sw, fusedActivationFunction: 'NONE' as const, dilationHFactor: dil, dilationWFactor: dil };
  sg.op(
    depthwise
      ? {
          op: 'DEPTHWISE_CONV_2D',
          inputs: [x, wt, bias],
          outputs: [y],
          options: makeOptions('DepthwiseConv2DOptions', { ...common, depthMultiplier: oc / c }),
          version: 3,
        }
      : { op: 'CONV_2D', inputs: [x, wt, bias], outputs: [y], options: makeOptions('Conv2DOptions', common), version: 3 },
  ).io([x], [y]);
  const name = `${depthwise ? 'dw' : 'conv'} ${dtype} ${spec.input.join('x')} k${kh}x${kw} oc${oc} s${sh},${sw} d${dil} ${padding}`;
  return { name, bytes: writeModel(g.build()) };
}

function fullyConnected(lead: readonly number[], accum: number, outD: number, keepNumDims: boolean, dtype: Dtype = 'int8'): ArenaCase {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const zp = dtype === 'int16' ? 0 : -1;
  const x = sg.tensor({ name: 'x', shape: [...lead, accum], dtype, quantization: quant(0.05, zp) });
  const w = sg.tensor({ name: 'w', shape: [outD, accum], dtype: 'int8', data: weights(outD * accum), quantization: quant(0.01) });
  const b =
    dtype === 'int16'
      ? sg.tensor({ name: 'b', shape: [outD], dtype: 'int64', data: BigInt64Array.from({ length: outD }, (_, i) => BigInt(i)), quantization: quant(0.0005) })
      : sg.tensor({ name: 'b', shape: [outD], dtype: 'int32', data: biases(outD), quantization: quant(0.0005) });
  const batches = product(lead);
  const y = sg.tensor({ name: 'y', shape: keepNumDims ? [...lead, outD] : [batches, outD], dtype, quantization: quant(0.2, zp) });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [x, w, b],
    outputs: [y],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'NONE', weightsFormat: 'DEFAULT', keepNumDims }),
    version: dtype === 'int16' ? 7 : 4,
  }).io([x], [y]);
  return { name: `fc ${dtype} ${[...lead, accum].join('x')} -> ${outD}${keepNumDims ? ' keep' : ''}`, bytes: writeModel(g.build()) };
}

function pool(
  op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D',
  input: readonly [number, number, number, number],
  k: number,
  stride: number,
  dtype: Dtype = 'int8',
): ArenaCase {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const [n, h, w, c] = input;
  const q = quant(0.1, dtype === 'int16' ? 0 : 5);
  const x = sg.tensor({ name: 'x', shape: input, dtype, quantization: q });
  const y = sg.tensor({ name: 'y', shape: [n, outSize('VALID', h, k, stride, 1), outSize('VALID', w, k, stride, 1), c], dtype, quantization: q });
  sg.op({
    op,
    inputs: [x],
    outputs: [y],
    options: makeOptions('Pool2DOptions', {
      padding: 'VALID',
      strideH: stride,
      strideW: stride,
      filterHeight: k,
      filterWidth: k,
      fusedActivationFunction: 'NONE',
    }),
  }).io([x], [y]);
  return { name: `${op.toLowerCase()} ${dtype} ${input.join('x')} k${k} s${stride}`, bytes: writeModel(g.build()) };
}

function addOrMul(op: 'ADD' | 'MUL', shape: readonly number[]): ArenaCase {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const a = sg.tensor({ name: 'a', shape, dtype: 'int8', quantization: quant(0.05, 1) });
  const b = sg.tensor({ name: 'b', shape, dtype: 'int8', quantization: quant(0.07, -3) });
  const y = sg.tensor({ name: 'y', shape, dtype: 'int8', quantization: quant(0.1, 2) });
  const options =
    op === 'ADD' ? makeOptions('AddOptions', { fusedActivationFunction: 'NONE' }) : makeOptions('MulOptions', { fusedActivationFunction: 'NONE' });
  sg.op({ op, inputs: [a, b], outputs: [y], options }).io([a, b], [y]);
  return { name: `${op.toLowerCase()} int8 ${shape.join('x')}`, bytes: writeModel(g.build()) };
}

function softmax(shape: readonly number[]): ArenaCase {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape, dtype: 'int8', quantization: quant(0.1, 4) });
  const y = sg.tensor({ name: 'y', shape, dtype: 'int8', quantization: quant(1 / 256, -128) });
  sg.op({ op: 'SOFTMAX', inputs: [x], outputs: [y], options: makeOptions('SoftmaxOptions', { beta: 1 }) }).io([x], [y]);
  return { name: `softmax int8 ${shape.join('x')}`, bytes: writeModel(g.build()) };
}

/** The cases, each small enough to run in well under a second on every emulated runner. */
export function arenaCases(): ArenaCase[] {
  return [
    // Convolution: im2col (odd column count), 1x1 fast and strided, 1xN rows, dilation, batch 2, int16.
    conv({ input: [1, 9, 9, 3], kernel: [3, 3], outC: 8 }, false),
    conv({ input: [1, 8, 8, 16], kernel: [1, 1], outC: 8 }, false),
    conv({ input: [1, 8, 8, 5], kernel: [1, 1], outC: 4, stride: [2, 2], padding: 'VALID' }, false),
    conv({ input: [1, 1, 20, 4], kernel: [1, 5], outC: 6 }, false),
    conv({ input: [1, 1, 21, 8], kernel: [1, 3], outC: 4, stride: [1, 2], padding: 'VALID' }, false),
    conv({ input: [1, 12, 12, 2], kernel: [3, 3], outC: 4, dilation: 2 }, false),
    conv({ input: [2, 6, 6, 3], kernel: [2, 2], outC: 5, padding: 'VALID' }, false),
    conv({ input: [1, 7, 7, 3], kernel: [3, 3], outC: 4, dtype: 'int16' }, false),
    // Depthwise: 3x3 with padding <= 1, generic 5x5, multiplier 2, one input channel, dilation, int16.
    conv({ input: [1, 10, 10, 8], kernel: [3, 3], outC: 8 }, true),
    conv({ input: [1, 10, 10, 6], kernel: [5, 5], outC: 6 }, true),
    conv({ input: [1, 8, 8, 3], kernel: [3, 3], outC: 6, stride: [2, 2] }, true),
    conv({ input: [1, 12, 10, 1], kernel: [4, 3], outC: 4, stride: [2, 2] }, true),
    conv({ input: [1, 9, 9, 4], kernel: [3, 3], outC: 4, dilation: 2 }, true),
    conv({ input: [1, 6, 6, 4], kernel: [3, 3], outC: 4, dtype: 'int16' }, true),
    // Fully connected: 2-D, rank 3, int16. (Rank 3 with a depth divisible by 4, which CMSIS-NN runs
    // as a 1x1 convolution, never returns from Invoke on the CMSIS-NN builds: see docs/arena.md.)
    fullyConnected([3], 20, 7, false),
    fullyConnected([2, 3], 10, 5, true),
    fullyConnected([2], 12, 6, false, 'int16'),
    // Pools, elementwise, softmax.
    pool('AVERAGE_POOL_2D', [1, 8, 8, 12], 2, 2),
    pool('AVERAGE_POOL_2D', [1, 6, 6, 5], 3, 1, 'int16'),
    pool('MAX_POOL_2D', [1, 8, 8, 12], 2, 2),
    addOrMul('ADD', [1, 4, 4, 6]),
    addOrMul('MUL', [1, 4, 4, 6]),
    softmax([2, 10]),
  ];
}
