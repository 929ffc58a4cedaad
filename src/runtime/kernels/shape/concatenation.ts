/**
 * CONCATENATION along one axis (negative counts from the end), as TFLM concatenation.cc:
 * every type, int8 included, is copied unchanged. TFLM's Prepare records the int8 input
 * scales and zero points but its Eval (EvalUnquantized → reference_ops::Concatenation)
 * never uses them, so inputs quantized differently from the output are NOT requantized;
 * TFLite refuses such int8 models in Prepare instead. A fused activation must be NONE.
 */
import { optionsOf } from '../../../model/ops';
import { input, output } from '../../kernelUtil';
import { RuntimeError, type Kernel } from '../../types';
import { badModel, requireSameType, type Elements } from './common';

export const CONCATENATION: Kernel = {
  prepare(ctx) {
    const out = output(ctx);
    const options = optionsOf(ctx.op, 'ConcatenationOptions');
    const activation = options?.fusedActivationFunction ?? 'NONE';
    if (activation !== 'NONE') {
      throw new RuntimeError('unsupported-op', `${ctx.name} (layer ${ctx.opIndex}) has a fused activation, which TFLite Micro does not support`, ctx.opIndex);
    }
    const rank = out.shape.length;
    const rawAxis = options?.axis ?? 0;
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    if (axis < 0 || axis >= rank) throw badModel(ctx, `axis ${rawAxis} is out of range for a rank-${rank} output`);

    const inputs = ctx.inputs.map((_, i) => input(ctx, i));
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= out.shape[d]!;
    let total = 0;
    const chunks = inputs.map((t) => {
      requireSameType(ctx, t, out);
      if (t.shape.length !== rank) throw badModel(ctx, `input ${t.info.name} has rank ${t.shape.length}, the output ${rank}`);
      let inner = 1;
      for (let d = axis; d < rank; d++) {
        if (d !== axis && t.shape[d] !== out.shape[d])
          throw badModel(ctx, `input ${t.info.name} [${t.shape.join(', ')}] does not fit the output [${out.shape.join(', ')}]`);
        inner *= t.shape[d]!;
      }
      total += t.shape[axis]!;
      return { src: t.data as unknown as Elements, size: inner };
    });
    if (total !== out.shape[axis]) throw badModel(ctx, `the inputs add up to ${total} along axis ${axis}, the output has ${out.shape[axis]}`);
    const dst = out.data as unknown as Elements;
    return () => {
      let at = 0;
      for (let o = 0; o < outer; o++) {
        for (let c = 0; c < chunks.length; c++) {
          const { src, size } = chunks[c]!;
          const from = o * size;
          for (let k = 0; k < size; k++) dst[at + k] = src[from + k]!;
          at += size;
        }
      }
    };
  },
};
