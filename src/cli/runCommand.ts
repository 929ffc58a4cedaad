/** `tinyml-lens run`: one inference on our runtime; each output to `output_<i>.bin`, with a summary. */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LensError } from '../errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { UNATTENDED } from '../jobs/context';
import { runJob } from '../jobs/run';
import { ROUNDINGS } from '../runtime/quant';
import { oneOf, UsageError } from './args';
import { EXIT_OK, type Command } from './command';

/** Timed runs `--repeat` takes at most: enough for any statistic, and a typo (1e9) is not a wish to wait for days. */
export const MAX_REPEAT = 100_000;

export const runCommand: Command = async (args, io) => {
  const path = args.positionals[0];
  if (!path) throw new UsageError('run needs a model file');
  const inputs = args.repeated.get('input') ?? [];
  const outDir = args.options.get('out-dir') ?? '.';
  const rounding = oneOf(args, 'rounding', ROUNDINGS) ?? 'tflm';
  const repeatText = args.options.get('repeat');
  const repeat = repeatText === undefined ? undefined : Number(repeatText);
  if (repeat !== undefined && !(Number.isInteger(repeat) && repeat >= 1 && repeat <= MAX_REPEAT))
    throw new UsageError(`--repeat takes a whole number from 1 to ${MAX_REPEAT}, got "${repeatText}"`);
  // Before the run, so that a wrong folder costs nothing: mkdir would only say EEXIST.
  const existing = statSync(outDir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new LensError('not-a-file', `--out-dir ${outDir} is a file, not a folder`);
  const result = await runJob(
    {
      path,
      inputs,
      rounding,
      ...(args.options.has('normalization') ? { normalization: args.options.get('normalization')! } : {}),
      ...(repeat !== undefined ? { repeat } : {}),
    },
    UNATTENDED,
  );
  mkdirSync(outDir, { recursive: true });
  const outputs = [];
  // `index` is the output's position among the model's outputs (the contract, docs/cli.md), not
  // the tensor's index in the subgraph, which has its own field.
  for (const [index, o] of result.outputs.entries()) {
    const file = join(outDir, `output_${index}.bin`);
    await writeFileAtomic(file, o.bytes, { overwrite: true });
    outputs.push({ index, tensorIndex: o.index, name: o.name, shape: o.shape, dtype: o.dtype, file, summary: o.summary });
  }
  const timing = result.repeat ? { repeat: result.repeat.runs, msMedian: result.repeat.msMedian, msMin: result.repeat.msMin } : {};
  if (args.flags.has('json')) io.out(JSON.stringify({ outputs, ms: result.ms, ...timing }, null, 2));
  else {
    for (const o of outputs) {
      io.out(`output ${o.index} "${o.name}" ${o.dtype}[${o.shape.join(', ')}] → ${o.file}`);
      io.out(`  top-5: ${o.summary.top5.map((t) => `${t.index}: ${t.score.toPrecision(4)}`).join(', ')}`);
      io.out(`  min ${o.summary.min.toPrecision(4)}, max ${o.summary.max.toPrecision(4)}, mean ${o.summary.mean.toPrecision(4)}`);
    }
    io.out(`${result.ms.toFixed(2)} ms`);
    if (result.repeat)
      io.out(
        `per invoke over ${result.repeat.runs} run(s) after one warm-up: median ${result.repeat.msMedian.toFixed(3)} ms, min ${result.repeat.msMin.toFixed(3)} ms`,
      );
  }
  return EXIT_OK;
};
