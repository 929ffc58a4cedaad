/**
 * Everything the int8 stages know of operator identity: names, and the QUANTIZE/DEQUANTIZE
 * operators they insert. Kept in one place so that a change in how operators are identified
 * touches this file only.
 */
import type { Graph, Operator } from '../../model/graph';
import { builtinCode, builtinName, opName } from '../../model/ops';
import { plainOp, type EditOp } from '../graphEdit';

/** The builtin (or custom) name of an operator of `graph`. */
export function layerOpName(graph: Graph, op: Operator): string {
  return opName(graph, op);
}

const CUSTOM = builtinCode('CUSTOM');

/** The builtin name of an edited operator ('CUSTOM' for custom ones). */
export function editOpName(e: EditOp): string {
  return e.builtin === CUSTOM ? 'CUSTOM' : (builtinName(e.builtin) ?? '');
}

/** float or integer → integer with the output's parameters; version 1 is the converter's for float → int8 (versions.ts raises it for int16). */
export function quantizeOp(input: number, output: number): EditOp {
  return plainOp('QUANTIZE', [input], [output], 1);
}

/** int8 or int16 → float; version 2 is the converter's for an int8 input (versions.ts: 3 for int16). */
export function dequantizeOp(input: number, output: number): EditOp {
  return plainOp('DEQUANTIZE', [input], [output], 2);
}
