/**
 * Where the shared real-world models live, and a way to skip cleanly when they do not.
 * The repo never copies them: tests read them from ../shared (or $TINYML_SHARED).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const SHARED_DIR = process.env.TINYML_SHARED ?? resolve(REPO_ROOT, '..', 'shared');
export const MODELS_DIR = join(SHARED_DIR, 'models');
export const GOLDEN_DIR = join(SHARED_DIR, 'golden');
export const HAVE_SHARED = existsSync(MODELS_DIR);

/** For `test(name, { skip: SKIP_SHARED }, …)`: a message that says why, or false. */
export const SKIP_SHARED: string | false = HAVE_SHARED ? false : `shared models not found at ${MODELS_DIR}; set TINYML_SHARED to run these tests`;

export interface CorpusModel {
  readonly name: string;
  readonly path: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.tflite') ? [p] : [];
  });
}

export function corpusModels(): CorpusModel[] {
  if (!HAVE_SHARED) return [];
  return walk(MODELS_DIR)
    .sort()
    .map((path) => ({
      name: path
        .split('/')
        .pop()!
        .replace(/\.tflite$/, ''),
      path,
    }));
}

export function corpusModel(name: string): Uint8Array {
  const m = corpusModels().find((c) => c.name === name);
  if (!m) throw new Error(`corpus model ${name} not found under ${MODELS_DIR}`);
  return new Uint8Array(readFileSync(m.path));
}
