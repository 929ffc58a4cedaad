/**
 * ABS, the comparisons and SELECT_V2 through the quantizer: a seeded float chain (|x|, a
 * threshold per channel, a select between RELU(x) and |x|, a FULLY_CONNECTED, comparisons of its
 * output against constants and itself, a select between them and an EQUAL of two bool results)
 * quantized to int8, and to 16x8 with the comparisons kept int8 (TFLM has no usable int16 form
 * of them), must allocate in the real TFLite Micro, give our outputs bit for bit, use exactly
 * the arena our analysis predicts, carry op_version.cc's versions and stay close to the float
 * model on the real-valued output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions, opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8/options';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { precisionChoices } from '../../src/quantize/support';
import { prng } from '../../src/util/prng';
import { SKIP_TFLM } from '../helpers/tflm';
import { NATIVE, prove } from '../helpers/tflmProof';

const COMPARISONS = new Set(['EQUAL', 'NOT_EQUAL', 'GREATER', 'GREATER_EQUAL', 'LESS', 'LESS_EQUAL']);

function chain(seed: number): Graph {
  const r = prng(seed);
  const floats = (n: number, scale: number, bias = 0) => Float32Array.from({ length: n }, () => bias + (r() * 2 - 1) * scale);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
  const b = (name: string, shape: number[]) => sg.tensor({ name, shape, dtype: 'bool' });
  const x = t('x', [2, 4, 6]);
  const a = t('abs', [2, 4, 6]);
  sg.op({ op: 'ABS', inputs: [x], outputs: [a] });
  const over = b('over', [2, 4, 6]);
  // Positive thresholds and limits: each select picks between branches that agree where the
  // condition flips (RELU(x) or |x| where x > th > 0), so the chain stays continuous and its SQNR
  // says something about the arithmetic, not about which side of a threshold a rounding fell.
  // SELECT_V2's data inputs are read by nothing else: they join the output's scale.
  sg.op({ op: 'GREATER', inputs: [x, t('threshold', [6], floats(6, 0.2, 0.4))], outputs: [over] });
  const relu = t('relu', [2, 4, 6]);
  sg.op({ op: 'RELU', inputs: [x], outputs: [relu] });
  const picked = t('picked', [2, 4, 6]);
  sg.op({ op: 'SELECT_V2', inputs: [over, relu, a], outputs: [picked] });
  const f = t('fc', [8, 5]);
  sg.op({ op: 'FULLY_CONNECTED', inputs: [picked, t('fc_w', [5, 6], floats(30, 0.5)), t('fc_b', [5], floats(5, 0.1))], outputs: [f] });
  const fAbs = t('fc_abs', [8, 5]);
  sg.op({ op: 'ABS', inputs: [f], outputs: [fAbs] });
  const below = b('below', [8, 5]);
  sg.op({ op: 'LESS', inputs: [f, t('limit', [5], floats(5, 0.1, 0.3))], outputs: [below] });
  const out = t('out', [8, 5]);
  sg.op({ op: 'SELECT_V2', inputs: [below, f, fAbs], outputs: [out] });
  const high = b('high', [8, 5]);
  sg.op({ op: 'GREATER_EQUAL', inputs: [out, t('floor', [1], floats(1, 0.1, 0.2))], outputs: [high] });
  const agree = b('agree', [8, 5]);
  sg.op({ op: 'EQUAL', inputs: [below, high], outputs: [agree] });
  const negative = b('negative', [8, 5]);
  sg.op({ op: 'NOT_EQUAL', inputs: [f, fAbs], outputs: [negative] });
  const small = b('small', [8, 5]);
  sg.op({ op: 'LESS_EQUAL', inputs: [fAbs, t('bound', [8, 1], floats(8, 0.2, 0.3))], outputs: [small] });
  sg.io([x], [out, agree, negative, small]);
  return g.build();
}

function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 48 }, () => r() * 2 - 1).buffer)]);
}

const VERSIONS: Readonly<Record<'int8' | 'int16', Readonly<Record<string, number>>>> = {
  // EQUAL compares two bools: version 1.
  int8: { ABS: 2, GREATER: 2, LESS: 2, GREATER_EQUAL: 2, LESS_EQUAL: 2, NOT_EQUAL: 2, EQUAL: 1, SELECT_V2: 1 },
  int16: { ABS: 3, SELECT_V2: 1, GREATER: 2, LESS: 2 },
};

describe('ABS, comparisons and SELECT_V2 quantized, on real TFLite Micro', { skip: SKIP_TFLM }, () => {
  for (const activations of ['int8', 'int16'] as const) {
    test(`a float chain quantizes to ${activations}${activations === 'int16' ? ' (comparisons int8)' : ''}: TFLM allocates, bit-exact, arena exact, versions`, async (t) => {
      const float = chain(5);
      const fsg = float.subgraphs[0]!;
      const precision = new Map<number, LayerPrecision>();
      if (activations === 'int16') fsg.operators.forEach((op, layer) => COMPARISONS.has(opName(float, op)) && precision.set(layer, 'int8'));
      const q = await quantizeModel(float, samples(32, 1), { method: 'minmax', activations, precision, heldOut: samples(8, 2) });
      const m = q.graph;
      const sg = m.subgraphs[0]!;
      assert.deepEqual(
        sg.tensors.filter((x) => x.dtype === 'float32').map((x) => x.name),
        [],
        'no float tensor is left',
      );
      const seen = new Set<string>();
      for (const o of sg.operators) {
        const name = opName(m, o);
        seen.add(name);
        const want = VERSIONS[activations][name];
        if (want !== undefined) assert.equal(m.operatorCodes[o.opcodeIndex]!.version, want, `${name}: op_version.cc`);
        if (name === 'SELECT_V2') {
          const [, xs, ys] = o.inputs.map((i) => sg.tensors[i]!);
          const os = sg.tensors[o.outputs[0]!]!;
          assert.equal(xs!.dtype, activations, 'SELECT_V2 data in the layer type');
          assert.deepEqual([xs!.quantization?.scale, ys!.quantization?.scale], [os.quantization?.scale, os.quantization?.scale], 'SELECT_V2: one scale');
        }
        if (name === 'ABS') assert.equal(sg.tensors[o.inputs[0]!]!.dtype, activations);
      }
      for (const op of ['ABS', 'SELECT_V2', 'GREATER', 'LESS', 'EQUAL', 'NOT_EQUAL', 'GREATER_EQUAL', 'LESS_EQUAL'])
        assert.ok(seen.has(op), `${op} is in the model`);
      for (const seed of [30, 31, 32]) prove(q.bytes, `${activations}, inputs ${seed}`, NATIVE, seed);
      const evaluation = q.report.evaluation;
      assert.ok(!('skipped' in evaluation));
      t.diagnostic(`${activations}: output SQNR vs float ${evaluation.output.sqnrDb.toFixed(1)} dB`);
      assert.ok(evaluation.output.sqnrDb > (activations === 'int8' ? 30 : 40), `output SQNR ${evaluation.output.sqnrDb} dB`);
    });
  }

  test('precisionChoices: ABS and SELECT_V2 offer int16, the comparisons int8 and float only', () => {
    const float = chain(5);
    const sg = float.subgraphs[0]!;
    const choices = precisionChoices(float);
    sg.operators.forEach((op, layer) => {
      const name = opName(float, op);
      if (name === 'ABS' || name === 'SELECT_V2') assert.deepEqual(choices[layer], ['int8', 'int16', 'float'], name);
      // EQUAL of two bools touches no float tensor: nothing to choose.
      else if (name === 'EQUAL') assert.deepEqual(choices[layer], [], name);
      else if (COMPARISONS.has(name)) assert.deepEqual(choices[layer], ['int8', 'float'], name);
    });
  });

  test('a comparison whose int8 input would take a scale ≥ 1 (TFLM aborts) is kept in float, and said; the others stay int8', async () => {
    const g = new GraphBuilder();
    const sg = g.subgraph('main');
    const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
    const b = (name: string) => sg.tensor({ name, shape: [1, 16], dtype: 'bool' });
    const x = t('x', [1, 16]);
    // ×400: a range of about 800, so an int8 scale of about 3.
    const wide = t('wide', [1, 16]);
    sg.op({
      op: 'MUL',
      inputs: [x, t('gain', [1], Float32Array.of(400))],
      outputs: [wide],
      options: makeOptions('MulOptions', { fusedActivationFunction: 'NONE' }),
    });
    const [over, under, big] = [b('over'), b('under'), b('big')];
    sg.op({ op: 'GREATER', inputs: [wide, t('t1', [1], Float32Array.of(100))], outputs: [over] });
    sg.op({ op: 'LESS', inputs: [x, t('t2', [1], Float32Array.of(0.25))], outputs: [under] });
    // A narrow input against a constant of 300: the constant's own scale is the wide one.
    sg.op({ op: 'GREATER_EQUAL', inputs: [x, t('t3', [1], Float32Array.of(300))], outputs: [big] });
    sg.io([x], [wide, over, under, big]);
    const q = await quantizeModel(
      g.build(),
      samples(32, 1).map(([v]) => [v!.slice(0, 64)]),
      { method: 'minmax', heldOut: samples(8, 2).map(([v]) => [v!.slice(0, 64)]) },
    );
    const m = q.graph;
    const qsg = m.subgraphs[0]!;
    const readType = (op: string) => qsg.tensors[qsg.operators.find((o) => opName(m, o) === op)!.inputs[0]!]!.dtype;
    assert.deepEqual([readType('GREATER'), readType('LESS'), readType('GREATER_EQUAL'), readType('MUL')], ['float32', 'int8', 'float32', 'int8']);
    assert.ok(
      q.report.notes.includes(
        "2 comparison layer(s) kept in float (layer 1, 3): an int8 input's range is wider than about 255, so its scale would be 1 or more, which TFLite Micro's int8 comparison aborts on",
      ),
      q.report.notes.join('; '),
    );
    assert.ok(!('skipped' in q.report.evaluation), 'our runtime runs it');
    for (const seed of [30, 31]) prove(q.bytes, `wide comparisons, inputs ${seed}`, NATIVE, seed);
  });
});
