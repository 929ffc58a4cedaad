/** Why a model could not be quantized, as a stable code a caller can switch on. */
export type QuantizeErrorCode =
  /** The model already has integer activations: quantize its float original instead. */
  | 'already-quantized'
  /** Operators the int8 path cannot take (listed in `ops`); `keepFloat` keeps them in float. */
  | 'unsupported-ops'
  /** Calibration data missing, of the wrong shape or type, or not finite. */
  | 'bad-calibration'
  /** The graph has something the quantizer does not handle (control flow, several subgraphs…). */
  | 'unsupported-model'
  | 'cancelled';

export interface UnsupportedOp {
  readonly layer: number;
  readonly op: string;
  readonly reason: string;
}

export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
  constructor(
    readonly code: QuantizeErrorCode,
    message: string,
    readonly ops: readonly UnsupportedOp[] = [],
  ) {
    super(message);
  }
}
