/**
 * Writes a file so that a reader never sees half of it: the bytes go to a temporary file in
 * the same folder, which is then renamed over the target in one step. A crash or a cancel
 * leaves the old file (or none) and at most a stray temporary file, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LensError } from '../errors';

export class FileExistsError extends LensError {
  override readonly name = 'FileExistsError';
  declare readonly code: 'file-exists';
  constructor(readonly path: string) {
    super('file-exists', `${path} already exists; not overwriting it`);
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array, options: { readonly overwrite: boolean }): Promise<void> {
  if (!options.overwrite && existsSync(path)) throw new FileExistsError(path);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  await rename(tmp, path);
}
