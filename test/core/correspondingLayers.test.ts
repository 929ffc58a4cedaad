/**
 * correspondingLayers pairs a float model's layers with its quantized model's, which the
 * per-layer SQNR, bias correction and the data-driven rounding read. Names first; when names
 * differ (another tool's model, renamed tensors), in order by op and shapes, QUANTIZE and
 * DEQUANTIZE left out, a layer only one side has skipped rather than shifting the rest.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions, opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { correspondingLayers } from '../../src/runtime/compare';
import { prng } from '../../src/util/prng';

/** CONV_2D → RELU → CONV_2D → RELU → MAX_POOL_2D → RESHAPE → FULLY_CONNECTED, two convs of the same shapes. */
function chain(seed: number): Graph {
  const r = prng(seed);
  const floats = (n: number, scale: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
  const conv = (name: string, x: number) => {
    const y = t(name, [1, 4, 4, 3]);
    sg.op({
      op: 'CONV_2D',
      inputs: [x, t(`${name}_w`, [3, 3, 3, 3], floats(81, 0.5)), t(`${name}_b`, [3], floats(3, 0.1))],
      outputs: [y],
      options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }),
    });
    const a = t(`${name}_relu`, [1, 4, 4, 3]);
    sg.op({ op: 'RELU', inputs: [y], outputs: [a] });
    return a;
  };
  const x = t('x', [1, 4, 4, 3]);
  const c2 = conv('conv2', conv('conv1', x));
  const pooled = t('pooled', [1, 2, 2, 3]);
  sg.op({
    op: 'MAX_POOL_2D',
    inputs: [c2],
    outputs: [pooled],
    options: makeOptions('Pool2DOptions', { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 }),
  });
  const flat = t('flat', [1, 12]);
  sg.op({ op: 'RESHAPE', inputs: [pooled, sg.tensor({ name: 'shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 12]) })], outputs: [flat] });
  const y = t('y', [1, 2]);
  sg.op({ op: 'FULLY_CONNECTED', inputs: [flat, t('fc_w', [2, 12], floats(24, 0.5)), t('fc_b', [2], floats(2, 0.1))], outputs: [y] });
  sg.io([x], [y]);
  return g.build();
}

/** The graph with every tensor renamed: nothing left to pair by name. */
function renamed(g: Graph): Graph {
  return { ...g, subgraphs: g.subgraphs.map((sg) => ({ ...sg, tensors: sg.tensors.map((t, k) => ({ ...t, name: `tensor_${k}` })) })) };
}

/** The graph without its RELU layers, each conv writing what its RELU wrote (a converter's fused activation). */
function fused(g: Graph): Graph {
  const sg = g.subgraphs[0]!;
  const relus = sg.operators.filter((o) => opName(g, o) === 'RELU');
  const redirect = new Map(relus.map((o) => [o.inputs[0]!, o.outputs[0]!]));
  const operators = sg.operators.filter((o) => opName(g, o) !== 'RELU').map((o) => ({ ...o, outputs: o.outputs.map((t) => redirect.get(t) ?? t) }));
  return { ...g, subgraphs: [{ ...sg, operators }, ...g.subgraphs.slice(1)] };
}

const samples = (count: number, seed: number): Uint8Array[][] => {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 48 }, () => r() * 2 - 1).buffer)]);
};

const describePairs = (f: Graph, q: Graph, pairs: ReturnType<typeof correspondingLayers>) =>
  pairs.map((p) => `${p.float} ${opName(f, f.subgraphs[0]!.operators[p.float]!)} → ${p.int8} ${opName(q, q.subgraphs[0]!.operators[p.int8]!)}`);

describe('correspondingLayers', () => {
  test('a mixed model (int8, int16 and a float layer, QUANTIZE/DEQUANTIZE between them) with every name changed pairs as by name', async () => {
    const float = chain(2);
    // conv1 int8, its RELU int16, conv2 float, then int16 and int8: requantizations and a float island.
    const precision = new Map<number, LayerPrecision>([
      [0, 'int8'],
      [1, 'int16'],
      [2, 'float'],
      [3, 'int8'],
      [4, 'int16'],
      [5, 'int16'],
      [6, 'int8'],
    ]);
    const q = await quantizeModel(float, samples(8, 1), { method: 'minmax', precision, heldOut: samples(2, 2) });
    const ops = q.graph.subgraphs[0]!.operators.map((o) => opName(q.graph, o));
    assert.ok(ops.filter((o) => o === 'QUANTIZE' || o === 'DEQUANTIZE').length >= 3, ops.join(' '));
    const byName = correspondingLayers(float, q.graph);
    assert.equal(byName.length, 7);
    assert.ok(byName.every((p) => p.by === 'name'));
    const anonymous = correspondingLayers(float, renamed(q.graph));
    assert.deepEqual(
      anonymous.map((p) => [p.float, p.int8]),
      byName.map((p) => [p.float, p.int8]),
    );
    assert.ok(anonymous.every((p) => p.by === 'position'));
  });

  test('a layer only one side has (RELUs fused into the convs) is skipped, not shifting the later pairs', () => {
    const float = chain(3);
    const other = renamed(fused(float));
    assert.deepEqual(describePairs(float, other, correspondingLayers(float, other)), [
      '0 CONV_2D → 0 CONV_2D',
      '2 CONV_2D → 1 CONV_2D',
      '4 MAX_POOL_2D → 2 MAX_POOL_2D',
      '5 RESHAPE → 3 RESHAPE',
      '6 FULLY_CONNECTED → 4 FULLY_CONNECTED',
    ]);
    // The other way round too: the float side lacks the RELUs.
    const back = correspondingLayers(other, renamed(float));
    assert.deepEqual(
      back.map((p) => [p.float, p.int8]),
      [
        [0, 0],
        [1, 2],
        [2, 4],
        [3, 5],
        [4, 6],
      ],
    );
  });

  test('the same op with other shapes is paired only where nothing better lines up', () => {
    const float = chain(4);
    const sg = float.subgraphs[0]!;
    // The int8 side's first conv gets 4x4 weights of another shape: the second conv still pairs with the second.
    const w = sg.operators[0]!.inputs[1]!;
    const other: Graph = {
      ...float,
      subgraphs: [{ ...sg, tensors: sg.tensors.map((t, k) => (k === w ? { ...t, shape: [3, 1, 1, 27] } : { ...t, name: `n${k}` })) }],
    };
    const pairs = correspondingLayers(float, other);
    assert.deepEqual(
      pairs.map((p) => [p.float, p.int8]),
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 6],
      ],
    );
  });
});
