/**
 * What TFLite Micro's Prepare would refuse in a model that reads fine as a flatbuffer: no
 * subgraph to run, a quantization scale that is zero, negative or not a number, and for the
 * windowed and matrix ops (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, the pools,
 * FULLY_CONNECTED) a wrong number of tensors, a stride, dilation or filter below 1, or weights
 * whose shape does not fit the input. Each refusal names the layer and says why.
 *
 * The checks are the model-alone half of the kernels' Prepare (the runtime's kernels keep the
 * checks that need live tensors), and they use the same geometry (geometry.ts), so a model
 * that passes here is one every stage can index and size without checking again.
 */
import { ModelFormatError } from './errors';
import { elementCount, isConstant, type Graph, type Tensor } from './graph';
import { inputTensor, opName, optionsOf, type OpSite } from './ops';

/** Inputs (counting absent optional ones) and outputs a kernel takes, and which inputs must be present. */
interface Arity {
  readonly inputs: readonly [number, number];
  readonly required: number;
  readonly outputs: number;
}

const ARITY: Readonly<Record<string, Arity>> = {
  CONV_2D: { inputs: [2, 3], required: 2, outputs: 1 },
  DEPTHWISE_CONV_2D: { inputs: [2, 3], required: 2, outputs: 1 },
  FULLY_CONNECTED: { inputs: [2, 3], required: 2, outputs: 1 },
  TRANSPOSE_CONV: { inputs: [3, 4], required: 3, outputs: 1 },
  AVERAGE_POOL_2D: { inputs: [1, 1], required: 1, outputs: 1 },
  MAX_POOL_2D: { inputs: [1, 1], required: 1, outputs: 1 },
};

function where(site: OpSite, s: number): string {
  return `layer ${site.opIndex} (${site.name})${s > 0 ? ` in subgraph ${s}` : ''}`;
}

function refuse(site: OpSite, s: number, why: string): never {
  throw new ModelFormatError('bad-value', `${where(site, s)} ${why}; TFLite Micro would refuse it`);
}

function atLeastOne(site: OpSite, s: number, fields: Readonly<Record<string, number>>): void {
  for (const [name, v] of Object.entries(fields)) if (!(Number.isInteger(v) && v >= 1)) refuse(site, s, `has ${name} ${v}`);
}

function rank4(site: OpSite, s: number, t: Tensor | undefined, what: string): readonly number[] {
  if (t?.shape.length !== 4) refuse(site, s, `needs a 4-D ${what}, got [${t?.shape.join(', ') ?? ''}]`);
  return t!.shape;
}

function checkOp(site: OpSite, s: number): void {
  const arity = ARITY[site.name];
  if (!arity) return;
  const { op } = site;
  const [lo, hi] = arity.inputs;
  if (op.inputs.length < lo || op.inputs.length > hi) refuse(site, s, `has ${op.inputs.length} input(s); it takes ${lo === hi ? lo : `${lo} or ${hi}`}`);
  for (let k = 0; k < arity.required; k++) if (op.inputs[k]! < 0) refuse(site, s, `lacks its required input ${k}`);
  if (op.outputs.length !== arity.outputs) refuse(site, s, `has ${op.outputs.length} output(s); it makes ${arity.outputs}`);

  switch (site.name) {
    case 'CONV_2D': {
      const o = optionsOf(op, 'Conv2DOptions');
      if (o)
        atLeastOne(site, s, {
          'stride height': o.strideH,
          'stride width': o.strideW,
          'dilation height': o.dilationHFactor,
          'dilation width': o.dilationWFactor,
        });
      const x = rank4(site, s, inputTensor(site, 0), 'input');
      const w = rank4(site, s, inputTensor(site, 1), 'filter');
      if (w[3]! === 0 || x[3]! % w[3]! !== 0) refuse(site, s, `has ${x[3]} input channels for a filter of ${w[3]} channels per group`);
      return;
    }
    case 'DEPTHWISE_CONV_2D': {
      const o = optionsOf(op, 'DepthwiseConv2DOptions');
      if (o)
        atLeastOne(site, s, {
          'stride height': o.strideH,
          'stride width': o.strideW,
          'dilation height': o.dilationHFactor,
          'dilation width': o.dilationWFactor,
        });
      rank4(site, s, inputTensor(site, 0), 'input');
      rank4(site, s, inputTensor(site, 1), 'filter');
      return;
    }
    case 'TRANSPOSE_CONV': {
      const o = optionsOf(op, 'TransposeConvOptions');
      if (o) atLeastOne(site, s, { 'stride height': o.strideH, 'stride width': o.strideW });
      rank4(site, s, inputTensor(site, 1), 'filter');
      rank4(site, s, inputTensor(site, 2), 'input');
      return;
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const o = optionsOf(op, 'Pool2DOptions');
      if (o) atLeastOne(site, s, { 'stride height': o.strideH, 'stride width': o.strideW, 'filter height': o.filterHeight, 'filter width': o.filterWidth });
      rank4(site, s, inputTensor(site, 0), 'input');
      return;
    }
    case 'FULLY_CONNECTED': {
      const x = inputTensor(site, 0)!;
      const w = inputTensor(site, 1)!;
      if (w.shape.length !== 2) refuse(site, s, `needs 2-D weights, got [${w.shape.join(', ')}]`);
      const [units, depth] = w.shape as [number, number];
      const n = elementCount(x.shape);
      if (depth === 0 || n % depth !== 0) refuse(site, s, `has weights [${units}, ${depth}] for an input of ${n} values (not a multiple of ${depth})`);
      const bias = inputTensor(site, 2);
      if (bias && elementCount(bias.shape) !== units) refuse(site, s, `has a bias of ${elementCount(bias.shape)} values for ${units} units`);
      return;
    }
  }
}

const INTEGER_ACTIVATIONS: ReadonlySet<string> = new Set(['int8', 'uint8', 'int16']);

/**
 * Quantization scales: never negative or not finite; zero only on a constant's channel (a
 * pruned channel is all zeros, which TFLM requantizes to 0), never on what an op computes.
 */
function checkScales(graph: Graph, t: Tensor, what: string): void {
  const q = t.quantization;
  if (!q) return;
  for (const scale of q.scale) {
    if (!Number.isFinite(scale) || scale < 0) throw new ModelFormatError('bad-value', `${what} has quantization scale ${scale}; a scale is a positive number`);
    if (scale === 0 && INTEGER_ACTIVATIONS.has(t.dtype) && !isConstant(graph, t))
      throw new ModelFormatError('bad-value', `${what} has quantization scale 0: its values cannot be represented`);
  }
}

/** Throws ModelFormatError naming the layer (or tensor) and the reason; returns the graph otherwise. */
export function validateModel(graph: Graph): Graph {
  if (graph.subgraphs.length === 0) throw new ModelFormatError('bad-value', 'the model has no subgraphs: there is nothing to run');
  graph.subgraphs.forEach((sg, s) => {
    sg.tensors.forEach((t, i) => checkScales(graph, t, `tensor ${i} ("${t.name}")${s > 0 ? ` in subgraph ${s}` : ''}`));
    sg.operators.forEach((op, opIndex) => checkOp({ graph, subgraph: sg, op, opIndex, name: opName(graph, op) }, s));
  });
  return graph;
}
