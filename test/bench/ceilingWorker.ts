/**
 * The pool bench's ceiling (poolBench.ts): a thread that calibrates a range of the quality
 * samples on its own, with nothing shared and nothing merged. Two of these on half the samples
 * each, against one on all of them, is what the machine gives any 2-thread design.
 */
import { parentPort } from 'node:worker_threads';
import { readModel } from '../../src/model/io';
import { calibrate } from '../../src/quantize/calibrate';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { QUALITY_CASES } from '../core/quantizeData';
import { corpusModel } from '../helpers/corpus';

/** Calibrate samples [start, start + count) of `name`'s calibration set, `times` over (the set repeats past its end). */
export interface CeilingJob {
  readonly name: string;
  readonly start: number;
  readonly count: number;
}

const loaded = new Map<string, { graph: ReturnType<typeof toFloatGraph>['graph']; samples: readonly (readonly Uint8Array[])[] }>();

parentPort?.on('message', async (job: CeilingJob) => {
  let entry = loaded.get(job.name);
  if (!entry) {
    const c = QUALITY_CASES.find((q) => q.name === job.name)!;
    const data = c.data();
    if ('skip' in data) throw new Error(data.skip);
    entry = { graph: toFloatGraph(readModel(corpusModel(c.float))).graph, samples: data.calibration };
    loaded.set(job.name, entry);
  }
  const { graph, samples } = entry;
  const t0 = performance.now();
  await calibrate(graph, { count: job.count, sample: (i) => samples[(job.start + i) % samples.length]! }, { histograms: true });
  parentPort!.postMessage(performance.now() - t0);
});
