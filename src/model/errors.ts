/** Every way a model file can be wrong, as a stable code a caller can switch on. */
export type ModelErrorCode =
  | 'truncated'
  | 'bad-identifier'
  | 'out-of-range'
  | 'bad-reference'
  | 'bad-shape'
  | 'bad-value'
  | 'too-large'
  | 'unsupported';

/**
 * A model file that cannot be read. `offset` is the byte offset in the file where the
 * problem was found, when there is one.
 */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}
