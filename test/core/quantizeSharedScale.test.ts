/**
 * MAXIMUM, MINIMUM, SELECT_V2 and DYNAMIC_UPDATE_SLICE give their inputs the output's scale, and their output's range
 * can be narrower than an input's. A computed input that other ops also read keeps its own
 * range for them, and is requantized (QUANTIZE int8→int8) on its edge into the shared op;
 * before, it joined the output's group, and MINIMUM(x, 0.5) clipped x at 0.5 for every other
 * reader of x. (CONCATENATION and PACK, whose output covers every input, are unchanged.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions, opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8/options';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { prng } from '../../src/util/prng';
import { SKIP_TFLM } from '../helpers/tflm';
import { NATIVE, prove } from '../helpers/tflmProof';

/**
 * x ∈ [-1, 1] → ABS(x) (output 0); MINIMUM(x, 0.5) (output 1, range [-1, 0.5]); SELECT_V2(x > 0,
 * x, -x/4) (output 2, range [0, 1]). Joined to either output's group, x would lose its top or
 * its negative half for ABS.
 */
function fanOut(): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
  const x = t('x', [1, 16]);
  const a = t('abs', [1, 16]);
  sg.op({ op: 'ABS', inputs: [x], outputs: [a] });
  const m = t('min', [1, 16]);
  sg.op({ op: 'MINIMUM', inputs: [x, t('half', [1], Float32Array.of(0.5))], outputs: [m] });
  const positive = sg.tensor({ name: 'positive', shape: [1, 16], dtype: 'bool' });
  sg.op({ op: 'GREATER', inputs: [x, t('zero', [1], Float32Array.of(0))], outputs: [positive] });
  const quarter = t('quarter', [1, 16]);
  sg.op({
    op: 'MUL',
    inputs: [x, t('minus_quarter', [1], Float32Array.of(-0.25))],
    outputs: [quarter],
    options: makeOptions('MulOptions', { fusedActivationFunction: 'NONE' }),
  });
  const picked = t('picked', [1, 16]);
  sg.op({ op: 'SELECT_V2', inputs: [positive, x, quarter], outputs: [picked] });
  sg.io([x], [a, m, picked]);
  return g.build();
}

function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 16 }, () => r() * 2 - 1).buffer)]);
}

describe('an input of a same-scale op that other ops read keeps its own range', { skip: SKIP_TFLM }, () => {
  for (const activations of ['int8', 'int16'] as const)
    test(`${activations}: requantized on its edge into MINIMUM and SELECT_V2: ABS sees all of x; bit for bit on TFLM`, async (t) => {
      const float = fanOut();
      // TFLM has no usable int16 comparison: GREATER stays int8 in the 16x8 model.
      const precision = new Map<number, LayerPrecision>(activations === 'int16' ? [[2, 'int8']] : []);
      assert.equal(opName(float, float.subgraphs[0]!.operators[2]!), 'GREATER');
      const q = await quantizeModel(float, samples(32, 1), { method: 'minmax', activations, precision, heldOut: samples(8, 2) });
      const m = q.graph;
      const sg = m.subgraphs[0]!;
      const op = (name: string) => sg.operators.find((o) => opName(m, o) === name)!;
      const writer = (tensor: number) => sg.operators.find((o) => o.outputs.includes(tensor));
      const absIn = sg.tensors[op('ABS').inputs[0]!]!.quantization!;
      assert.ok(absIn.max![0]! > 0.95, `ABS reads x over its own range (max ${absIn.max![0]})`);
      assert.ok(absIn.min![0]! < -0.95, `ABS reads x over its own range (min ${absIn.min![0]})`);
      for (const [name, slot] of [
        ['MINIMUM', 0],
        ['SELECT_V2', 1],
      ] as const) {
        const o = op(name);
        const q0 = writer(o.inputs[slot]!);
        assert.equal(q0 && opName(m, q0), 'QUANTIZE', `${name}: x requantized on its edge`);
        const input = sg.tensors[o.inputs[slot]!]!.quantization!;
        const out = sg.tensors[o.outputs[0]!]!.quantization!;
        assert.deepEqual([input.scale, input.zeroPoint], [out.scale, out.zeroPoint], `${name}: its inputs take the output's parameters`);
      }
      const ev = q.report.evaluation;
      assert.ok(!('skipped' in ev));
      assert.ok(ev.output.sqnrDb > 35, `ABS output ${ev.output.sqnrDb} dB against float`);
      for (const seed of [30, 31, 32]) prove(q.bytes, `${activations} fan-out, inputs ${seed}`, NATIVE, seed);
      t.diagnostic(`${activations}: ABS output SQNR ${ev.output.sqnrDb.toFixed(1)} dB`);
    });
});

/**
 * x ∈ [-1, 1] but ±4 in its first four values → ABS(x); DYNAMIC_UPDATE_SLICE(x, u, [0, 0])
 * overwrites exactly those four with u ∈ [-1, 1], so its output stays in [-1, 1]. Joined to that
 * output's group, x would be clipped at ±1 for ABS too.
 */
function overwritten(): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 16], dtype: 'float32' });
  const u = sg.tensor({ name: 'u', shape: [1, 4], dtype: 'float32' });
  const a = sg.tensor({ name: 'abs', shape: [1, 16], dtype: 'float32' });
  sg.op({ op: 'ABS', inputs: [x], outputs: [a] });
  const start = sg.tensor({ name: 'start', shape: [2], dtype: 'int32', data: Int32Array.of(0, 0) });
  const y = sg.tensor({ name: 'updated', shape: [1, 16], dtype: 'float32' });
  sg.op({ op: 'DYNAMIC_UPDATE_SLICE', inputs: [x, u, start], outputs: [y] });
  sg.io([x, u], [a, y]);
  return g.build();
}

function overwrittenSamples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [
    new Uint8Array(Float32Array.from({ length: 16 }, (_, i) => (i < 4 ? 8 : 2) * r() - (i < 4 ? 4 : 1)).buffer),
    new Uint8Array(Float32Array.from({ length: 4 }, () => r() * 2 - 1).buffer),
  ]);
}

describe("DYNAMIC_UPDATE_SLICE's operand, read elsewhere, keeps its own range", { skip: SKIP_TFLM }, () => {
  test('int8: x is requantized on its edge into DYNAMIC_UPDATE_SLICE, ABS sees ±4; bit for bit on TFLM', async (t) => {
    const q = await quantizeModel(overwritten(), overwrittenSamples(32, 3), { method: 'minmax', heldOut: overwrittenSamples(8, 4) });
    const m = q.graph;
    const sg = m.subgraphs[0]!;
    const op = (name: string) => sg.operators.find((o) => opName(m, o) === name)!;
    const absIn = sg.tensors[op('ABS').inputs[0]!]!.quantization!;
    assert.ok(absIn.max![0]! > 3.5 && absIn.min![0]! < -3.5, `ABS reads x over its own range [${absIn.min![0]}, ${absIn.max![0]}]`);
    const dus = op('DYNAMIC_UPDATE_SLICE');
    const writer = sg.operators.find((o) => o.outputs.includes(dus.inputs[0]!));
    assert.equal(writer && opName(m, writer), 'QUANTIZE', 'x requantized on its edge');
    const out = sg.tensors[dus.outputs[0]!]!.quantization!;
    assert.ok(out.max![0]! < 1.5, `the output keeps its narrower range (max ${out.max![0]})`);
    prove(q.bytes, 'DYNAMIC_UPDATE_SLICE fan-out', NATIVE, 5);
    t.diagnostic(`ABS input [${absIn.min![0]!.toFixed(2)}, ${absIn.max![0]!.toFixed(2)}], DYNAMIC_UPDATE_SLICE output max ${out.max![0]!.toFixed(2)}`);
  });
});
