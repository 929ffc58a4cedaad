import { Cancelled, LensError, type QuantizeErrorCode } from '../errors';

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

  /**
   * A stopped quantization throws the one Cancelled error, and it still counts as a
   * QuantizeError: a caller that catches the quantizer's errors sees every way it can end early.
   */
  static override [Symbol.hasInstance](value: unknown): value is QuantizeError | Cancelled {
    return value instanceof Cancelled || Function.prototype[Symbol.hasInstance].call(QuantizeError, value);
  }
}
