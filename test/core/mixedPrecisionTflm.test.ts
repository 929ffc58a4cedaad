/**
 * Mixed-precision models (some layers int8, some int16 with int8 weights, some float) proven on
 * the real TFLite Micro (../shared/tflm/bin/tflm_run, x86-64, reference kernels): for several
 * assignments of every float model in ../shared/models, and for random assignments over
 * generated float chains, TFLM's AllocateTensors succeeds, our outputs equal TFLM's bit for bit,
 * and our arena analysis gives TFLM's head and totals. Assignments come from precisionChoices,
 * so a layer is only ever given a precision TFLM can run. (Random assignments over generated
 * models: mixedPrecisionRandom.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import type { IoType } from '../../src/quantize/int8Graph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { precisionChoices } from '../../src/quantize/support';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { assign, checkGraph, prove, samples } from '../helpers/mixedPrecision';
import { SKIP_TFLM } from '../helpers/tflm';

/** The assignments each corpus model is proven with. */
const ASSIGNMENTS: readonly { readonly name: string; readonly io: IoType; readonly pick: Parameters<typeof assign>[1] }[] = [
  { name: 'first and last int16, rest int8', io: 'int8', pick: (k, n) => (k === 0 || k === n - 1 ? 'int16' : 'int8') },
  { name: 'alternate int16/int8', io: 'int8', pick: (k) => (k % 2 === 0 ? 'int16' : 'int8') },
  { name: 'one middle layer float, rest int8', io: 'int8', pick: (k, n) => (k === Math.floor(n / 2) ? 'float' : 'int8') },
  { name: 'all int16 where TFLM can', io: 'int8', pick: () => 'int16' },
  {
    name: 'alternate int8/int16 with float I/O, one layer float',
    io: 'float',
    pick: (k, n) => (k === Math.floor(n / 3) ? 'float' : k % 2 === 1 ? 'int16' : 'int8'),
  },
];

/** QUANTIZE ops from one integer type to the other. */
function requantizations(m: Graph): number {
  const sg = m.subgraphs[0]!;
  return sg.operators.filter((o) => {
    if (opName(m, o) !== 'QUANTIZE') return false;
    const [a, b] = [sg.tensors[o.inputs[0]!]!.dtype, sg.tensors[o.outputs[0]!]!.dtype];
    return a !== b && a !== 'float32';
  }).length;
}

const MODELS: readonly { readonly name: string; readonly lo: number; readonly hi: number }[] = [
  { name: 'hello_world_float', lo: 0, hi: 2 * Math.PI },
  { name: 'ad01_fp32', lo: -1, hi: 1 },
  { name: 'kws_ref_model_float32', lo: -1, hi: 1 },
  { name: 'vww_96_float', lo: 0, hi: 1 },
  { name: 'pretrainedResnet', lo: 0, hi: 1 },
  { name: 'trained_lstm', lo: 0, hi: 1 },
];

describe('mixed-precision models on real TFLite Micro', { skip: SKIP_SHARED || SKIP_TFLM }, () => {
  for (const c of MODELS) {
    test(c.name, async (t) => {
      const t0 = performance.now();
      const model = readModel(corpusModel(c.name));
      const float = toFloatGraph(model).graph;
      const choices = precisionChoices(float);
      const calibration = samples(float, 4, 1, c.lo, c.hi);
      const seen = new Set<string>();
      for (const a of ASSIGNMENTS) {
        const precision = assign(choices, a.pick);
        const key = `${a.io} ${[...precision].join(';')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const label = `${c.name}, ${a.name}`;
        const q = await quantizeModel(model, calibration, { method: 'minmax', perChannelFullyConnected: true, io: a.io, precision });
        checkGraph(q.graph, precision, label);
        assert.deepEqual(
          q.report.options.precision?.map((p) => p.layer),
          [...precision.keys()].sort((x, y) => x - y),
          `${label}: the report lists the overrides`,
        );
        const p = prove(q.bytes, label);
        const requantized = requantizations(q.graph);
        if (a.name.startsWith('alternate int16')) assert.ok(requantized > 0, `${label}: QUANTIZE between int8 and int16`);
        const counts = ['int8', 'int16', 'float'].map((x) => [...precision.values()].filter((v) => v === x).length).join('/');
        t.diagnostic(`${a.name} (int8/int16/float layers ${counts}): ${requantized} int8↔int16 QUANTIZE; bit-exact, TFLM head ${p.head}, total ${p.total}`);
      }
      t.diagnostic(`${seen.size} assignments, ${(performance.now() - t0).toFixed(0)} ms`);
    });
  }
});
