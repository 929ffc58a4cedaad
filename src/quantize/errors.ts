import { LensError, type QuantizeErrorCode } from '../errors';

/** Why a model could not be quantized, as a stable code a caller can switch on. */
export type { QuantizeErrorCode } from '../errors';

export interface UnsupportedOp {
  readonly layer: number;
  readonly op: string;
  readonly reason: string;
}

export class QuantizeError extends LensError {
  override readonly name = 'QuantizeError';
  declare readonly code: QuantizeErrorCode;
  constructor(
    code: QuantizeErrorCode,
    message: string,
    readonly ops: readonly UnsupportedOp[] = [],
  ) {
    super(code, message);
  }
}
