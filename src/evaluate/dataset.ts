/**
 * A labeled data set as a list of (file, label): class subfolders (the ImageFolder layout: the
 * class is the folder's name) or a CSV of `file,label` rows. Only names are held, never the
 * samples' bytes, so a data set of any size costs its listing; the evaluation reads one sample
 * at a time. The class order comes from the caller (a labels file, the model's own labels) or,
 * without one, is the sorted class names.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { LensError } from '../errors';
import { FILE_LIMITS } from '../io/userFile';
import { csvLineFields } from '../util/csv';

export interface LabeledSample {
  /** The path to read. */
  readonly file: string;
  /** The class name as the data set gives it. */
  readonly label: string;
}

export interface LabeledSet {
  /** Where the set came from (the folder or the CSV). */
  readonly source: string;
  /** The folder sample paths are shown relative to. */
  readonly root: string;
  readonly samples: readonly LabeledSample[];
  /** The class names the data set uses, sorted. */
  readonly labels: readonly string[];
}

/** Samples listed at most: a bound on the listing's memory, far beyond any evaluation set. */
export const MAX_SAMPLES = 1_000_000;
/** Folders below a class folder are walked this deep (ImageFolder walks them too). */
const MAX_DEPTH = 8;
/** Files the loaders read (runtime/inputs/loadInput.ts); anything else in a class folder is skipped. */
const SAMPLE_EXTENSIONS = new Set(['.npy', '.bin', '.raw', '.png', '.jpg', '.jpeg', '.bmp', '.wav']);

function datasetError(message: string): LensError {
  return new LensError('bad-dataset', message);
}

/** The labeled set at `path`: a folder of class folders, or a `.csv` of `file,label`. */
export function listLabeledSet(path: string): LabeledSet {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw datasetError(`no such folder or file: ${path}`);
  const set = st.isDirectory() ? listFolders(path) : listCsv(path);
  if (set.samples.length === 0)
    throw datasetError(
      st.isDirectory()
        ? `${path} holds no samples: give one folder per class with .npy, .bin, image or .wav files in it`
        : `${path} lists no samples: give one "file,label" row per sample`,
    );
  return set;
}

function listFolders(root: string): LabeledSet {
  const samples: LabeledSample[] = [];
  const labels: string[] = [];
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  for (const label of classes) {
    const before = samples.length;
    walk(join(root, label), label, 0, samples);
    if (samples.length > before) labels.push(label);
  }
  return { source: root, root, samples, labels };
}

function walk(dir: string, label: string, depth: number, out: LabeledSample[]): void {
  if (depth > MAX_DEPTH) return;
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, label, depth + 1, out);
    else if (SAMPLE_EXTENSIONS.has(extname(e.name).toLowerCase())) {
      if (out.length >= MAX_SAMPLES) throw new LensError('limit', `more than ${MAX_SAMPLES} samples under ${dir}; evaluate a subset`);
      out.push({ file: path, label });
    }
  }
}

function listCsv(path: string): LabeledSet {
  if (statSync(path).size > FILE_LIMITS.text)
    throw new LensError('file-too-large', `${path} is larger than ${FILE_LIMITS.text / 1048576} MB; a labels CSV is text`);
  const text = readFileSync(path, 'utf8');
  const base = dirname(resolve(path));
  const samples: LabeledSample[] = [];
  const labels = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const [file, label, ...rest] = csvLineFields(raw).map((f) => f.trim());
    // A header row names its columns.
    if (samples.length === 0 && /^(file|path|filename)$/i.test(file ?? '') && /^(label|class)$/i.test(label ?? '')) continue;
    if (!file || !label || rest.some((r) => r !== ''))
      throw datasetError(`${path}:${i + 1}: expected "file,label", found "${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}"`);
    if (samples.length >= MAX_SAMPLES) throw new LensError('limit', `${path} lists more than ${MAX_SAMPLES} samples; evaluate a subset`);
    samples.push({ file: isAbsolute(file) ? file : join(base, file), label });
    labels.add(label);
  }
  return { source: path, root: base, samples, labels: [...labels].sort() };
}

/**
 * The class order: `given` (a labels file, the model's labels) when there is one, every label of
 * the set among them; else the set's sorted labels. `outputs`: the classifier's scores, which
 * the classes must number.
 */
export function classOrder(set: LabeledSet, given: readonly string[] | undefined, outputs: number, givenFrom: string): string[] {
  const classes = given ? [...given] : [...set.labels];
  if (given) {
    const known = new Set(given);
    const unknown = set.labels.filter((l) => !known.has(l));
    if (unknown.length > 0)
      throw datasetError(
        `label${unknown.length > 1 ? 's' : ''} ${unknown
          .slice(0, 5)
          .map((l) => `"${l}"`)
          .join(', ')} of ${set.source} not among the ${given.length} classes of ${givenFrom}`,
      );
  }
  if (classes.length !== outputs)
    throw datasetError(
      given
        ? `${givenFrom} names ${classes.length} classes but the model scores ${outputs}`
        : `${set.source} has ${classes.length} classes but the model scores ${outputs}: give the class names in the model's order with --labels <file>`,
    );
  return classes;
}

/** A labels file: one class name per line, in the model's output order. */
export function readLabelsFile(path: string): string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) throw datasetError(`no such labels file: ${path}`);
  if (st.size > FILE_LIMITS.text) throw new LensError('file-too-large', `${path} is larger than ${FILE_LIMITS.text / 1048576} MB; a labels file is text`);
  const labels = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (labels.length === 0) throw datasetError(`${path} names no classes`);
  return labels;
}

/** A sample's path as the report shows it: relative to the data set when inside it. */
export function displayPath(set: Pick<LabeledSet, 'root'>, file: string): string {
  const rel = relative(set.root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
