/**
 * The one place where a failure becomes an exit code. Every error carries a code
 * (src/errors.ts): bad input of any kind exits 2 with one line, a usage error adds the usage,
 * and a code that means a bug is rethrown so that Node prints its stack.
 */
import { errorCode, errorMessage } from '../errors';
import { EXIT_BAD_INPUT, type Io } from './command';
import { USAGE } from './usage';

export function reportFailure(e: unknown, io: Io): number {
  switch (errorCode(e)) {
    case 'internal':
    case 'crashed':
    case 'disposed':
    // Nothing stops a job the CLI runs (they run UNATTENDED): a Cancelled here is a bug too.
    case 'cancelled':
      throw e;
    case 'usage':
      io.err(`tinyml-lens: ${errorMessage(e)}\n\n${USAGE}`);
      return EXIT_BAD_INPUT;
    case 'file-exists':
      io.err(`tinyml-lens: ${errorMessage(e)} (use --force to replace it)`);
      return EXIT_BAD_INPUT;
    default:
      io.err(`tinyml-lens: ${errorMessage(e)}`);
      return EXIT_BAD_INPUT;
  }
}
