/**
 * The int8 plan of small hand-made models, read stage by stage: which tensors share one
 * scale, what a fixed output does when it meets a shared group, which forms a tensor takes
 * around a layer kept in float, and where QUANTIZE/DEQUANTIZE go. Ranges are given by hand,
 * so every expected parameter follows from params.ts alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions } from '../../src/model/ops';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { buildInt8Graph, planInt8Graph, type Int8GraphOptions } from '../../src/quantize/int8Graph';
import type { OpOrigin } from '../../src/quantize/int8/rewrite';
import { asymmetricParams } from '../../src/quantize/params';
import type { RangeChoice } from '../../src/quantize/ranges';
import { prng } from '../../src/util/prng';

const f32 = Math.fround;
const OPTIONS: Int8GraphOptions = { io: 'int8', perChannelFullyConnected: false, keepFloat: new Set(), reuseInt8Weights: true };

function values(n: number, seed: number): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** Tensor index by name in the source graph. */
function indexer(g: Graph): (name: string) => number {
  return (name) => g.subgraphs[0]!.tensors.findIndex((t) => t.name === name);
}

/** Origins as short strings: "layer 2", "float layer 1", "quantize relu", "requantize 5:0". */
function origins(list: readonly { readonly origin: OpOrigin }[], g: Graph): string[] {
  const name = (t: number) => g.subgraphs[0]!.tensors[t]!.name;
  return list.map(({ origin: o }) => {
    if (o.kind === 'layer') return `${o.float ? 'float ' : ''}layer ${o.layer}`;
    if (o.kind === 'requantize') return `requantize ${o.layer}:${o.slot}`;
    return `${o.kind} ${name(o.tensor)}`;
  });
}

describe('scale groups', () => {
  /** conv → concat(conv, maxpool(input)) → reshape → softmax; concat(softmax, reshape). */
  function model(): Graph {
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const input = sg.tensor({ name: 'input', shape: [1, 4, 4, 2], dtype: 'float32' });
    const w = sg.tensor({ name: 'w', shape: [3, 1, 1, 2], dtype: 'float32', data: values(6, 1) });
    const b = sg.tensor({ name: 'b', shape: [3], dtype: 'float32', data: values(3, 2) });
    const conv = sg.tensor({ name: 'conv', shape: [1, 4, 4, 3], dtype: 'float32' });
    const pool = sg.tensor({ name: 'pool', shape: [1, 4, 4, 2], dtype: 'float32' });
    const concat = sg.tensor({ name: 'concat', shape: [1, 4, 4, 5], dtype: 'float32' });
    const shape = sg.tensor({ name: 'shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 80]) });
    const flat = sg.tensor({ name: 'flat', shape: [1, 80], dtype: 'float32' });
    const softmax = sg.tensor({ name: 'softmax', shape: [1, 80], dtype: 'float32' });
    const output = sg.tensor({ name: 'output', shape: [1, 160], dtype: 'float32' });
    sg.op({ op: 'CONV_2D', inputs: [input, w, b], outputs: [conv], options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }) })
      .op({
        op: 'MAX_POOL_2D',
        inputs: [input],
        outputs: [pool],
        options: makeOptions('Pool2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, filterWidth: 1, filterHeight: 1 }),
      })
      .op({ op: 'CONCATENATION', inputs: [conv, pool], outputs: [concat], options: makeOptions('ConcatenationOptions', { axis: 3 }) })
      .op({ op: 'RESHAPE', inputs: [concat, shape], outputs: [flat], options: makeOptions('ReshapeOptions', { newShape: [1, 80] }) })
      .op({ op: 'SOFTMAX', inputs: [flat], outputs: [softmax], options: makeOptions('SoftmaxOptions', { beta: 1 }) })
      .op({ op: 'CONCATENATION', inputs: [softmax, flat], outputs: [output], options: makeOptions('ConcatenationOptions', { axis: 1 }) })
      .io([input], [output]);
    return g.build();
  }
  const RANGES: Record<string, RangeChoice> = {
    input: { min: -1, max: 1 },
    conv: { min: -2, max: 3 },
    pool: { min: -1, max: 1 },
    concat: { min: -2, max: 3 },
    flat: { min: -2, max: 3 },
    softmax: { min: 0, max: 1 },
    output: { min: -4, max: 5 },
  };

  test('a concatenation’s inputs, same-scale ops and the outer concatenation share one group, with the outer output’s range', () => {
    const g = model();
    const at = indexer(g);
    const ranges = new Map(Object.entries(RANGES).map(([name, r]) => [at(name), r]));
    const plan = planInt8Graph(toFloatGraph(g), ranges, OPTIONS);
    const root = plan.groups.groupOf.get(at('output'))!;
    for (const name of ['input', 'conv', 'pool', 'concat', 'flat']) assert.equal(plan.groups.groupOf.get(at(name)), root, `${name} is in the output's group`);
    const shared = plan.groups.groups.get(root)!;
    assert.equal(shared.rule, 'shared');
    assert.equal(shared.from, at('output'), 'the later (outer) concatenation gives the range');
    assert.deepEqual(
      shared.members,
      ['input', 'conv', 'pool', 'concat', 'flat', 'output'].map(at).sort((a, b) => a - b),
    );

    const expected = asymmetricParams(-4, 5);
    const params = plan.tensors.groupParams.get(root)!;
    assert.deepEqual([params.scale, params.zeroPoint, params.min, params.max], [expected.scale, expected.zeroPoint, expected.min, expected.max]);
    for (const name of ['conv', 'pool', 'flat']) {
      const q = plan.rewrite.tensors[plan.tensors.forms.get(at(name))!.int8!]!.quantization!;
      assert.deepEqual([q.scale[0], q.zeroPoint[0]], [expected.scale, expected.zeroPoint], `${name} carries the shared parameters`);
    }
  });

  test('a fixed SOFTMAX output stays fixed and is requantized into the shared group it feeds', () => {
    const g = model();
    const at = indexer(g);
    const ranges = new Map(Object.entries(RANGES).map(([name, r]) => [at(name), r]));
    const plan = planInt8Graph(toFloatGraph(g), ranges, OPTIONS);
    const fixed = plan.groups.groups.get(plan.groups.groupOf.get(at('softmax'))!)!;
    assert.equal(fixed.rule, 'fixed');
    assert.deepEqual(fixed.fixed, { scale: 1 / 256, zeroPoint: -128 });
    assert.deepEqual(plan.groups.requantize, [{ layer: 5, slot: 0, group: plan.groups.groupOf.get(at('output'))! }]);
    assert.deepEqual(origins(plan.rewrite.ops, g), ['layer 0', 'layer 1', 'layer 2', 'layer 3', 'layer 4', 'requantize 5:0', 'layer 5']);
    assert.deepEqual(
      plan.tensors.params
        .filter((p) => ['softmax', 'conv', 'pool', 'input'].includes(p.name))
        .map((p) => `${p.name} ${p.rule}${p.from ? ` from ${p.from}` : ''}`),
      ['input shared from output', 'conv shared from output', 'pool shared from output', 'softmax fixed'],
    );
  });

  test('the conv bias is int32 at input scale × weight scale, per output channel', () => {
    const g = model();
    const at = indexer(g);
    const ranges = new Map(Object.entries(RANGES).map(([name, r]) => [at(name), r]));
    const plan = planInt8Graph(toFloatGraph(g), ranges, OPTIONS);
    assert.equal(plan.weights.layers.length, 1);
    const conv = plan.weights.layers[0]!;
    assert.deepEqual([conv.layer, conv.weight, conv.axis, conv.reused, conv.widenedChannels], [0, at('w'), 0, false, 0]);
    assert.equal(conv.inputScale, asymmetricParams(-4, 5).scale, 'the input takes the shared group’s scale');
    assert.equal(conv.quantized.scales.length, 3);
    assert.deepEqual(
      conv.bias!.scales,
      conv.quantized.scales.map((s) => f32(f32(conv.inputScale) * f32(s))),
    );
  });
});

describe('a layer kept in float', () => {
  /** input → FULLY_CONNECTED → RELU → FULLY_CONNECTED → output. */
  function model(): Graph {
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const input = sg.tensor({ name: 'input', shape: [1, 4], dtype: 'float32' });
    const w1 = sg.tensor({ name: 'w1', shape: [4, 4], dtype: 'float32', data: values(16, 3) });
    const w2 = sg.tensor({ name: 'w2', shape: [2, 4], dtype: 'float32', data: values(8, 4) });
    const fc = sg.tensor({ name: 'fc', shape: [1, 4], dtype: 'float32' });
    const relu = sg.tensor({ name: 'relu', shape: [1, 4], dtype: 'float32' });
    const output = sg.tensor({ name: 'output', shape: [1, 2], dtype: 'float32' });
    sg.op({ op: 'FULLY_CONNECTED', inputs: [input, w1, -1], outputs: [fc], options: makeOptions('FullyConnectedOptions') })
      .op({ op: 'RELU', inputs: [fc], outputs: [relu] })
      .op({ op: 'FULLY_CONNECTED', inputs: [relu, w2, -1], outputs: [output], options: makeOptions('FullyConnectedOptions') })
      .io([input], [output]);
    return g.build();
  }
  const ranges = (g: Graph): Map<number, RangeChoice> => {
    const at = indexer(g);
    return new Map([
      [at('input'), { min: -1, max: 1 }],
      [at('fc'), { min: -2, max: 2 }],
      [at('relu'), { min: 0, max: 2 }],
      [at('output'), { min: -3, max: 3 }],
    ]);
  };

  test('gets DEQUANTIZE before it and QUANTIZE after it, reading and writing float forms', () => {
    const g = model();
    const at = indexer(g);
    const plan = planInt8Graph(toFloatGraph(g), ranges(g), { ...OPTIONS, keepFloat: new Set([1]) });
    assert.deepEqual(origins(plan.rewrite.ops, g), ['layer 0', 'dequantize fc', 'float layer 1', 'quantize relu', 'layer 2']);
    const fc = plan.tensors.forms.get(at('fc'))!;
    const relu = plan.tensors.forms.get(at('relu'))!;
    assert.deepEqual([fc.int8, fc.bornInt8], [at('fc'), true], 'a quantized layer writes fc: its int8 form is the tensor itself');
    assert.deepEqual([relu.float, relu.bornInt8], [at('relu'), false], 'the float layer writes relu');
    const kept = plan.rewrite.ops[2]!.edit.op;
    assert.deepEqual([kept.inputs, kept.outputs], [[fc.float], [at('relu')]]);
    const dtype = (t: number) => plan.rewrite.tensors[t]!.dtype;
    assert.deepEqual([dtype(fc.int8!), dtype(fc.float!), dtype(relu.float!), dtype(relu.int8!)], ['int8', 'float32', 'float32', 'int8']);
    assert.equal(plan.rewrite.tensors[fc.float!]!.name, 'fc_float');
    assert.deepEqual(plan.versions, [4, 2, 1, 1, 4], 'int8 FULLY_CONNECTED v4, DEQUANTIZE of int8 v2, float RELU and QUANTIZE v1');
  });

  test('with float I/O the model’s inputs and outputs are float forms that keep their names', () => {
    const g = model();
    const at = indexer(g);
    const plan = planInt8Graph(toFloatGraph(g), ranges(g), { ...OPTIONS, io: 'float', keepFloat: new Set([1]) });
    assert.deepEqual(origins(plan.rewrite.ops, g), [
      'quantize input',
      'layer 0',
      'dequantize fc',
      'float layer 1',
      'quantize relu',
      'layer 2',
      'dequantize output',
    ]);
    const name = (t: number) => plan.rewrite.tensors[t]!.name;
    assert.deepEqual([plan.io.inputs.map(name), plan.io.outputs.map(name)], [['input'], ['output']]);
    assert.deepEqual([name(plan.tensors.forms.get(at('input'))!.int8!), name(plan.tensors.forms.get(at('output'))!.int8!)], ['input_int8', 'output_int8']);
    // The graph built from the plan has exactly the plan's operators.
    const built = buildInt8Graph(toFloatGraph(g), ranges(g), { ...OPTIONS, io: 'float', keepFloat: new Set([1]) }).graph;
    assert.equal(built.subgraphs[0]!.operators.length, plan.rewrite.ops.length);
  });
});
