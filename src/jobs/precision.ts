/**
 * The precision job: measure (or, with `suggest`, search for) a per-layer precision
 * assignment of a float model. Contract in shared/protocol.ts (PrecisionParams/Result).
 * Being built: this placeholder refuses until the implementation lands.
 */
import { QuantizeError } from '../quantize/errors';
import type { PrecisionParams, PrecisionResult } from '../shared/protocol';
import type { JobContext } from './context';

export async function precisionJob(_params: PrecisionParams, _ctx: JobContext): Promise<PrecisionResult> {
  throw new QuantizeError('unsupported-model', 'per-layer precision is not available yet');
}
