/**
 * quantizeModel end to end: every float model in ../shared quantizes; the result round-trips
 * through our reader to the same bytes, uses the operator versions the converter writes,
 * loads and runs in tfjs-tflite, and our runtime (xnnpack rounding, what tfjs-tflite runs)
 * gives the same bytes. Plus the rules: same-scale ops, shared concatenation scales, fixed
 * SOFTMAX output, float I/O, keep-float, FLOAT16 and hybrid sources, and the errors
 * (already int8, unsupported ops named before any work, cancellation).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import type { SampleSource } from '../../src/quantize/calibrate';
import { Cancelled } from '../../src/errors';
import { QuantizeError } from '../../src/quantize/errors';
import { convertInput } from '../../src/quantize/evaluate';
import { quantizeModel, type QuantizeOptions } from '../../src/quantize/quantizeModel';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { prng } from '../../src/util/prng';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { customOpModel, float16WeightsModel, hybridModel, svdfModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { oracleModel } from '../oracles/tfjsTflite';
import { QUALITY_CASES } from './quantizeData';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions, opName } from '../../src/model/ops';

const f32 = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function randomSamples(graph: Graph, count: number, seed: number, lo = -1, hi = 1): Uint8Array[][] {
  const r = prng(seed);
  const sg = graph.subgraphs[0]!;
  return Array.from({ length: count }, () =>
    sg.inputs.map((i) => f32(Float32Array.from({ length: sg.tensors[i]!.shape.reduce((a, b) => a * b, 1) }, () => lo + r() * (hi - lo)))),
  );
}

/** Our runtime (xnnpack rounding) and tfjs-tflite give the same output bytes on these float samples. */
async function assertMatchesOracle(bytes: Uint8Array, samples: readonly (readonly Uint8Array[])[], what: string): Promise<void> {
  const oracle = await oracleModel(bytes);
  const ours = new Interpreter(readModel(bytes), { rounding: 'xnnpack' });
  for (const [s, sample] of samples.entries()) {
    const inputs = sample.map((b, i) => convertInput(b, ours.inputs[i]!));
    const expected = oracle.run(inputs);
    ours.resetState();
    inputs.forEach((b, i) => ours.setInputBytes(i, b));
    ours.invoke();
    ours.outputs.forEach((t, i) => assert.deepEqual(tensorBytes(t), expected[i], `${what}: sample ${s} output ${i} differs from tfjs-tflite`));
  }
}

/** (op, version) pairs the operators of subgraph 0 use. */
function usedVersions(g: Graph): string[] {
  return [...new Set(g.subgraphs[0]!.operators.map((o) => `${opName(g, o)} v${g.operatorCodes[o.opcodeIndex]!.version}`))].sort();
}

describe('every float model in ../shared quantizes', { skip: SKIP_SHARED }, () => {
  for (const c of QUALITY_CASES) {
    test(c.name, async (t) => {
      const data = c.data();
      if ('skip' in data) return t.skip(data.skip);
      const model = readModel(corpusModel(c.float));
      for (const io of ['int8', 'float'] as const) {
        const result = await quantizeModel(model, data.calibration, { io, heldOut: data.heldOut.slice(0, 4) });
        // Lossless round trip through our reader and writer.
        assert.deepEqual(writeModel(readModel(result.bytes)), result.bytes, `${c.name} ${io}: round trip`);
        const g = result.graph;
        const sg = g.subgraphs[0]!;
        const types = [...sg.inputs, ...sg.outputs].map((i) => sg.tensors[i]!.dtype);
        assert.ok(
          types.every((d) => d === (io === 'int8' ? 'int8' : 'float32')),
          `${c.name} ${io}: I/O types ${types.join(', ')}`,
        );
        if (io === 'int8') {
          // The operator versions of the official int8 model (converter: op_version.cc).
          assert.deepEqual(usedVersions(g), usedVersions(readModel(corpusModel(c.official))), `${c.name}: operator versions`);
          assert.ok(!sg.tensors.some((t) => t.dtype === 'float32'), `${c.name}: float tensors left`);
        } else {
          assert.equal(opName(g, sg.operators[0]!), 'QUANTIZE');
          assert.equal(opName(g, sg.operators[sg.operators.length - 1]!), 'DEQUANTIZE');
          assert.equal(sg.tensors[sg.inputs[0]!]!.name, model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!.name, 'the float input keeps its name');
        }
        const report = result.report;
        assert.ok(report.size.afterBytes < report.size.beforeBytes || c.name === 'hello_world');
        assert.ok(!('skipped' in report.evaluation), `${c.name}: ${JSON.stringify(report.evaluation)}`);
        await assertMatchesOracle(result.bytes, data.heldOut.slice(0, 8), `${c.name} ${io} I/O`);
      }
    });
  }
});

describe('hybrid and FLOAT16 sources are dequantized first', { skip: SKIP_SHARED }, () => {
  test('kws_ref_model_float32 (int8 conv weights under float activations): the int8 weights are reused exactly', async () => {
    const model = readModel(corpusModel('kws_ref_model_float32'));
    const c = QUALITY_CASES.find((q) => q.name === 'kws')!;
    const data = c.data() as { calibration: Uint8Array[][] };
    const result = await quantizeModel(model, data.calibration.slice(0, 20));
    assert.deepEqual(result.report.source.kinds, ['hybrid']);
    assert.ok(result.report.notes.some((n) => /reused exactly/.test(n)));
    // The first conv's weights: the same bytes and scale as in the hybrid file.
    const hybridW = model.subgraphs[0]!.tensors[model.subgraphs[0]!.operators[0]!.inputs[1]!]!;
    const ourW = result.graph.subgraphs[0]!.tensors[result.graph.subgraphs[0]!.operators[0]!.inputs[1]!]!;
    assert.deepEqual(result.graph.buffers[ourW.buffer]!.data, model.buffers[hybridW.buffer]!.data);
    assert.deepEqual(ourW.quantization!.scale, hybridW.quantization!.scale);
  });
});

describe('sources built here', () => {
  test('FLOAT16 weights behind DEQUANTIZE', async () => {
    const model = float16WeightsModel();
    const result = await quantizeModel(model, randomSamples(model, 16, 1));
    assert.deepEqual(result.report.source.kinds, ['float16']);
    const sg = result.graph.subgraphs[0]!;
    assert.deepEqual(
      sg.operators.map((o) => opName(result.graph, o)),
      ['CONV_2D'],
    );
    assert.ok(!sg.tensors.some((t) => t.dtype === 'float16' || t.dtype === 'float32'));
    await assertMatchesOracle(result.bytes, randomSamples(model, 4, 2), 'fp16 model');
  });

  test('hybrid FULLY_CONNECTED fixture', async () => {
    const model = hybridModel();
    const result = await quantizeModel(model, randomSamples(model, 16, 3));
    assert.deepEqual(result.report.source.kinds, ['hybrid']);
    const fc = result.graph.subgraphs[0]!.operators[0]!;
    assert.equal(result.graph.operatorCodes[fc.opcodeIndex]!.version, 4);
    await assertMatchesOracle(result.bytes, randomSamples(model, 4, 4), 'hybrid fixture');
  });

  /** conv → concat(conv, maxpool(input)) → reshape → softmax; concat(softmax, reshape). */
  function scaleRulesModel(): Graph {
    const r = prng(5);
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const input = sg.tensor({ name: 'input', shape: [1, 4, 4, 2], dtype: 'float32' });
    const w = sg.tensor({ name: 'w', shape: [3, 1, 1, 2], dtype: 'float32', data: Float32Array.from({ length: 6 }, () => r() * 2 - 1) });
    const b = sg.tensor({ name: 'b', shape: [3], dtype: 'float32', data: Float32Array.from({ length: 3 }, () => r() - 0.5) });
    const a = sg.tensor({ name: 'conv', shape: [1, 4, 4, 3], dtype: 'float32' });
    const p = sg.tensor({ name: 'pool', shape: [1, 4, 4, 2], dtype: 'float32' });
    const c = sg.tensor({ name: 'concat', shape: [1, 4, 4, 5], dtype: 'float32' });
    const shape = sg.tensor({ name: 'shape', shape: [2], dtype: 'int32', data: Int32Array.from([1, 80]) });
    const flat = sg.tensor({ name: 'flat', shape: [1, 80], dtype: 'float32' });
    const sm = sg.tensor({ name: 'softmax', shape: [1, 80], dtype: 'float32' });
    const out = sg.tensor({ name: 'output', shape: [1, 160], dtype: 'float32' });
    sg.op({ op: 'CONV_2D', inputs: [input, w, b], outputs: [a], options: makeOptions('Conv2DOptions', { padding: 'SAME', strideW: 1, strideH: 1 }) })
      .op({
        op: 'MAX_POOL_2D',
        inputs: [input],
        outputs: [p],
        options: makeOptions('Pool2DOptions', { padding: 'SAME', strideW: 1, strideH: 1, filterWidth: 1, filterHeight: 1 }),
      })
      .op({ op: 'CONCATENATION', inputs: [a, p], outputs: [c], options: makeOptions('ConcatenationOptions', { axis: 3 }) })
      .op({ op: 'RESHAPE', inputs: [c, shape], outputs: [flat], options: makeOptions('ReshapeOptions', { newShape: [1, 80] }) })
      .op({ op: 'SOFTMAX', inputs: [flat], outputs: [sm], options: makeOptions('SoftmaxOptions', { beta: 1 }) })
      .op({ op: 'CONCATENATION', inputs: [sm, flat], outputs: [out], options: makeOptions('ConcatenationOptions', { axis: 1 }) })
      .io([input], [out]);
    return g.build();
  }

  test('same-scale ops, shared concatenation scales, fixed SOFTMAX output, requantization where fixed meets shared', async () => {
    const model = scaleRulesModel();
    const result = await quantizeModel(model, randomSamples(model, 32, 6, -3, 3));
    const sg = result.graph.subgraphs[0]!;
    const q = (name: string) => {
      const t = sg.tensors.find((x) => x.name === name)!;
      return [t.quantization!.scale[0], t.quantization!.zeroPoint[0]];
    };
    assert.deepEqual(q('pool'), q('input'), 'MAX_POOL_2D keeps its input scale');
    assert.deepEqual(q('conv'), q('concat'), 'a concatenation input takes the output scale');
    assert.deepEqual(q('flat'), q('concat'), 'RESHAPE keeps its input scale');
    assert.deepEqual(q('softmax'), [1 / 256, -128]);
    const ops = sg.operators.map((o) => opName(result.graph, o));
    // The fixed softmax output is requantized into the second concatenation's scale.
    assert.deepEqual(ops, ['CONV_2D', 'MAX_POOL_2D', 'CONCATENATION', 'RESHAPE', 'SOFTMAX', 'QUANTIZE', 'CONCATENATION']);
    const requantized = sg.tensors[sg.operators[5]!.outputs[0]!]!;
    assert.deepEqual([requantized.quantization!.scale[0], requantized.quantization!.zeroPoint[0]], q('output'));
    assert.deepEqual(result.report.ranges.find((r) => r.name === 'conv')!.rule, 'shared');
    await assertMatchesOracle(result.bytes, randomSamples(model, 4, 7, -3, 3), 'scale rules model');
  });
});

describe('errors come before any work', () => {
  const untouchable = (count = 10): SampleSource & { touched: boolean } => {
    const s = {
      count,
      touched: false,
      sample(): readonly Uint8Array[] {
        s.touched = true;
        throw new Error('calibration data was read');
      },
    };
    return s;
  };

  test('an int8 model is refused, not quantized twice', async () => {
    await assert.rejects(
      quantizeModel(tinyInt8ConvNet(), untouchable()),
      (e: unknown) => e instanceof QuantizeError && e.code === 'already-quantized' && /already quantized/.test(e.message),
    );
  });

  test('a custom op our runtime cannot run is named, keep-float or not', async () => {
    for (const keepFloat of [false, true]) {
      const data = untouchable();
      await assert.rejects(
        quantizeModel(customOpModel(), data, { keepFloat }),
        (e: unknown) => e instanceof QuantizeError && /MyVendorOp \(layer 0\)/.test(e.message),
      );
      assert.equal(data.touched, false);
    }
  });

  test('cancellation between samples', async () => {
    const model = hybridModel();
    let calls = 0;
    await assert.rejects(
      quantizeModel(model, randomSamples(model, 10, 8), {}, { shouldStop: () => ++calls > 3 }),
      (e: unknown) => e instanceof Cancelled && e.code === 'cancelled',
    );
  });

  test('progress rises to 1', async () => {
    const model = hybridModel();
    const seen: number[] = [];
    await quantizeModel(model, randomSamples(model, 6, 9), { heldOut: randomSamples(model, 2, 10) }, { progress: (f) => seen.push(f) });
    assert.ok(seen.every((f, i) => i === 0 || f >= seen[i - 1]!));
    assert.equal(seen[seen.length - 1], 1);
  });
});

describe('ops the int8 path cannot take', { skip: SKIP_SHARED }, () => {
  const samples = (n: number, seed: number) => randomSamples(svdfModel(), n, seed);

  test('are listed by name before calibration starts', async () => {
    const data = {
      count: 5,
      touched: false,
      sample: () => {
        data.touched = true;
        return samples(1, 1)[0]!;
      },
    };
    await assert.rejects(quantizeModel(svdfModel(), data), (e: unknown) => {
      assert.ok(e instanceof QuantizeError && e.code === 'unsupported-ops', String(e));
      assert.deepEqual(
        e.ops.map((o) => `${o.op}@${o.layer}`),
        ['SVDF@0'],
      );
      assert.match(e.message, /SVDF \(layer 0\)/);
      return true;
    });
    assert.equal(data.touched, false);
  });

  test('stay in float with keep-float, with DEQUANTIZE before and QUANTIZE after them', async () => {
    const options: QuantizeOptions = { keepFloat: true, heldOut: samples(3, 2) };
    const result = await quantizeModel(svdfModel(), samples(16, 3), options);
    const g = result.graph;
    const ops = g.subgraphs[0]!.operators.map((o) => opName(g, o));
    assert.deepEqual(ops, ['DEQUANTIZE', 'SVDF', 'QUANTIZE', 'FULLY_CONNECTED']);
    assert.deepEqual(
      result.report.keptFloat.map((o) => o.op),
      ['SVDF'],
    );
    assert.ok(!('skipped' in result.report.evaluation));
    // One sample: tfjs-tflite keeps the SVDF's state from one run to the next, where ours resets it.
    await assertMatchesOracle(result.bytes, samples(1, 4), 'keep-float SVDF');
  });

  test('an LSTM the quantizer takes stays float when its layer is asked float, as keep-float left it before', async () => {
    const lstm = readModel(corpusModel('trained_lstm'));
    const lstmSamples = (n: number, seed: number) => randomSamples(lstm, n, seed, 0, 1);
    const result = await quantizeModel(lstm, lstmSamples(16, 3), { precision: new Map([[0, 'float']]), heldOut: lstmSamples(3, 2) });
    const g = result.graph;
    const ops = g.subgraphs[0]!.operators.map((o) => opName(g, o));
    assert.deepEqual(ops, ['DEQUANTIZE', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    await assertMatchesOracle(result.bytes, lstmSamples(2, 4), 'float LSTM in an int8 model');
  });
});
