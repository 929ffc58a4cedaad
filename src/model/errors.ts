import { LensError, type ModelErrorCode } from '../errors';

/** Every way a model file can be wrong, as a stable code a caller can switch on. */
export type { ModelErrorCode } from '../errors';

/**
 * A model file that cannot be read. `offset` is the byte offset in the file where the
 * problem was found, when there is one.
 */
export class ModelFormatError extends LensError {
  override readonly name = 'ModelFormatError';
  declare readonly code: ModelErrorCode;
  constructor(
    code: ModelErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(code, offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}
