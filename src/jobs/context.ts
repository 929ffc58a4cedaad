/**
 * What every job gets besides its parameters: a way to report progress and a way to learn that
 * the caller wants it stopped. The worker wires both to the host; the CLI and tests pass
 * UNATTENDED.
 */
import { Cancelled } from '../errors';

export interface JobContext {
  /** True once the caller asked the job to stop; a job checks it between units of work. */
  readonly shouldStop: () => boolean;
  readonly progress: (fraction: number, message: string) => void;
}

/** Nothing to report to and nothing that cancels: the CLI and tests. */
export const UNATTENDED: JobContext = { shouldStop: () => false, progress: () => undefined };

/** Throws Cancelled when stop was asked: the one way a job ends early on request. */
export function stopIfAsked(ctx: Pick<JobContext, 'shouldStop'>, message?: string): void {
  if (ctx.shouldStop()) throw new Cancelled(message);
}
