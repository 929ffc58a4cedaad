import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelFormatError } from '../../src/model/errors';
import type { Graph } from '../../src/model/graph';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { chainModel, controlFlowModel, customOpModel, float16WeightsModel, hybridModel, prng, tinyInt8ConvNet } from '../helpers/fixtures';
import { oracleModel } from '../oracles/tfjsTflite';
import { readModel, writeModel } from '../../src/model/io';
import { builtinCode, makeOptions, opName, optionsOf } from '../../src/model/ops';

function roundTrip(graph: Graph): Graph {
  return readModel(writeModel(graph));
}

/** Deterministic input bytes for a tensor of `bytes` bytes; floats uniform in [-1, 1). */
function inputBytes(dtype: string, bytes: number, seed: number): Uint8Array {
  const r = prng(seed);
  if (dtype === 'float32') return new Uint8Array(Float32Array.from({ length: bytes / 4 }, () => r() * 2 - 1).buffer);
  return Uint8Array.from({ length: bytes }, () => Math.floor(r() * 256));
}

describe('TFLite read and write: the corpus', { skip: SKIP_SHARED }, () => {
  for (const m of corpusModels()) {
    test(`${m.name}: read → write → read gives the same graph`, () => {
      const first = readModel(corpusModel(m.name));
      const written = writeModel(first);
      const second = readModel(written);
      assert.deepStrictEqual(second, first);
      // Weight buffers land on 16-byte boundaries, as the schema's force_align asks.
      for (const b of second.buffers) if (b.data.length > 0) assert.equal(b.data.byteOffset % 16, 0);
    });
  }

  // person_detect is refused by desktop TFLite (depthwise weights quantized along axis 3).
  // The oracle's heap is corrupted once it has run an SVDF model, so those run last.
  const hasSvdf = (name: string): boolean => name.includes('keyword_scrambled');
  const oracleRuns = corpusModels()
    .filter((m) => m.name !== 'person_detect')
    .sort((a, b) => Number(hasSvdf(a.name)) - Number(hasSvdf(b.name)));
  for (const m of oracleRuns) {
    test(`${m.name}: the written file runs in tfjs-tflite with outputs identical to the original's`, async () => {
      const original = corpusModel(m.name);
      const rewritten = writeModel(readModel(original));
      const a = await oracleModel(original);
      const b = await oracleModel(rewritten);
      const inputs = a.inputs.map((t, i) => inputBytes(t.dataType, t.data().byteLength, 100 + i));
      const outA = a.run(inputs);
      const outB = b.run(inputs);
      assert.equal(outB.length, outA.length);
      assert.ok(outA.length > 0);
      outA.forEach((o, i) => assert.deepStrictEqual(outB[i], o, `output ${i} differs`));
    });
  }
});

describe('TFLite format traps', () => {
  test('the real op code is max(builtin_code, deprecated_builtin_code)', () => {
    const g = tinyInt8ConvNet();
    // An old file: builtin_code left at 0 (ADD), the op only in the deprecated field.
    const legacy: Graph = { ...g, operatorCodes: g.operatorCodes.map((c) => ({ ...c, builtinCode: 0, deprecatedBuiltinCode: c.builtin })) };
    const back = roundTrip(legacy);
    assert.equal(back.operatorCodes[0]!.builtinCode, 0);
    assert.equal(opName(back, back.subgraphs[0]!.operators[0]!), 'CONV_2D');
    // A code above 127 lives only in builtin_code, with the placeholder 127 in the old field.
    const big = roundTrip({ ...g, operatorCodes: [{ builtin: 150, builtinCode: 150, deprecatedBuiltinCode: 127, version: 1 }, ...g.operatorCodes.slice(1)] });
    assert.equal(big.operatorCodes[0]!.builtin, 150);
  });

  test('corpus files that leave builtin_code at 0 still name their ops', { skip: SKIP_SHARED }, () => {
    const g = readModel(corpusModel('person_detect'));
    assert.ok(g.operatorCodes.some((c) => c.builtinCode === 0 && c.deprecatedBuiltinCode > 0));
    const ops = new Set(g.subgraphs[0]!.operators.map((op) => opName(g, op)));
    assert.deepStrictEqual([...ops].sort(), ['AVERAGE_POOL_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'SOFTMAX']);
  });

  test('shape_signature keeps -1 batch dimensions while shape holds 1', { skip: SKIP_SHARED }, () => {
    const g = readModel(corpusModel('hello_world_float'));
    const input = g.subgraphs[0]!.tensors[g.subgraphs[0]!.inputs[0]!]!;
    assert.deepStrictEqual(input.shape, [1, 1]);
    assert.deepStrictEqual(input.shapeSignature, [-1, 1]);
  });

  test('per-channel quantization along dimension 0 and 3 survives a round trip', () => {
    const g = roundTrip(tinyInt8ConvNet());
    const t = g.subgraphs[0]!.tensors;
    const conv = t.find((x) => x.name === 'conv/w')!;
    const dw = t.find((x) => x.name === 'dw/w')!;
    assert.equal(conv.quantization!.quantizedDimension, 0);
    assert.deepStrictEqual(conv.quantization!.scale, [0.01, 0.02, 0.015, 0.03].map(Math.fround));
    assert.equal(dw.quantization!.quantizedDimension, 3);
    assert.equal(dw.quantization!.scale.length, 4);
  });

  test('person_detect quantizes depthwise weights along dimension 3', { skip: SKIP_SHARED }, () => {
    const g = readModel(corpusModel('person_detect'));
    const sg = g.subgraphs[0]!;
    const dwWeights = sg.operators.filter((op) => opName(g, op) === 'DEPTHWISE_CONV_2D').map((op) => sg.tensors[op.inputs[1]!]!);
    assert.ok(dwWeights.length > 0);
    for (const w of dwWeights) {
      assert.equal(w.quantization!.quantizedDimension, 3);
      assert.equal(w.quantization!.scale.length, w.shape[3]);
    }
  });

  test('activations have empty buffers; weights do not', () => {
    const g = roundTrip(tinyInt8ConvNet());
    const t = g.subgraphs[0]!.tensors;
    const act = t.find((x) => x.name === 'conv/out')!;
    const w = t.find((x) => x.name === 'conv/w')!;
    assert.equal(g.buffers[act.buffer]!.data.length, 0);
    assert.equal(g.buffers[w.buffer]!.data.length, 36);
  });

  test('FLOAT16 weights behind DEQUANTIZE keep their 2-byte elements', () => {
    const g = roundTrip(float16WeightsModel());
    const w = g.subgraphs[0]!.tensors.find((x) => x.name === 'w_fp16')!;
    assert.equal(w.dtype, 'float16');
    assert.equal(g.buffers[w.buffer]!.data.length, 3 * 3 * 3 * 2 * 2);
    assert.equal(opName(g, g.subgraphs[0]!.operators[0]!), 'DEQUANTIZE');
  });

  test('int8 weights in a float model (hybrid) keep their quantization', () => {
    const g = roundTrip(hybridModel());
    const w = g.subgraphs[0]!.tensors.find((x) => x.name === 'w')!;
    assert.equal(w.dtype, 'int8');
    assert.deepStrictEqual(w.quantization!.scale, [Math.fround(0.01)]);
  });

  test('the hybrid MLPerf KWS model has int8 conv weights under float activations', { skip: SKIP_SHARED }, () => {
    const g = readModel(corpusModel('kws_ref_model_float32'));
    const sg = g.subgraphs[0]!;
    const int8Weights = sg.operators
      .filter((op) => opName(g, op) === 'CONV_2D')
      .map((op) => sg.tensors[op.inputs[1]!]!)
      .filter((w) => w.dtype === 'int8');
    assert.equal(int8Weights.length, 5);
    assert.equal(sg.tensors[sg.inputs[0]!]!.dtype, 'float32');
  });

  test('CUSTOM ops keep their code and options', () => {
    const g = roundTrip(customOpModel());
    const op = g.subgraphs[0]!.operators[0]!;
    assert.equal(opName(g, op), 'MyVendorOp');
    assert.equal(g.operatorCodes[op.opcodeIndex]!.builtin, builtinCode('CUSTOM'));
    assert.deepStrictEqual(op.customOptions, Uint8Array.from([1, 2, 3, 4]));
  });

  test('several subgraphs (WHILE/IF) survive with their indices', () => {
    const g = roundTrip(controlFlowModel());
    assert.equal(g.subgraphs.length, 5);
    assert.deepStrictEqual(
      g.subgraphs.map((s) => s.name),
      ['main', 'cond', 'body', 'then', 'else'],
    );
    const w = g.subgraphs[0]!.operators[0]!.options;
    assert.ok(w?.kind === 'WhileOptions');
    assert.equal(w.bodySubgraphIndex, 2);
  });

  test('OfflineMemoryAllocation metadata is kept as a named buffer', () => {
    const g = roundTrip(chainModel([0, 4096, 0, 4096, 0]));
    const meta = g.metadata.find((m) => m.name === 'OfflineMemoryAllocation')!;
    const words = new Int32Array(g.buffers[meta.buffer]!.data.slice().buffer);
    assert.deepStrictEqual([...words], [1, 0, 5, 0, 4096, 0, 4096, 0]);
  });

  test('a -0.0 float option survives a round trip (the builder would drop it as the default)', () => {
    const g = tinyInt8ConvNet();
    const sg = g.subgraphs[0]!;
    const ops = sg.operators.map((op, i) => (i === 5 ? { ...op, options: makeOptions('SoftmaxOptions', { beta: -0 }) } : op));
    const back = roundTrip({ ...g, subgraphs: [{ ...sg, operators: ops }] });
    const beta = optionsOf(back.subgraphs[0]!.operators[5]!, 'SoftmaxOptions')!.beta;
    assert.ok(Object.is(beta, -0));
  });

  test('operator options come back as typed objects', () => {
    const g = roundTrip(tinyInt8ConvNet());
    const o = g.subgraphs[0]!.operators[0]!.options;
    assert.ok(o?.kind === 'Conv2DOptions');
    assert.equal(o.strideW, 1);
  });
});

describe('bad input gives typed errors', () => {
  const good = writeModel(tinyInt8ConvNet());

  function fails(bytes: Uint8Array, code: string, pattern?: RegExp): void {
    assert.throws(
      () => readModel(bytes),
      (e: unknown) => e instanceof ModelFormatError && e.code === code && (!pattern || pattern.test(e.message)),
    );
  }

  test('a file too short to be a model', () => fails(good.subarray(0, 5), 'truncated', /5 bytes/));
  test('a wrong file identifier', () => {
    const bad = good.slice();
    bad.set([0x50, 0x4b, 0x03, 0x04], 4);
    fails(bad, 'bad-identifier', /expected the identifier "TFL3"/);
  });
  test('a file cut in half', () => {
    assert.throws(
      () => readModel(good.subarray(0, good.length >> 1)),
      (e: unknown) => e instanceof ModelFormatError && e.offset !== undefined,
    );
  });
  test('a root offset pointing past the end', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(0, 0x7ffffff0, true);
    fails(bad, 'out-of-range');
  });
  test('an operator that references a missing tensor', () => {
    const g = tinyInt8ConvNet();
    const sg = g.subgraphs[0]!;
    const broken: Graph = { ...g, subgraphs: [{ ...sg, operators: [{ ...sg.operators[0]!, inputs: [0, 1, 999] }, ...sg.operators.slice(1)] }] };
    fails(writeModel(broken), 'bad-reference', /tensor 999/);
  });
  test('a shape whose element count overflows', () => {
    const g = tinyInt8ConvNet();
    const sg = g.subgraphs[0]!;
    const broken: Graph = { ...g, subgraphs: [{ ...sg, tensors: sg.tensors.map((t, i) => (i === 3 ? { ...t, shape: [65536, 65536, 2] } : t)) }] };
    fails(writeModel(broken), 'bad-shape', /more elements than a 32-bit size can count/);
  });
  test('a buffer whose size does not match its tensor', () => {
    const g = tinyInt8ConvNet();
    const broken: Graph = { ...g, buffers: g.buffers.map((b, i) => (i === 1 ? { data: b.data.subarray(0, 7) } : b)) };
    fails(writeModel(broken), 'bad-value', /holds 7 bytes/);
  });
  test('an operator code index out of range', () => {
    const g = tinyInt8ConvNet();
    const sg = g.subgraphs[0]!;
    const broken: Graph = { ...g, subgraphs: [{ ...sg, operators: [{ ...sg.operators[0]!, opcodeIndex: 42 }, ...sg.operators.slice(1)] }] };
    fails(writeModel(broken), 'bad-reference', /operator code 42/);
  });
  test('a signature that maps a missing tensor', () => {
    const g = tinyInt8ConvNet();
    const sig = { inputs: [{ name: 'x', tensorIndex: 77 }], outputs: [], signatureKey: 'serving_default', subgraphIndex: 0 };
    fails(writeModel({ ...g, signatureDefs: [sig] }), 'bad-reference', /maps "x" to tensor 77/);
  });
  test('a WHILE that calls a missing subgraph', () => {
    const g = controlFlowModel();
    const main = g.subgraphs[0]!;
    const broken: Graph = {
      ...g,
      subgraphs: [
        {
          ...main,
          operators: [{ ...main.operators[0]!, options: makeOptions('WhileOptions', { condSubgraphIndex: 1, bodySubgraphIndex: 9 }) }, main.operators[1]!],
        },
        ...g.subgraphs.slice(1),
      ],
    };
    fails(writeModel(broken), 'bad-reference', /calls subgraph 9/);
  });
  test('a vector that claims billions of elements', () => {
    // Find the tensors vector length of subgraph 0 by its known count and inflate it.
    const bytes = writeModel(chainModel());
    const dv = new DataView(bytes.buffer);
    let patched = 0;
    for (let o = 0; o + 4 <= bytes.length; o += 4) {
      if (dv.getUint32(o, true) === 5) {
        dv.setUint32(o, 0x40000000, true);
        patched++;
      }
    }
    assert.ok(patched > 0);
    assert.throws(() => readModel(bytes), ModelFormatError);
  });
});
