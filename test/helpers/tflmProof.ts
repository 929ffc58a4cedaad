/**
 * The proof on the real TFLite Micro that a model runs as our runtime and analysis say: the
 * same output bytes on seeded inputs, the same arena (head and arena_used_bytes(); on the native
 * build the recording allocator's total too).
 */
import assert from 'node:assert/strict';
import { planArena } from '../../src/analysis/arenaPlan';
import { kernelLibrary, type KernelLibraryId } from '../../src/analysis/kernelLibrary';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import type { Abi } from '../../src/analysis/tflmKernels';
import { readModel } from '../../src/model/io';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import type { CoreKind } from '../../src/targets/target';
import { runTflm, seededInputs, TFLM_RUN } from './tflm';

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

export const NATIVE: ProofBuild = { runner: TFLM_RUN, abi: 'x86_64', kernels: 'reference' };

/**
 * Runs the quantized model in TFLM and in our interpreter: the same output bytes, the same
 * arena (head and arena_used_bytes(); on the native build the recording allocator's total too).
 */
export function prove(bytes: Uint8Array, label: string, build: ProofBuild = NATIVE, seed = 30): Proof {
  const m = readModel(bytes);
  const inputs = seededInputs(m, seed);
  const ours = new Interpreter(m);
  const { proof, outputs } = proveOnTflm(bytes, label, build, inputs);
  inputs.forEach((b, i) => ours.setInputBytes(i, b));
  ours.invoke();
  assert.equal(ours.outputs.length, outputs.length, `${label}: outputs`);
  ours.outputs.forEach((o, k) => assert.deepStrictEqual(Buffer.from(tensorBytes(o)), Buffer.from(outputs[k]!), `${label}: output ${k} equals TFLM's`));
  return proof;
}

/**
 * The TFLM half of `prove`, for a model our runtime cannot run yet: TFLM allocates and runs it
 * on `inputs` (default seeded), and our arena analysis gives TFLM's arena. Returns TFLM's outputs.
 */
export function proveOnTflm(
  bytes: Uint8Array,
  label: string,
  build: ProofBuild = NATIVE,
  inputs: readonly Uint8Array[] = seededInputs(readModel(bytes), 30),
): { readonly proof: Proof; readonly outputs: readonly Uint8Array[] } {
  const m = readModel(bytes);
  const tflm = runTflm(bytes, inputs, build.runner, { arenaBytes: build === NATIVE ? 8 << 20 : 1 << 20 });
  assert.equal(tflm.outputs.length, m.subgraphs[0]!.outputs.length, `${label}: outputs`);
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
  return { proof: { head: tflm.head, total: tflm.total, used: tflm.plainArenaUsedBytes, types: [...types].sort().join('/') }, outputs: tflm.outputs };
}
