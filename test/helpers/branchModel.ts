/**
 * A model whose two branches TFLM runs interleaved: x feeds two wide FULLY_CONNECTED layers
 * (2 KB each) that each narrow back to 64 bytes before an ADD. In the file's order both wide
 * activations are alive at once; running one branch to its end first halves the peak.
 */
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions } from '../../src/model/ops';
import { prng } from '../../src/util/prng';

export function branchModel(): Graph {
  const random = prng(11);
  const weights = (rows: number, cols: number): Float32Array => Float32Array.from({ length: rows * cols }, () => random() - 0.5);
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const x = sg.tensor({ name: 'x', shape: [1, 16], dtype: 'float32' });
  // Ops are added in the interleaved order: a1, b1, a2, b2, add.
  const w = (name: string, rows: number, cols: number): number =>
    sg.tensor({ name: `${name}/weights`, shape: [rows, cols], dtype: 'float32', data: weights(rows, cols) });
  const a1 = sg.tensor({ name: 'a1', shape: [1, 512], dtype: 'float32' });
  const b1 = sg.tensor({ name: 'b1', shape: [1, 512], dtype: 'float32' });
  const a2 = sg.tensor({ name: 'a2', shape: [1, 16], dtype: 'float32' });
  const b2 = sg.tensor({ name: 'b2', shape: [1, 16], dtype: 'float32' });
  const y = sg.tensor({ name: 'y', shape: [1, 16], dtype: 'float32' });
  const fcOptions = makeOptions('FullyConnectedOptions');
  sg.op({ op: 'FULLY_CONNECTED', inputs: [x, w('a1', 512, 16), -1], outputs: [a1], options: fcOptions })
    .op({ op: 'FULLY_CONNECTED', inputs: [x, w('b1', 512, 16), -1], outputs: [b1], options: fcOptions })
    .op({ op: 'FULLY_CONNECTED', inputs: [a1, w('a2', 16, 512), -1], outputs: [a2], options: fcOptions })
    .op({ op: 'FULLY_CONNECTED', inputs: [b1, w('b2', 16, 512), -1], outputs: [b2], options: fcOptions })
    .op({ op: 'ADD', inputs: [a2, b2], outputs: [y], options: makeOptions('AddOptions') })
    .io([x], [y]);
  return g.build();
}
