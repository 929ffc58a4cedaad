/**
 * Per-layer precision in the quantizer, without TFLM (mixedPrecisionTflm.test.ts proves the
 * models on it): what precisionChoices offers, how a mixed plan converts a tensor where it
 * changes type, which type the model's I/O takes, that naming every layer with the default
 * changes nothing, and how the quantize job refuses a bad assignment.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';
import { precisionMap, quantizeJob } from '../../src/jobs/quantize';
import { QuantizeError } from '../../src/quantize/errors';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { planInt8Graph, type LayerPrecision } from '../../src/quantize/int8Graph';
import { OPS_16X8 } from '../../src/quantize/opProperties';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import type { RangeChoice } from '../../src/quantize/ranges';
import { outputNames } from '../../src/quantize/report';
import { checkSupport, precisionChoices } from '../../src/quantize/support';
import { corpusModel, MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';
import { samples } from '../helpers/mixedPrecision';
import { svdfModel } from '../helpers/fixtures';

const NO_CTX = { shouldStop: () => false, progress: () => undefined };

const floatOf = (name: string): Graph => toFloatGraph(readModel(corpusModel(name))).graph;

/** A range for every float tensor that is not a constant. */
function rangesFor(g: Graph): Map<number, RangeChoice> {
  const sg = g.subgraphs[0]!;
  const ranges = new Map<number, RangeChoice>();
  sg.tensors.forEach((t, i) => {
    if (t.dtype === 'float32' && (g.buffers[t.buffer]?.data.length ?? 0) === 0) ranges.set(i, { min: -1 - i / 10, max: 2 + i / 10 });
  });
  return ranges;
}

describe('precisionChoices', { skip: SKIP_SHARED }, () => {
  test('offers what TFLM runs for each op, cheapest first', () => {
    const hello = floatOf('hello_world_float');
    assert.deepEqual(precisionChoices(hello), [
      ['int8', 'int16', 'float'],
      ['int8', 'int16', 'float'],
      ['int8', 'int16', 'float'],
    ]);
    const kws = floatOf('kws_ref_model_float32');
    const choices = precisionChoices(kws);
    kws.subgraphs[0]!.operators.forEach((op, layer) => {
      const name = opName(kws, op);
      assert.equal(choices[layer]!.includes('int16'), OPS_16X8.has(name), `${name} (layer ${layer}) int16 only with a 16x8 path`);
      assert.ok(choices[layer]!.includes('int8') && choices[layer]!.includes('float'), `${name}: int8 and float`);
    });
    const lstm = floatOf('trained_lstm');
    const k = lstm.subgraphs[0]!.operators.findIndex((op) => opName(lstm, op) === 'UNIDIRECTIONAL_SEQUENCE_LSTM');
    assert.deepEqual(precisionChoices(lstm)[k], ['int8', 'int16', 'float'], 'the LSTM in every precision (TFLM has int8 and 16x8 LSTMs)');
    assert.deepEqual(precisionChoices(svdfModel())[0], ['float'], 'an op the quantizer cannot take stays float');
  });

  test('checkSupport names a layer asked for a precision its op cannot take', () => {
    // The SVDF stands where the MNIST LSTM did before the quantizer took LSTMs.
    const svdf = svdfModel();
    const k = svdf.subgraphs[0]!.operators.findIndex((op) => opName(svdf, op) === 'SVDF');
    const fc = svdf.subgraphs[0]!.operators.findIndex((op) => opName(svdf, op) === 'FULLY_CONNECTED');
    const s = checkSupport(svdf, undefined, 'int8', new Map<number, LayerPrecision>([[k, 'float']]));
    assert.deepEqual(s.unsupported, [], 'the SVDF in float, the rest int8');
    const refused = checkSupport(svdf, undefined, 'int8', new Map<number, LayerPrecision>([[fc, 'int16']]));
    assert.deepEqual(
      refused.unsupported.map((u) => u.layer),
      [k],
      'FULLY_CONNECTED takes int16; only the SVDF (int8 by default) is refused',
    );
    const lstm = floatOf('trained_lstm');
    assert.deepEqual(checkSupport(lstm, undefined, 'int16').unsupported, [], 'the LSTM model whole in 16x8');
  });
});

describe('a mixed plan', { skip: SKIP_SHARED }, () => {
  const options = { io: 'int8', perChannelFullyConnected: false, keepFloat: new Set<number>(), reuseInt8Weights: true } as const;

  test('requantizes int16 → int8 → int16 between layers; I/O takes the type of the layer reading or writing it', () => {
    const g = floatOf('hello_world_float');
    const precision = new Map<number, LayerPrecision>([
      [0, 'int16'],
      [1, 'int8'],
      [2, 'int16'],
    ]);
    const plan = planInt8Graph(toFloatGraph(g), rangesFor(g), { ...options, precision });
    const t = plan.rewrite.tensors;
    const ops = plan.rewrite.ops.map((o) => {
      const e = o.edit.op;
      return `${o.origin.kind} ${t[e.inputs[0]!]!.dtype}→${t[e.outputs[0]!]!.dtype}`;
    });
    assert.deepEqual(ops, ['layer int16→int16', 'quantize int16→int8', 'layer int8→int8', 'quantize int8→int16', 'layer int16→int16']);
    const dtype = (i: number) => t[i]!.dtype;
    assert.deepEqual([plan.io.inputs.map(dtype), plan.io.outputs.map(dtype)], [['int16'], ['int16']]);
    const biases = plan.rewrite.ops.filter((o) => o.origin.kind === 'layer').map((o) => dtype(o.edit.op.inputs[2]!));
    assert.deepEqual(biases, ['int64', 'int32', 'int64']);
    for (const x of t)
      if (x.dtype === 'int16')
        assert.ok(
          x.quantization!.zeroPoint.every((z) => z === 0),
          `${x.name} symmetric`,
        );
    // The int8 form of layer 0's output is a new tensor named after its type; the report lists both forms.
    const out0 = g.subgraphs[0]!.operators[0]!.outputs[0]!;
    const forms = plan.tensors.forms.get(out0)!;
    assert.deepEqual([forms.born, dtype(forms.int16!), dtype(forms.int8!)], ['int16', 'int16', 'int8']);
    assert.match(t[forms.int8!]!.name, /_int8$/);
    assert.deepEqual(
      plan.tensors.params.filter((p) => p.tensor === out0).map((p) => p.type),
      ['int8', 'int16'],
    );
  });

  test('an int8 first layer and an int16 last one: int8 input, int16 output; float I/O keeps the names', () => {
    const g = floatOf('hello_world_float');
    const precision = new Map<number, LayerPrecision>([[2, 'int16']]);
    const plan = planInt8Graph(toFloatGraph(g), rangesFor(g), { ...options, precision });
    const dtype = (i: number) => plan.rewrite.tensors[i]!.dtype;
    assert.deepEqual([plan.io.inputs.map(dtype), plan.io.outputs.map(dtype)], [['int8'], ['int16']]);
    const floatIo = planInt8Graph(toFloatGraph(g), rangesFor(g), { ...options, io: 'float', precision });
    const sg = g.subgraphs[0]!;
    const name = (i: number) => floatIo.rewrite.tensors[i]!.name;
    assert.deepEqual(
      [floatIo.io.inputs.map(name), floatIo.io.outputs.map(name)],
      [sg.inputs.map((i) => sg.tensors[i]!.name), sg.outputs.map((i) => sg.tensors[i]!.name)],
    );
    assert.deepEqual(
      floatIo.rewrite.ops.map((o) => o.origin.kind),
      ['quantize', 'layer', 'layer', 'quantize', 'layer', 'dequantize'],
    );
  });

  test('naming every layer with the default gives the same bytes as not naming any', async () => {
    for (const name of ['hello_world_float', 'ad01_fp32']) {
      const model = readModel(corpusModel(name));
      const layers = model.subgraphs[0]!.operators.length;
      const calibration = samples(model, 3, 1, -1, 1);
      const all = (p: LayerPrecision) => new Map(Array.from({ length: layers }, (_, k) => [k, p] as const));
      const quantize = (o: Parameters<typeof quantizeModel>[2]) =>
        quantizeModel(model, calibration, { method: 'minmax', ...o }).then((q) => Buffer.from(q.bytes));
      assert.deepEqual(await quantize({ precision: all('int8') }), await quantize({}), `${name}: every layer int8 = int8`);
      assert.deepEqual(await quantize({ precision: all('int16') }), await quantize({ activations: 'int16' }), `${name}: every layer int16 = 16x8`);
    }
  });
});

describe('the quantize job with a precision', { skip: SKIP_SHARED }, () => {
  const HELLO = join(MODELS_DIR, 'tflm', 'hello_world', 'hello_world_float.tflite');

  test('refuses a bad layer or precision in one line naming the layer', () => {
    const svdf = svdfModel();
    const k = svdf.subgraphs[0]!.operators.findIndex((op) => opName(svdf, op) === 'SVDF');
    const refusal = (choices: Parameters<typeof precisionMap>[1], pattern: RegExp) =>
      assert.throws(
        () => precisionMap(svdf, choices),
        (e: unknown) => e instanceof QuantizeError && e.code === 'bad-precision' && !e.message.includes('\n') && pattern.test(e.message),
      );
    refusal([{ layer: 99, precision: 'int8' }], /layer 99: the model's layers are 0 to \d+/);
    refusal([{ layer: -1, precision: 'int8' }], /layer -1/);
    refusal([{ layer: k, precision: 'int8' }], new RegExp(`layer ${k} \\(SVDF\\) cannot be int8 on TFLite Micro; it can be float`));
    refusal(
      [
        { layer: k + 1, precision: 'int8' },
        { layer: k + 1, precision: 'int16' },
      ],
      new RegExp(`layer ${k + 1} \\(\\w+\\) is given a precision twice`),
    );
    assert.deepEqual([...precisionMap(svdf, [{ layer: k, precision: 'float' }])], [[k, 'float']]);
  });

  test('a mixed model is <name>_mixed.tflite and its report lists the overrides', async () => {
    assert.deepEqual(outputNames('m.tflite', 'int8', true), { model: 'm_mixed.tflite', report: 'm_mixed.report.json' });
    assert.equal(outputNames('m.tflite', 'int16').model, 'm_16x8.tflite');
    const r = await quantizeJob(
      { modelPath: HELLO, randomCalibration: true, samples: 4, heldOut: 2, method: 'minmax', threads: 1, precision: [{ layer: 1, precision: 'int16' }] },
      NO_CTX,
    );
    assert.match(r.outputPath, /hello_world_float_mixed\.tflite$/);
    assert.deepEqual(r.report.options.precision, [{ layer: 1, precision: 'int16' }]);
    const m = readModel(r.bytes);
    assert.ok(m.subgraphs[0]!.tensors.some((t) => t.dtype === 'int16'));
    // Overrides equal to the default are not a mixed model.
    const same = await quantizeJob(
      { modelPath: HELLO, randomCalibration: true, samples: 2, heldOut: 0, method: 'minmax', threads: 1, precision: [{ layer: 1, precision: 'int8' }] },
      NO_CTX,
    );
    assert.match(same.outputPath, /hello_world_float_int8\.tflite$/);
  });
});
