/** The run job: one inference on our runtime, with the outputs' bytes and a summary of each. */
import { Interpreter } from '../runtime/interpreter';
import { summarize } from '../runtime/outputSummary';
import { runInterpreter } from '../runtime/runModel';
import type { RunParams, RunResult } from '../shared/protocol';
import type { JobContext } from './context';
import { loadGraph, loadInputs } from './load';

export async function runJob(params: RunParams, ctx: JobContext): Promise<RunResult> {
  const interpreter = new Interpreter(await loadGraph(params.path), { rounding: params.rounding });
  const inputs = await loadInputs(interpreter, params.inputs, params.normalization);
  const run = runInterpreter(interpreter, inputs, { shouldStop: ctx.shouldStop, onProgress: (l, n) => ctx.progress(l / n, `layer ${l} of ${n}`) });
  return {
    ms: run.ms,
    outputs: run.outputs.map((o) => ({ index: o.index, name: o.name, shape: o.shape, dtype: o.dtype, bytes: o.bytes, summary: summarize(o.values) })),
  };
}
