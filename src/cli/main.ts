/**
 * `tinyml-lens`: the core on the command line, for people and for firmware CI. This file only
 * picks the command: each lives in its own module, the usage text in usage.ts, and failure.ts
 * turns an error into the exit code (0 fits or no budget given, 1 does not fit, 2 bad input).
 */
import { analyzeCommand } from './analyzeCommand';
import { parseArgs, UsageError } from './args';
import { EXIT_BAD_INPUT, EXIT_OK, type Command, type Io } from './command';
import { compareCommand } from './compareCommand';
import { estimateCommand } from './estimateCommand';
import { examplesCommand } from './examplesCommand';
import { reportFailure } from './failure';
import { optimizeCommand } from './optimizeCommand';
import { quantizeCommand } from './quantizeCommand';
import { runCommand } from './runCommand';
import { targetsCommand } from './targetsCommand';
import { USAGE } from './usage';

const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['analyze', analyzeCommand],
  ['targets', targetsCommand],
  ['examples', examplesCommand],
  ['run', runCommand],
  ['compare', compareCommand],
  ['estimate', estimateCommand],
  ['quantize', quantizeCommand],
  ['optimize', optimizeCommand],
]);

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    const run = COMMANDS.get(command);
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(parseArgs(rest), io);
  } catch (e) {
    return reportFailure(e, io);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) }).then(
    (code) => (process.exitCode = code),
  );
}
