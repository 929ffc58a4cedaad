/**
 * Stage 4b of the int8 plan: operator versions recomputed for the signatures the rewrite gave
 * each operator (int8 inputs, ranks, MUL's scale ratio), as the converter's op_version.cc
 * does; see opProperties.operatorVersion. A version is never lowered.
 */
import type { Tensor } from '../../model/graph';
import { operatorVersion } from '../opProperties';
import { editOpName } from './format';
import type { OperatorRewrite } from './rewrite';

/** The version of each operator of the rewrite, in order. */
export function operatorVersions(rewrite: OperatorRewrite): number[] {
  const tensors = rewrite.tensors;
  const at = (t: number): Tensor | undefined => (t >= 0 ? tensors[t] : undefined);
  return rewrite.ops.map(({ edit: e }) => {
    const name = editOpName(e);
    let mulScaleRatio: number | undefined;
    if (name === 'MUL') {
      const s = (t: number | undefined) => (t !== undefined ? at(t)?.quantization?.scale[0] : undefined);
      const [a, b, c] = [s(e.op.inputs[0]), s(e.op.inputs[1]), s(e.op.outputs[0])];
      if (a && b && c) mulScaleRatio = (a * b) / c;
    }
    return operatorVersion(
      {
        op: name,
        operator: e.op,
        inputs: e.op.inputs.map((t) => at(t)?.dtype),
        inputRanks: e.op.inputs.map((t) => at(t)?.shape.length ?? 0),
        outputs: e.op.outputs.map((t) => tensors[t]!.dtype),
        ...(mulScaleRatio !== undefined ? { mulScaleRatio } : {}),
      },
      e.version,
    );
  });
}
