/**
 * A small float classifier (CONV_2D → RESHAPE → FULLY_CONNECTED → SOFTMAX on an 8×8×1 input)
 * and seeded .npy inputs for it: what the precision editor's VS Code tests start from.
 */
import { GraphBuilder } from '../../src/model/graphBuilder';
import { writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';
import { writeNpy } from '../../src/runtime/inputs/npy';
import { prng } from '../../src/util/prng';

export function floatClassifier(seed = 5): Uint8Array {
  const r = prng(seed);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const input = sg.tensor({ name: 'input', shape: [1, 8, 8, 1], dtype: 'float32' });
  const w = sg.tensor({ name: 'conv/w', shape: [4, 3, 3, 1], dtype: 'float32', data: Float32Array.from({ length: 36 }, () => r() - 0.5) });
  const b = sg.tensor({ name: 'conv/b', shape: [4], dtype: 'float32', data: Float32Array.from({ length: 4 }, () => r() * 0.1) });
  const c = sg.tensor({ name: 'conv/out', shape: [1, 8, 8, 4], dtype: 'float32' });
  const shape = sg.tensor({ name: 'shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 256]) });
  const flat = sg.tensor({ name: 'flat', shape: [1, 256], dtype: 'float32' });
  const fw = sg.tensor({ name: 'fc/w', shape: [3, 256], dtype: 'float32', data: Float32Array.from({ length: 768 }, () => (r() - 0.5) * 0.2) });
  const fb = sg.tensor({ name: 'fc/b', shape: [3], dtype: 'float32', data: new Float32Array(3) });
  const logits = sg.tensor({ name: 'logits', shape: [1, 3], dtype: 'float32' });
  const probs = sg.tensor({ name: 'probs', shape: [1, 3], dtype: 'float32' });
  sg.op({
    op: 'CONV_2D',
    inputs: [input, w, b],
    outputs: [c],
    options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' }),
  })
    .op({ op: 'RESHAPE', inputs: [c, shape], outputs: [flat], options: makeOptions('ReshapeOptions', { newShape: [1, 256] }) })
    .op({ op: 'FULLY_CONNECTED', inputs: [flat, fw, fb], outputs: [logits], options: makeOptions('FullyConnectedOptions') })
    .op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) })
    .io([input], [probs]);
  return writeModel(g.build());
}

/** `count` seeded inputs for floatClassifier, as .npy files' bytes. */
export function floatClassifierInputs(count: number, seed = 9): Uint8Array[] {
  const r = prng(seed);
  return Array.from({ length: count }, () => writeNpy({ dtype: 'float32', shape: [1, 8, 8, 1], data: Float32Array.from({ length: 64 }, () => r()) }));
}
