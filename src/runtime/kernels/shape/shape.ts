/**
 * SHAPE, as TFLM's shape.cc: the input's dimensions written to an int32 output, whatever the
 * input's type (TFLM never looks at it). An int64 output (out_type INT64) is refused, as TFLM's
 * Eval refuses it.
 */
import { input, output } from '../../kernelUtil';
import type { Eval, Kernel, KernelContext } from '../../types';
import { badModel } from './common';

function prepare(ctx: KernelContext): Eval {
  const x = input(ctx, 0);
  const y = output(ctx);
  if (y.dtype !== 'int32') throw badModel(ctx, `has a ${y.dtype} output (TFLite Micro writes int32 only)`);
  if (y.data.length !== x.shape.length) throw badModel(ctx, `writes ${x.shape.length} dimensions into an output of ${y.data.length}`);
  const dims = Int32Array.from(x.shape);
  const Y = y.data as Int32Array;
  return () => Y.set(dims);
}

export const SHAPE: Kernel = { prepare };
