// The arena we predict for a target against TFLite Micro built for it (../shared/tflm): the
// reference kernels as Cortex-M4F firmware (the arm32 ABI), and CMSIS-NN on its C path (i386 and
// Cortex-M3 firmware), its DSP path (Cortex-M4F) and its MVE path (Cortex-M55). Each must report
// our planned head and our arena_used_bytes() to the byte, for every shared model TFLM accepts
// and for small generated models that walk the branches of CMSIS-NN's buffer-size functions.
//
// Each emulated run takes about half a second; `npm test` runs every model on every runner (about
// two minutes on two idle cores). TINYML_TFLM_QUICK=1 keeps to the corpus on the two builds that
// differ most from the golden i386 one (arm32 reference and MVE) and the generated models on the
// DSP path, for quick local runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ABI_SIZES } from '../../src/analysis/abiLayout';
import { planArena } from '../../src/analysis/arenaPlan';
import { kernelLibrary, type KernelLibraryId } from '../../src/analysis/kernelLibrary';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import type { Abi } from '../../src/analysis/tflmKernels';
import { readModel } from '../../src/model/io';
import type { CoreKind } from '../../src/targets/target';
import { arenaCases } from '../helpers/arenaCases';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { emulatedRunner, runTflm, SKIP_TFLM, seededInputs, type TflmEmulated, type TflmRun } from '../helpers/tflm';

const FULL = process.env.TINYML_TFLM_QUICK !== '1';

interface Build {
  readonly runner: TflmEmulated;
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  /** The core whose CMSIS-NN path the build uses. */
  readonly core?: CoreKind;
  /** What a quick run (TINYML_TFLM_QUICK=1) keeps of this build; `npm test` runs everything. */
  readonly corpus: boolean;
  readonly cases: boolean;
}

const BUILDS: readonly Build[] = [
  { runner: 'cortexM4Reference', abi: 'arm32', kernels: 'reference', corpus: true, cases: false },
  { runner: 'cortexM55', abi: 'arm32', kernels: 'cmsis-nn', core: 'cortex-m55', corpus: true, cases: false },
  { runner: 'cortexM4', abi: 'arm32', kernels: 'cmsis-nn', core: 'cortex-m4f', corpus: false, cases: true },
  { runner: 'cortexM3', abi: 'arm32', kernels: 'cmsis-nn', core: 'cortex-m3', corpus: false, cases: false },
  { runner: 'i386CmsisNn', abi: 'i386', kernels: 'cmsis-nn', core: 'cortex-m3', corpus: false, cases: false },
  // The golden data (arena.test.ts) checks the i386 reference build already; here in the full run only.
  { runner: 'i386', abi: 'i386', kernels: 'reference', corpus: false, cases: false },
];

/** Models TFLM refuses in Prepare, with the reason in its own words. */
const REFUSED: Readonly<Record<string, RegExp>> = { kws_ref_model_float32: /Hybrid models are not supported/ };

type Outcome = { readonly ok: true; readonly run: TflmRun } | { readonly ok: false; readonly error: string };

function predict(bytes: Uint8Array, build: Build): { head: number; used: number } {
  const graph = readModel(bytes);
  const table = kernelLibrary(build.kernels, build.core).table;
  const plan = planArena(graph, build.abi, table);
  const tail = estimatePersistent(graph, { abi: build.abi, scratchCount: plan.scratchCount, kernels: table });
  return { head: plan.headBytes, used: plan.headBytes + tail.bytes };
}

function runOn(build: Build, bytes: Uint8Array): Outcome {
  try {
    return { ok: true, run: runTflm(bytes, seededInputs(readModel(bytes), 3), emulatedRunner(build.runner).path) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

for (const build of BUILDS) {
  const { skip } = emulatedRunner(build.runner);
  const name = `${build.runner} (${build.kernels}${build.core ? ` for ${build.core}` : ''}, ${build.abi})`;

  describe(`${name}: our arena to the byte`, { skip: SKIP_SHARED || SKIP_TFLM || skip }, () => {
    test('the corpus: head and arena_used_bytes() of every model TFLM accepts', {
      skip: !(FULL || build.corpus) && 'TINYML_TFLM_QUICK=1 leaves it out',
    }, (t) => {
      const models = corpusModels();
      let exact = 0;
      let sizes: TflmRun['sizeof'] | undefined;
      for (const m of models) {
        const bytes = corpusModel(m.name);
        const outcome = runOn(build, bytes);
        const refused = REFUSED[m.name];
        if (!outcome.ok) {
          assert.ok(refused, `${m.name}: ${outcome.error}`);
          assert.match(outcome.error, refused, m.name);
          continue;
        }
        assert.equal(refused, undefined, `${m.name}: TFLM accepted a model we expected it to refuse`);
        const p = predict(bytes, build);
        assert.equal(p.head, outcome.run.head, `${m.name}: planned head`);
        assert.equal(p.used, outcome.run.plainArenaUsedBytes, `${m.name}: arena_used_bytes()`);
        sizes = outcome.run.sizeof;
        exact++;
      }
      // The struct sizes the build reports are the ones we use for its ABI.
      assert.ok(sizes);
      assert.equal(sizes.TfLiteTensor, ABI_SIZES[build.abi].tfLiteTensor);
      assert.equal(sizes.TfLiteEvalTensor, ABI_SIZES[build.abi].evalTensor);
      assert.equal(sizes.NodeAndRegistration, ABI_SIZES[build.abi].nodeAndRegistration);
      assert.equal(exact, models.length - Object.keys(REFUSED).length);
      t.diagnostic(`${exact}/${exact} accepted models exact`);
    });

    test('generated single-op models: every buffer-size branch', { skip: !(FULL || build.cases) && 'TINYML_TFLM_QUICK=1 leaves it out' }, (t) => {
      let exact = 0;
      for (const c of arenaCases()) {
        const outcome = runOn(build, c.bytes);
        assert.ok(outcome.ok, `${c.name}: ${outcome.ok ? '' : outcome.error}`);
        const p = predict(c.bytes, build);
        assert.equal(p.head, outcome.run.head, `${c.name}: planned head`);
        assert.equal(p.used, outcome.run.plainArenaUsedBytes, `${c.name}: arena_used_bytes()`);
        exact++;
      }
      t.diagnostic(`${exact} generated models exact`);
    });
  });
}
