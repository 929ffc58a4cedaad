/**
 * LOGISTIC and TANH on int16 (TFLM logistic_common.cc and tanh.cc, reference integer_ops
 * logistic.h / tanh.h, the LUT versions): both tensors symmetric (zero point 0, refused
 * otherwise as TFLM's Prepare does) and the output scale 2^−15. The input is brought to the
 * tables' Q3.12-times-3 scale by an integer multiplier found by doubling s_in · 4096 · 3 (in
 * double) until it exceeds 32767 / 2, with as many right shifts; a power-of-two input scale of
 * exactly 2^−12 (TANH: also 2^−11) takes the multiplier 3 << shift instead (quant.ts).
 */
import { input, output, scaleOf, unsupportedType, zeroPointOf } from '../../kernelUtil';
import { logisticInt16, tanhInt16 } from '../../quant';
import type { Kernel, KernelContext } from '../../types';
import { badModel } from './common';

/** TFLite's CheckedLog2 in float32: the rounded log2 and whether the scale is a power of two. */
function checkedLog2(x: number): { readonly log2: number; readonly exact: boolean } {
  const l = Math.fround(Math.fround(Math.log(Math.fround(x))) * Math.fround(1 / Math.fround(Math.log(2))));
  const rounded = l < 0 ? -Math.round(-l) : Math.round(l);
  return { log2: rounded, exact: Math.abs(Math.fround(l - rounded)) < Math.fround(1e-3) };
}

function prepareLut(ctx: KernelContext, f: (x: number, multiplier: number, shift: number) => number, potShifts: readonly number[]): () => void {
  const x = input(ctx, 0);
  const y = output(ctx);
  if (y.dtype !== 'int16') throw unsupportedType(ctx, `an int16 input with a ${y.dtype} output`);
  if (zeroPointOf(x) !== 0 || zeroPointOf(y) !== 0) throw badModel(ctx, 'needs zero points of 0 on its int16 tensors (TFLite Micro requires it)');
  const out = checkedLog2(scaleOf(y));
  if (!out.exact || out.log2 !== -15) throw badModel(ctx, `needs an int16 output scale of 2^-15, not ${scaleOf(y)}`);
  const inp = checkedLog2(scaleOf(x));
  let shift = 12 + inp.log2;
  let multiplier = 0;
  if (!(inp.exact && potShifts.includes(shift))) {
    let m = Math.fround(scaleOf(x)) * 4096 * 3;
    shift = 0;
    while (m <= 32767 / 2 && shift <= 30) {
      shift++;
      m *= 2;
    }
    multiplier = Math.trunc(m);
  }
  const X = x.data as Int16Array;
  const Y = y.data as Int16Array;
  if (Y.length !== X.length) throw badModel(ctx, `has ${X.length} input and ${Y.length} output values`);
  return () => {
    for (let i = 0; i < X.length; i++) Y[i] = f(X[i]!, multiplier, shift);
  };
}

export const LOGISTIC_16: Kernel = { prepare: (ctx) => prepareLut(ctx, logisticInt16, [0]) };
export const TANH_16: Kernel = { prepare: (ctx) => prepareLut(ctx, tanhInt16, [0, 1]) };
