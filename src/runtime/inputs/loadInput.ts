/**
 * Any input file → the raw bytes of one model input tensor. The file's extension says what
 * it is (.npy, .bin, .png/.jpg/.bmp, .wav); float values for an int8 input are quantized
 * with the input's own scale and zero point, as TFLite's QUANTIZE does. A mismatch of size,
 * type or channels says what the model expects.
 */
import type { DType } from '../../model/dtype';
import type { QuantParams } from '../../model/graph';
import { roundHalfAway } from '../quant';
import { decodeImage, normalize, resizeToTensor, type Normalization } from './image';
import { InputError } from './inputError';
import { parseNpy } from './npy';
import { parseWav } from './wav';

export interface InputTensorSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly quantization?: QuantParams;
}

export interface LoadOptions {
  /** How image pixels become values; default [0, 1]. */
  readonly normalization?: Normalization;
}

const ELEMENT_BYTES: Partial<Record<DType, number>> = { float32: 4, int8: 1, uint8: 1, int16: 2, int32: 4, bool: 1 };

function describe(t: InputTensorSpec): string {
  return `${t.dtype}[${t.shape.join(', ')}] (${t.shape.reduce((a, b) => a * b, 1)} values)`;
}

/** Real values → the tensor's type: as they are for float, quantized for integer types. */
export function fromReal(values: ArrayLike<number>, t: InputTensorSpec, source: string): Uint8Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new InputError(`${source} holds ${values.length} values; input "${t.name}" expects ${describe(t)}`);
  switch (t.dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from(values).buffer);
    case 'int8':
    case 'uint8':
    case 'int16': {
      const scale = t.quantization?.scale[0];
      const zp = t.quantization?.zeroPoint[0] ?? 0;
      if (!scale) throw new InputError(`input "${t.name}" is ${t.dtype} without quantization parameters: give ${t.dtype} data (.npy or .bin), not real values`);
      const [lo, hi] = t.dtype === 'int8' ? [-128, 127] : t.dtype === 'uint8' ? [0, 255] : [-32768, 32767];
      const q = (v: number): number => Math.min(hi, Math.max(lo, roundHalfAway(v / scale) + zp));
      const out = t.dtype === 'int8' ? new Int8Array(n) : t.dtype === 'uint8' ? new Uint8Array(n) : new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = q(values[i]!);
      return new Uint8Array(out.buffer);
    }
    default:
      throw new InputError(`input "${t.name}" is ${t.dtype}; real values can fill float32, int8, uint8 or int16 inputs`);
  }
}

export function inputBytes(fileName: string, bytes: Uint8Array, t: InputTensorSpec, options: LoadOptions = {}): Uint8Array {
  const lower = fileName.toLowerCase();
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (lower.endsWith('.npy')) {
    const arr = parseNpy(bytes, fileName);
    const count = arr.shape.reduce((a, b) => a * b, 1);
    if (count !== n) throw new InputError(`${fileName} is ${arr.dtype}[${arr.shape.join(', ')}] (${count} values); input "${t.name}" expects ${describe(t)}`);
    if (arr.dtype === t.dtype) return new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength).slice();
    if (arr.dtype === 'float32' || arr.dtype === 'float64') return fromReal(arr.data as ArrayLike<number>, t, fileName);
    throw new InputError(
      `${fileName} holds ${arr.dtype} values; input "${t.name}" expects ${describe(t)}. Give ${t.dtype} values, or float values to quantize`,
    );
  }
  if (lower.endsWith('.png') || lower.endsWith('.jpg') || lower.endsWith('.jpeg') || lower.endsWith('.bmp')) {
    if (t.shape.length !== 4) throw new InputError(`input "${t.name}" is ${describe(t)}, not an image (N×H×W×C)`);
    const [, h, w, c] = t.shape as [number, number, number, number];
    if (c !== 1 && c !== 3) throw new InputError(`input "${t.name}" has ${c} channels; images fill 1 (grayscale) or 3 (RGB)`);
    const pixels = resizeToTensor(decodeImage(bytes, fileName), h, w, c);
    return fromReal(normalize(pixels, c, options.normalization ?? { kind: 'unit' }), t, fileName);
  }
  if (lower.endsWith('.wav')) {
    const pcm = parseWav(bytes, fileName);
    if (pcm.samples.length !== n)
      throw new InputError(`${fileName} has ${pcm.samples.length} samples (${pcm.sampleRate} Hz); input "${t.name}" expects ${describe(t)}`);
    if (t.dtype === 'int16') return new Uint8Array(pcm.samples.buffer).slice();
    return fromReal(
      Float32Array.from(pcm.samples, (s) => s / 32768),
      t,
      fileName,
    );
  }
  // Anything else is raw little-endian bytes of the input's type.
  const size = ELEMENT_BYTES[t.dtype];
  if (size === undefined) throw new InputError(`input "${t.name}" is ${t.dtype}, which raw files cannot fill`);
  if (bytes.length !== n * size)
    throw new InputError(`${fileName} is ${bytes.length} bytes; input "${t.name}" expects ${describe(t)} = ${n * size} bytes of raw ${t.dtype}`);
  return bytes.slice();
}
