import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel, type ModelAnalysis } from '../../src/analysis/analyzeModel';
import type { Graph } from '../../src/model/graph';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { controlFlowModel, customOpModel, float16WeightsModel, hybridModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { readModel, writeModel } from '../../src/model/io';

function analyze(graph: Graph): ModelAnalysis {
  const bytes = writeModel(graph);
  return analyzeModel(readModel(bytes), bytes.length);
}

function analyzeCorpus(name: string): ModelAnalysis {
  const bytes = corpusModel(name);
  return analyzeModel(readModel(bytes), bytes.length);
}

/** Conv, depthwise and fully connected MACs only: the convention's core. */
function convFcMacs(a: ModelAnalysis): number {
  return a.layers.filter((l) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(l.op)).reduce((s, l) => s + (l.macs ?? 0), 0);
}

describe('per-layer cost of the project models', () => {
  const a = analyze(tinyInt8ConvNet());

  test('MACs follow the convention, layer by layer', () => {
    // 8×8×4 outputs × 3×3 × 1 input channel; depthwise 8×8×4 × 3×3; FC 3 outputs × 4 features.
    assert.deepStrictEqual(
      a.layers.map((l) => l.macs),
      [2304, 2304, 0, 0, 12, 0],
    );
    assert.equal(a.totals.macs, 4620);
    assert.equal(a.layers[2]!.elementOps, 4 * 64, 'average pool: 4 outputs × an 8×8 window');
  });

  test('weights, activations and shapes per layer', () => {
    const conv = a.layers[0]!;
    assert.equal(conv.weightBytes, 36 + 16, 'int8 filter + int32 bias');
    assert.equal(conv.activationBytes, 8 * 8 * 4);
    assert.deepStrictEqual(
      conv.inputs.map((t) => t.name),
      ['input', 'conv/w', 'conv/b'],
    );
    assert.deepStrictEqual(conv.outputs[0]!.shape, [1, 8, 8, 4]);
    assert.equal(a.totals.weightBytes, 36 + 16 + 36 + 16 + 8 + 12 + 12);
    assert.equal(a.kind, 'int8');
  });

  test('arena live bytes: the conv step holds the input and its output', () => {
    assert.equal(a.layers[0]!.arenaLiveBytes, 64 + 256);
    assert.deepStrictEqual([...a.layers[0]!.liveTensors].sort(), ['conv/out', 'input']);
    assert.equal(a.arena.peakLayer, 1, 'the depthwise step holds two 256-byte activations');
  });

  test('a custom op has unknown cost and a name, and does not stop the analysis', () => {
    const c = analyze(customOpModel());
    assert.equal(c.layers[0]!.op, 'MyVendorOp');
    assert.equal(c.layers[0]!.macs, null);
    assert.equal(c.layers[0]!.tflmSupported, false);
    assert.deepStrictEqual(c.totals.unknownCostOps, ['MyVendorOp']);
    assert.equal(c.layers[1]!.elementOps, 10);
  });

  test('FLOAT16 weights count 2 bytes each in flash and their DEQUANTIZE output takes arena', () => {
    const f = analyze(float16WeightsModel());
    assert.equal(f.totals.weightBytesByType.float16, 54 * 2);
    const deq = f.layers[0]!;
    assert.equal(deq.op, 'DEQUANTIZE');
    assert.equal(deq.activationBytes, 54 * 4);
    assert.ok(f.arena.buffers.some((b) => b.name === 'w_dequantized'));
    assert.equal(f.kind, 'float');
  });

  test('int8 weights under float activations make a hybrid model', () => {
    const h = analyze(hybridModel());
    assert.equal(h.kind, 'hybrid');
    assert.equal(h.layers[0]!.hybrid, true);
  });

  test('ops in WHILE/IF subgraphs are listed with their subgraph', () => {
    const c = analyze(controlFlowModel());
    assert.deepStrictEqual(
      c.layers.map((l) => `${l.subgraph}:${l.op}`),
      ['0:WHILE', '0:IF', '1:SUM', '1:LESS', '2:ADD', '3:RELU', '4:TANH'],
    );
    assert.ok(c.layers.every((l) => l.macs !== null));
  });
});

describe('MACs of the shared models (facts counted independently)', { skip: SKIP_SHARED }, () => {
  const facts: Readonly<Record<string, number>> = {
    kws_ref_model: 2_656_768,
    vww_96_int8: 7_489_664,
    vww_96_float: 7_489_664,
    pretrainedResnet: 12_501_632,
    pretrainedResnet_quant: 12_501_632,
    ad01_int8: 264_192,
    ad01_fp32: 264_192,
    person_detect: 7_157_888,
    micro_speech_quantized: 336_000,
    hello_world_float: 288,
    hello_world_int8: 288,
  };
  for (const [name, macs] of Object.entries(facts)) {
    test(`${name}: ${macs.toLocaleString('en-US')} conv/depthwise/FC MACs`, () => assert.equal(convFcMacs(analyzeCorpus(name)), macs));
  }

  test('model kinds: int8, float, hybrid, and int8 with float I/O edges', () => {
    assert.equal(analyzeCorpus('vww_96_int8').kind, 'int8');
    assert.equal(analyzeCorpus('vww_96_float').kind, 'float');
    assert.equal(analyzeCorpus('kws_ref_model_float32').kind, 'hybrid');
    assert.equal(analyzeCorpus('model_ToyCar_quant_fullint_micro').kind, 'int8');
  });

  test('the LSTM and SVDF models count their matrix products', () => {
    const lstm = analyzeCorpus('trained_lstm').layers.find((l) => l.op === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    // 28 steps × 4 gates × 20 cells × (28 inputs + 20 recurrent).
    assert.equal(lstm.macs, 28 * 4 * 20 * (28 + 20));
    const svdf = analyzeCorpus('keyword_scrambled_8bit').layers.filter((l) => l.op === 'SVDF');
    assert.ok(svdf.every((l) => (l.macs ?? 0) > 0));
  });

  test('weights are counted once even when shared, and fit inside the file', () => {
    // int8 models spend a third of their file on per-channel quantization parameters and names.
    for (const [name, share] of [
      ['vww_96_int8', 0.6],
      ['person_detect', 0.6],
      ['ad01_fp32', 0.99],
    ] as const) {
      const a = analyzeCorpus(name);
      assert.ok(a.totals.weightBytes > share * a.totals.modelBytes && a.totals.weightBytes < a.totals.modelBytes, name);
    }
  });
});
