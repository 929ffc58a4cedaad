/**
 * Example models for the example workspace and the benchmarks, written by our own writer:
 * the architectures of the field's two classic MCU workloads with random int8 weights.
 * - a DS-CNN keyword spotter (the doorbell's wake word): fits a Nano 33 BLE Sense;
 * - a MobileNetV1-style image classifier (the camera trap): too big for it, so the
 *   diagnostics have something to say.
 */
import type { Graph } from '../model/graph';
import { GraphBuilder, quant, type SubgraphBuilder } from '../model/graphBuilder';
import { prng } from '../util/prng';
import { makeOptions } from '../model/ops';

interface Activation {
  readonly id: number;
  readonly shape: readonly [number, number, number, number];
}

/** Appends int8 layers with plausible per-channel scales, NHWC, SAME padding. */
class Int8Net {
  private readonly rand: () => number;
  private count = 0;

  constructor(
    private readonly sg: SubgraphBuilder,
    seed: number,
  ) {
    this.rand = prng(seed);
  }

  input(shape: readonly [number, number, number, number]): Activation {
    return { id: this.sg.tensor({ name: 'input', shape, dtype: 'int8', quantization: quant(1 / 128, 0) }), shape };
  }

  private weights(name: string, shape: readonly number[], channels: number, axis: number): number {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Int8Array.from({ length: n }, () => Math.round((this.rand() * 2 - 1) * 127));
    const scales = Array.from({ length: channels }, () => 0.002 + this.rand() * 0.01);
    return this.sg.tensor({ name, shape, dtype: 'int8', data, quantization: quant(scales, 0, axis) });
  }

  private bias(name: string, channels: number, inScale: number): number {
    const data = Int32Array.from({ length: channels }, () => Math.round((this.rand() * 2 - 1) * 2000));
    return this.sg.tensor({
      name,
      shape: [channels],
      dtype: 'int32',
      data,
      quantization: quant(
        Array.from({ length: channels }, () => inScale * 0.005),
        0,
      ),
    });
  }

  private activation(name: string, shape: readonly [number, number, number, number]): Activation {
    return { id: this.sg.tensor({ name, shape, dtype: 'int8', quantization: quant(0.05, -128) }), shape };
  }

  conv(x: Activation, channels: number, kernel: readonly [number, number], stride: number): Activation {
    const k = ++this.count;
    const [, h, w, cin] = x.shape;
    const out = this.activation(`conv${k}/relu`, [1, Math.ceil(h / stride), Math.ceil(w / stride), channels]);
    const wId = this.weights(`conv${k}/weights`, [channels, kernel[0], kernel[1], cin], channels, 0);
    this.sg.op({
      op: 'CONV_2D',
      inputs: [x.id, wId, this.bias(`conv${k}/bias`, channels, 0.05)],
      outputs: [out.id],
      options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: stride, strideH: stride, fusedActivationFunction: 'RELU' }),
      version: 3,
    });
    return out;
  }

  depthwise(x: Activation, stride: number): Activation {
    const k = ++this.count;
    const [, h, w, c] = x.shape;
    const out = this.activation(`dw${k}/relu`, [1, Math.ceil(h / stride), Math.ceil(w / stride), c]);
    const wId = this.weights(`dw${k}/weights`, [1, 3, 3, c], c, 3);
    this.sg.op({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [x.id, wId, this.bias(`dw${k}/bias`, c, 0.05)],
      outputs: [out.id],
      options: makeOptions('DepthwiseConv2DOptions', {
        padding: 'SAME',
        strideW: stride,
        strideH: stride,
        depthMultiplier: 1,
        fusedActivationFunction: 'RELU',
      }),
      version: 3,
    });
    return out;
  }

  classifier(x: Activation, classes: number): number {
    const [, h, w, c] = x.shape;
    const pooled = this.activation('pool', [1, 1, 1, c]);
    this.sg.op({
      op: 'AVERAGE_POOL_2D',
      inputs: [x.id],
      outputs: [pooled.id],
      options: makeOptions('Pool2DOptions', { padding: 'VALID', strideW: 1, strideH: 1, filterWidth: w, filterHeight: h }),
      version: 2,
    });
    const shape = this.sg.tensor({ name: 'flatten/shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, c]) });
    const flat = this.sg.tensor({ name: 'flatten', shape: [1, c], dtype: 'int8', quantization: quant(0.05, -128) });
    this.sg.op({ op: 'RESHAPE', inputs: [pooled.id, shape], outputs: [flat], options: makeOptions('ReshapeOptions', { newShape: [1, c] }) });
    const logits = this.sg.tensor({ name: 'logits', shape: [1, classes], dtype: 'int8', quantization: quant(0.1, 0) });
    const fw = this.weights('fc/weights', [classes, c], 1, 0);
    this.sg.op({
      op: 'FULLY_CONNECTED',
      inputs: [flat, fw, this.bias('fc/bias', classes, 0.05)],
      outputs: [logits],
      options: makeOptions('FullyConnectedOptions'),
      version: 4,
    });
    const probs = this.sg.tensor({ name: 'probabilities', shape: [1, classes], dtype: 'int8', quantization: quant(1 / 256, -128) });
    this.sg.op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }), version: 2 });
    return probs;
  }
}

/** DS-CNN keyword spotting on a 49×10 MFCC window: 12 classes, as the MLPerf Tiny reference. */
export function dsCnnKeywordSpotter(): Graph {
  const g = new GraphBuilder('DS-CNN keyword spotter (random weights), written by TinyML Lens');
  const sg = g.subgraph('main');
  const net = new Int8Net(sg, 7);
  const x0 = net.input([1, 49, 10, 1]);
  let x = net.conv(x0, 64, [10, 4], 2);
  for (let i = 0; i < 4; i++) x = net.conv(net.depthwise(x, 1), 64, [1, 1], 1);
  sg.io([x0.id], [net.classifier(x, 12)]);
  return g.build();
}

/** MobileNetV1 at width `alpha` on a square RGB image, 2 classes (animal / no animal). */
export function mobileNetV1(resolution = 128, alpha = 0.5): Graph {
  const g = new GraphBuilder(`MobileNetV1 ${alpha} ${resolution}×${resolution} (random weights), written by TinyML Lens`);
  const sg = g.subgraph('main');
  const net = new Int8Net(sg, 11);
  const ch = (c: number): number => Math.max(8, Math.round(c * alpha));
  const x0 = net.input([1, resolution, resolution, 3]);
  let x = net.conv(x0, ch(32), [3, 3], 2);
  const blocks: readonly [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  for (const [c, stride] of blocks) x = net.conv(net.depthwise(x, stride), ch(c), [1, 1], 1);
  sg.io([x0.id], [net.classifier(x, 2)]);
  return g.build();
}

export const EXAMPLE_MODELS: readonly { readonly file: string; readonly build: () => Graph }[] = [
  { file: 'kws_ds_cnn_int8.tflite', build: dsCnnKeywordSpotter },
  { file: 'camera_trap_mobilenet_int8.tflite', build: () => mobileNetV1(160, 0.5) },
];
