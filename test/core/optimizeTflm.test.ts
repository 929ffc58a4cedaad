/**
 * The proof on real TensorFlow Lite Micro (../shared/tflm/bin/tflm_run, x86-64, reference
 * kernels): every optimized model allocates, uses exactly the head our analysis predicts for
 * the `x86_64` ABI, and computes outputs bit for bit equal to the original's. The plan is
 * written even where it only ties TFLM's own, so every model exercises the metadata path.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planArena } from '../../src/analysis/arenaPlan';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import type { Graph } from '../../src/model/graph';
import { readModel, writeModel } from '../../src/model/io';
import { optimizeModel } from '../../src/optimize/optimizeModel';
import { branchModel } from '../helpers/branchModel';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { runTflm, seededInputs, SKIP_TFLM, type TflmRun } from '../helpers/tflm';

const REFERENCE = kernelLibrary('reference').table;

function attempt(model: Uint8Array, inputs: readonly Uint8Array[]): TflmRun | Error {
  try {
    return runTflm(model, inputs);
  } catch (e) {
    return e as Error;
  }
}

function proveOnTflm(original: Graph, originalBytes: Uint8Array, diagnostic: (text: string) => void): void {
  const { graph, summary } = optimizeModel(original, {
    abi: 'x86_64',
    kernels: REFERENCE,
    reorder: true,
    alwaysWritePlan: true,
    control: { now: () => performance.now(), deadline: performance.now() + 2000 },
  });
  const optimizedBytes = writeModel(graph);
  const inputs = seededInputs(original);
  const before = attempt(originalBytes, inputs);
  const after = attempt(optimizedBytes, inputs);
  if (before instanceof Error) {
    // A model TFLM refuses as it is (a hybrid) must be refused the same way, not accepted or broken.
    assert.ok(after instanceof Error, 'TFLM refuses the original but runs the optimized model');
    assert.equal(after.message, before.message);
    diagnostic(`TFLM refuses this model as it is: ${before.message.split('\n')[0]}`);
    return;
  }
  assert.ok(!(after instanceof Error), `TFLM fails on the optimized model: ${after instanceof Error ? after.message : ''}`);
  assert.equal(before.head, summary.greedyHeadBytes, 'our prediction of the original');
  assert.equal(after.head, summary.optimizedHeadBytes, 'TFLM uses the head the optimizer promised');
  assert.equal(after.head, planArena(readModel(optimizedBytes), 'x86_64', REFERENCE).headBytes, 'our analysis of the written file');
  assert.equal(after.outputs.length, before.outputs.length);
  before.outputs.forEach((o, k) => assert.deepStrictEqual(after.outputs[k], o, `output ${k} differs`));
  diagnostic(`TFLM head ${before.head} → ${after.head} (bound ${summary.lowerBoundBytes})`);
}

describe('optimized models on real TFLite Micro', { skip: SKIP_SHARED || SKIP_TFLM }, () => {
  for (const m of corpusModels()) {
    test(m.name, (t) => {
      const bytes = corpusModel(m.name);
      proveOnTflm(readModel(bytes), bytes, (s) => t.diagnostic(s));
    });
  }

  test('a reordered model (two branches run one after the other)', (t) => {
    const g = branchModel();
    const { summary } = optimizeModel(g, { abi: 'x86_64', kernels: REFERENCE, reorder: true, control: { now: () => 0, deadline: 1 } });
    assert.ok(summary.reordered.length > 0);
    proveOnTflm(g, writeModel(g), (s) => t.diagnostic(s));
  });
});
