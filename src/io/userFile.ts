/**
 * The one way to read a file the user names (a model, an input, a calibration sample, a
 * profiler log): it must be a regular file no larger than a limit that depends on what it is
 * for, checked before a byte is allocated. A directory, a FIFO, /dev/zero or a socket is
 * refused by its type (opening without blocking, so a FIFO with no writer cannot hang us), and
 * a file too large to be what it claims is refused by its size, with one line saying which.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { LensError } from '../errors';

/** What a user file is for, and the largest size we accept for it. */
export const FILE_LIMITS = {
  /** TFLite flatbuffers stop at 2 GB; a microcontroller model is far smaller. */
  model: 1024 * 1024 * 1024,
  /** One input or calibration file (a .npy may hold many samples). */
  input: 512 * 1024 * 1024,
  /** A profiler log or calibration table: text. */
  text: 64 * 1024 * 1024,
} as const;

export type UserFileKind = keyof typeof FILE_LIMITS;

export class UserFileError extends LensError {
  override readonly name = 'UserFileError';
  declare readonly code: 'not-a-file' | 'file-too-large';
  constructor(
    code: 'not-a-file' | 'file-too-large',
    readonly path: string,
    message: string,
  ) {
    super(code, message);
  }
}

function kindOf(mode: number): string {
  switch (mode & constants.S_IFMT) {
    case constants.S_IFDIR:
      return 'a folder';
    case constants.S_IFIFO:
      return 'a pipe (FIFO)';
    case constants.S_IFCHR:
      return 'a character device';
    case constants.S_IFBLK:
      return 'a block device';
    case constants.S_IFSOCK:
      return 'a socket';
    default:
      return 'not a regular file';
  }
}

/** Size of a regular file, or UserFileError; file-system errors (ENOENT, EACCES…) pass through. */
function checkedSize(fd: number, path: string, what: string, limit: number): number {
  const st = fstatSync(fd);
  if (!st.isFile()) throw new UserFileError('not-a-file', path, `${path} is ${kindOf(st.mode)}, not a ${what} file`);
  if (st.size > limit)
    throw new UserFileError(
      'file-too-large',
      path,
      `${path} is ${(st.size / 1048576).toFixed(0)} MB; a ${what} file larger than ${limit / 1048576} MB is refused`,
    );
  return st.size;
}

/**
 * Reads a user's file whole. `what` names it in messages ("model", "input"…), `kind` picks
 * the size limit (or `limit` overrides it).
 */
export function readUserFile(path: string, what: string, kind: UserFileKind, limit: number = FILE_LIMITS[kind]): Uint8Array {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const size = checkedSize(fd, path, what, limit);
    const out = new Uint8Array(size);
    let got = 0;
    // A file that shrinks while we read ends early; one that grows is read up to its size.
    while (got < size) {
      const n = readSync(fd, out, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The first `max` bytes of a user's file (a header), with the same type check. */
export function readUserFileHead(path: string, what: string, max: number): Uint8Array {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const size = checkedSize(fd, path, what, Number.MAX_SAFE_INTEGER);
    const out = new Uint8Array(Math.min(max, size));
    const n = readSync(fd, out, 0, out.length, 0);
    return out.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Size of a user's file, with the same type and size checks, without reading it. */
export function userFileSize(path: string, what: string, kind: UserFileKind): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return checkedSize(fd, path, what, FILE_LIMITS[kind]);
  } finally {
    closeSync(fd);
  }
}

/** Text of a user's file (UTF-8), with the text limit. */
export function readUserText(path: string, what: string): string {
  return new TextDecoder().decode(readUserFile(path, what, 'text'));
}
