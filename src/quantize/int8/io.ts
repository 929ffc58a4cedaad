/**
 * Stage 4a of the int8 plan: the model's inputs and outputs. Each float input or output of
 * the source is replaced by its integer form (integer I/O, the MCU default: int8, int16 in
 * 16x8, and in a mixed model the type of the first integer layer that reads an input or of the
 * layer that writes an output, source.ts ioType) or its float form (float I/O, the integer
 * graph behind QUANTIZE and DEQUANTIZE).
 */
import type { IoType } from './options';
import { ioType, isConst, isFloat, type Int8Source } from './source';
import { formOf, type TensorPlan } from './tensorPlan';

export interface ModelIo {
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Source input/output tensor → the tensor that takes its place (signatures follow it). */
  readonly tensorFor: ReadonlyMap<number, number>;
}

export function planIo(s: Int8Source, tensors: TensorPlan, io: IoType): ModelIo {
  const sg = s.subgraph;
  const ioTensor = (t: number): number => {
    if (!isFloat(s, t) || isConst(s, t)) return t;
    const f = tensors.forms.get(t);
    return formOf(f, io === 'int8' ? ioType(s, t) : 'float') ?? t;
  };
  const tensorFor = new Map<number, number>();
  for (const t of [...sg.inputs, ...sg.outputs]) tensorFor.set(t, ioTensor(t));
  return { inputs: sg.inputs.map(ioTensor), outputs: sg.outputs.map(ioTensor), tensorFor };
}
