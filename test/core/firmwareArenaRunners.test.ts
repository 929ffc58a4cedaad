// The exported arena size on the 32-bit ABIs, proven with TFLM's own runners and their `-a
// ARENA_BYTES` option: AllocateTensors() succeeds in exactly the exported arena and fails with 16
// bytes less than planned + persistent where the margin does not apply (firmwareExport.test.ts
// does the same for the x86-64 host build, with firmware compiled from the export itself).
//
// The runners build a RecordingMicroInterpreter in an arena of the same size before the plain one,
// and its allocator objects take 104 bytes more of the tail (236 instead of 132 here), so `-a` can
// only test the recording interpreter's figure. The export code is given that figure: the analysis
// with the recording tail. The plain figure differs only in those objects, and arenaRunners.test.ts
// shows it equal to the plain interpreter's arena_used_bytes() on every model.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { kernelLibrary, type KernelLibraryId } from '../../src/analysis/kernelLibrary';
import { estimatePersistent } from '../../src/analysis/persistentEstimate';
import type { Abi } from '../../src/analysis/tflmKernels';
import { arenaBreakdown } from '../../src/firmware/export';
import { readModel } from '../../src/model/io';
import type { CoreKind } from '../../src/targets/target';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { emulatedRunner, runTflm, SKIP_TFLM, seededInputs, type TflmEmulated } from '../helpers/tflm';

interface Build {
  readonly runner: TflmEmulated;
  readonly abi: Abi;
  readonly kernels: KernelLibraryId;
  readonly core?: CoreKind;
}

const BUILDS: readonly Build[] = [
  { runner: 'i386', abi: 'i386', kernels: 'reference' },
  { runner: 'cortexM4Reference', abi: 'arm32', kernels: 'reference' },
  { runner: 'cortexM4', abi: 'arm32', kernels: 'cmsis-nn', core: 'cortex-m4f' },
];

/** hello_world_int8: the margin applies (planning needs more than the plan); micro_speech_quantized: it does not. */
const MODELS = ['hello_world_int8', 'micro_speech_quantized'];

for (const build of BUILDS) {
  const { path, skip } = emulatedRunner(build.runner);
  describe(`export --abi ${build.abi} --kernels ${build.kernels}, on ${build.runner}`, { skip: SKIP_SHARED || SKIP_TFLM || skip }, () => {
    const present = new Set(corpusModels().map((m) => m.name));
    for (const name of MODELS.filter((n) => present.has(n))) {
      test(name, (t) => {
        const bytes = corpusModel(name);
        const graph = readModel(bytes);
        const kernels = kernelLibrary(build.kernels, build.core);
        const analysis = analyzeModel(graph, bytes.length, { abi: build.abi, kernels });
        const plain = arenaBreakdown(graph, analysis);
        const scratchCount = analysis.arena.buffers.filter((b) => b.kind === 'scratch').length;
        const recordingTail = estimatePersistent(graph, { abi: build.abi, scratchCount, kernels: kernels.table, allocator: 'recording' }).bytes;
        const recording = arenaBreakdown(graph, {
          ...analysis,
          arena: { ...analysis.arena, persistentBytes: recordingTail, totalBytes: analysis.arena.nonPersistentBytes + recordingTail },
        });
        const inputs = seededInputs(graph, 3);
        const allocates = (arenaBytes: number): boolean => {
          try {
            runTflm(bytes, inputs, path, { arenaBytes });
            return true;
          } catch (e) {
            assert.match(String(e), /AllocateTensors failed/);
            return false;
          }
        };
        assert.ok(allocates(recording.totalBytes), `AllocateTensors() fails in the exported ${recording.totalBytes} bytes`);
        const planned = recording.plannedBytes + recording.persistentBytes;
        assert.equal(allocates(planned - 16), false, `AllocateTensors() succeeds in ${planned - 16} bytes: the prediction is not tight`);
        // Where the margin applies, it is needed: the planned bytes alone are too few to plan in.
        if (recording.marginBytes > 0) assert.equal(allocates(planned), false, `AllocateTensors() succeeds in ${planned} bytes: the margin is not needed`);
        assert.equal(name === 'hello_world_int8', recording.marginBytes > 0, 'the margin applies to the small model only');
        // The firmware's plain interpreter: the same plan, its own allocator objects.
        assert.equal(plain.plannedBytes, recording.plannedBytes);
        t.diagnostic(
          `exported for the runner ${recording.totalBytes} (planned ${recording.plannedBytes} + persistent ${recording.persistentBytes} + margin ${recording.marginBytes}); for firmware ${plain.totalBytes}`,
        );
      });
    }
  });
}
