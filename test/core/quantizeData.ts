/**
 * Calibration and held-out data for the quantizer's tests and benchmark. Nothing here is
 * committed:
 * - natural photos: the images in Debian's python3-skimage package (astronaut, chelsea the
 *   cat, coffee, rocket, motorcycles, coins, camera man…), fetched with `apt-get download`
 *   on first use into a cache outside the repository ($TINYML_CACHE, default
 *   ~/.cache/tinyml-lens/skimage-photos); each photo gives five crops (whole, four 70%
 *   corners), resized to the model's input;
 * - anomaly detection: the 196 sliding windows (5 frames × 128 mel bins = 640 values, stride
 *   one frame) of ../shared/models/mlperf_tiny/samples/ad01_normal_id_01_00000000_hist_librosa.bin;
 * - hello_world: x in [0, 2π];
 * - keyword spotting: the one MFCC input in ../shared (kws01_sample0_int8_49x10.bin,
 *   dequantized with scale 0.5847, zero point 83) and seeded perturbations of it: a time
 *   shift of −6…6 frames (edge frames repeated), Gaussian noise of σ 0…4 on every
 *   coefficient, a gain offset of −10…10 on coefficient 0 (log energy), and a scale of
 *   0.8…1.2 on the other coefficients.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, normalize, resizeToTensor, type Normalization, type RgbaImage } from '../../src/runtime/inputs/image';
import { prng } from '../../src/util/prng';
import type { Graph } from '../../src/model/graph';
import { Interpreter } from '../../src/runtime/interpreter';
import type { Rounding } from '../../src/runtime/quant';
import { realValues } from '../../src/runtime/runModel';
import type { RangeSelection } from '../../src/quantize/autoSelect';
import { convertInput } from '../../src/quantize/evaluate';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { quantizeModel, type QuantizeOptions } from '../../src/quantize/quantizeModel';
import { corpusModel, MODELS_DIR } from '../helpers/corpus';
import { readModel } from '../../src/model/io';

export const PHOTOS = [
  'astronaut.png',
  'chelsea.png',
  'coffee.png',
  'rocket.jpg',
  'motorcycle_left.png',
  'camera.png',
  'coins.png',
  'moon.png',
  'brick.png',
  'grass.png',
  'gravel.png',
  'hubble_deep_field.jpg',
  'retina.jpg',
  'ihc.png',
  'clock_motion.png',
  'cell.png',
  'motorcycle_right.png',
] as const;

export const CACHE_DIR = process.env.TINYML_CACHE ?? join(homedir(), '.cache', 'tinyml-lens');
export const PHOTO_DIR = join(CACHE_DIR, 'skimage-photos');

let photoState: { dir: string } | { skip: string } | undefined;

function run(cmd: string, args: readonly string[], cwd: string): boolean {
  const r = spawnSync(cmd, args, { cwd, stdio: 'pipe', timeout: 300_000 });
  return !r.error && r.status === 0;
}

/** The photo folder, installing it on first use; or why it cannot be had. */
export function photoDir(): { dir: string } | { skip: string } {
  photoState ??= fetchPhotos();
  return photoState;
}

function fetchPhotos(): { dir: string } | { skip: string } {
  if (PHOTOS.every((p) => existsSync(join(PHOTO_DIR, p)))) return { dir: PHOTO_DIR };
  const tmp = mkdtempSync(join(tmpdir(), 'skimage-'));
  try {
    let ok = run('apt-get', ['download', 'python3-skimage'], tmp);
    if (!ok) {
      run('apt-get', ['update'], tmp);
      ok = run('apt-get', ['download', 'python3-skimage'], tmp);
    }
    const deb = ok ? readdirSync(tmp).find((f) => f.endsWith('.deb')) : undefined;
    if (!deb) return { skip: 'natural photos unavailable: `apt-get download python3-skimage` failed (no apt or no network to the Debian mirror)' };
    if (!run('dpkg', ['-x', deb, 'x'], tmp)) return { skip: 'natural photos unavailable: dpkg -x failed' };
    const data = join(tmp, 'x', 'usr', 'lib', 'python3', 'dist-packages', 'skimage', 'data');
    mkdirSync(PHOTO_DIR, { recursive: true });
    for (const p of PHOTOS) copyFileSync(join(data, p), join(PHOTO_DIR, p));
    return { dir: PHOTO_DIR };
  } catch (e) {
    return { skip: `natural photos unavailable: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function crop(img: RgbaImage, x0: number, y0: number, w: number, h: number): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4), y * w * 4);
  return { width: w, height: h, data };
}

/** Five crops of a photo: the whole image and its four 70% corners. */
function crops(img: RgbaImage): RgbaImage[] {
  const w = Math.round(img.width * 0.7);
  const h = Math.round(img.height * 0.7);
  return [img, crop(img, 0, 0, w, h), crop(img, img.width - w, 0, w, h), crop(img, 0, img.height - h, w, h), crop(img, img.width - w, img.height - h, w, h)];
}

const f32bytes = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** float32 input bytes of each crop of each photo, for an H×W×C input. */
export function photoSamples(dir: string, photos: readonly string[], h: number, w: number, c: number, n: Normalization): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (const p of photos) {
    const img = decodeImage(new Uint8Array(readFileSync(join(dir, p))), p);
    for (const im of crops(img)) out.push([f32bytes(normalize(resizeToTensor(im, h, w, c), c, n))]);
  }
  return out;
}

/** Photos 0–11 calibrate, 12–16 are held out. */
export function photoSplit(dir: string, h: number, w: number, c: number, n: Normalization): { calibration: Uint8Array[][]; heldOut: Uint8Array[][] } {
  return { calibration: photoSamples(dir, PHOTOS.slice(0, 12), h, w, c, n), heldOut: photoSamples(dir, PHOTOS.slice(12), h, w, c, n) };
}

/** The 196 sliding 5-frame windows of the anomaly-detection sample. */
export function adWindows(): Uint8Array[][] {
  const b = readFileSync(join(MODELS_DIR, 'mlperf_tiny', 'samples', 'ad01_normal_id_01_00000000_hist_librosa.bin'));
  const frames = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const out: Uint8Array[][] = [];
  for (let start = 0; start + 5 <= 200; start++) out.push([f32bytes(frames.slice(start * 128, (start + 5) * 128))]);
  return out;
}

/** Windows with index % 3 ≠ 2 calibrate; the others are held out. */
export function adSplit(): { calibration: Uint8Array[][]; heldOut: Uint8Array[][] } {
  const all = adWindows();
  return { calibration: all.filter((_, i) => i % 3 !== 2), heldOut: all.filter((_, i) => i % 3 === 2) };
}

export function helloWorldSamples(count: number, seed?: number): Uint8Array[][] {
  const r = seed === undefined ? undefined : prng(seed);
  return Array.from({ length: count }, (_, i) => [f32bytes(Float32Array.from([r ? r() * 2 * Math.PI : (i / (count - 1)) * 2 * Math.PI]))]);
}

/** The shared KWS sample as real MFCC values (49 frames × 10 coefficients). */
export function kwsBase(): Float32Array {
  const b = readFileSync(join(MODELS_DIR, 'mlperf_tiny', 'samples', 'kws01_sample0_int8_49x10.bin'));
  const q = new Int8Array(b.buffer, b.byteOffset, b.byteLength);
  return Float32Array.from(q, (v) => 0.5847 * (v - 83));
}

/** Seeded perturbations of the KWS sample (see the file comment). */
export function kwsSamples(count: number, seed: number): Uint8Array[][] {
  const base = kwsBase();
  const r = prng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Array.from({ length: count }, () => {
    const shift = Math.round((r() * 2 - 1) * 6);
    const sigma = r() * 4;
    const gain = (r() * 2 - 1) * 10;
    const scale = 0.8 + r() * 0.4;
    const out = new Float32Array(490);
    for (let f = 0; f < 49; f++) {
      const src = Math.min(48, Math.max(0, f - shift));
      for (let c = 0; c < 10; c++) {
        const v = base[src * 10 + c]!;
        out[f * 10 + c] = (c === 0 ? v + gain : v * scale) + sigma * gauss();
      }
    }
    return [f32bytes(out)];
  });
}

/** 10·log10(Σ f² / Σ (f − q)²) over all values of all samples. */
export function pooledSqnr(reference: readonly ArrayLike<number>[], test: readonly ArrayLike<number>[]): number {
  let signal = 0;
  let noise = 0;
  reference.forEach((f, s) => {
    const q = test[s]!;
    for (let i = 0; i < f.length; i++) {
      signal += f[i]! * f[i]!;
      noise += (f[i]! - q[i]!) ** 2;
    }
  });
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/** One float model of ../shared with its official int8 version and the data it is tested on. */
export interface QualityCase {
  readonly name: string;
  readonly float: string;
  readonly official: string;
  /** Calibration and held-out samples (float32 input bytes), or why there are none. */
  readonly data: () => { calibration: Uint8Array[][]; heldOut: Uint8Array[][] } | { skip: string };
  readonly normalization?: string;
}

const UNIT: Normalization = { kind: 'unit' };
const RAW: Normalization = { kind: 'raw' };

export const QUALITY_CASES: readonly QualityCase[] = [
  {
    name: 'hello_world',
    float: 'hello_world_float',
    official: 'hello_world_int8',
    data: () => ({ calibration: helloWorldSamples(200), heldOut: helloWorldSamples(100, 7) }),
  },
  { name: 'ad01', float: 'ad01_fp32', official: 'ad01_int8', data: adSplit },
  { name: 'kws', float: 'kws_ref_model_float32', official: 'kws_ref_model', data: () => ({ calibration: kwsSamples(100, 1), heldOut: kwsSamples(50, 2) }) },
  {
    name: 'vww_96',
    float: 'vww_96_float',
    official: 'vww_96_int8',
    normalization: '[0,1]',
    data: () => {
      const p = photoDir();
      return 'skip' in p ? p : photoSplit(p.dir, 96, 96, 3, UNIT);
    },
  },
  {
    name: 'resnet',
    float: 'pretrainedResnet',
    official: 'pretrainedResnet_quant',
    normalization: '[0,255]',
    data: () => {
      const p = photoDir();
      return 'skip' in p ? p : photoSplit(p.dir, 32, 32, 3, RAW);
    },
  },
];

/** Output 0 of `graph` (dequantized) on float32 samples, in our runtime. */
export function runOutputs(graph: Graph, samples: readonly (readonly Uint8Array[])[], rounding: Rounding = 'tflm'): Float64Array[] {
  const it = new Interpreter(graph, { rounding });
  return samples.map((s) => {
    it.resetState();
    s.forEach((b, i) => it.setInputBytes(i, convertInput(b, it.inputs[i]!)));
    it.invoke();
    return realValues(it.outputs[0]!);
  });
}

export interface QualityRow {
  readonly name: string;
  readonly config: string;
  readonly oursDb: number;
  readonly officialDb: number;
  readonly oursTop1: number;
  readonly officialTop1: number;
  readonly calibration: number;
  readonly heldOut: number;
  readonly quantizeMs: number;
  readonly floatInferenceMs: number;
  /** With auto ranges: the candidate kept, and each candidate's validation score. */
  readonly selection?: RangeSelection;
}

const argmaxOf = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};
const agreement = (a: readonly Float64Array[], b: readonly Float64Array[]): number => a.filter((x, i) => argmaxOf(x) === argmaxOf(b[i]!)).length / a.length;

/** Our int8 model (`options` as given: {} is the default, auto) and the official one, both against the float model on the same held-out inputs. */
export async function qualityRow(
  c: QualityCase,
  config: string,
  options: QuantizeOptions,
  data: { calibration: Uint8Array[][]; heldOut: Uint8Array[][] },
): Promise<QualityRow> {
  const model = readModel(corpusModel(c.float));
  const reference = toFloatGraph(model).graph;
  const result = await quantizeModel(model, data.calibration, options);
  // N float inferences in our runtime, on the same calibration samples.
  const it = new Interpreter(reference, { rounding: 'tflm' });
  const t0 = performance.now();
  for (const s of data.calibration) {
    it.resetState();
    s.forEach((b, i) => it.setInputBytes(i, b));
    it.invoke();
  }
  const floatInferenceMs = performance.now() - t0;
  const f = runOutputs(reference, data.heldOut);
  const ours = runOutputs(result.graph, data.heldOut);
  const official = runOutputs(readModel(corpusModel(c.official)), data.heldOut);
  return {
    name: c.name,
    config,
    oursDb: pooledSqnr(f, ours),
    officialDb: pooledSqnr(f, official),
    oursTop1: agreement(f, ours),
    officialTop1: agreement(f, official),
    calibration: data.calibration.length,
    heldOut: data.heldOut.length,
    quantizeMs: result.report.timing.quantizeMs,
    floatInferenceMs,
    ...(result.report.selection ? { selection: result.report.selection } : {}),
  };
}

/**
 * For each model, an explicit configuration (no auto) that beats the official model: the
 * converter's default (min/max, per-tensor FULLY_CONNECTED) where it does, else the option
 * that does (per-channel FULLY_CONNECTED weights for the all-FC autoencoder, 99.99th-percentile
 * ranges for the ResNet's outlier activations), with round-to-nearest weights (the converter's):
 * these pin the range methods, not the PTQ methods. The default settings (auto ranges, weight
 * rounding) are held to the same bar separately.
 */
export const QUALITY_CONFIG: Readonly<Record<string, { readonly config: string; readonly options: QuantizeOptions }>> = {
  hello_world: { config: 'minmax', options: { method: 'minmax', weightRounding: false } },
  ad01: { config: 'minmax + per-channel FC', options: { method: 'minmax', perChannelFullyConnected: true, weightRounding: false } },
  kws: { config: 'minmax', options: { method: 'minmax', weightRounding: false } },
  vww_96: { config: 'minmax', options: { method: 'minmax', weightRounding: false } },
  resnet: { config: 'percentile 99.99', options: { method: 'percentile', weightRounding: false } },
};
