/**
 * The 16x8 quantizer on the ops beyond the corpus models' (TRANSPOSE_CONV, LEAKY_RELU, MAXIMUM,
 * SPLIT, PACK, STRIDED_SLICE, SPLIT_V, TRANSPOSE, RESIZE_NEAREST_NEIGHBOR, PADV2, SQUEEZE,
 * EXPAND_DIMS, UNPACK, SOFTMAX): a seeded float
 * chain of them, quantized whole-model 16x8, must allocate in the real TFLite Micro, give our
 * outputs bit for bit, use exactly the arena our analysis predicts, carry op_version.cc's 16x8
 * versions, and stay close to the float model (the PADV2 pad value takes its input's scale,
 * not the other way round: 4 dB before that fix, as in int8).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions, opName } from '../../src/model/ops';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { prng } from '../../src/util/prng';
import { SKIP_TFLM } from '../helpers/tflm';
import { NATIVE, prove } from '../helpers/tflmProof';

function chain(seed: number): Graph {
  const r = prng(seed);
  const floats = (n: number, scale: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  const ints = (v: number[]) => Int32Array.from(v);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array | Int32Array) =>
    sg.tensor({ name, shape, dtype: data instanceof Int32Array ? 'int32' : 'float32', ...(data ? { data } : {}) });
  const x = t('x', [1, 6, 6, 3]);
  const conv = t('conv', [1, 6, 6, 4]);
  sg.op({
    op: 'CONV_2D',
    inputs: [x, t('conv_w', [4, 3, 3, 3], floats(108, 0.5)), t('conv_b', [4], floats(4, 0.1))],
    outputs: [conv],
    options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }),
  });
  const leaky = t('leaky', [1, 6, 6, 4]);
  sg.op({ op: 'LEAKY_RELU', inputs: [conv], outputs: [leaky], options: makeOptions('LeakyReluOptions', { alpha: 0.2 }) });
  const maxed = t('maxed', [1, 6, 6, 4]);
  sg.op({ op: 'MAXIMUM', inputs: [leaky, t('floor', [1, 1, 1, 4], floats(4, 0.1))], outputs: [maxed] });
  // SPLIT in two along the channels, PACK them back on a new axis, RESHAPE to the NHWC shape.
  const halves = [t('half0', [1, 6, 6, 2]), t('half1', [1, 6, 6, 2])];
  sg.op({ op: 'SPLIT', inputs: [t('split_axis', [1], ints([3])), maxed], outputs: halves, options: makeOptions('SplitOptions', { numSplits: 2 }) });
  const packed = t('packed', [1, 6, 6, 2, 2]);
  sg.op({ op: 'PACK', inputs: halves, outputs: [packed], options: makeOptions('PackOptions', { valuesCount: 2, axis: 4 }) });
  const regrouped = t('regrouped', [1, 6, 6, 4]);
  sg.op({ op: 'RESHAPE', inputs: [packed, t('regroup_shape', [4], ints([1, 6, 6, 4]))], outputs: [regrouped] });
  const up = t('up', [1, 12, 12, 4]);
  sg.op({
    op: 'TRANSPOSE_CONV',
    inputs: [t('up_shape', [4], ints([1, 12, 12, 4])), t('up_w', [4, 2, 2, 4], floats(64, 0.5)), regrouped, t('up_b', [4], floats(4, 0.1))],
    outputs: [up],
    options: makeOptions('TransposeConvOptions', { padding: 'SAME', strideW: 2, strideH: 2 }),
  });
  const sliced = t('sliced', [1, 5, 5, 4]);
  sg.op({
    op: 'STRIDED_SLICE',
    inputs: [up, t('begin', [4], ints([0, 1, 1, 0])), t('end', [4], ints([1, 11, 11, 4])), t('strides', [4], ints([1, 2, 2, 1]))],
    outputs: [sliced],
    options: makeOptions('StridedSliceOptions', {}),
  });
  // SPLIT_V into 3 and 2 rows, joined again by CONCATENATION.
  const rows = [t('rows0', [1, 3, 5, 4]), t('rows1', [1, 2, 5, 4])];
  sg.op({
    op: 'SPLIT_V',
    inputs: [sliced, t('row_sizes', [2], ints([3, -1])), t('row_axis', [1], ints([1]))],
    outputs: rows,
    options: makeOptions('SplitVOptions', { numSplits: 2 }),
  });
  const joined = t('joined', [1, 5, 5, 4]);
  sg.op({ op: 'CONCATENATION', inputs: rows, outputs: [joined], options: makeOptions('ConcatenationOptions', { axis: 1 }) });
  const swapped = t('swapped', [1, 5, 5, 4]);
  sg.op({ op: 'TRANSPOSE', inputs: [joined, t('perm', [4], ints([0, 2, 1, 3]))], outputs: [swapped] });
  const resized = t('resized', [1, 10, 10, 4]);
  sg.op({
    op: 'RESIZE_NEAREST_NEIGHBOR',
    inputs: [swapped, t('size', [2], ints([10, 10]))],
    outputs: [resized],
    options: makeOptions('ResizeNearestNeighborOptions', {}),
  });
  const padded = t('padded', [1, 12, 12, 4]);
  sg.op({
    op: 'PADV2',
    inputs: [resized, t('pads', [4, 2], ints([0, 0, 1, 1, 1, 1, 0, 0])), t('pad_value', [1], Float32Array.from([0.25]))],
    outputs: [padded],
  });
  const mean = t('mean', [1, 1, 1, 4]);
  sg.op({ op: 'MEAN', inputs: [padded, t('axes', [2], ints([1, 2]))], outputs: [mean], options: makeOptions('ReducerOptions', { keepDims: true }) });
  const flat = t('flat', [1, 4]);
  sg.op({ op: 'SQUEEZE', inputs: [mean], outputs: [flat], options: makeOptions('SqueezeOptions', { squeezeDims: [1, 2] }) });
  const expanded = t('expanded', [1, 1, 4]);
  sg.op({ op: 'EXPAND_DIMS', inputs: [flat, t('expand_axis', [1], ints([1]))], outputs: [expanded] });
  const unpacked = t('unpacked', [1, 4]);
  sg.op({ op: 'UNPACK', inputs: [expanded], outputs: [unpacked], options: makeOptions('UnpackOptions', { num: 1, axis: 1 }) });
  const logits = t('logits', [1, 3]);
  sg.op({ op: 'FULLY_CONNECTED', inputs: [unpacked, t('fc_w', [3, 4], floats(12, 2)), t('fc_b', [3], floats(3, 0.1))], outputs: [logits] });
  const probs = t('probs', [1, 3]);
  sg.op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) });
  sg.io([x], [probs]);
  return g.build();
}

function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 108 }, () => r() * 2 - 1).buffer)]);
}

describe('16x8 quantization of the other 16x8 ops, on real TFLite Micro', { skip: SKIP_TFLM }, () => {
  test('a float chain of them quantizes whole-model 16x8: TFLM allocates, bit-exact, arena exact, 16x8 versions', async (t) => {
    const float = chain(7);
    const q = await quantizeModel(float, samples(32, 1), { method: 'minmax', activations: 'int16', heldOut: samples(8, 2) });
    const m = q.graph;
    const sg = m.subgraphs[0]!;
    assert.deepEqual(
      sg.tensors.filter((x) => x.dtype === 'float32').map((x) => x.name),
      [],
      'no float tensor is left',
    );
    const versions = Object.fromEntries(sg.operators.map((o) => [opName(m, o), m.operatorCodes[o.opcodeIndex]!.version]));
    assert.deepEqual(
      { ...versions },
      {
        CONV_2D: 1,
        LEAKY_RELU: 2,
        MAXIMUM: 4,
        SPLIT: 4,
        PACK: 3,
        RESHAPE: 1,
        SPLIT_V: 1,
        CONCATENATION: 3,
        UNPACK: 4,
        EXPAND_DIMS: 1,
        TRANSPOSE_CONV: 3,
        STRIDED_SLICE: 1,
        TRANSPOSE: 5,
        RESIZE_NEAREST_NEIGHBOR: 4,
        PADV2: 3,
        MEAN: 3,
        SQUEEZE: 1,
        FULLY_CONNECTED: 1,
        SOFTMAX: 3,
      },
    );
    for (const seed of [30, 31, 32]) prove(q.bytes, `inputs ${seed}`, NATIVE, seed);
    const evaluation = q.report.evaluation;
    assert.ok(!('skipped' in evaluation));
    t.diagnostic(`output SQNR vs float ${evaluation.output.sqnrDb.toFixed(1)} dB; layers ${evaluation.layers.map((l) => l.sqnrDb.toFixed(0)).join(' ')}`);
    assert.ok(evaluation.output.sqnrDb > 40, `output SQNR ${evaluation.output.sqnrDb} dB`);
  });
});
