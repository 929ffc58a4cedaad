/**
 * Stage 4a of the int8 plan: the model's inputs and outputs. Each float input or output of
 * the source is replaced by its int8 form (int8 I/O, the MCU default) or its float form
 * (float I/O, the int8 graph behind QUANTIZE and DEQUANTIZE).
 */
import type { IoType } from './options';
import { isConst, isFloat, type Int8Source } from './source';
import type { TensorPlan } from './tensorPlan';

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
    return (io === 'int8' ? f?.int8 : f?.float) ?? t;
  };
  const tensorFor = new Map<number, number>();
  for (const t of [...sg.inputs, ...sg.outputs]) tensorFor.set(t, ioTensor(t));
  return { inputs: sg.inputs.map(ioTensor), outputs: sg.outputs.map(ioTensor), tensorFor };
}
