/**
 * `tinyml-lens`: the core on the command line, for people and for firmware CI. This file only
 * picks the command: each lives in its own module, the usage text in usage.ts, and failure.ts
 * turns an error into the exit code (0 fits or no budget given, 1 does not fit, 2 bad input).
 */
import { analyzeCommand } from './analyzeCommand';
import { checkFirmwareCommand } from './checkFirmwareCommand';
import { parseArgs, UsageError } from './args';
import { errorMessage } from '../errors';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, type Command, type Io } from './command';
import { compareCommand } from './compareCommand';
import { estimateCommand } from './estimateCommand';
import { evaluateCommand } from './evaluateCommand';
import { examplesCommand } from './examplesCommand';
import { exportCommand } from './exportCommand';
import { reportFailure } from './failure';
import { optimizeCommand } from './optimizeCommand';
import { quantizeCommand } from './quantizeCommand';
import { runCommand } from './runCommand';
import { targetsCommand } from './targetsCommand';
import { commandHelp, renderCommandHelp, USAGE } from './usage';

const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['analyze', analyzeCommand],
  ['targets', targetsCommand],
  ['examples', examplesCommand],
  ['run', runCommand],
  ['compare', compareCommand],
  ['estimate', estimateCommand],
  ['quantize', quantizeCommand],
  ['optimize', optimizeCommand],
  ['export', exportCommand],
  ['check-firmware', checkFirmwareCommand],
  ['evaluate', evaluateCommand],
]);

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const known = command !== undefined && COMMANDS.has(command) ? command : undefined;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    const run = COMMANDS.get(command);
    const help = commandHelp(command);
    if (!run || !help) throw new UsageError(`unknown command "${command}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(renderCommandHelp(help));
      return EXIT_OK;
    }
    return await run(parseArgs(rest, help), io);
  } catch (e) {
    return reportFailure(e, io, known);
  }
}

/**
 * A bug (an error without a code) still ends in one line, and never with exit 1, which means
 * "does not fit" to a firmware CI; TINYML_DEBUG=1 prints the stack for a bug report.
 */
export function reportBug(e: unknown, io: Io): number {
  io.err(`tinyml-lens: internal error: ${errorMessage(e).split('\n')[0]} (a bug; TINYML_DEBUG=1 shows where)`);
  if (process.env.TINYML_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
  return EXIT_INTERNAL;
}

if (require.main === module) {
  const io: Io = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };
  void main(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (e: unknown) => (process.exitCode = reportBug(e, io)),
  );
}
