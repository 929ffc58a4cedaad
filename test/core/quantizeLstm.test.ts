/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM in the quantizer, on the MNIST LSTM of ../shared
 * (trained_lstm.tflite, with the converter's trained_lstm_int8.tflite beside it):
 * - int8 written with the converter's conventions (per-tensor symmetric gate weights, int32
 *   biases at s_x·s_W, the hidden state in the output's parameters, an int16 cell state with a
 *   power-of-two scale, version 1), calibrated over every step's cell state, and proven on the
 *   real TFLite Micro: bit for bit, arena exact;
 * - 16x8 (whole model and mixed with int8 and float layers): TFLM allocates and runs it, our
 *   runtime gives TFLM's outputs bit for bit and our arena analysis TFLM's arena, and the
 *   outputs are measured against float; the quantize report is complete (evaluation, per-layer
 *   SQNR) and `auto` measures its candidates.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';
import { calibrate, toSource } from '../../src/quantize/calibrate';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import { quantizeModel, type QuantizeOptions } from '../../src/quantize/quantizeModel';
import { precisionChoices } from '../../src/quantize/support';
import { Interpreter } from '../../src/runtime/interpreter';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { floatOutputs, ourRuntimeRefuses, strokeSamples, tflmOutputs } from '../helpers/lstm';
import { checkGraph } from '../helpers/mixedPrecision';
import { SKIP_TFLM } from '../helpers/tflm';
import { prove } from '../helpers/tflmProof';
import { pooledSqnr } from './quantizeData';

const GATE_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8];
const GATE_BIASES = [12, 13, 14, 15];
const HIDDEN = 18;
const CELL = 19;

const float = (): Graph => readModel(corpusModel('trained_lstm'));
const calibration = strokeSamples(16, 1);
const heldOut = strokeSamples(8, 2);
const quantize = (options: QuantizeOptions = {}) => quantizeModel(float(), calibration, { method: 'minmax', heldOut, ...options });

function lstmOf(m: Graph) {
  const sg = m.subgraphs[0]!;
  const op = sg.operators.find((o) => opName(m, o) === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
  return { sg, op, at: (slot: number) => sg.tensors[op.inputs[slot]!]!, version: m.operatorCodes[op.opcodeIndex]!.version };
}

const isPowerOfTwo = (x: number): boolean => Number.isInteger(Math.log2(x));

describe('UNIDIRECTIONAL_SEQUENCE_LSTM quantized', { skip: SKIP_SHARED }, () => {
  test('calibration sees the cell state after every step, through the runtime state hook', async () => {
    const g = float();
    const it = new Interpreter(g);
    const seen: number[] = [];
    calibration[0]!.forEach((b, i) => it.setInputBytes(i, b));
    it.invoke({ onState: (layer, t, values) => seen.push(layer * 1000 + t.index + values.length / 1e3) });
    // 28 steps (rows) of one batch, each reporting the 20 cells of tensor 17 (the cell state) of layer 0.
    assert.deepEqual(
      seen,
      Array.from({ length: 28 }, () => 17 + 20 / 1e3),
    );
    const stats = (await calibrate(g, toSource(calibration.slice(0, 2)), { histograms: false })).stats.get(17);
    assert.equal(stats?.count, 2 * 28 * 20, 'every step of every sample');
  });

  test('int8: the converter’s conventions, and TFLM gives our outputs bit for bit', { skip: SKIP_TFLM }, async (t) => {
    const q = await quantize();
    const official = lstmOf(readModel(corpusModel('trained_lstm_int8')));
    const ours = lstmOf(q.graph);
    assert.equal(ours.version, official.version, 'operator version (1)');
    const sx = ours.at(0).quantization!.scale[0]!;
    for (const [k, slot] of GATE_WEIGHTS.entries()) {
      const w = ours.at(slot);
      assert.equal(w.dtype, 'int8');
      assert.deepEqual(w.quantization!.zeroPoint, [0], 'symmetric');
      assert.deepEqual(w.quantization!.scale, official.at(slot).quantization!.scale, `gate weight ${slot}: per tensor, max|w| / 127, as the converter`);
      if (k >= 4) continue;
      const b = ours.at(GATE_BIASES[k]!);
      assert.equal(b.dtype, 'int32');
      assert.equal(b.quantization!.scale[0], Math.fround(sx * w.quantization!.scale[0]!), 'bias at s_x · s_W');
    }
    const hidden = ours.at(HIDDEN);
    const out = ours.sg.tensors[ours.op.outputs[0]!]!;
    assert.ok(hidden.isVariable && hidden.dtype === 'int8');
    assert.deepEqual(hidden.quantization!.scale, out.quantization!.scale, 'hidden state = output scale');
    assert.deepEqual(hidden.quantization!.zeroPoint, out.quantization!.zeroPoint, 'hidden state = output zero point');
    const cell = ours.at(CELL);
    assert.ok(cell.isVariable && cell.dtype === 'int16');
    assert.deepEqual(cell.quantization!.zeroPoint, [0]);
    assert.ok(isPowerOfTwo(cell.quantization!.scale[0]!), `cell state scale ${cell.quantization!.scale[0]} is a power of two`);
    assert.deepEqual(ours.op.intermediates ?? [], [], 'no intermediates (TFLM reads none)');

    const p = prove(q.bytes, 'trained_lstm int8');
    const ev = q.report.evaluation;
    const sqnr = 'skipped' in ev ? Number.NaN : ev.output.sqnrDb;
    assert.ok(sqnr > 20, `output SQNR ${sqnr} dB vs float on held-out strokes`);
    const offSqnr = pooledSqnr(floatOutputs(float(), heldOut), tflmOutputs(corpusModel('trained_lstm_int8'), heldOut));
    t.diagnostic(
      `int8: bit-exact, TFLM head ${p.head} / total ${p.total}; SQNR ${sqnr.toFixed(2)} dB (official ${offSqnr.toFixed(2)}), cell scale 2^${Math.log2(cell.quantization!.scale[0]!)} (official 2^${Math.log2(official.at(CELL).quantization!.scale[0]!)})`,
    );
  });

  test('16x8, whole model: our runtime gives TFLM’s outputs bit for bit, arena exact, more accurate than int8', { skip: SKIP_TFLM }, async (t) => {
    const q16 = await quantize({ activations: 'int16' });
    const q8 = await quantize();
    const l = lstmOf(q16.graph);
    assert.deepEqual(
      l.sg.tensors.filter((x) => x.dtype === 'float32').map((x) => x.name),
      [],
      'no float tensor is left',
    );
    assert.equal(l.version, 5, 'op_version.cc: int16 input, int8 weights, int16 output');
    assert.equal(l.at(0).dtype, 'int16');
    for (const slot of GATE_WEIGHTS) assert.equal(l.at(slot).dtype, 'int8');
    for (const slot of GATE_BIASES) assert.equal(l.at(slot).dtype, 'int64');
    assert.ok(l.at(HIDDEN).dtype === 'int16' && l.at(HIDDEN).quantization!.zeroPoint[0] === 0);
    assert.ok(l.at(CELL).dtype === 'int16' && isPowerOfTwo(l.at(CELL).quantization!.scale[0]!));
    checkGraph(q16.graph, new Map(), 'trained_lstm 16x8');

    const proof = prove(q16.bytes, 'trained_lstm 16x8');
    const reference = floatOutputs(float(), heldOut);
    const [s8, s16] = [pooledSqnr(reference, tflmOutputs(q8.bytes, heldOut)), pooledSqnr(reference, tflmOutputs(q16.bytes, heldOut))];
    t.diagnostic(`16x8 on TFLM: head ${proof.head} / total ${proof.total}; SQNR vs float int8 ${s8.toFixed(2)} dB, 16x8 ${s16.toFixed(2)} dB`);
    assert.ok(s16 > s8, `16x8 (${s16} dB) beats int8 (${s8} dB)`);
  });

  test('mixed: the LSTM int8, int16 or float beside layers of another type, on TFLM', { skip: SKIP_TFLM }, async (t) => {
    const g = float();
    const choices = precisionChoices(g);
    assert.deepEqual(choices[0], ['int8', 'int16', 'float'], 'the LSTM takes every precision');
    const rest = (p: LayerPrecision, lstm: LayerPrecision) =>
      new Map(choices.flatMap((c, layer) => (c.length === 0 ? [] : [[layer, layer === 0 ? lstm : p] as const])));
    const reference = floatOutputs(g, heldOut);
    for (const [name, precision] of [
      ['LSTM int8, rest int16', rest('int16', 'int8')],
      ['LSTM int16, rest int8', rest('int8', 'int16')],
      ['LSTM float, rest int8', rest('int8', 'float')],
    ] as const) {
      const q = await quantize({ precision });
      checkGraph(q.graph, precision, name);
      assert.equal(ourRuntimeRefuses(q.bytes), undefined, `${name}: our runtime runs it`);
      const proof = prove(q.bytes, name);
      const sqnr = pooledSqnr(reference, tflmOutputs(q.bytes, heldOut));
      assert.ok(sqnr > 20, `${name}: ${sqnr} dB`);
      t.diagnostic(`${name}: bit-exact, head ${proof.head} / total ${proof.total}, SQNR on TFLM ${sqnr.toFixed(2)} dB`);
    }
  });

  test('16x8 LSTM: our runtime equals TFLM bit for bit (whole model and LSTM int16 in an int8 model)', { skip: SKIP_TFLM }, async () => {
    const whole = await quantize({ activations: 'int16' });
    assert.equal(ourRuntimeRefuses(whole.bytes), undefined, 'our runtime runs a 16x8 LSTM');
    prove(whole.bytes, 'trained_lstm 16x8');
    const mixed = await quantize({ activations: 'int8', precision: new Map([[0, 'int16']]) });
    prove(mixed.bytes, 'trained_lstm, LSTM int16, rest int8');
  });

  // Before our runtime ran a 16x8 LSTM, these reports said "not evaluated" and `auto` kept min/max unmeasured.
  const reported: readonly (readonly [string, QuantizeOptions])[] = [
    ['whole 16x8', { activations: 'int16' }],
    ['LSTM int16, rest int8', { precision: new Map<number, LayerPrecision>([[0, 'int16']]) }],
  ];
  for (const [name, options] of reported) {
    test(`${name}: the report is complete and auto measures every candidate`, async (t) => {
      const q = await quantizeModel(float(), calibration, { ...options, method: 'auto', heldOut });
      const ev = q.report.evaluation;
      assert.ok(!('skipped' in ev), `evaluated (${'skipped' in ev ? ev.skipped : ''})`);
      const lstm = ev.layers.find((l) => l.floatLayer === 0);
      assert.ok(lstm && Number.isFinite(lstm.sqnrDb), 'the LSTM has its own SQNR');
      assert.ok(Number.isFinite(ev.output.sqnrDb) && ev.output.sqnrDb > 20, `output ${ev.output.sqnrDb} dB`);
      assert.ok(!q.report.warnings.some((w) => w.startsWith('auto ranges: no candidate')), q.report.warnings.join('; '));
      const candidates = q.report.selection?.candidates ?? [];
      assert.ok(candidates.length > 1, 'several candidates');
      assert.deepEqual(
        candidates.filter((c) => c.skipped !== undefined).map((c) => c.label),
        [],
        'none skipped',
      );
      t.diagnostic(
        `${name}: output ${ev.output.sqnrDb.toFixed(2)} dB, LSTM ${lstm.sqnrDb.toFixed(2)} dB; auto chose ${q.report.selection?.chosen} among ${candidates.map((c) => `${c.label} ${c.sqnrDb?.toFixed(2)}`).join(', ')}`,
      );
    });
  }
});
