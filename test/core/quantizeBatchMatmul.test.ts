/**
 * BATCH_MATMUL through the quantizer: a seeded float model (an activation times a constant, then
 * an activation times itself transposed, with a broadcast batch) quantized to int8 and to
 * whole-model 16x8 must allocate in the real TFLite Micro, give our outputs bit for bit, use
 * exactly the arena our analysis predicts, carry op_version.cc's versions (int8 2, int16 3) and
 * stay close to the float model.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planArena } from '../../src/analysis/arenaPlan';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { makeOptions, opName } from '../../src/model/ops';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { prng } from '../../src/util/prng';
import { runTflm, seededInputs, SKIP_TFLM } from '../helpers/tflm';

const REFERENCE = kernelLibrary('reference').table;

function model(seed: number): Graph {
  const r = prng(seed);
  const floats = (n: number, scale: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
  const x = t('x', [2, 4, 6]);
  const projected = t('projected', [2, 4, 5]);
  // A constant RHS shared by both batches (rank 2 against rank 3).
  sg.op({ op: 'BATCH_MATMUL', inputs: [x, t('w', [6, 5], floats(30, 0.7))], outputs: [projected], options: makeOptions('BatchMatMulOptions', {}) });
  const gram = t('gram', [2, 4, 4]);
  sg.op({ op: 'BATCH_MATMUL', inputs: [projected, projected], outputs: [gram], options: makeOptions('BatchMatMulOptions', { adjY: true }) });
  const flat = t('flat', [2, 16]);
  sg.op({ op: 'RESHAPE', inputs: [gram, sg.tensor({ name: 'shape', shape: [2], dtype: 'int32', data: Int32Array.from([2, 16]) })], outputs: [flat] });
  const logits = t('logits', [2, 3]);
  sg.op({ op: 'FULLY_CONNECTED', inputs: [flat, t('fc_w', [3, 16], floats(48, 0.5)), t('fc_b', [3], floats(3, 0.1))], outputs: [logits] });
  sg.io([x], [logits]);
  return g.build();
}

function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 48 }, () => r() * 2 - 1).buffer)]);
}

describe('BATCH_MATMUL quantized, on real TFLite Micro', { skip: SKIP_TFLM }, () => {
  for (const activations of ['int8', 'int16'] as const) {
    test(`a float model with BATCH_MATMUL quantizes to ${activations}: TFLM allocates, bit-exact, arena exact, versions`, async (t) => {
      const q = await quantizeModel(model(5), samples(32, 1), { method: 'minmax', activations, heldOut: samples(8, 2) });
      const m = q.graph;
      const sg = m.subgraphs[0]!;
      const bmm = sg.operators.filter((o) => opName(m, o) === 'BATCH_MATMUL');
      assert.equal(bmm.length, 2);
      for (const o of bmm) {
        assert.equal(m.operatorCodes[o.opcodeIndex]!.version, activations === 'int16' ? 3 : 2, 'op_version.cc');
        const types = [...o.inputs, ...o.outputs].map((i) => sg.tensors[i]!.dtype);
        assert.deepEqual(types, [activations, activations, activations], 'one dtype on both operands and the output');
      }
      for (const seed of [30, 31, 32]) {
        const inputs = seededInputs(m, seed);
        const tflm = runTflm(q.bytes, inputs);
        const ours = new Interpreter(m);
        inputs.forEach((b, i) => ours.setInputBytes(i, b));
        ours.invoke();
        ours.outputs.forEach((o, k) =>
          assert.deepStrictEqual(Buffer.from(tensorBytes(o)), Buffer.from(tflm.outputs[k]!), `output ${k} equals TFLM's (inputs ${seed})`),
        );
        const plan = planArena(m, 'x86_64', REFERENCE);
        const recording = estimatePersistent(m, { abi: 'x86_64', scratchCount: plan.scratchCount, kernels: REFERENCE, allocator: 'recording' });
        assert.equal(plan.headBytes, tflm.head, 'head');
        assert.equal(plan.headBytes + recording.bytes, tflm.total, 'recording total');
      }
      const evaluation = q.report.evaluation;
      assert.ok(!('skipped' in evaluation));
      t.diagnostic(`${activations}: output SQNR vs float ${evaluation.output.sqnrDb.toFixed(1)} dB`);
      assert.ok(evaluation.output.sqnrDb > (activations === 'int16' ? 40 : 25), `output SQNR ${evaluation.output.sqnrDb} dB`);
    });
  }
});
