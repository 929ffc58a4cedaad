/** What `main` and every command share: where the output goes, and the exit codes. */
import type { ParsedArgs } from './args';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** One `tinyml-lens <command>`: its exit code, or a throw that failure.ts turns into one. */
export type Command = (args: ParsedArgs, io: Io) => number | Promise<number>;

export const EXIT_OK = 0;
/** `analyze` with a budget: the model fits (or no budget was given). */
export const EXIT_FITS = EXIT_OK;
export const EXIT_DOES_NOT_FIT = 1;
export const EXIT_BAD_INPUT = 2;
/** The user stopped a long command (Ctrl-C): 128 + SIGINT, as shells report it. */
export const EXIT_CANCELLED = 130;
/** A bug in TinyML Lens, not in the input: one line, and the stack with TINYML_DEBUG=1. */
export const EXIT_INTERNAL = 3;
