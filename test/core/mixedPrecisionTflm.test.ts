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
import type { IoType, LayerPrecision } from '../../src/quantize/int8Graph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { precisionChoices } from '../../src/quantize/support';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { assign, checkGraph, samples } from '../helpers/mixedPrecision';
import { prove } from '../helpers/tflmProof';
import { ourRuntimeRefuses } from '../helpers/lstm';
import { emulatedRunner, SKIP_TFLM, type TflmEmulated } from '../helpers/tflm';
import type { ProofBuild } from '../helpers/tflmProof';

type Choices = ReturnType<typeof precisionChoices>;

/** The first and last layers that can be int16. */
function ends16(choices: Choices): Set<number> {
  const can = choices.flatMap((c, layer) => (c.includes('int16') ? [layer] : []));
  return new Set(can.length > 0 ? [can[0]!, can[can.length - 1]!] : []);
}

/** The assignments each corpus model is proven with. */
const ASSIGNMENTS: readonly { readonly name: string; readonly io: IoType; readonly make: (c: Choices) => Map<number, LayerPrecision> }[] = [
  {
    name: 'first and last int16, rest int8',
    io: 'int8',
    make: (c) => {
      const ends = ends16(c);
      return assign(c, (_k, _n, _can, layer) => (ends.has(layer) ? 'int16' : 'int8'));
    },
  },
  { name: 'alternate int16/int8', io: 'int8', make: (c) => assign(c, (k) => (k % 2 === 0 ? 'int16' : 'int8')) },
  { name: 'one middle layer float, rest int8', io: 'int8', make: (c) => assign(c, (k, n) => (k === Math.floor(n / 2) ? 'float' : 'int8')) },
  { name: 'all int16 where TFLM can', io: 'int8', make: (c) => assign(c, () => 'int16') },
  {
    name: 'alternate int8/int16 with float I/O, one layer float',
    io: 'float',
    make: (c) => assign(c, (k, n) => (k === Math.floor(n / 3) ? 'float' : k % 2 === 1 ? 'int16' : 'int8')),
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
        const precision = a.make(choices);
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
        assert.equal(ourRuntimeRefuses(q.bytes), undefined, `${label}: our runtime runs it`);
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

/**
 * Firmware builds under QEMU: the reference kernels and CMSIS-NN's (which have their own 16x8
 * conv and FC). FULLY_CONNECTED weights per tensor: CMSIS-NN's FULLY_CONNECTED refuses
 * per-channel weights with an int16 input (cmsis_nn/fully_connected.cc:116).
 */
const FIRMWARE: readonly (Omit<ProofBuild, 'runner'> & { readonly name: TflmEmulated })[] = [
  { name: 'cortexM4Reference', abi: 'arm32', kernels: 'reference' },
  { name: 'cortexM4', abi: 'arm32', kernels: 'cmsis-nn', core: 'cortex-m4f' },
];

for (const f of FIRMWARE) {
  const { path, skip } = emulatedRunner(f.name);
  describe(`mixed-precision models on ${f.name} firmware (${f.kernels})`, { skip: SKIP_SHARED || SKIP_TFLM || skip }, () => {
    test('ad01 and kws, int16 and int8 alternating: bit-exact, arena exact', async (t) => {
      for (const c of MODELS.filter((m) => m.name === 'ad01_fp32' || m.name === 'kws_ref_model_float32')) {
        const model = readModel(corpusModel(c.name));
        const precision = ASSIGNMENTS[1]!.make(precisionChoices(toFloatGraph(model).graph));
        const q = await quantizeModel(model, samples(model, 4, 1, c.lo, c.hi), { method: 'minmax', perChannelFullyConnected: false, precision });
        const p = prove(q.bytes, `${c.name} on ${f.name}`, { ...f, runner: path });
        t.diagnostic(`${c.name}: bit-exact; head ${p.head}, arena_used_bytes ${p.used}`);
      }
    });
  });
}
