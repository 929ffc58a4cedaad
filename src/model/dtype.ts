/**
 * Tensor element types, indexed exactly as TFLite's `TensorType` enum so that the
 * position in DTYPES is the value stored in a .tflite file.
 */
export const DTYPES = [
  'float32',
  'float16',
  'int32',
  'uint8',
  'int64',
  'string',
  'bool',
  'int16',
  'complex64',
  'int8',
  'float64',
  'complex128',
  'uint64',
  'resource',
  'variant',
  'uint32',
  'uint16',
  'int4',
  'bfloat16',
] as const;

export type DType = (typeof DTYPES)[number];

/** Bits per element; 0 where the size is not fixed (strings, resources, variants). */
const BITS: Readonly<Record<DType, number>> = {
  float32: 32,
  float16: 16,
  int32: 32,
  uint8: 8,
  int64: 64,
  string: 0,
  bool: 8,
  int16: 16,
  complex64: 64,
  int8: 8,
  float64: 64,
  complex128: 128,
  uint64: 64,
  resource: 0,
  variant: 0,
  uint32: 32,
  uint16: 16,
  int4: 4,
  bfloat16: 16,
};

export function dtypeFromCode(code: number): DType | undefined {
  return Number.isInteger(code) && code >= 0 && code < DTYPES.length ? DTYPES[code] : undefined;
}

export function dtypeCode(dtype: DType): number {
  return DTYPES.indexOf(dtype);
}

export function dtypeBits(dtype: DType): number {
  return BITS[dtype];
}

export function isFloatType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'float64' || dtype === 'bfloat16';
}

/**
 * Bytes needed for `elements` values, rounded up for sub-byte types (int4 packs two per byte,
 * as TFLM's packed int4 buffers do). Strings have no fixed size and report 0.
 */
export function bytesFor(dtype: DType, elements: number): number {
  return Math.ceil((elements * BITS[dtype]) / 8);
}
