/**
 * CMSIS-NN's FULLY_CONNECTED refuses per-channel weights with an int16 input (its Prepare, in
 * AllocateTensors), where the reference kernels take them. What we say must match TFLM built
 * with CMSIS-NN (tflm_run32_cmsis_nn under qemu-i386): the analysis for the CMSIS-NN kernels
 * refuses such a layer ('per-tensor-weights', an op-refused finding on a CMSIS-NN board), and the
 * quantizer, told the kernels (QuantizeOptions.kernels, the precision job's board), gives a 16x8
 * FULLY_CONNECTED per-tensor weights instead, which CMSIS-NN runs bit for bit with our runtime.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { renderFinding } from '../../src/findings/render';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import { precisionSession } from '../../src/quantize/precision/assess';
import { type QuantizeOptions, quantizeModel } from '../../src/quantize/quantizeModel';
import type { PrecisionBoard } from '../../src/shared/protocol';
import { checkFit, DEFAULT_RESERVE, findBoard } from '../../src/targets/fit';
import { prng } from '../../src/util/prng';
import { emulatedRunner, SKIP_TFLM, tflmRuns } from '../helpers/tflm';
import { NATIVE, prove } from '../helpers/tflmProof';

/** FULLY_CONNECTED → RELU → FULLY_CONNECTED, float, seeded; output channels of very different sizes, so per channel differs from per tensor. */
function chain(seed: number): Graph {
  const r = prng(seed);
  const weights = (rows: number, cols: number) =>
    Float32Array.from({ length: rows * cols }, (_, k) => (r() * 2 - 1) * (Math.floor(k / cols) % 2 === 0 ? 0.05 : 1));
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const t = (name: string, shape: number[], data?: Float32Array) => sg.tensor({ name, shape, dtype: 'float32', ...(data ? { data } : {}) });
  const x = t('x', [1, 16]);
  const h = t('h', [1, 8]);
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [
      x,
      t('w1', [8, 16], weights(8, 16)),
      t(
        'b1',
        [8],
        Float32Array.from({ length: 8 }, () => r() * 0.1),
      ),
    ],
    outputs: [h],
  });
  const a = t('a', [1, 8]);
  sg.op({ op: 'RELU', inputs: [h], outputs: [a] });
  const y = t('y', [1, 4]);
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [
      a,
      t('w2', [4, 8], weights(4, 8)),
      t(
        'b2',
        [4],
        Float32Array.from({ length: 4 }, () => r() * 0.1),
      ),
    ],
    outputs: [y],
  });
  sg.io([x], [y]);
  return g.build();
}

function samples(count: number, seed: number): Uint8Array[][] {
  const r = prng(seed);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 16 }, () => r() * 2 - 1).buffer)]);
}

const quantize = (options: Partial<QuantizeOptions>) =>
  quantizeModel(chain(5), samples(16, 1), { method: 'minmax', perChannelFullyConnected: true, heldOut: samples(4, 2), ...options });

/** Per FULLY_CONNECTED: its input type and its weights' number of scales. */
function fcWeights(m: Graph): string[] {
  const sg = m.subgraphs[0]!;
  return sg.operators
    .filter((o) => opName(m, o) === 'FULLY_CONNECTED')
    .map((o) => `${sg.tensors[o.inputs[0]!]!.dtype}:${sg.tensors[o.inputs[1]!]!.quantization!.scale.length}`);
}

/** The layers the analysis for `kernels` says TFLM refuses, with the reason. */
function refusals(m: Graph, bytes: Uint8Array, kernels: 'reference' | 'cmsis-nn'): string[] {
  const a = analyzeModel(m, bytes.length, { abi: 'i386', kernels: kernelLibrary(kernels, kernels === 'cmsis-nn' ? 'cortex-m3' : undefined) });
  return a.layers.flatMap((l) => (l.tflmRefusal ? [`${l.index} ${l.op} ${l.tflmRefusal.reason}`] : []));
}

const cmsis = emulatedRunner('i386CmsisNn');
const CMSIS_BUILD = { runner: cmsis.path, abi: 'i386', kernels: 'cmsis-nn', core: 'cortex-m3' } as const;

describe('per-channel FULLY_CONNECTED weights with an int16 input, on TFLM with CMSIS-NN', { skip: SKIP_TFLM || cmsis.skip }, () => {
  test('16x8 with per-channel FC: the reference kernels take it, CMSIS-NN refuses it, as the analysis says', async () => {
    const q = await quantize({ activations: 'int16' });
    assert.deepEqual(fcWeights(q.graph), ['int16:8', 'int16:4']);
    assert.deepEqual(refusals(q.graph, q.bytes, 'reference'), []);
    assert.deepEqual(refusals(q.graph, q.bytes, 'cmsis-nn'), ['0 FULLY_CONNECTED per-tensor-weights', '2 FULLY_CONNECTED per-tensor-weights']);
    prove(q.bytes, 'reference kernels', NATIVE);
    const verdict = tflmRuns(q.bytes, cmsis.path);
    assert.notEqual(verdict, true, 'CMSIS-NN refuses it');
    assert.match(String(verdict), /cmsis_nn\/fully_connected\.cc:\d+ !data->reference_op_data\.is_per_channel/);
    // A CMSIS-NN board says so as an error on the layer.
    const board = findBoard('nucleo-l4r5zi')!;
    const analysis = analyzeModel(q.graph, q.bytes.length, { abi: 'arm32', kernels: kernelLibrary('cmsis-nn', board.board?.core) });
    const errors = checkFit(analysis, board, DEFAULT_RESERVE).findings.filter((f) => f.code === 'op-refused');
    assert.equal(errors.length, 2);
    assert.match(
      renderFinding(errors[0]!),
      /FULLY_CONNECTED \(layer 0\) has per-channel weights \(8 scales\) with an int16 input.*cmsis_nn\/fully_connected\.cc/,
    );
  });

  test('told the kernels are CMSIS-NN, the quantizer writes 16x8 FC weights per tensor, which CMSIS-NN runs bit for bit', async () => {
    const q = await quantize({ activations: 'int16', kernels: 'cmsis-nn' });
    assert.deepEqual(fcWeights(q.graph), ['int16:1', 'int16:1']);
    assert.ok(
      q.report.notes.some((n) => n.includes('FULLY_CONNECTED weights per tensor in 2 int16 layer(s)')),
      q.report.notes.join('\n'),
    );
    assert.deepEqual(refusals(q.graph, q.bytes, 'cmsis-nn'), []);
    for (const seed of [30, 31]) prove(q.bytes, `CMSIS-NN, inputs ${seed}`, CMSIS_BUILD, seed);
  });

  test('mixed: an int8 FC keeps per-channel weights under CMSIS-NN (it takes them), the int16 one goes per tensor', async () => {
    const precision = new Map<number, LayerPrecision>([
      [0, 'int8'],
      [1, 'int16'],
      [2, 'int16'],
    ]);
    const q = await quantize({ precision, kernels: 'cmsis-nn' });
    assert.deepEqual(fcWeights(q.graph), ['int8:8', 'int16:1']);
    assert.deepEqual(refusals(q.graph, q.bytes, 'cmsis-nn'), []);
    prove(q.bytes, 'CMSIS-NN, mixed', CMSIS_BUILD);
    // Without the kernels the same assignment is what CMSIS-NN refuses.
    const plain = await quantize({ precision });
    assert.deepEqual(fcWeights(plain.graph), ['int8:8', 'int16:4']);
    assert.notEqual(tflmRuns(plain.bytes, cmsis.path), true);
  });

  test("the precision editor and Suggest measure on the board's kernels: a CMSIS-NN board gets what it can run", async () => {
    const board: PrecisionBoard = {
      targetId: 'nucleo-l4r5zi',
      sramBytes: 640 * 1024,
      flashBytes: 2048 * 1024,
      reserve: DEFAULT_RESERVE,
      abi: 'arm32',
      kernels: 'cmsis-nn',
      core: 'cortex-m4',
    };
    const setup = {
      model: chain(5),
      fileBytes: 0,
      calibration: samples(16, 1),
      options: { method: 'minmax' as const, perChannelFullyConnected: true, heldOut: samples(4, 2) },
    };
    const onCmsis = await precisionSession({ ...setup, board }).assess(['int16', 'int16', 'int16']);
    assert.deepEqual(fcWeights(onCmsis.result.graph), ['int16:1', 'int16:1']);
    assert.equal(onCmsis.assessment.fits, true);
    const onReference = await precisionSession({ ...setup, board: { ...board, kernels: 'reference' } }).assess(['int16', 'int16', 'int16']);
    assert.deepEqual(fcWeights(onReference.result.graph), ['int16:8', 'int16:4']);
  });
});
