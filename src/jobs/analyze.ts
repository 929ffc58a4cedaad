/** The analyze job: a model's layers, memory plan and costs, for a kernel library and an ABI. */
import { analyzeModel, type ModelAnalysis } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { readUserFile } from '../io/userFile';
import { readModel } from '../model/io';
import type { AnalyzeParams } from '../shared/protocol';

export async function analyzeJob(params: AnalyzeParams): Promise<ModelAnalysis> {
  const bytes = readUserFile(params.path, 'model', 'model');
  const kernels = kernelLibrary(params.kernels, params.core);
  return analyzeModel(readModel(bytes), bytes.length, { path: params.path, abi: params.abi, kernels });
}
