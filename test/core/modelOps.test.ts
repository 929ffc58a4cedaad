/**
 * The model's public view of operators (src/model/ops.ts, io.ts): names, options as plain
 * objects for every table of the schema, and their round trip through the file.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelFormatError } from '../../src/model/errors';
import type { Graph, Operator } from '../../src/model/graph';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { readModel, writeModel } from '../../src/model/io';
import {
  builtinCode,
  builtinName,
  calledSubgraphs,
  defaultOptions,
  inputTensor,
  isBuiltin,
  makeOptions,
  opName,
  opSite,
  OPTIONS2_KINDS,
  OPTIONS_KINDS,
  optionsOf,
  optionsOrDefault,
  outputTensor,
  type OpOptions,
  type OpOptions2,
  type Padding,
} from '../../src/model/ops';
import { controlFlowModel, customOpModel, tinyInt8ConvNet } from '../helpers/fixtures';

/** One ADD over a single tensor, carrying the given options. */
function oneOp(options?: OpOptions, options2?: OpOptions2): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 4], dtype: 'float32' });
  const y = sg.tensor({ name: 'y', shape: [1, 4], dtype: 'float32' });
  sg.op({ op: 'ADD', inputs: [x, x], outputs: [y], ...(options ? { options } : {}), ...(options2 ? { options2 } : {}) }).io([x], [y]);
  return g.build();
}

function firstOp(g: Graph): Operator {
  return g.subgraphs[0]!.operators[0]!;
}

describe('operator names', () => {
  test('builtin codes and names are the schema enum, both ways', () => {
    assert.equal(builtinCode('ADD'), 0);
    assert.equal(builtinCode('CONV_2D'), 3);
    assert.equal(builtinName(3), 'CONV_2D');
    assert.equal(builtinName(100000), undefined);
  });

  test('opName names builtins, custom codes and codes the schema lacks', () => {
    const g = tinyInt8ConvNet();
    assert.deepStrictEqual(
      g.subgraphs[0]!.operators.map((op) => opName(g, op)),
      ['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'],
    );
    const custom = customOpModel();
    assert.equal(opName(custom, firstOp(custom)), 'MyVendorOp');
    const future: Graph = { ...g, operatorCodes: g.operatorCodes.map((c, i) => (i === 0 ? { ...c, builtin: 9999 } : c)) };
    assert.equal(opName(future, firstOp(future)), 'BUILTIN_9999');
  });

  test('isBuiltin compares codes, CUSTOM included', () => {
    const g = tinyInt8ConvNet();
    assert.ok(isBuiltin(g, firstOp(g), 'CONV_2D'));
    assert.ok(!isBuiltin(g, firstOp(g), 'DEPTHWISE_CONV_2D'));
    const custom = customOpModel();
    assert.ok(isBuiltin(custom, firstOp(custom), 'CUSTOM'));
  });
});

describe('operator options', () => {
  test('makeOptions fills the schema defaults under the given fields', () => {
    const o = makeOptions('Conv2DOptions', { strideW: 2, fusedActivationFunction: 'RELU6' });
    assert.deepStrictEqual(o, {
      kind: 'Conv2DOptions',
      padding: 'SAME',
      strideW: 2,
      strideH: 0,
      fusedActivationFunction: 'RELU6',
      dilationWFactor: 1,
      dilationHFactor: 1,
      quantizedBiasType: 'FLOAT32',
    });
  });

  test('optionsOf is typed by kind; optionsOrDefault falls back to the defaults', () => {
    const g = tinyInt8ConvNet();
    const conv = firstOp(g);
    const padding: Padding | undefined = optionsOf(conv, 'Conv2DOptions')?.padding;
    assert.equal(padding, 'SAME');
    assert.equal(optionsOf(conv, 'Pool2DOptions'), undefined);
    assert.deepStrictEqual(optionsOrDefault(conv, 'Pool2DOptions'), defaultOptions('Pool2DOptions'));
    assert.equal(optionsOrDefault(g.subgraphs[0]!.operators[5]!, 'SoftmaxOptions').beta, 1);
  });

  test('every table of both unions survives write and read with its defaults', () => {
    assert.ok(OPTIONS_KINDS.length > 120 && OPTIONS_KINDS.includes('Conv2DOptions'));
    assert.ok(OPTIONS2_KINDS.length > 20 && OPTIONS2_KINDS.includes('StablehloConvolutionOptions'));
    for (const kind of OPTIONS_KINDS) {
      const options = makeOptions(kind) as OpOptions;
      assert.deepStrictEqual(firstOp(readModel(writeModel(oneOp(options)))).options, options, kind);
    }
    for (const kind of OPTIONS2_KINDS) {
      const options2 = makeOptions(kind) as OpOptions2;
      assert.deepStrictEqual(firstOp(readModel(writeModel(oneOp(undefined, options2)))).options2, options2, kind);
    }
  });

  test('enum fields, enum arrays, bigints and strings survive a round trip', () => {
    const conv = makeOptions('Conv2DOptions', { padding: 'VALID', fusedActivationFunction: 'SIGN_BIT', quantizedBiasType: 'INT32', strideW: 3 });
    assert.deepStrictEqual(firstOp(readModel(writeModel(oneOp(conv)))).options, conv);
    const hlo = makeOptions('StablehloConvolutionOptions', { precisionConfig: ['HIGHEST', 'DEFAULT'], windowStrides: [2n, -1n] });
    assert.deepStrictEqual(firstOp(readModel(writeModel(oneOp(undefined, hlo)))).options2, hlo);
    const composite = makeOptions('StableHLOCompositeOptions', { name: 'my.composite', compositeAttributes: [1, 2, 3] });
    assert.deepStrictEqual(firstOp(readModel(writeModel(oneOp(undefined, composite)))).options2, composite);
  });

  test('an enum value the schema lacks is refused when read, and when written', () => {
    // Two files that differ only in the fused activation (RELU = 1, RELU6 = 3) locate its byte.
    const relu = writeModel(oneOp(makeOptions('AddOptions', { fusedActivationFunction: 'RELU' })));
    const relu6 = writeModel(oneOp(makeOptions('AddOptions', { fusedActivationFunction: 'RELU6' })));
    assert.equal(relu.length, relu6.length);
    const at = relu.findIndex((b, i) => b !== relu6[i]);
    assert.deepStrictEqual([relu[at], relu6[at]], [1, 3]);
    const bad = relu.slice();
    bad[at] = 77;
    assert.throws(
      () => readModel(bad),
      (e: unknown) => e instanceof ModelFormatError && e.code === 'bad-value' && /AddOptions\.fusedActivationFunction is 77/.test(e.message),
    );
    const unknown = { ...makeOptions('AddOptions'), fusedActivationFunction: 'SWISH' } as unknown as OpOptions;
    assert.throws(
      () => writeModel(oneOp(unknown)),
      (e: unknown) => e instanceof ModelFormatError && e.code === 'bad-value',
    );
  });
});

describe('operator structure', () => {
  test('calledSubgraphs reads WHILE, IF and CALL_ONCE', () => {
    const g = controlFlowModel();
    assert.deepStrictEqual(g.subgraphs[0]!.operators.map(calledSubgraphs), [
      [1, 2],
      [3, 4],
    ]);
    const once: Operator = { ...firstOp(g), options: makeOptions('CallOnceOptions', { initSubgraphIndex: 3 }) };
    assert.deepStrictEqual(calledSubgraphs(once), [3]);
    assert.deepStrictEqual(calledSubgraphs(firstOp(tinyInt8ConvNet())), []);
  });

  test('an op site gives tensors by slot; -1 and missing slots are absent', () => {
    const g = tinyInt8ConvNet();
    const sg = g.subgraphs[0]!;
    const site = opSite(g, sg, 4);
    assert.equal(site.name, 'FULLY_CONNECTED');
    assert.equal(inputTensor(site, 1)?.name, 'fc/w');
    assert.equal(outputTensor(site)?.name, 'fc/out');
    assert.equal(inputTensor(site, 7), undefined);
    const noBias = { ...site, op: { ...site.op, inputs: [site.op.inputs[0]!, site.op.inputs[1]!, -1] } };
    assert.equal(inputTensor(noBias, 2), undefined);
  });
});

describe('the rest of the graph is plain data too', () => {
  test('sparsity, quantization details, variants, signatures and external buffers survive a round trip', () => {
    const g = oneOp();
    const sg = g.subgraphs[0]!;
    const [x, y] = sg.tensors;
    const graph: Graph = {
      ...g,
      subgraphs: [
        {
          ...sg,
          tensors: [
            {
              ...x!,
              sparsity: {
                traversalOrder: [0, 1],
                blockMap: [],
                dimMetadata: [
                  { format: 'DENSE', denseSize: 1 },
                  {
                    format: 'SPARSE_CSR',
                    denseSize: 0,
                    arraySegments: { kind: 'Int32Vector', values: [0, 2] },
                    arrayIndices: { kind: 'Uint8Vector', values: [1, 3] },
                  },
                ],
              },
              quantization: { scale: [0.5], zeroPoint: [0], quantizedDimension: 0, details: { kind: 'CustomQuantization', custom: [7, 8] } },
            },
            { ...y!, variantTensors: [{ shape: [2, 3], dtype: 'int8', hasRank: true }] },
          ],
        },
      ],
      signatureDefs: [{ inputs: [{ name: 'x', tensorIndex: 0 }], outputs: [{ name: 'y', tensorIndex: 1 }], signatureKey: 'serving_default', subgraphIndex: 0 }],
      externalBufferGroups: [{ name: 'weights.bin' }],
      externalBuffers: [{ id: 1, group: 0, offset: 64n, length: 128n, packing: null }],
    };
    assert.deepStrictEqual(readModel(writeModel(graph)), graph);
  });
});
