/**
 * Calibration data on disk → samples, through the runtime's input loaders (loadInput.ts):
 * .npy, raw .bin/.raw (little-endian float32 for a float model), images (.png, .jpg, .bmp,
 * resized and normalized as configured) and 16-bit .wav. A .npy or raw file may hold several
 * samples back to back (an [N, …] array): each is a sample. A folder is read recursively; a
 * glob (`data/*.npy`, `calib/**\/*.png`) matches paths. Models with several inputs take a
 * folder with one subfolder per input (named by position, 0, 1…, or by input name) whose
 * sorted files pair up.
 *
 * Files are only listed up front (and .npy headers read, to count samples); each sample is
 * loaded when the calibration asks for it. A file of the wrong size, type or shape is an
 * error naming the file.
 */
import { readdirSync, type Stats, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { LensError } from '../errors';
import { readUserFile, readUserFileHead, userFileSize } from '../io/userFile';
import type { Normalization } from '../runtime/inputs/image';
import { InputError } from '../runtime/inputs/inputError';
import { inputBytes, type InputTensorSpec } from '../runtime/inputs/loadInput';
import { parseNpy } from '../runtime/inputs/npy';
import type { SampleRef, SampleSource } from './samples';
import { QuantizeError } from './errors';
import { prng } from '../util/prng';

export const CALIBRATION_EXTENSIONS = ['.npy', '.bin', '.raw', '.png', '.jpg', '.jpeg', '.bmp', '.wav'] as const;
const IMAGE = /\.(png|jpe?g|bmp)$/i;

const ELEMENT_BYTES: Readonly<Record<string, number>> = { float32: 4, int8: 1, uint8: 1, int16: 2, int32: 4, bool: 1 };

export type { SampleRef } from './samples';

function known(file: string): boolean {
  const lower = file.toLowerCase();
  return CALIBRATION_EXTENSIONS.some((e) => lower.endsWith(e));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() && known(d.name) ? [join(dir, d.name)] : []));
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files of a folder (recursively) or matching a glob, sorted. */
export function listCalibrationFiles(pathOrGlob: string): string[] {
  if (!/[*?]/.test(pathOrGlob)) {
    let st: Stats;
    try {
      st = statSync(pathOrGlob);
    } catch {
      throw new QuantizeError('bad-calibration', `calibration data ${pathOrGlob} does not exist`);
    }
    if (st.isFile()) return [pathOrGlob];
    if (!st.isDirectory()) throw new QuantizeError('bad-calibration', `calibration data ${pathOrGlob} is neither a file nor a folder`);
    return walk(pathOrGlob);
  }
  // The fixed leading folders of the pattern, then the rest matched against relative paths.
  const parts = pathOrGlob.split(/[\\/]/);
  const fixed: string[] = [];
  while (parts.length > 1 && !/[*?]/.test(parts[0]!)) fixed.push(parts.shift()!);
  const root = fixed.length > 0 ? fixed.join(sep) || sep : '.';
  const re = globToRegExp(parts.join('/'));
  let files: string[];
  try {
    files = walk(root);
  } catch {
    throw new QuantizeError('bad-calibration', `calibration data: folder ${root} does not exist`);
  }
  return files.filter((f) => re.test(relative(root, f).split(sep).join('/')));
}

/** How many samples a file holds for an input: several for .npy/raw files of N × the input's size. */
function samplesIn(file: string, t: InputTensorSpec): number {
  const lower = file.toLowerCase();
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (lower.endsWith('.npy')) {
    const header = Buffer.from(readUserFileHead(file, 'calibration', 4096)).toString('latin1');
    const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
    if (shapeText === undefined) return 1; // let the loader say what is wrong
    const count = shapeText
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map(Number)
      .reduce((a, b) => a * b, 1);
    // A header may claim any shape: believe it only if the file could hold that many values.
    if (!(count <= userFileSize(file, 'calibration', 'input'))) return 1;
    return count > n && count % n === 0 ? count / n : 1;
  }
  if (lower.endsWith('.bin') || lower.endsWith('.raw')) {
    const size = ELEMENT_BYTES[t.dtype] ?? 1;
    const bytes = userFileSize(file, 'calibration', 'input');
    return bytes > n * size && bytes % (n * size) === 0 ? bytes / (n * size) : 1;
  }
  return 1;
}

/** Samples the calibration data may hold in all; the quantizer takes far fewer (MAX_CALIBRATION_SAMPLES). */
export const MAX_LISTED_SAMPLES = 1_000_000;

/** Every sample the calibration data holds, in order. */
export function listSamples(pathOrGlob: string, inputs: readonly InputTensorSpec[]): SampleRef[] {
  if (inputs.length === 1) {
    const files = listCalibrationFiles(pathOrGlob);
    if (files.length === 0) throw new QuantizeError('bad-calibration', `no calibration files (${CALIBRATION_EXTENSIONS.join(', ')}) in ${pathOrGlob}`);
    const counts = files.map((file) => samplesIn(file, inputs[0]!));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > MAX_LISTED_SAMPLES)
      throw new LensError('limit', `${pathOrGlob} holds ${total} samples; calibration data of more than ${MAX_LISTED_SAMPLES} samples is refused`);
    return files.flatMap((file, k) => {
      const of = counts[k]!;
      return Array.from({ length: of }, (_, index) => ({ parts: [{ file, index, of }] }));
    });
  }
  // Several inputs: one subfolder per input.
  const perInput = inputs.map((t, k) => {
    const candidates = [join(pathOrGlob, String(k)), join(pathOrGlob, t.name.replace(/[^A-Za-z0-9_.-]/g, '_'))];
    const dir = candidates.find((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    });
    if (!dir)
      throw new QuantizeError(
        'bad-calibration',
        `the model has ${inputs.length} inputs: ${pathOrGlob} needs one subfolder per input (${candidates.map((c) => basename(c)).join(' or ')} for input ${k} "${t.name}")`,
      );
    return walk(dir);
  });
  const count = Math.min(...perInput.map((f) => f.length));
  if (perInput.some((f) => f.length !== count))
    throw new QuantizeError(
      'bad-calibration',
      `the input subfolders of ${pathOrGlob} hold different numbers of files (${perInput.map((f) => f.length).join(', ')})`,
    );
  return Array.from({ length: count }, (_, i) => ({ parts: perInput.map((f) => ({ file: f[i]!, index: 0, of: 1 })) }));
}

/** Loads samples lazily (the last file read is kept, for files that hold many samples). */
export function fileSamples(refs: readonly SampleRef[], inputs: readonly InputTensorSpec[], normalization: Normalization): SampleSource {
  let cached: { file: string; bytes: Uint8Array } | undefined;
  const read = (file: string): Uint8Array => {
    if (cached?.file !== file) cached = { file, bytes: readUserFile(file, 'calibration', 'input') };
    return cached.bytes;
  };
  return {
    count: refs.length,
    files: { refs, inputs, normalization },
    describe: (i) => refs[i]!.parts.map((p) => (p.of > 1 ? `${p.file} (sample ${p.index})` : p.file)).join(' + '),
    sample: (i) =>
      refs[i]!.parts.map((p, k) => {
        const t = inputs[k]!;
        const bytes = read(p.file);
        try {
          if (p.of === 1) return inputBytes(basename(p.file), bytes, t, { normalization });
          return oneOf(p.file, bytes, p.index, p.of, t);
        } catch (e) {
          if (e instanceof InputError) throw new QuantizeError('bad-calibration', e.message.includes(basename(p.file)) ? e.message : `${p.file}: ${e.message}`);
          throw e;
        }
      }),
  };
}

/** Sample `index` of `of` in a multi-sample .npy or raw file. */
function oneOf(file: string, bytes: Uint8Array, index: number, of: number, t: InputTensorSpec): Uint8Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const name = `${basename(file)} [sample ${index} of ${of}]`;
  if (file.toLowerCase().endsWith('.npy')) {
    const arr = parseNpy(bytes, basename(file));
    const size = arr.data.BYTES_PER_ELEMENT;
    const chunk = new Uint8Array(arr.data.buffer, arr.data.byteOffset + index * n * size, n * size);
    if (arr.dtype === t.dtype) return chunk.slice();
    const values =
      arr.dtype === 'float64' ? new Float64Array(chunk.slice().buffer) : arr.dtype === 'float32' ? new Float32Array(chunk.slice().buffer) : undefined;
    if (!values) throw new InputError(`${name} holds ${arr.dtype} values; input "${t.name}" is ${t.dtype}`);
    return inputBytes(`${name}.bin`, new Uint8Array(Float32Array.from(values).buffer), { ...t, dtype: 'float32' });
  }
  const size = ELEMENT_BYTES[t.dtype] ?? 1;
  return inputBytes(`${name}.bin`, bytes.subarray(index * n * size, (index + 1) * n * size), t);
}

/** Seeded shuffle of 0..n−1 (mulberry32), so a split is the same on every run. */
export function shuffledIndices(n: number, seed = 0): number[] {
  const rand = prng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}

/** Whether any file of the refs is an image (the report then says how images were normalized). */
export function usesImages(refs: readonly SampleRef[]): boolean {
  return refs.some((r) => r.parts.some((p) => IMAGE.test(p.file)));
}
