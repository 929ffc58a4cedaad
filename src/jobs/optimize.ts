/**
 * The optimize job: it reads the model, finds a smaller arena plan (src/optimize) and returns
 * the new model's bytes with the summary. It writes nothing: the caller writes
 * `<name>_opt.tflite` (atomically, never over the original).
 */
import { readFile } from 'node:fs/promises';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { readModel, writeModel } from '../model/io';
import { optimizeModel } from '../optimize/optimizeModel';
import { optimizedName } from '../optimize/outputName';
import type { OptimizeJobResult, OptimizeParams } from '../shared/protocol';
import { stopIfAsked, type JobContext } from './context';

export async function optimizeJob(params: OptimizeParams, ctx: JobContext): Promise<OptimizeJobResult> {
  const fileBytes = new Uint8Array(await readFile(params.path));
  const model = readModel(fileBytes);
  const now = (): number => performance.now();
  const { graph, summary } = optimizeModel(model, {
    abi: params.abi,
    kernels: kernelLibrary(params.kernels, params.core).table,
    reorder: params.reorder,
    control: { now, deadline: now() + params.timeLimitMs, checkStop: () => stopIfAsked(ctx), progress: ctx.progress },
  });
  ctx.progress(1, `arena ${summary.optimizedHeadBytes} bytes`);
  // Nothing better than TFLM's own plan: the model stays byte for byte what it was.
  const bytes = graph === model ? fileBytes : writeModel(graph);
  return { bytes, outputPath: params.outputPath ?? optimizedName(params.path), summary };
}
