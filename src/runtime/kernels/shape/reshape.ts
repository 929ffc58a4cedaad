/**
 * RESHAPE: the output is the input's bytes under the output tensor's shape (TFLM
 * reshape.cc copies unless input and output share memory). The new shape comes from the
 * model's output tensor; the shape input and the options only had to agree with it.
 */
import { input, output } from '../../kernelUtil';
import type { Kernel } from '../../types';
import { copyEval } from './common';

export const RESHAPE: Kernel = {
  prepare(ctx) {
    return copyEval(ctx, input(ctx, 0), output(ctx));
  },
};
