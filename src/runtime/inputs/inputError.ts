import { LensError } from '../../errors';

/** An input file that does not fit the model: the message says what the model expects. */
export class InputError extends LensError {
  override readonly name = 'InputError';
  declare readonly code: 'bad-input';
  constructor(message: string) {
    super('bad-input', message);
  }
}
