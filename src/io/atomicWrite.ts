/**
 * Writes files so that a reader never sees half of one and nothing the user has is replaced
 * unless asked. The bytes go to a temporary file in the same folder first. Without
 * `overwrite`, the temporary file is then hard-linked to the target: link(2) fails if the
 * target exists, so the "does it exist?" check and the write are one atomic step, and of two
 * concurrent runs exactly one wins. With `overwrite`, it is renamed over the target. A crash
 * or a cancel leaves the old file (or none) and at most a stray temporary file, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LensError } from '../errors';

export class FileExistsError extends LensError {
  override readonly name = 'FileExistsError';
  declare readonly code: 'file-exists';
  constructor(readonly path: string) {
    super('file-exists', `${path} already exists; not overwriting it`);
  }
}

export interface FileToWrite {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Link errors of file systems without hard links (FAT, some network shares). */
const NO_HARD_LINKS: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

async function writeTemp(path: string, bytes: Uint8Array): Promise<string> {
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
  return tmp;
}

/** Puts `tmp` at `path` without replacing anything there; the temporary name is gone afterwards. */
async function commitExclusive(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (e) {
    if (errno(e) === 'EEXIST') throw new FileExistsError(path);
    if (!NO_HARD_LINKS.has(errno(e) ?? '')) throw e;
    // No hard links here: claim the name by exclusive creation, then rename over our own claim.
    const claim = await open(path, 'wx').catch((c: unknown) => {
      throw errno(c) === 'EEXIST' ? new FileExistsError(path) : c;
    });
    await claim.close();
    await rename(tmp, path);
    return;
  }
  await unlink(tmp);
}

/**
 * Writes several files as one unit, in the order given: every file is written under a
 * temporary name first, then each is committed; if one cannot be (it exists, without
 * `overwrite`), the ones committed before it by this call are removed again, so the caller
 * gets all of them or none. Put the file that names the others (a report) first.
 */
export async function writeFilesAtomic(files: readonly FileToWrite[], options: { readonly overwrite: boolean }): Promise<void> {
  const temps: string[] = [];
  const committed: string[] = [];
  try {
    for (const f of files) temps.push(await writeTemp(f.path, f.bytes));
    for (const [k, f] of files.entries()) {
      if (options.overwrite) await rename(temps[k]!, f.path);
      else await commitExclusive(temps[k]!, f.path);
      committed.push(f.path);
    }
  } catch (e) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    // Only files this call created: with overwrite, what was replaced cannot be restored anyway.
    if (!options.overwrite) await Promise.all(committed.map((p) => unlink(p).catch(() => undefined)));
    throw e;
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array, options: { readonly overwrite: boolean }): Promise<void> {
  await writeFilesAtomic([{ path, bytes }], options);
}
