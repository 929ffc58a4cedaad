/**
 * Which operators of a float graph the int8 path can take, decided before any calibration:
 * an op missing from the quantizer's table, a fused activation TFLM's int8 kernels lack,
 * weights or biases that are not constants, or an op our runtime cannot run in float (so it
 * cannot be calibrated). Ops that touch no float tensor at all (shape arithmetic on int32)
 * need nothing and pass.
 *
 * Per layer, at the precision asked for it: an int16 layer needs a 16x8 path (OPS_16X8, which
 * our runtime runs bit-exact with TFLM), a float layer a float kernel in TFLM. precisionChoices
 * lists, per layer, the precisions that pass: what the precision editor and the search offer.
 */
import { OP_SIGNATURES, type OpSignatures } from '../analysis/opSupport/signatures';
import { tflmSupports } from '../analysis/tflmOps';
import type { DType } from '../model/dtype';
import { isConstant, type Graph, type Operator } from '../model/graph';
import { opName, type ActivationFunction, type OpOptions } from '../model/ops';
import { KERNELS } from '../runtime/kernels';
import type { KernelRegistry } from '../runtime/types';
import type { UnsupportedOp } from './errors';
import { INT8_FUSED_ACTIVATIONS, OP_PROPERTIES, OPS_16X8, type OpProperty } from './opProperties';
import { weightSlots } from './int8/source';
import type { ActivationType, LayerPrecision } from './int8Graph';

function fusedActivationOf(options: OpOptions | undefined): ActivationFunction | undefined {
  return options && 'fusedActivationFunction' in options ? options.fusedActivationFunction : undefined;
}

export interface SupportCheck {
  /** Ops the int8 path cannot quantize (they may stay float with `keepFloat`). */
  readonly unsupported: readonly UnsupportedOp[];
  /** Ops our runtime cannot run in float: calibration is impossible, whatever the options. */
  readonly notRunnable: readonly UnsupportedOp[];
}

/**
 * `activations` int16: ops without a 16x8 path in our runtime are unsupported too (named, like
 * the rest). `precision` overrides `activations` per layer (a mixed model).
 */
export function checkSupport(
  graph: Graph,
  kernels: KernelRegistry = KERNELS,
  activations: ActivationType = 'int8',
  precision: ReadonlyMap<number, LayerPrecision> = new Map(),
): SupportCheck {
  const sg = graph.subgraphs[0]!;
  const unsupported: UnsupportedOp[] = [];
  const notRunnable: UnsupportedOp[] = [];
  sg.operators.forEach((op, layer) => {
    const name = opName(graph, op);
    if (!kernels[name]) notRunnable.push({ layer, op: name, reason: 'our runtime has no kernel for it, so it cannot be calibrated' });
    const why = refusal(graph, op, precision.get(layer) ?? activations);
    if (why !== undefined) unsupported.push({ layer, op: name, reason: why });
  });
  return { unsupported, notRunnable };
}

/**
 * Per layer of subgraph 0 of the float graph (toFloatGraph(model).graph, whose operator indices
 * are the layers QuantizeOptions.precision names; a hybrid's weights are float there), the
 * precisions TFLM can run it at, cheapest first (int8, int16, float). A layer that touches no float tensor (shape arithmetic on int32) has nothing to
 * choose: an empty list. A layer the quantizer cannot take has ['float'] when TFLM has a float
 * kernel for it, and nothing when it has none.
 */
export function precisionChoices(graph: Graph): LayerPrecision[][] {
  const sg = graph.subgraphs[0]!;
  return sg.operators.map((op) => {
    if (!touchesFloat(graph, op)) return [];
    return (['int8', 'int16', 'float'] as const).filter((p) => refusal(graph, op, p) === undefined);
  });
}

function touchesFloat(graph: Graph, op: Operator): boolean {
  const sg = graph.subgraphs[0]!;
  const float = (t: number): boolean => t >= 0 && sg.tensors[t]!.dtype === 'float32';
  return op.inputs.some(float) || op.outputs.some(float);
}

/** Whether TFLM's kernel for the op takes `dtype` as its first input (every type, for an op without a signature rule). */
function tflmAccepts(name: string, dtype: DType): boolean {
  const rule = (OP_SIGNATURES as Readonly<Partial<Record<string, OpSignatures>>>)[name];
  if (!rule) return true;
  return rule.accepts.some((sig) => {
    const first = sig.inputs[0];
    return first === undefined || first === null || first.includes(dtype);
  });
}

/** Why the layer cannot be quantized at `precision`, or undefined when it can. */
function refusal(graph: Graph, op: Operator, precision: LayerPrecision): string | undefined {
  const sg = graph.subgraphs[0]!;
  const name = opName(graph, op);
  if (!touchesFloat(graph, op)) return undefined;
  const custom = graph.operatorCodes[op.opcodeIndex]!.customCode !== undefined;
  if (precision === 'float') {
    return tflmSupports(name, custom) && (custom || tflmAccepts(name, 'float32')) ? undefined : 'TFLite Micro has no float kernel for it';
  }
  const prop = OP_PROPERTIES[name];
  if (!prop) return custom ? 'custom operator' : 'no int8 version in the quantizer (TFLite has no full-integer kernel for it)';
  if (precision === 'int16' && (!OPS_16X8.has(name) || !tflmAccepts(name, 'int16'))) return 'no 16x8 (int16 activation) kernel in our runtime';
  const act = fusedActivationOf(op.options);
  if (prop.fused && act !== undefined && !INT8_FUSED_ACTIVATIONS.has(act)) return `fused activation ${act} has no int8 kernel`;
  for (const ws of weightSlots(prop)) {
    const w = op.inputs[ws.slot];
    if (w === undefined || w < 0 || !isConstant(graph, sg.tensors[w]!) || sg.tensors[w]!.dtype !== 'float32') return 'its weights are not a float32 constant';
    const b = ws.bias !== undefined ? op.inputs[ws.bias] : undefined;
    if (b !== undefined && b >= 0 && (!isConstant(graph, sg.tensors[b]!) || sg.tensors[b]!.dtype !== 'float32')) return 'its bias is not a float32 constant';
  }
  if (prop.state) return lstmRefusal(graph, op, prop);
  return undefined;
}

/** Input slots TFLM's integer LSTM refuses: peephole (9–11), projection (16–17), layer norm (20–23). */
const LSTM_ABSENT = [9, 10, 11, 16, 17, 20, 21, 22, 23];

/**
 * What TFLM's integer LSTM needs beyond float weights (LstmTensors::ValidateTensorStatus): the
 * standard LSTM only, every gate bias, and state tensors that are variables.
 */
function lstmRefusal(graph: Graph, op: Operator, prop: OpProperty): string | undefined {
  const sg = graph.subgraphs[0]!;
  const present = (slot: number): boolean => (op.inputs[slot] ?? -1) >= 0;
  if (LSTM_ABSENT.some(present)) return "TFLite Micro's integer LSTM takes no peephole, projection or layer norm";
  if (weightSlots(prop).some((ws) => ws.bias !== undefined && !present(ws.bias))) return 'a gate has no bias';
  const state = [prop.state!.hidden, prop.state!.cell].map((slot) => op.inputs[slot] ?? -1);
  if (state.some((t) => t < 0 || !sg.tensors[t]!.isVariable || sg.tensors[t]!.dtype !== 'float32'))
    return 'its hidden and cell states are not float32 variable tensors';
  return undefined;
}

/** "CONV_2D (layer 3): reason; …" */
export function describeOps(ops: readonly UnsupportedOp[]): string {
  return ops.map((o) => `${o.op} (layer ${o.layer}): ${o.reason}`).join('; ');
}
