/**
 * Which operators of a float graph the int8 path can take, decided before any calibration:
 * an op missing from the quantizer's table, a fused activation TFLM's int8 kernels lack,
 * weights or biases that are not constants, or an op our runtime cannot run in float (so it
 * cannot be calibrated). Ops that touch no float tensor at all (shape arithmetic on int32)
 * need nothing and pass.
 */
import { isConstant, type Graph } from '../model/graph';
import { opName, type ActivationFunction, type OpOptions } from '../model/ops';
import { KERNELS } from '../runtime/kernels';
import type { KernelRegistry } from '../runtime/types';
import type { UnsupportedOp } from './errors';
import { INT8_FUSED_ACTIVATIONS, OP_PROPERTIES, OPS_16X8 } from './opProperties';
import type { ActivationType } from './int8Graph';

function fusedActivationOf(options: OpOptions | undefined): ActivationFunction | undefined {
  return options && 'fusedActivationFunction' in options ? options.fusedActivationFunction : undefined;
}

export interface SupportCheck {
  /** Ops the int8 path cannot quantize (they may stay float with `keepFloat`). */
  readonly unsupported: readonly UnsupportedOp[];
  /** Ops our runtime cannot run in float: calibration is impossible, whatever the options. */
  readonly notRunnable: readonly UnsupportedOp[];
}

/** `activations` int16: ops without a 16x8 path in our runtime are unsupported too (named, like the rest). */
export function checkSupport(graph: Graph, kernels: KernelRegistry = KERNELS, activations: ActivationType = 'int8'): SupportCheck {
  const sg = graph.subgraphs[0]!;
  const unsupported: UnsupportedOp[] = [];
  const notRunnable: UnsupportedOp[] = [];
  const float = (t: number): boolean => t >= 0 && sg.tensors[t]!.dtype === 'float32';
  sg.operators.forEach((op, layer) => {
    const name = opName(graph, op);
    if (!kernels[name]) notRunnable.push({ layer, op: name, reason: 'our runtime has no kernel for it, so it cannot be calibrated' });
    const touchesFloat = op.inputs.some(float) || op.outputs.some(float);
    if (!touchesFloat) return;
    const prop = OP_PROPERTIES[name];
    if (!prop) {
      unsupported.push({
        layer,
        op: name,
        reason:
          graph.operatorCodes[op.opcodeIndex]!.customCode !== undefined
            ? 'custom operator'
            : 'no int8 version in the quantizer (TFLite has no full-integer kernel for it)',
      });
      return;
    }
    if (activations === 'int16' && !OPS_16X8.has(name)) {
      unsupported.push({ layer, op: name, reason: 'no 16x8 (int16 activation) kernel in our runtime' });
      return;
    }
    const act = fusedActivationOf(op.options);
    if (prop.fused && act !== undefined && !INT8_FUSED_ACTIVATIONS.has(act)) {
      unsupported.push({ layer, op: name, reason: `fused activation ${act} has no int8 kernel` });
      return;
    }
    if (prop.weight) {
      const w = op.inputs[prop.weight.slot];
      if (w === undefined || w < 0 || !isConstant(graph, sg.tensors[w]!) || sg.tensors[w]!.dtype !== 'float32') {
        unsupported.push({ layer, op: name, reason: 'its weights are not a float32 constant' });
        return;
      }
    }
    if (prop.bias !== undefined) {
      const b = op.inputs[prop.bias];
      if (b !== undefined && b >= 0 && (!isConstant(graph, sg.tensors[b]!) || sg.tensors[b]!.dtype !== 'float32')) {
        unsupported.push({ layer, op: name, reason: 'its bias is not a float32 constant' });
      }
    }
  });
  return { unsupported, notRunnable };
}

/** "CONV_2D (layer 3): reason; …" */
export function describeOps(ops: readonly UnsupportedOp[]): string {
  return ops.map((o) => `${o.op} (layer ${o.layer}): ${o.reason}`).join('; ');
}
