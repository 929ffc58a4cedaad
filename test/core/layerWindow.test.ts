/** The analysis carries each windowed layer's stride, dilation and padding as the model states them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { mobileNetV1 } from '../../src/examples/exampleModels';
import { readModel, writeModel } from '../../src/model/io';

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

  test('layers without a window have none', () => {
    for (const l of a.layers.filter((x) => !['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D'].includes(x.op))) assert.equal(l.window, undefined, l.op);
  });
});
