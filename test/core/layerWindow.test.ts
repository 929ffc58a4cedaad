/** The analysis carries each windowed layer's stride, dilation and padding as the model states them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { mobileNetV1 } from '../../src/examples/exampleModels';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';

describe('layer windows in the analysis', () => {
  const bytes = writeModel(mobileNetV1(96, 0.25));
  const a = analyzeModel(readModel(bytes), bytes.length);

  test('a stride-2 SAME convolution pads one row after the data, none before', () => {
    const first = a.layers.find((l) => l.op === 'CONV_2D')!;
    assert.deepStrictEqual(first.inputs[0]!.shape.slice(1, 3), [96, 96]);
    assert.deepStrictEqual(first.window, {
      padding: 'SAME',
      strideH: 2,
      strideW: 2,
      dilationH: 1,
      dilationW: 1,
      filterH: 3,
      filterW: 3,
      padTop: 0,
      padLeft: 0,
      padBottomExtra: 1,
      padRightExtra: 1,
    });
  });

  test("stride-1 depthwise pads one each side; the pool window is its options' filter", () => {
    const dw = a.layers.find((l) => l.op === 'DEPTHWISE_CONV_2D' && l.window?.strideH === 1)!;
    assert.deepStrictEqual([dw.window?.padTop, dw.window?.padLeft, dw.window?.padBottomExtra], [1, 1, 0]);
    const pool = a.layers.find((l) => l.op === 'AVERAGE_POOL_2D')!;
    const [, h, w] = pool.inputs[0]!.shape;
    assert.deepStrictEqual([pool.window?.padding, pool.window?.filterH, pool.window?.filterW, pool.window?.padTop], ['VALID', h, w, 0]);
  });

  test('TRANSPOSE_CONV pads from its output size, as Prepare in TFLM does', () => {
    const g = new GraphBuilder();
    const sg = g.subgraph('main');
    const shape = sg.tensor({ name: 'shape', shape: [4], dtype: 'int32', data: Int32Array.from([1, 7, 7, 2]) });
    const w = sg.tensor({ name: 'w', shape: [2, 3, 3, 4], dtype: 'float32', data: new Float32Array(72) });
    const x = sg.tensor({ name: 'x', shape: [1, 4, 4, 4], dtype: 'float32' });
    const y = sg.tensor({ name: 'y', shape: [1, 7, 7, 2], dtype: 'float32' });
    const options = makeOptions('TransposeConvOptions', { padding: 'SAME', strideW: 2, strideH: 2 });
    sg.op({ op: 'TRANSPOSE_CONV', inputs: [shape, w, x], outputs: [y], options, version: 4 }).io([x], [y]);
    const t = writeModel(g.build());
    const window = analyzeModel(readModel(t), t.length).layers[0]!.window;
    // Output 7, stride 2, filter 3: ceil(7 / 2) = 4 rows, total padding (4 − 1)·2 + 3 − 7 = 2.
    assert.deepStrictEqual([window?.strideH, window?.filterH, window?.padTop, window?.padBottomExtra], [2, 3, 1, 0]);
  });

  test('layers without a window have none', () => {
    for (const l of a.layers.filter((x) => !['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D'].includes(x.op))) assert.equal(l.window, undefined, l.op);
  });
});
