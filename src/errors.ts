/**
 * Every failure TinyML Lens reports carries a stable code from `ErrorCode`, so each surface (the
 * worker's replies, the CLI's exit status, VS Code's messages and offers) decides by code in one
 * switch instead of testing classes one by one. The domain classes (ModelFormatError,
 * RuntimeError, QuantizeError, InputError…) extend `LensError` for their extra fields; the codes
 * themselves all live here, so this list is the whole contract.
 */

/** Every way a model file can be wrong. */
export type ModelErrorCode = 'truncated' | 'bad-identifier' | 'out-of-range' | 'bad-reference' | 'bad-shape' | 'bad-value' | 'too-large' | 'unsupported';

/** Why our runtime cannot run a model or an input. */
export type RuntimeErrorCode = 'unsupported-op' | 'unsupported-type' | 'bad-model' | 'bad-input';

/** Why a model could not be quantized. */
export type QuantizeErrorCode =
  /** The model already has integer activations: quantize its float original instead. */
  | 'already-quantized'
  /** Operators the int8 path cannot take (listed in `ops`); `keepFloat` keeps them in float. */
  | 'unsupported-ops'
  /** Calibration data missing, of the wrong shape or type, or not finite. */
  | 'bad-calibration'
  /** A per-layer precision that names no layer, or a precision TFLM cannot run that layer at. */
  | 'bad-precision'
  /** The graph has something the quantizer does not handle (control flow, several subgraphs…). */
  | 'unsupported-model';

/** Node's errno names for failed file operations, kept as they are: people and scripts know them. */
export const FILE_ERROR_CODES = [
  'ENOENT',
  'EACCES',
  'EPERM',
  'EISDIR',
  'ENOTDIR',
  'EEXIST',
  'ENOSPC',
  'EROFS',
  'EMFILE',
  'ENAMETOOLONG',
  'ELOOP',
  'EBUSY',
] as const;
/** A file operation failed; `io-error` for an errno not in FILE_ERROR_CODES. */
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number] | 'io-error';

export type ErrorCode =
  | ModelErrorCode
  | RuntimeErrorCode
  | QuantizeErrorCode
  | FileErrorCode
  /** An estimate the estimator refuses: unknown core or board, clock out of range, kernels that do not apply. */
  | 'bad-estimate'
  /** A duty cycle that cannot be: negative currents, events that overrun the hour, no battery. */
  | 'bad-duty-cycle'
  /** An output file exists and the caller did not ask to replace it. */
  | 'file-exists'
  /** A path the user named is a folder, a pipe or a device where a file was expected. */
  | 'not-a-file'
  /** A file larger than anything of its kind could be (src/io/userFile.ts FILE_LIMITS). */
  | 'file-too-large'
  /** A labeled data set that cannot be evaluated: missing, empty, a label not among the classes. */
  | 'bad-dataset'
  /** A count or a size over what we will compute (samples, operators, nesting). */
  | 'limit'
  /** The command line of the CLI. */
  | 'usage'
  /** The caller asked the job to stop (see Cancelled). */
  | 'cancelled'
  /** The worker thread died, or was stopped, with the request still pending. */
  | 'crashed'
  | 'disposed'
  /** Anything else: a bug. */
  | 'internal';

export class LensError extends Error {
  override readonly name: string = 'LensError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The one way a job or a loop stops on request: runs, comparisons and quantizations all throw
 * it, and the host rejects a cancelled request with it too.
 */
export class Cancelled extends LensError {
  override readonly name = 'Cancelled';
  declare readonly code: 'cancelled';
  constructor(message = 'cancelled') {
    super('cancelled', message);
  }
}

const fileCodes: ReadonlySet<string> = new Set(FILE_ERROR_CODES);

/** The code of anything thrown: a LensError's own, a Node file error's errno name, else `internal`. */
export function errorCode(e: unknown): ErrorCode {
  if (e instanceof LensError) return e.code;
  if (typeof e === 'object' && e !== null && 'errno' in e && 'code' in e && typeof e.code === 'string') {
    return fileCodes.has(e.code) ? (e.code as FileErrorCode) : 'io-error';
  }
  return 'internal';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
