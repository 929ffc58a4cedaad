/**
 * A float32 MobileNetV2-like model at 224×224×3, written by our GraphBuilder with seeded
 * weights, for the float SIMD tests and the runtime bench (a larger model than the corpus
 * has): a 3×3 stride-2 stem, seven inverted-residual blocks (1×1 expand with RELU6, 3×3
 * depthwise with RELU6, 1×1 linear projection, and a residual ADD where the shape allows),
 * a 1×1 head, a global AVERAGE_POOL_2D and a FULLY_CONNECTED classifier: about 125 M
 * multiply-accumulates, every float op MobileNetV2 runs.
 */
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions } from '../../src/model/ops';
import { prng } from '../../src/util/prng';

/** Expansion factor, output channels, stride: MobileNetV2's first blocks, shortened. */
const BLOCKS: readonly (readonly [number, number, number])[] = [
  [1, 16, 1],
  [6, 24, 2],
  [6, 24, 1],
  [6, 32, 2],
  [6, 32, 1],
  [6, 64, 2],
  [6, 64, 1],
];

export function mobileNetV2Like(seed = 224): Graph {
  const random = prng(seed);
  const g = new GraphBuilder('MobileNetV2-like, written by TinyML Lens tests');
  const sg = g.subgraph('main');
  let n = 0;
  // Uniform weights with the variance that keeps activations of order 1 through RELU6.
  const weights = (shape: readonly number[], fanIn: number): number => {
    const limit = Math.sqrt(6 / fanIn);
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * limit);
    return sg.tensor({ name: `w${n++}`, shape, dtype: 'float32', data });
  };
  const bias = (c: number): number =>
    sg.tensor({ name: `b${n++}`, shape: [c], dtype: 'float32', data: Float32Array.from({ length: c }, () => (random() - 0.5) * 0.2) });
  const activation = (shape: readonly number[]): number => sg.tensor({ name: `a${n++}`, shape, dtype: 'float32' });
  const size = (h: number, stride: number): number => Math.ceil(h / stride);

  const conv = (x: number, h: number, inC: number, outC: number, k: number, stride: number, relu6: boolean): [number, number] => {
    const oh = size(h, stride);
    const y = activation([1, oh, oh, outC]);
    sg.op({
      op: 'CONV_2D',
      inputs: [x, weights([outC, k, k, inC], k * k * inC), bias(outC)],
      outputs: [y],
      options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: stride, strideH: stride, fusedActivationFunction: relu6 ? 'RELU6' : 'NONE' }),
      version: 1,
    });
    return [y, oh];
  };
  const depthwise = (x: number, h: number, c: number, stride: number): [number, number] => {
    const oh = size(h, stride);
    const y = activation([1, oh, oh, c]);
    sg.op({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [x, weights([1, 3, 3, c], 9), bias(c)],
      outputs: [y],
      options: makeOptions('DepthwiseConv2DOptions', {
        padding: 'SAME',
        strideW: stride,
        strideH: stride,
        depthMultiplier: 1,
        fusedActivationFunction: 'RELU6',
      }),
      version: 1,
    });
    return [y, oh];
  };

  const input = sg.tensor({ name: 'input', shape: [1, 224, 224, 3], dtype: 'float32' });
  let [x, h] = conv(input, 224, 3, 32, 3, 2, true);
  let c = 32;
  for (const [t, outC, stride] of BLOCKS) {
    let [y, hy] = t === 1 ? [x, h] : conv(x, h, c, c * t, 1, 1, true);
    [y, hy] = depthwise(y, hy, c * t, stride);
    [y, hy] = conv(y, hy, c * t, outC, 1, 1, false);
    if (stride === 1 && outC === c) {
      const sum = activation([1, hy, hy, outC]);
      sg.op({ op: 'ADD', inputs: [x, y], outputs: [sum], options: makeOptions('AddOptions') });
      y = sum;
    }
    [x, h, c] = [y, hy, outC];
  }
  [x, h] = conv(x, h, c, 320, 1, 1, true);
  const pooled = activation([1, 1, 1, 320]);
  sg.op({
    op: 'AVERAGE_POOL_2D',
    inputs: [x],
    outputs: [pooled],
    options: makeOptions('Pool2DOptions', { padding: 'VALID', strideW: 1, strideH: 1, filterWidth: h, filterHeight: h }),
  });
  const logits = activation([1, 1000]);
  sg.op({ op: 'FULLY_CONNECTED', inputs: [pooled, weights([1000, 320], 320), bias(1000)], outputs: [logits], options: makeOptions('FullyConnectedOptions') });
  sg.io([input], [logits]);
  return g.build();
}
