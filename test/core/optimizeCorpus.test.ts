/**
 * The optimizer on every shared model: never worse than TFLM's greedy plan, never below the
 * bound, MobileNet's 55,296 reached, and the written model computes exactly what the original
 * does in our runtime.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planArena } from '../../src/analysis/arenaPlan';
import { KERNEL_LIBRARIES, kernelLibrary } from '../../src/analysis/kernelLibrary';
import type { Graph } from '../../src/model/graph';
import { readModel, writeModel } from '../../src/model/io';
import { optimizeModel } from '../../src/optimize/optimizeModel';
import { runModel } from '../../src/runtime/runModel';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { seededInputs } from '../helpers/tflm';

const control = () => ({ now: () => performance.now(), deadline: performance.now() + 2000 });

describe('arena optimizer on the shared models', { skip: SKIP_SHARED }, () => {
  for (const m of corpusModels())
    test(m.name, (t) => {
      const original = readModel(corpusModel(m.name));
      for (const kernels of KERNEL_LIBRARIES) {
        const table = kernelLibrary(kernels).table;
        const { graph, summary } = optimizeModel(original, { abi: 'arm32', kernels: table, reorder: true, control: control() });
        const label = `${m.name} (${kernels})`;
        assert.ok(summary.optimizedHeadBytes <= summary.greedyHeadBytes, `${label}: ${summary.optimizedHeadBytes} > greedy ${summary.greedyHeadBytes}`);
        assert.ok(summary.optimizedHeadBytes >= summary.lowerBoundBytes, `${label}: below the bound`);
        assert.equal(summary.greedyHeadBytes, planArena(original, 'arm32', table).headBytes);
        const written = readModel(writeModel(graph));
        assert.equal(planArena(written, 'arm32', table).headBytes, summary.optimizedHeadBytes, `${label}: the file predicts another head`);
        if (m.name === 'vww_96_int8') {
          assert.equal(summary.greedyHeadBytes, 73728);
          assert.equal(summary.optimizedHeadBytes, 55296);
          assert.equal(summary.optimal, true);
        }
        if (kernels !== 'reference') continue;
        const inputs = seededInputs(original);
        const run = (g: Graph): readonly Uint8Array[] | Error => {
          try {
            return runModel(g, inputs).outputs.map((o) => o.bytes);
          } catch (e) {
            return e as Error;
          }
        };
        const before = run(original);
        const after = run(written);
        if (before instanceof Error) {
          // A model our runtime refuses (a hybrid, which TFLM refuses too) must stay refused the same way.
          assert.ok(after instanceof Error && after.message === before.message, `${label}: the written model runs differently`);
          t.diagnostic(`our runtime refuses this model as it is: ${before.message}`);
          continue;
        }
        assert.ok(!(after instanceof Error), `${label}: ${after instanceof Error ? after.message : ''}`);
        assert.equal(after.length, before.length);
        before.forEach((o, k) => assert.deepStrictEqual(after[k], o, `${label}: output ${k} differs`));
      }
    });
});
