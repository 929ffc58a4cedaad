/**
 * Arena optimizer: per shared model, TFLM's greedy head, the optimized head (placement and
 * operator reordering, 10 s limit), the lower bound, the saving and the time it took, for
 * reference kernels on a 32-bit MCU (arm32) and for CMSIS-NN, whose scratch buffers TFLM
 * plans around the fixed offsets.
 */
import { kernelLibrary, type KernelLibraryId } from '../../src/analysis/kernelLibrary';
import { readModel } from '../../src/model/io';
import { optimizeModel } from '../../src/optimize/optimizeModel';
import { corpusModel, corpusModels, HAVE_SHARED, MODELS_DIR } from '../helpers/corpus';

const TIME_LIMIT_MS = 10_000;

export async function optimizeBench(): Promise<void> {
  if (!HAVE_SHARED) {
    console.log(`optimize bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  for (const kernels of ['reference', 'cmsis-nn'] as const satisfies readonly KernelLibraryId[]) {
    console.log(`\n## Arena optimizer (${kernels} kernels, arm32, --reorder, ${TIME_LIMIT_MS / 1000} s limit)`);
    console.log(
      `${'model'.padEnd(34)} ${'greedy'.padStart(8)} ${'optimized'.padStart(9)} ${'bound'.padStart(8)} ${'saved'.padStart(7)} ${'%'.padStart(6)} ${'optimal'.padStart(7)} ${'reord'.padStart(5)} ${'ms'.padStart(7)}`,
    );
    for (const m of corpusModels()) {
      const graph = readModel(corpusModel(m.name));
      const t0 = performance.now();
      const { summary: s } = optimizeModel(graph, {
        abi: 'arm32',
        kernels: kernelLibrary(kernels).table,
        reorder: true,
        control: { now: () => performance.now(), deadline: t0 + TIME_LIMIT_MS },
      });
      const ms = performance.now() - t0;
      const saved = s.greedyHeadBytes - s.optimizedHeadBytes;
      const pct = s.greedyHeadBytes > 0 ? (100 * saved) / s.greedyHeadBytes : 0;
      console.log(
        `${m.name.padEnd(34)} ${String(s.greedyHeadBytes).padStart(8)} ${String(s.optimizedHeadBytes).padStart(9)} ${String(s.lowerBoundBytes).padStart(8)} ${String(saved).padStart(7)} ${pct.toFixed(1).padStart(6)} ${String(s.optimal).padStart(7)} ${String(s.reordered.length).padStart(5)} ${ms.toFixed(1).padStart(7)}`,
      );
    }
  }
}
