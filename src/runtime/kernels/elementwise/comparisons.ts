/**
 * EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS and LESS_EQUAL with broadcasting (TFLM
 * comparisons.cc, reference comparisons.h): a bool output, 1 where the relation holds.
 *
 * The input types are those of TFLM's Eval, per op: float32, int8, int32 and int64 for all six,
 * bool for EQUAL and NOT_EQUAL, int16 for GREATER only. Both inputs have the first one's type.
 *
 * int8 compares after ComparisonsPrepare's rescale, each input with its own scale:
 * MultiplyByQuantizedMultiplierSmallerThanOneExp((x − zp) · 2^8, Q(s)), Q(s) being the Q31
 * multiplier of the input's scale (double of the float32) with its exponent ≤ 0. A scale of 1 or
 * more has a positive exponent, which TFLM's arithmetic leaves undefined (its DCHECK): refused.
 * So two inputs of different scales compare as real values, to within the 2^-8 of the scaled
 * units; equal scales compare the stored values less their zero points.
 *
 * int16 (GREATER): the TFLM build we prove against (commit 90b983c2) accepts it in Eval, but its
 * ComparisonsPrepare fills the rescale parameters for int8 only, so an int16 comparison runs
 * with the OpData as AllocatePersistentBuffer left it: zero in a fresh arena, every rescaled
 * value 0, and GREATER false everywhere (measured: 0 of 24 random cases had a true element).
 * The runtime computes what that TFLM computes; the quantizer never writes an int16 comparison.
 * Later TFLM fills the parameters for int16 too, and would then compare as int8 does.
 */
import { input, output, unsupportedType } from '../../kernelUtil';
import { quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../../quant';
import type { Kernel, KernelContext, RuntimeTensor } from '../../types';
import { badModel, broadcastIndex, qparams } from './common';

type Relation = 'EQUAL' | 'NOT_EQUAL' | 'GREATER' | 'GREATER_EQUAL' | 'LESS' | 'LESS_EQUAL';

const COMMON = ['float32', 'int8', 'int32', 'int64'];
const TYPES: Readonly<Record<Relation, ReadonlySet<string>>> = {
  EQUAL: new Set([...COMMON, 'bool']),
  NOT_EQUAL: new Set([...COMMON, 'bool']),
  GREATER: new Set([...COMMON, 'int16']),
  GREATER_EQUAL: new Set(COMMON),
  LESS: new Set(COMMON),
  LESS_EQUAL: new Set(COMMON),
};

/** ComparisonParams.left_shift. */
const LEFT_SHIFT = 8;

function relation(which: Relation): <T extends number | bigint>(a: T, b: T) => boolean {
  switch (which) {
    case 'EQUAL':
      return (a, b) => a === b;
    case 'NOT_EQUAL':
      return (a, b) => a !== b;
    case 'GREATER':
      return (a, b) => a > b;
    case 'GREATER_EQUAL':
      return (a, b) => a >= b;
    case 'LESS':
      return (a, b) => a < b;
    case 'LESS_EQUAL':
      return (a, b) => a <= b;
  }
}

/** The rescaled value TFLM compares for each stored value of a quantized input. */
/**
 * Whether TFLM's comparison rescale takes a quantized input of this scale (as stored, float32):
 * its multiplier's exponent must not be positive, i.e. a scale below 1 (ComparisonsPrepare
 * aborts otherwise). The quantizer asks the same before it writes a comparison.
 */
export function comparableScale(scale: number): boolean {
  return quantizeMultiplier(Math.fround(scale)).shift <= 0;
}

function rescaler(ctx: KernelContext, t: RuntimeTensor): (v: number) => number {
  const q = qparams(ctx, t);
  const { multiplier, shift } = quantizeMultiplier(q.scale);
  if (!comparableScale(q.scale)) throw unsupportedType(ctx, `a quantized input of scale ${q.scale} (TFLite Micro's comparison rescale needs a scale below 1)`);
  const offset = -q.zeroPoint;
  return (v) => roundingDivideByPOT(saturatingRoundingDoublingHighMul((offset + v) * (1 << LEFT_SHIFT), multiplier), -shift);
}

type Values = ArrayLike<number | bigint>;

function prepareComparison(ctx: KernelContext, which: Relation): () => void {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = output(ctx);
  if (!TYPES[which].has(a.dtype) || b.dtype !== a.dtype || y.dtype !== 'bool')
    throw unsupportedType(ctx, `${a.dtype} and ${b.dtype} inputs and a ${y.dtype} output`);
  const O = y.data as Uint8Array;
  const n = O.length;
  const test = relation(which);
  const index = broadcastIndex(ctx, a.shape, b.shape, y.shape);
  let A: Values = a.data as Values;
  let B: Values = b.data as Values;
  let scaled: (() => void) | undefined;
  if (a.dtype === 'int16') {
    // Multipliers of 0 (see the header): every rescaled value is 0.
    const constant = test(0, 0) ? 1 : 0;
    return () => {
      O.fill(constant);
    };
  }
  if (a.dtype === 'int8') {
    // The rescaled values, refreshed per inference from a table of every byte.
    const sa = new Int32Array(a.data.length);
    const sb = new Int32Array(b.data.length);
    const ra = rescaler(ctx, a);
    const rb = rescaler(ctx, b);
    const X = a.data as Int8Array;
    const Z = b.data as Int8Array;
    const ta = Int32Array.from({ length: 256 }, (_, k) => ra(k - 128));
    const tb = Int32Array.from({ length: 256 }, (_, k) => rb(k - 128));
    scaled = () => {
      for (let i = 0; i < X.length; i++) sa[i] = ta[X[i]! + 128]!;
      for (let i = 0; i < Z.length; i++) sb[i] = tb[Z[i]! + 128]!;
    };
    A = sa;
    B = sb;
  } else if (a.dtype === 'bool') {
    // C++ bools compare as 0 and 1.
    const X = a.data as Uint8Array;
    const Z = b.data as Uint8Array;
    const ba = new Uint8Array(X.length);
    const bb = new Uint8Array(Z.length);
    scaled = () => {
      for (let i = 0; i < X.length; i++) ba[i] = X[i] ? 1 : 0;
      for (let i = 0; i < Z.length; i++) bb[i] = Z[i] ? 1 : 0;
    };
    A = ba;
    B = bb;
  }
  const prepareValues = scaled ?? (() => undefined);
  if (!index) {
    if (A.length !== n || B.length !== n) throw badModel(ctx, `has inputs of ${A.length} and ${B.length} elements for an output of ${n}`);
    return () => {
      prepareValues();
      for (let i = 0; i < n; i++) O[i] = test(A[i]!, B[i]!) ? 1 : 0;
    };
  }
  const ia = index.a;
  const ib = index.b;
  return () => {
    prepareValues();
    for (let i = 0; i < n; i++) O[i] = test(A[ia[i]!]!, B[ib[i]!]!) ? 1 : 0;
  };
}

const kernel = (which: Relation): Kernel => ({ prepare: (ctx) => prepareComparison(ctx, which) });

export const EQUAL = kernel('EQUAL');
export const NOT_EQUAL = kernel('NOT_EQUAL');
export const GREATER = kernel('GREATER');
export const GREATER_EQUAL = kernel('GREATER_EQUAL');
export const LESS = kernel('LESS');
export const LESS_EQUAL = kernel('LESS_EQUAL');
