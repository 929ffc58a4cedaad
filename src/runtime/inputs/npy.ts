/**
 * NumPy .npy files (format versions 1–3): the header's dtype and shape, and the data as a
 * typed array. Little-endian and native-order dtypes only, C order only.
 */
import { InputError } from './inputError';

export type NpyDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'int32';

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array;
}

const DESCR: Readonly<Record<string, NpyDtype>> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '|i1': 'int8',
  i1: 'int8',
  '<i1': 'int8',
  '|u1': 'uint8',
  u1: 'uint8',
  '<u1': 'uint8',
  '<i2': 'int16',
  '<i4': 'int32',
};

export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new InputError(`${name} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new InputError(`${name}: .npy format version ${major} is not supported (1 to 3)`);
  if (major > 1 && bytes.length < 12) throw new InputError(`${name}: the .npy header runs past the end of the file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw new InputError(`${name}: the .npy header runs past the end of the file`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new InputError(`${name}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  const dtype = DESCR[descr];
  if (!dtype) throw new InputError(`${name}: .npy dtype ${descr} is not supported (float32, float64, int8, uint8, int16, int32, little-endian)`);
  if (fortran === 'True') throw new InputError(`${name}: Fortran-ordered .npy arrays are not supported; save it with np.ascontiguousarray`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(`${name}: bad .npy shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  const size = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, int32: 4 }[dtype];
  if (dataStart + count * size > bytes.length) throw new InputError(`${name}: the .npy header promises ${count} values of ${dtype} but the file is too short`);
  const raw = bytes.slice(dataStart, dataStart + count * size);
  const data = {
    float32: () => new Float32Array(raw.buffer),
    float64: () => new Float64Array(raw.buffer),
    int8: () => new Int8Array(raw.buffer),
    uint8: () => new Uint8Array(raw.buffer),
    int16: () => new Int16Array(raw.buffer),
    int32: () => new Int32Array(raw.buffer),
  }[dtype]();
  return { dtype, shape, data };
}

/** Writes a C-ordered little-endian .npy (version 1), for outputs and tests. */
export function writeNpy(array: NpyArray): Uint8Array {
  const descr = { float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', int16: '<i2', int32: '<i4' }[array.dtype];
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += `${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + array.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return out;
}
