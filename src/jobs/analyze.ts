/** The analyze job: a model's layers, memory plan and costs, for a kernel library and an ABI. */
import { analyzeModel, type ModelAnalysis } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import type { AnalyzeParams } from '../shared/protocol';
import { stopIfAsked, UNATTENDED, type JobContext } from './context';
import { readModelFile } from './load';

export async function analyzeJob(params: AnalyzeParams, ctx: Pick<JobContext, 'shouldStop'> = UNATTENDED): Promise<ModelAnalysis> {
  const { graph, bytes } = readModelFile(params.path);
  const kernels = kernelLibrary(params.kernels, params.core);
  stopIfAsked(ctx, 'the analysis was cancelled');
  return analyzeModel(graph, bytes.length, { path: params.path, abi: params.abi, kernels, shouldStop: ctx.shouldStop });
}
