/**
 * Mixed-precision test helpers: seeded calibration samples, precision assignments built from
 * precisionChoices, and the proof on the real TFLite Micro (same output bytes, same arena).
 */
import assert from 'node:assert/strict';
import { planArena } from '../../src/analysis/arenaPlan';
import { kernelLibrary, type KernelLibraryId } from '../../src/analysis/kernelLibrary';
import type { Abi } from '../../src/analysis/tflmKernels';
import type { CoreKind } from '../../src/targets/target';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { prng } from '../../src/util/prng';
import { runTflm, seededInputs, TFLM_RUN } from './tflm';

/** Seeded float samples in [lo, hi] for every input of the float graph. */
export function samples(graph: Graph, count: number, seed: number, lo: number, hi: number): Uint8Array[][] {
  const random = prng(seed);
  const sg = graph.subgraphs[0]!;
  return Array.from({ length: count }, () =>
    sg.inputs.map((i) => {
      const n = sg.tensors[i]!.shape.reduce((a, b) => a * Math.max(1, b), 1);
      return new Uint8Array(Float32Array.from({ length: n }, () => lo + (hi - lo) * random()).buffer);
    }),
  );
}

type Choices = readonly (readonly LayerPrecision[])[];

/**
 * An assignment: every layer that has choices gets one, `pick` deciding among the layers the
 * quantizer takes (those offering int8); the others get their only choice (float). `pick`
 * receives the layer's rank among the quantizable layers, their count, the layer's choices and
 * its index; a precision the layer cannot take becomes int8.
 */
export function assign(
  choices: Choices,
  pick: (rank: number, count: number, can: readonly LayerPrecision[], layer: number) => LayerPrecision,
): Map<number, LayerPrecision> {
  const quantizable = choices.flatMap((c, layer) => (c.includes('int8') ? [layer] : []));
  const map = new Map<number, LayerPrecision>();
  choices.forEach((c, layer) => {
    if (c.length === 0) return;
    const rank = quantizable.indexOf(layer);
    const p = rank < 0 ? c[0]! : pick(rank, quantizable.length, c, layer);
    map.set(layer, c.includes(p) ? p : 'int8');
  });
  return map;
}

export interface Proof {
  readonly head: number;
  readonly total: number;
  readonly used: number;
  readonly types: string;
}

/** A TFLM build to prove on: its runner, ABI and kernels (default the native x86-64 reference build). */
export interface ProofBuild {
  readonly runner: string;
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  readonly core?: CoreKind;
}

const NATIVE: ProofBuild = { runner: TFLM_RUN, abi: 'x86_64', kernels: 'reference' };

/**
 * Runs the quantized model in TFLM and in our interpreter: the same output bytes, the same
 * arena (head and arena_used_bytes(); on the native build the recording allocator's total too).
 */
export function prove(bytes: Uint8Array, label: string, build: ProofBuild = NATIVE): Proof {
  const m = readModel(bytes);
  const inputs = seededInputs(m, 30);
  const tflm = runTflm(bytes, inputs, build.runner, { arenaBytes: build === NATIVE ? 8 << 20 : 1 << 20 });
  const ours = new Interpreter(m);
  inputs.forEach((b, i) => ours.setInputBytes(i, b));
  ours.invoke();
  assert.equal(ours.outputs.length, tflm.outputs.length, `${label}: outputs`);
  ours.outputs.forEach((o, k) => assert.deepStrictEqual(Buffer.from(tensorBytes(o)), Buffer.from(tflm.outputs[k]!), `${label}: output ${k} equals TFLM's`));
  const table = kernelLibrary(build.kernels, build.core).table;
  const plan = planArena(m, build.abi, table);
  const plain = estimatePersistent(m, { abi: build.abi, scratchCount: plan.scratchCount, kernels: table });
  assert.equal(plan.headBytes, tflm.head, `${label}: head`);
  assert.equal(plan.headBytes + plain.bytes, tflm.plainArenaUsedBytes, `${label}: arena_used_bytes`);
  if (build === NATIVE) {
    const recording = estimatePersistent(m, { abi: build.abi, scratchCount: plan.scratchCount, kernels: table, allocator: 'recording' });
    assert.equal(plan.headBytes + recording.bytes, tflm.total, `${label}: recording total`);
  }
  const sg = m.subgraphs[0]!;
  const types = new Set(sg.operators.map((o) => sg.tensors[o.outputs[0]!]?.dtype ?? ''));
  return { head: tflm.head, total: tflm.total, used: tflm.plainArenaUsedBytes, types: [...types].sort().join('/') };
}

/** The properties of the graph itself: int16 tensors symmetric, int16 layers with int64 biases. */
export function checkGraph(m: Graph, precision: ReadonlyMap<number, LayerPrecision>, label: string): void {
  const sg = m.subgraphs[0]!;
  for (const x of sg.tensors)
    if (x.dtype === 'int16')
      assert.ok(
        x.quantization?.zeroPoint.every((z) => z === 0),
        `${label}: ${x.name} zero point 0`,
      );
  for (const o of sg.operators) {
    const name = opName(m, o);
    if (name !== 'CONV_2D' && name !== 'DEPTHWISE_CONV_2D' && name !== 'FULLY_CONNECTED') continue;
    const input = sg.tensors[o.inputs[0]!]!.dtype;
    const bias = o.inputs[2] !== undefined && o.inputs[2] >= 0 ? sg.tensors[o.inputs[2]]!.dtype : undefined;
    if (input === 'int16') assert.equal(bias ?? 'int64', 'int64', `${label}: ${name} 16x8 bias`);
    if (input === 'int8') assert.equal(bias ?? 'int32', 'int32', `${label}: ${name} int8 bias`);
  }
  const asked = new Set(precision.values());
  for (const want of ['int16', 'float'] as const) {
    if (!asked.has(want)) continue;
    const dtype = want === 'int16' ? 'int16' : 'float32';
    assert.ok(
      sg.operators.some((o) => opName(m, o) !== 'DEQUANTIZE' && sg.tensors[o.outputs[0]!]?.dtype === dtype),
      `${label}: some layer writes ${dtype}`,
    );
  }
}
