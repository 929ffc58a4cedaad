/** SQUEEZE: drops size-1 dimensions, so the data is copied unchanged (TFLM squeeze.cc). */
import { input, output } from '../../kernelUtil';
import type { Kernel } from '../../types';
import { copyEval } from './common';

export const SQUEEZE: Kernel = {
  prepare(ctx) {
    return copyEval(ctx, input(ctx, 0), output(ctx));
  },
};
