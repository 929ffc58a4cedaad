/** `tinyml-lens examples <dir>`: writes the example models into a folder. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_MODELS } from '../examples/exampleModels';
import { writeFileAtomic } from '../io/atomicWrite';
import { writeModel } from '../model/io';
import { UsageError } from './args';
import { EXIT_OK, type Command } from './command';

export const examplesCommand: Command = async (args, io) => {
  const dir = args.positionals[0];
  if (!dir) throw new UsageError('examples needs a folder to write into');
  mkdirSync(dir, { recursive: true });
  for (const m of EXAMPLE_MODELS) {
    const path = join(dir, m.file);
    await writeFileAtomic(path, writeModel(m.build()), { overwrite: true });
    io.out(`wrote ${path}`);
  }
  return EXIT_OK;
};
