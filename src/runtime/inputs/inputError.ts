/** An input file that does not fit the model: the message says what the model expects. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
