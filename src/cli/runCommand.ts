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

export const runCommand: Command = async (args, io) => {
  const path = args.positionals[0];
  if (!path) throw new UsageError('run needs a model file');
  const inputs = args.repeated.get('input') ?? [];
  const outDir = args.options.get('out-dir') ?? '.';
  const rounding = oneOf(args, 'rounding', ROUNDINGS) ?? 'tflm';
  // Before the run, so that a wrong folder costs nothing: mkdir would only say EEXIST.
  const existing = statSync(outDir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new LensError('not-a-file', `--out-dir ${outDir} is a file, not a folder`);
  const result = await runJob(
    { path, inputs, rounding, ...(args.options.has('normalization') ? { normalization: args.options.get('normalization')! } : {}) },
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
  if (args.flags.has('json')) io.out(JSON.stringify({ outputs, ms: result.ms }, null, 2));
  else {
    for (const o of outputs) {
      io.out(`output ${o.index} "${o.name}" ${o.dtype}[${o.shape.join(', ')}] → ${o.file}`);
      io.out(`  top-5: ${o.summary.top5.map((t) => `${t.index}: ${t.score.toPrecision(4)}`).join(', ')}`);
      io.out(`  min ${o.summary.min.toPrecision(4)}, max ${o.summary.max.toPrecision(4)}, mean ${o.summary.mean.toPrecision(4)}`);
    }
    io.out(`${result.ms.toFixed(2)} ms`);
  }
  return EXIT_OK;
};
