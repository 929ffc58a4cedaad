/**
 * The one place where a failure becomes an exit code. Every error carries a code
 * (src/errors.ts): bad input of any kind exits 2 with one line (a usage error's says where the
 * help is), and a code that means a bug is rethrown so that Node prints its stack.
 */
import { errorCode, errorMessage } from '../errors';
import { EXIT_BAD_INPUT, type Io } from './command';

/** `command`: the command that failed, when known, so a usage error points at its own help. */
export function reportFailure(e: unknown, io: Io, command?: string): number {
  switch (errorCode(e)) {
    case 'internal':
    case 'crashed':
    case 'disposed':
    // Nothing stops a job the CLI runs (they run UNATTENDED): a Cancelled here is a bug too.
    case 'cancelled':
      throw e;
    case 'usage':
      io.err(`tinyml-lens${command ? ` ${command}` : ''}: ${errorMessage(e)} (see tinyml-lens ${command ? `${command} ` : ''}--help)`);
      return EXIT_BAD_INPUT;
    case 'file-exists':
      io.err(`tinyml-lens: ${errorMessage(e)} (use --force to replace it)`);
      return EXIT_BAD_INPUT;
    default:
      io.err(`tinyml-lens: ${errorMessage(e)}`);
      return EXIT_BAD_INPUT;
  }
}
