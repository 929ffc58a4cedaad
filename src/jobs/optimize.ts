// PLACEHOLDER: replaced by the core helper's job at merge
/**
 * A stand-in for the optimize job so the VS Code surface can be built and tested against real
 * numbers: it returns the original bytes and a summary read off the existing analysis (the
 * greedy plan as both plans, the largest live sum as the bound, nothing moved or reordered).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { analyzeModel } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { readModel } from '../model/io';
import type { OptimizeJobResult, OptimizeParams } from '../shared/protocol';
import { stopIfAsked, type JobContext } from './context';

export async function optimizeJob(params: OptimizeParams, ctx: JobContext): Promise<OptimizeJobResult> {
  const started = Date.now();
  ctx.progress(0, 'reading the model');
  const bytes = await readFile(params.path);
  stopIfAsked(ctx);
  ctx.progress(0.3, 'planning');
  const analysis = analyzeModel(readModel(bytes), bytes.length, {
    path: params.path,
    abi: params.abi,
    kernels: kernelLibrary(params.kernels, params.core),
  });
  stopIfAsked(ctx);
  const main = analysis.layers.filter((l) => l.subgraph === 0);
  const head = analysis.arena.nonPersistentBytes;
  const bound = Math.max(0, ...analysis.layers.map((l) => l.arenaLiveBytes));
  ctx.progress(1, 'done');
  return {
    bytes: new Uint8Array(bytes),
    outputPath: params.outputPath ?? join(dirname(params.path), `${basename(params.path, '.tflite')}_opt.tflite`),
    summary: {
      greedyHeadBytes: head,
      optimizedHeadBytes: head,
      lowerBoundBytes: bound,
      totalBytesBefore: analysis.arena.totalBytes,
      totalBytesAfter: analysis.arena.totalBytes,
      optimal: head === bound,
      timedOut: false,
      reordered: [],
      moved: [],
      timeline: {
        liveBytes: main.map((l) => l.arenaLiveBytes),
        greedyTop: main.map((l) => l.arenaHighWaterBytes),
        optimizedTop: main.map((l) => l.arenaHighWaterBytes),
      },
      ms: Date.now() - started,
    },
  };
}
