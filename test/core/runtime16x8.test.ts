/**
 * The 16x8 kernels (int16 activations, int8 weights) against the real TFLite Micro
 * (../shared/tflm/bin/tflm_run, reference kernels): seeded random single-op models, built by
 * our writer, must allocate in TFLM, give outputs equal to ours bit for bit, and use exactly the
 * head our arena analysis predicts (and the whole arena our persistent estimate predicts).
 *
 * TINYML_16X8_CASES sets the models per op (default 24, what `npm test` runs).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planArena } from '../../src/analysis/arenaPlan';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import type { DType } from '../../src/model/dtype';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions, type ActivationFunction, type OpOptions } from '../../src/model/ops';
import type { BuiltinName } from '../../src/model/ops';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { prng } from '../../src/util/prng';
import { runTflm, seededInputs, SKIP_TFLM } from '../helpers/tflm';

const CASES = Math.max(1, Number(process.env.TINYML_16X8_CASES ?? 24) || 24);
const REFERENCE = kernelLibrary('reference').table;
const ACTS: readonly ActivationFunction[] = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'];

type Random = () => number;
const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** A scale spread over three decades around `center`. */
const scaleNear = (r: Random, center: number): number => center * 10 ** (r() * 3 - 1.5);
const int8Weights = (r: Random, n: number): Int8Array => Int8Array.from({ length: n }, () => int(r, -127, 127));

interface Act16 {
  readonly name: string;
  readonly shape: readonly number[];
  readonly scale: number;
  readonly dtype?: DType;
  readonly zeroPoint?: number;
}

/** A one-op model: `inputs` are activations (int16 by default, zero point 0), `consts` weights and biases after them. */
function oneOp(
  op: BuiltinName,
  inputs: readonly Act16[],
  consts: readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly dtype: DType;
    readonly data: Int8Array | BigInt64Array | Int32Array | Int16Array;
    readonly scale?: number | readonly number[];
    readonly axis?: number;
  }[],
  out: Act16,
  options?: OpOptions,
  version = 1,
): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const ins = inputs.map((t) => sg.tensor({ name: t.name, shape: t.shape, dtype: t.dtype ?? 'int16', quantization: quant(t.scale, t.zeroPoint ?? 0) }));
  const cs = consts.map((c) =>
    sg.tensor({
      name: c.name,
      shape: c.shape,
      dtype: c.dtype,
      data: c.data,
      ...(c.scale !== undefined ? { quantization: quant(c.scale, 0, c.axis ?? 0) } : {}),
    }),
  );
  const o = sg.tensor({ name: out.name, shape: out.shape, dtype: out.dtype ?? 'int16', quantization: quant(out.scale, out.zeroPoint ?? 0) });
  sg.op({ op, inputs: [...ins, ...cs], outputs: [o], ...(options ? { options } : {}), version });
  sg.io(ins, [o]);
  return g.build();
}

function biases(r: Random, n: number, magnitude: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => BigInt(Math.round((r() * 2 - 1) * magnitude)));
}

/** An output scale that puts typical accumulators of `terms` products inside int16, some clamped. */
function accScale(r: Random, sIn: number, sW: number, terms: number): number {
  return (sIn * sW * Math.sqrt(terms) * 127 * 32768 * 10 ** (r() * 1.5 - 1.2)) / 32768 / 4;
}

const GENERATORS: Readonly<Record<string, (r: Random) => Graph>> = {
  FULLY_CONNECTED(r) {
    const batches = int(r, 1, 3);
    const accum = int(r, 1, 40);
    const outDepth = int(r, 1, 12);
    const sIn = scaleNear(r, 1e-3);
    const sW = scaleNear(r, 1e-2);
    const hasBias = r() < 0.8;
    return oneOp(
      'FULLY_CONNECTED',
      [{ name: 'x', shape: [batches, accum], scale: sIn }],
      [
        { name: 'w', shape: [outDepth, accum], dtype: 'int8', data: int8Weights(r, outDepth * accum), scale: sW },
        ...(hasBias
          ? [{ name: 'b', shape: [outDepth], dtype: 'int64' as const, data: biases(r, outDepth, (2 ** 30 * r()) / 2 ** int(r, 0, 20)), scale: sIn * sW }]
          : []),
      ],
      { name: 'y', shape: [batches, outDepth], scale: accScale(r, sIn, sW, accum) },
      makeOptions('FullyConnectedOptions', { fusedActivationFunction: pick(r, ACTS) }),
      7,
    );
  },
  CONV_2D(r) {
    const inH = int(r, 1, 7);
    const inW = int(r, 1, 7);
    const depth = int(r, 1, 5);
    const groups = r() < 0.2 ? int(r, 2, 3) : 1;
    const inC = depth * groups;
    const outC = groups * int(r, 1, 4);
    const kH = int(r, 1, 3);
    const kW = int(r, 1, 3);
    const strideH = int(r, 1, 2);
    const strideW = int(r, 1, 2);
    const dil = r() < 0.2 ? 2 : 1;
    const padding = r() < 0.5 ? 'SAME' : 'VALID';
    const outH = padding === 'SAME' ? Math.ceil(inH / strideH) : Math.ceil((inH - (kH - 1) * dil) / strideH);
    const outW = padding === 'SAME' ? Math.ceil(inW / strideW) : Math.ceil((inW - (kW - 1) * dil) / strideW);
    if (outH < 1 || outW < 1) return GENERATORS.CONV_2D!(r);
    const sIn = scaleNear(r, 1e-3);
    const sW = Array.from({ length: outC }, () => scaleNear(r, 1e-2));
    const int32Bias = r() < 0.25;
    const bias = int32Bias
      ? Int32Array.from({ length: outC }, () => Math.round((r() * 2 - 1) * 2 ** 20))
      : biases(r, outC, (2 ** 30 * r()) / 2 ** int(r, 0, 20));
    return oneOp(
      'CONV_2D',
      [{ name: 'x', shape: [1, inH, inW, inC], scale: sIn }],
      [
        { name: 'w', shape: [outC, kH, kW, depth], dtype: 'int8', data: int8Weights(r, outC * kH * kW * depth), scale: sW },
        { name: 'b', shape: [outC], dtype: int32Bias ? 'int32' : 'int64', data: bias, scale: sW.map((s) => s * sIn) },
      ],
      { name: 'y', shape: [1, outH, outW, outC], scale: accScale(r, sIn, sW[0]!, kH * kW * depth) },
      makeOptions('Conv2DOptions', { padding, strideW, strideH, fusedActivationFunction: pick(r, ACTS), dilationWFactor: dil, dilationHFactor: dil }),
      groups > 1 ? 6 : 4,
    );
  },
  DEPTHWISE_CONV_2D(r) {
    const inH = int(r, 1, 7);
    const inW = int(r, 1, 7);
    const inC = int(r, 1, 5);
    const mult = int(r, 1, 2);
    const outC = inC * mult;
    const kH = int(r, 1, 3);
    const kW = int(r, 1, 3);
    const strideH = int(r, 1, 2);
    const strideW = int(r, 1, 2);
    const dil = r() < 0.2 ? 2 : 1;
    const padding = r() < 0.5 ? 'SAME' : 'VALID';
    const outH = padding === 'SAME' ? Math.ceil(inH / strideH) : Math.ceil((inH - (kH - 1) * dil) / strideH);
    const outW = padding === 'SAME' ? Math.ceil(inW / strideW) : Math.ceil((inW - (kW - 1) * dil) / strideW);
    if (outH < 1 || outW < 1) return GENERATORS.DEPTHWISE_CONV_2D!(r);
    const sIn = scaleNear(r, 1e-3);
    const sW = Array.from({ length: outC }, () => scaleNear(r, 1e-2));
    return oneOp(
      'DEPTHWISE_CONV_2D',
      [{ name: 'x', shape: [1, inH, inW, inC], scale: sIn }],
      [
        { name: 'w', shape: [1, kH, kW, outC], dtype: 'int8', data: int8Weights(r, kH * kW * outC), scale: sW, axis: 3 },
        { name: 'b', shape: [outC], dtype: 'int64', data: biases(r, outC, (2 ** 30 * r()) / 2 ** int(r, 0, 20)), scale: sW.map((s) => s * sIn) },
      ],
      { name: 'y', shape: [1, outH, outW, outC], scale: accScale(r, sIn, sW[0]!, kH * kW) },
      makeOptions('DepthwiseConv2DOptions', {
        padding,
        strideW,
        strideH,
        depthMultiplier: mult,
        fusedActivationFunction: pick(r, ACTS),
        dilationWFactor: dil,
        dilationHFactor: dil,
      }),
      5,
    );
  },
};

interface Outcome {
  readonly equal: boolean;
  readonly detail: string;
}

function prove(graph: Graph): Outcome {
  const bytes = writeModel(graph);
  const model = readModel(bytes);
  const inputs = seededInputs(model, 11);
  const tflm = runTflm(bytes, inputs);
  const interp = new Interpreter(model);
  inputs.forEach((b, i) => interp.setInputBytes(i, b));
  interp.invoke();
  const ours = interp.outputs.map(tensorBytes);
  const plan = planArena(model, 'x86_64', REFERENCE);
  assert.equal(tflm.head, plan.headBytes, 'planned head');
  const tail = estimatePersistent(model, { abi: 'x86_64', scratchCount: plan.scratchCount, kernels: REFERENCE, allocator: 'recording' });
  const plain = estimatePersistent(model, { abi: 'x86_64', scratchCount: plan.scratchCount, kernels: REFERENCE, allocator: 'plain' });
  assert.equal(tflm.total, plan.headBytes + tail.bytes, "the recording allocator's whole arena");
  assert.equal(tflm.plainArenaUsedBytes, plan.headBytes + plain.bytes, 'arena_used_bytes()');
  const equal = ours.every((o, k) => Buffer.compare(Buffer.from(o), Buffer.from(tflm.outputs[k]!)) === 0);
  let detail = '';
  if (!equal) {
    const a = new Int16Array(ours[0]!.buffer.slice(0));
    const b = new Int16Array(tflm.outputs[0]!.buffer.slice(0));
    const diffs = [...a].map((v, i) => [i, v, b[i]] as const).filter(([, v, w]) => v !== w);
    detail = `${diffs.length}/${a.length} differ, first ${JSON.stringify(diffs.slice(0, 4))}`;
  }
  return { equal, detail };
}

describe('16x8 kernels against TFLite Micro', { skip: SKIP_TFLM }, () => {
  for (const [op, generate] of Object.entries(GENERATORS)) {
    test(`${op}: ${CASES} random 16x8 models, bit for bit`, (t) => {
      const r = prng(1600 + op.length);
      let agree = 0;
      const failures: string[] = [];
      for (let i = 0; i < CASES; i++) {
        const graph = generate(r);
        const { equal, detail } = prove(graph);
        if (equal) agree++;
        else failures.push(`case ${i}: ${detail}`);
      }
      t.diagnostic(`${op}: ${agree}/${CASES} equal`);
      assert.deepEqual(failures, []);
    });
  }
});
