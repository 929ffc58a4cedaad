/**
 * PRELU in 16x8: TFLM's only int16 PRELU reads int16 data with an int8 alpha (prelu_common.cc),
 * so the quantizer writes alpha int8 with its own parameters in an int16 layer, whole-model and
 * mixed. A seeded float chain CONV_2D → PRELU → FULLY_CONNECTED is quantized both ways; TFLM
 * allocates it, our outputs equal TFLM's bit for bit and the arena is exact (tflmProof.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions, opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { precisionChoices } from '../../src/quantize/support';
import { prng } from '../../src/util/prng';
import { SKIP_TFLM } from '../helpers/tflm';
import { NATIVE, prove } from '../helpers/tflmProof';

const PRELU_LAYER = 1;

function chain(seed: number): Graph {
  const r = prng(seed);
  const floats = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + r() * (hi - lo));
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
  const x = t('x', [1, 5, 5, 3]);
  const conv = t('conv', [1, 5, 5, 4]);
  sg.op({
    op: 'CONV_2D',
    inputs: [x, t('conv_w', [4, 3, 3, 3], floats(108, -0.5, 0.5)), t('conv_b', [4], floats(4, -0.1, 0.1))],
    outputs: [conv],
    options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }),
  });
  const act = t('act', [1, 5, 5, 4]);
  // A per-channel slope broadcast over height and width, one negative: alpha's own range.
  sg.op({ op: 'PRELU', inputs: [conv, t('alpha', [1, 1, 4], Float32Array.from([0.1, 0.25, -0.3, 0.6]))], outputs: [act] });
  const flat = t('flat', [1, 100]);
  sg.op({ op: 'RESHAPE', inputs: [act, sg.tensor({ name: 'flat_shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 100]) })], outputs: [flat] });
  const logits = t('logits', [1, 3]);
  sg.op({ op: 'FULLY_CONNECTED', inputs: [flat, t('fc_w', [3, 100], floats(300, -0.3, 0.3)), t('fc_b', [3], floats(3, -0.1, 0.1))], outputs: [logits] });
  sg.io([x], [logits]);
  return g.build();
}

function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 75 }, () => r() * 2 - 1).buffer)]);
}

/** The quantized PRELU's data, alpha and output types, alpha's parameters, and its version. */
function preluOf(m: Graph): { types: string[]; alphaScale: number; alphaZeroPoint: number; version: number } {
  const sg = m.subgraphs[0]!;
  const op = sg.operators.find((o) => opName(m, o) === 'PRELU')!;
  const alpha = sg.tensors[op.inputs[1]!]!;
  return {
    types: [sg.tensors[op.inputs[0]!]!.dtype, alpha.dtype, sg.tensors[op.outputs[0]!]!.dtype],
    alphaScale: alpha.quantization!.scale[0]!,
    alphaZeroPoint: alpha.quantization!.zeroPoint[0]!,
    version: m.operatorCodes[op.opcodeIndex]!.version,
  };
}

describe('PRELU in 16x8 (int16 data, int8 alpha), on real TFLite Micro', { skip: SKIP_TFLM }, () => {
  test('precisionChoices offers int16 for PRELU', () => {
    assert.deepEqual(precisionChoices(chain(3))[PRELU_LAYER], ['int8', 'int16', 'float']);
  });

  const cases: readonly { name: string; options: { activations?: 'int16'; precision?: ReadonlyMap<number, LayerPrecision> } }[] = [
    { name: 'whole-model 16x8', options: { activations: 'int16' } },
    { name: 'mixed: PRELU int16 between int8 layers', options: { precision: new Map<number, LayerPrecision>([[PRELU_LAYER, 'int16']]) } },
    {
      name: 'mixed: int16 model with PRELU int8',
      options: { activations: 'int16', precision: new Map<number, LayerPrecision>([[PRELU_LAYER, 'int8']]) },
    },
  ];
  for (const c of cases) {
    test(c.name, async (t) => {
      const float = chain(3);
      const q = await quantizeModel(float, samples(24, 1), { method: 'minmax', heldOut: samples(6, 2), ...c.options });
      const prelu = preluOf(q.graph);
      const sixteen = c.options.precision?.get(PRELU_LAYER) ?? c.options.activations ?? 'int8';
      assert.deepEqual(prelu.types, sixteen === 'int16' ? ['int16', 'int8', 'int16'] : ['int8', 'int8', 'int8']);
      // Alpha's own asymmetric int8 parameters from its values [−0.3, 0.6]: scale 0.9/255.
      assert.ok(Math.abs(prelu.alphaScale - 0.9 / 255) < 1e-6, `alpha scale ${prelu.alphaScale}`);
      assert.notEqual(prelu.alphaZeroPoint, 0);
      // op_version.cc has no PRELU rule: version 1 in every type.
      assert.equal(prelu.version, 1);
      assert.ok(!q.graph.subgraphs[0]!.tensors.some((x) => x.dtype === 'float32'), 'no float tensor is left');
      for (const seed of [30, 31]) prove(q.bytes, `${c.name}, inputs ${seed}`, NATIVE, seed);
      const evaluation = q.report.evaluation;
      assert.ok(!('skipped' in evaluation));
      t.diagnostic(`output SQNR vs float ${evaluation.output.sqnrDb.toFixed(1)} dB`);
      assert.ok(evaluation.output.sqnrDb > 25, `output SQNR ${evaluation.output.sqnrDb} dB`);
    });
  }
});
