/** The run job: one inference on our runtime, with the outputs' bytes and a summary of each (and, asked for, its timing over repeated runs). */
import { Interpreter } from '../runtime/interpreter';
import { summarize } from '../runtime/outputSummary';
import { runInterpreter } from '../runtime/runModel';
import type { RepeatTiming, RunParams, RunResult } from '../shared/protocol';
import { stopIfAsked, type JobContext } from './context';
import { loadGraph, loadInputs } from './load';

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function runJob(params: RunParams, ctx: JobContext): Promise<RunResult> {
  const interpreter = new Interpreter(await loadGraph(params.path), { rounding: params.rounding });
  const inputs = await loadInputs(interpreter, params.inputs, params.normalization);
  const repeat = params.repeat ?? 0;
  const run = runInterpreter(interpreter, inputs, {
    shouldStop: ctx.shouldStop,
    ...(repeat > 0 ? {} : { onProgress: (l: number, n: number) => ctx.progress(l / n, `layer ${l} of ${n}`) }),
  });
  let timing: RepeatTiming | undefined;
  if (repeat > 0) {
    // The first run above is the warm-up (the JIT, the arena's first touch): it is not counted.
    const times: number[] = [];
    for (let r = 0; r < repeat; r++) {
      stopIfAsked(ctx, 'the run was cancelled');
      times.push(runInterpreter(interpreter, inputs, { shouldStop: ctx.shouldStop }).ms);
      ctx.progress((r + 1) / repeat, `run ${r + 1} of ${repeat}`);
    }
    timing = { runs: repeat, msMedian: median(times), msMin: times.reduce((a, b) => (b < a ? b : a), Infinity) };
  }
  return {
    ms: run.ms,
    outputs: run.outputs.map((o) => ({ index: o.index, name: o.name, shape: o.shape, dtype: o.dtype, bytes: o.bytes, summary: summarize(o.values) })),
    ...(timing ? { repeat: timing } : {}),
  };
}
