/**
 * Float graph + calibrated ranges → the int8 graph, as the TFLite converter builds it:
 *
 * 1. Scale groups. Tensors that must share a scale and zero point are joined: the output of
 *    a same-scale op (RESHAPE, MAX_POOL_2D, PAD, …) with its input, and every input of a
 *    multi-input same-scale op (CONCATENATION…) with its output. A group takes the fixed
 *    parameters of SOFTMAX/LOGISTIC/TANH… when it holds such an output, else the range of the
 *    multi-input op's output (the MLIR quantizer propagates that result scale back to the
 *    operands), else the range of its first tensor (the input of a chain of same-scale ops).
 *    Where two fixed parameter sets would meet, the input is requantized with a QUANTIZE op.
 * 2. Activations become int8 with their group's asymmetric parameters (params.ts); float
 *    constants in data slots are quantized from their own values, or with their group's
 *    parameters.
 * 3. Weights become symmetric int8 per channel (per tensor for FULLY_CONNECTED unless asked),
 *    widened where a bias would not fit (biasScaleAdjustments), and biases int32 at
 *    s_in · s_w. Int8 weights of a hybrid source are reused as they are when they fit.
 * 4. Ops kept in float get DEQUANTIZE before them and QUANTIZE after them; with float I/O
 *    the model gets QUANTIZE at its inputs and DEQUANTIZE at its outputs, the float tensors
 *    keeping the original names and the int8 ones taking "_int8" (as the converter names them).
 * 5. Operator versions are recomputed for the int8 signatures (opProperties.operatorVersion).
 */
import { toBytes } from '../model/graphBuilder';
import { isConstant, type Graph, type QuantParams, type Tensor } from '../model/graph';
import { builtinCode, builtinName, opName } from '../model/ops';
import { assignOpcodes, compact, editOps, floatData, plainOp, producers, remapSignature, uniqueName, type EditOp } from './graphEdit';
import type { FloatGraph } from './floatGraph';
import { OP_PROPERTIES, operatorVersion, type OpProperty } from './opProperties';
import { asymmetricParams, biasScaleAdjustments, quantizeAffine, quantizeBias, symmetricWeights, type AffineParams, type SymmetricWeights } from './params';
import type { RangeChoice } from './ranges';

export type IoType = 'int8' | 'float';

export interface Int8GraphOptions {
  readonly io: IoType;
  readonly perChannelFullyConnected: boolean;
  /** Layers (of the float graph) to leave in float. */
  readonly keepFloat: ReadonlySet<number>;
  /** Reuse the int8 weights of a hybrid source when they fit the int8 kernel. */
  readonly reuseInt8Weights: boolean;
  /**
   * Int8 weights already computed for the same source, by weight tensor and axis: graphs that
   * differ only in activation ranges (auto's candidates) quantize each weight tensor once.
   * Weights widened for their bias are never cached (they depend on the input scale).
   */
  readonly weightCache?: Map<string, SymmetricWeights>;
}

/** How a tensor's parameters were decided. */
export type ParamRule = 'calibrated' | 'same-as-input' | 'shared' | 'fixed' | 'constant';

export interface TensorParams {
  /** Tensor index in the float graph. */
  readonly tensor: number;
  readonly name: string;
  readonly rule: ParamRule;
  /** Where the range came from (a tensor name), for 'same-as-input' and 'shared'. */
  readonly from?: string;
  readonly scale: number;
  readonly zeroPoint: number;
  /** The real range the parameters cover (clipped range, widened to include 0). */
  readonly min: number;
  readonly max: number;
}

export interface Int8GraphResult {
  readonly graph: Graph;
  readonly params: readonly TensorParams[];
  readonly notes: readonly string[];
  /** Weights whose scale was widened so the bias fits int32 (layer, channels). */
  readonly biasAdjusted: readonly { readonly layer: number; readonly channels: number }[];
}

interface Anchor {
  readonly kind: 'fixed' | 'shared';
  readonly params?: AffineParams;
  /** For 'shared': the tensor whose range the group takes; for 'fixed': the op's output. */
  readonly tensor: number;
  readonly layer: number;
}

class ScaleGroups {
  private readonly parent = new Map<number, number>();
  readonly anchors = new Map<number, Anchor>();

  find(t: number): number {
    let p = this.parent.get(t) ?? t;
    if (p === t) return t;
    p = this.find(p);
    this.parent.set(t, p);
    return p;
  }

  anchor(t: number): Anchor | undefined {
    return this.anchors.get(this.find(t));
  }

  setAnchor(t: number, a: Anchor): void {
    this.anchors.set(this.find(t), a);
  }

  /** Joins two groups unless both carry fixed parameters that differ; false when refused. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const aa = this.anchors.get(ra);
    const ab = this.anchors.get(rb);
    if (aa?.kind === 'fixed' && ab?.kind === 'fixed' && (aa.params!.scale !== ab.params!.scale || aa.params!.zeroPoint !== ab.params!.zeroPoint)) return false;
    // Fixed beats shared; of two shared anchors the later op (the outer concatenation) wins.
    let keep = aa ?? ab;
    if (aa && ab) keep = aa.kind === 'fixed' ? aa : ab.kind === 'fixed' ? ab : aa.layer >= ab.layer ? aa : ab;
    this.parent.set(ra, rb);
    this.anchors.delete(ra);
    if (keep) this.anchors.set(rb, keep);
    else this.anchors.delete(rb);
    return true;
  }
}

function quantParams(p: AffineParams, range?: { min: number; max: number }): QuantParams {
  return { scale: [p.scale], zeroPoint: [p.zeroPoint], quantizedDimension: 0, ...(range ? { min: [range.min], max: [range.max] } : {}) };
}

function valueRange(values: Float32Array): RangeChoice {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

export function buildInt8Graph(source: FloatGraph, ranges: ReadonlyMap<number, RangeChoice>, options: Int8GraphOptions): Int8GraphResult {
  const graph = source.graph;
  const sg = graph.subgraphs[0]!;
  const n = sg.tensors.length;
  const isConst = (t: number): boolean => isConstant(graph, sg.tensors[t]!);
  const isFloat = (t: number): boolean => t >= 0 && sg.tensors[t]!.dtype === 'float32';
  const produced = producers(sg);
  const ops = editOps(graph, sg);
  const names = new Set(sg.tensors.map((t) => t.name));
  const notes: string[] = [];

  const quantized = (layer: number): boolean => !options.keepFloat.has(layer) && OP_PROPERTIES[opName(graph, sg.operators[layer]!)] !== undefined;
  const propOf = (layer: number): OpProperty => OP_PROPERTIES[opName(graph, sg.operators[layer]!)]!;
  const slotKind = (layer: number, slot: number): 'weight' | 'bias' | 'data' => {
    const p = propOf(layer);
    if (p.weight?.slot === slot) return 'weight';
    if (p.bias === slot) return 'bias';
    return 'data';
  };
  /** The main data input of a 'same' op. */
  const mainInput = (layer: number): number => sg.operators[layer]!.inputs[propOf(layer).dataInputs?.[0] ?? 0]!;

  // ---- 1. scale groups --------------------------------------------------------------
  const groups = new ScaleGroups();
  /** (layer, slot) → group representative whose parameters the slot must be requantized to. */
  const requant = new Map<string, number>();
  sg.operators.forEach((op, layer) => {
    if (!quantized(layer)) return;
    const p = propOf(layer);
    const out = op.outputs.filter(isFloat);
    if (p.output.kind === 'fixed') {
      const params = { scale: p.output.scale, zeroPoint: p.output.zeroPoint };
      for (const o of out) groups.setAnchor(o, { kind: 'fixed', params, tensor: o, layer });
    } else if (p.output.kind === 'same') {
      const input = mainInput(layer);
      op.inputs.forEach((t, slot) => {
        // Other float constants of a same-scale op (PADV2's pad value) take the same parameters.
        if (t >= 0 && t !== input && isFloat(t) && isConst(t) && slotKind(layer, slot) === 'data') groups.union(t, input);
      });
      for (const o of out) {
        if (!groups.union(o, input)) requant.set(`${layer}:${op.inputs.indexOf(input)}`, groups.find(o));
      }
    } else if (p.output.kind === 'shared') {
      const o = out[0];
      if (o === undefined) return;
      groups.setAnchor(o, { kind: 'shared', tensor: o, layer });
      op.inputs.forEach((t, slot) => {
        if (!isFloat(t)) return;
        const a = groups.anchor(t);
        if (a?.kind === 'fixed' || !groups.union(t, o)) requant.set(`${layer}:${slot}`, groups.find(o));
      });
    }
  });

  // Range of any float tensor: calibrated, or the values of a constant.
  const constRanges = new Map<number, RangeChoice>();
  const rangeOf = (t: number): RangeChoice => {
    const r = ranges.get(t);
    if (r) return r;
    if (isConst(t)) {
      let c = constRanges.get(t);
      if (!c) {
        c = valueRange(floatData(graph, sg.tensors[t]!));
        constRanges.set(t, c);
      }
      return c;
    }
    throw new Error(`no calibrated range for tensor ${t} ("${sg.tensors[t]!.name}")`);
  };
  const order = (t: number): number => (sg.inputs.includes(t) || isConst(t) ? -1 : (produced.get(t) ?? -1));
  const members = new Map<number, number[]>();
  for (let t = 0; t < n; t++) {
    if (!isFloat(t)) continue;
    const r = groups.find(t);
    if (!members.has(r)) members.set(r, []);
    members.get(r)!.push(t);
  }
  const groupParams = new Map<number, { params: AffineParams; range: RangeChoice; rule: ParamRule; from: number }>();
  const paramsOfGroup = (root: number): { params: AffineParams; range: RangeChoice; rule: ParamRule; from: number } => {
    let g = groupParams.get(root);
    if (g) return g;
    const a = groups.anchors.get(root);
    if (a?.kind === 'fixed') {
      const p = a.params!;
      g = { params: p, range: { min: p.scale * (-128 - p.zeroPoint), max: p.scale * (127 - p.zeroPoint) }, rule: 'fixed', from: a.tensor };
    } else {
      const anchorTensor = a?.kind === 'shared' ? a.tensor : [...(members.get(root) ?? [root])].sort((x, y) => order(x) - order(y) || x - y)[0]!;
      const r = rangeOf(anchorTensor);
      const p = asymmetricParams(r.min, r.max);
      g = { params: p, range: { min: p.min, max: p.max }, rule: a?.kind === 'shared' ? 'shared' : 'calibrated', from: anchorTensor };
    }
    groupParams.set(root, g);
    return g;
  };
  const paramsOf = (t: number) => paramsOfGroup(groups.find(t));

  // ---- 2. which tensors need an int8 form, and which a float form ---------------------
  const needsInt8 = new Set<number>();
  const needsFloat = new Set<number>();
  sg.operators.forEach((op, layer) => {
    const q = quantized(layer);
    op.inputs.forEach((t, slot) => {
      if (!isFloat(t)) return;
      if (q && slotKind(layer, slot) === 'data') needsInt8.add(t);
      if (!q) needsFloat.add(t);
    });
    for (const t of op.outputs) if (isFloat(t)) (q ? needsInt8 : needsFloat).add(t);
  });
  for (const t of sg.inputs) if (isFloat(t)) (options.io === 'int8' ? needsInt8 : needsFloat).add(t);
  for (const t of sg.outputs) if (isFloat(t)) (options.io === 'int8' ? needsInt8 : needsFloat).add(t);
  /** Where a tensor is born: int8 if a quantized op writes it (or an int8 model input). */
  const homeIsInt8 = (t: number): boolean => {
    if (isConst(t)) return false;
    const p = produced.get(t);
    // Model inputs follow the I/O type; variable tensors (LSTM state) stay with their float op.
    if (p === undefined) return sg.inputs.includes(t) && options.io === 'int8';
    return quantized(p);
  };

  // ---- 3. new tensors ----------------------------------------------------------------
  const tensors: Tensor[] = [...sg.tensors];
  const buffers = [...graph.buffers];
  const addBuffer = (data: Uint8Array): number => {
    buffers.push({ data });
    return buffers.length - 1;
  };
  const addTensor = (t: Tensor): number => {
    tensors.push(t);
    return tensors.length - 1;
  };
  const int8Form = new Map<number, number>();
  const floatForm = new Map<number, number>();
  const paramRecords: TensorParams[] = [];
  const record = (t: number, rule?: ParamRule): void => {
    const g = paramsOf(t);
    const r = rule ?? (g.rule === 'calibrated' && g.from !== t ? 'same-as-input' : g.rule);
    paramRecords.push({ tensor: t, name: sg.tensors[t]!.name, rule: r, ...(g.from !== t ? { from: sg.tensors[g.from]!.name } : {}), scale: g.params.scale, zeroPoint: g.params.zeroPoint, min: g.range.min, max: g.range.max });
  };
  const int8Tensor = (base: Tensor, name: string, t: number): Tensor => {
    const g = paramsOf(t);
    const { quantization: _q, ...rest } = base;
    return { ...rest, name, dtype: 'int8', buffer: 0, quantization: quantParams(g.params, g.range) };
  };

  for (let t = 0; t < n; t++) {
    if (!isFloat(t) || (!needsInt8.has(t) && !needsFloat.has(t))) continue;
    const original = sg.tensors[t]!;
    if (isConst(t)) {
      if (!needsInt8.has(t)) continue;
      const g = paramsOf(t);
      const q = quantizeAffine(floatData(graph, original), g.params);
      const quantizedConst: Tensor = { ...int8Tensor(original, original.name, t), buffer: addBuffer(toBytes(q)) };
      if (needsFloat.has(t)) int8Form.set(t, addTensor({ ...quantizedConst, name: uniqueName(names, `${original.name}_int8`) }));
      else {
        tensors[t] = quantizedConst;
        int8Form.set(t, t);
      }
      record(t, 'constant');
      continue;
    }
    const home = homeIsInt8(t);
    if (home) {
      tensors[t] = int8Tensor(original, original.name, t);
      int8Form.set(t, t);
      if (needsFloat.has(t)) {
        // The float copy takes the original name at a float model output (the converter's naming).
        const isOutput = sg.outputs.includes(t) && options.io === 'float';
        if (isOutput) tensors[t] = { ...tensors[t]!, name: uniqueName(names, `${original.name}_int8`) };
        const { quantization: _q, ...rest } = original;
        floatForm.set(t, addTensor({ ...rest, name: isOutput ? original.name : uniqueName(names, `${original.name}_float`), buffer: 0 }));
      }
    } else {
      floatForm.set(t, t);
      if (needsInt8.has(t)) {
        const isIntOutput = sg.outputs.includes(t) && options.io === 'int8';
        if (isIntOutput) tensors[t] = { ...tensors[t]!, name: uniqueName(names, `${original.name}_float`) };
        int8Form.set(t, addTensor(int8Tensor(original, isIntOutput ? original.name : uniqueName(names, `${original.name}_int8`), t)));
      }
    }
    if (needsInt8.has(t)) record(t);
  }

  // ---- 4. operators --------------------------------------------------------------------
  const out: EditOp[] = [];
  const conversionAfter = (t: number): EditOp[] => {
    // Float ↔ int8 copies are made right where the tensor is born.
    const list: EditOp[] = [];
    const i8 = int8Form.get(t);
    const f = floatForm.get(t);
    if (i8 === undefined || f === undefined || i8 === f) return list;
    if (homeIsInt8(t)) list.push(plainOp('DEQUANTIZE', [i8], [f], 2));
    else list.push(plainOp('QUANTIZE', [f], [i8], 1));
    return list;
  };
  for (const t of sg.inputs) if (!isConst(t)) out.push(...conversionAfter(t));

  const biasAdjusted: { layer: number; channels: number }[] = [];
  let reused = 0;
  const weightUsers = new Map<number, number>();
  ops.forEach((e, layer) => {
    const op = e.op;
    if (!quantized(layer)) {
      const inputs = op.inputs.map((t) => (isFloat(t) && !isConst(t) ? (floatForm.get(t) ?? t) : t));
      out.push({ ...e, op: { ...op, inputs } });
      for (const t of op.outputs) if (isFloat(t)) out.push(...conversionAfter(t));
      return;
    }
    const prop = propOf(layer);
    const inputs = [...op.inputs];
    const pre: EditOp[] = [];
    op.inputs.forEach((t, slot) => {
      if (!isFloat(t)) return;
      const kind = slotKind(layer, slot);
      if (kind !== 'data') return;
      let i8 = int8Form.get(t)!;
      const target = requant.get(`${layer}:${slot}`);
      if (target !== undefined) {
        const g = paramsOfGroup(target);
        const { quantization: _q, ...rest } = tensors[i8]!;
        const r = addTensor({ ...rest, name: uniqueName(names, `${sg.tensors[t]!.name}_requantized`), buffer: 0, quantization: quantParams(g.params, g.range) });
        pre.push(plainOp('QUANTIZE', [i8], [r], 1));
        i8 = r;
      }
      inputs[slot] = i8;
    });

    // Weights and bias.
    if (prop.weight) {
      const wSlot = prop.weight.slot;
      const w = op.inputs[wSlot]!;
      const wt = sg.tensors[w]!;
      const axis = prop.weight.axis === 'fc' ? (options.perChannelFullyConnected ? 0 : undefined) : prop.weight.axis;
      const inputScale = tensors[inputs[prop.dataInputs?.[0] ?? 0]!]!.quantization!.scale[0]!;
      const b = prop.bias !== undefined ? op.inputs[prop.bias] : undefined;
      const biasValues = b !== undefined && b >= 0 ? floatData(graph, sg.tensors[b]!) : undefined;
      const key = `${w}:${axis ?? 'tensor'}`;
      let values: Float32Array | undefined;
      const floatValues = (): Float32Array => (values ??= floatData(graph, wt));
      let q = options.weightCache?.get(key);
      if (!q) {
        q = symmetricWeights(floatValues(), wt.shape, axis);
        options.weightCache?.set(key, q);
      }
      const src = options.reuseInt8Weights ? source.int8Weights.get(w) : undefined;
      let reuse = false;
      if (src && src.zeroPoints.every((z) => z === 0) && !src.values.some((v) => v === -128)) {
        const perTensorOk = src.scales.length === 1;
        const perChannelOk = src.scales.length > 1 && axis !== undefined && src.axis === axis;
        if (perTensorOk || perChannelOk) {
          const candidate = { values: src.values, scales: [...src.scales], min: [], max: [], axis: perTensorOk ? 0 : axis! };
          if (!biasValues || biasScaleAdjustments(biasValues, inputScale, candidate.scales).size === 0) {
            q = candidate;
            reuse = true;
            reused++;
          }
        }
      }
      if (!reuse && biasValues) {
        const adjust = biasScaleAdjustments(biasValues, inputScale, q.scales);
        if (adjust.size > 0) {
          q = symmetricWeights(floatValues(), wt.shape, axis, adjust);
          biasAdjusted.push({ layer, channels: adjust.size });
        }
      }
      const wq: Tensor = {
        ...tensorWithout(wt),
        dtype: 'int8',
        buffer: addBuffer(toBytes(q.values)),
        quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: q.scales.length > 1 ? q.axis : 0 },
      };
      const uses = weightUsers.get(w) ?? 0;
      weightUsers.set(w, uses + 1);
      if (uses === 0 && !needsFloat.has(w)) {
        tensors[w] = wq;
        inputs[wSlot] = w;
      } else inputs[wSlot] = addTensor({ ...wq, name: uniqueName(names, wt.name) });
      if (b !== undefined && b >= 0 && biasValues) {
        const bq = quantizeBias(biasValues, inputScale, q.scales);
        const bt = sg.tensors[b]!;
        const biasTensor: Tensor = {
          ...tensorWithout(bt),
          dtype: 'int32',
          buffer: addBuffer(toBytes(bq.values)),
          quantization: { scale: bq.scales, zeroPoint: bq.scales.map(() => 0), quantizedDimension: 0 },
        };
        const bUses = weightUsers.get(b) ?? 0;
        weightUsers.set(b, bUses + 1);
        if (bUses === 0 && !needsFloat.has(b)) {
          tensors[b] = biasTensor;
          inputs[prop.bias!] = b;
        } else inputs[prop.bias!] = addTensor({ ...biasTensor, name: uniqueName(names, bt.name) });
      }
    }

    const outputs = op.outputs.map((t) => (isFloat(t) ? int8Form.get(t)! : t));
    out.push(...pre);
    out.push({ ...e, op: { ...op, inputs, outputs } });
    for (const t of op.outputs) if (isFloat(t)) out.push(...conversionAfter(t));
  });
  if (reused > 0) notes.push(`${reused} int8 weight tensor(s) of the hybrid source reused exactly (no second rounding)`);
  if (biasAdjusted.length > 0) notes.push(`weight scales widened on ${biasAdjusted.reduce((s, b) => s + b.channels, 0)} channel(s) of ${biasAdjusted.length} layer(s) so their bias fits int32 (the converter's bias-scale check)`);

  // ---- 5. model I/O and versions --------------------------------------------------------
  const ioTensor = (t: number): number => (isFloat(t) && !isConst(t) ? ((options.io === 'int8' ? int8Form.get(t) : floatForm.get(t)) ?? t) : t);
  const inputs = sg.inputs.map(ioTensor);
  const outputs = sg.outputs.map(ioTensor);
  const versioned = out.map((e): EditOp => {
    const name = builtinName(e.builtin) ?? '';
    const dtype = (t: number) => (t >= 0 ? tensors[t]!.dtype : undefined);
    let mulScaleRatio: number | undefined;
    if (e.builtin === builtinCode('MUL')) {
      const s = (t: number | undefined) => (t !== undefined && t >= 0 ? tensors[t]!.quantization?.scale[0] : undefined);
      const [a, b, c] = [s(e.op.inputs[0]), s(e.op.inputs[1]), s(e.op.outputs[0])];
      if (a && b && c) mulScaleRatio = (a * b) / c;
    }
    const version = operatorVersion(
      {
        op: name,
        operator: e.op,
        inputs: e.op.inputs.map(dtype),
        inputRanks: e.op.inputs.map((t) => (t >= 0 ? tensors[t]!.shape.length : 0)),
        outputs: e.op.outputs.map((t) => tensors[t]!.dtype),
        ...(mulScaleRatio !== undefined ? { mulScaleRatio } : {}),
      },
      e.version,
    );
    return { ...e, version };
  });
  const { operatorCodes, operators } = assignOpcodes([], [versioned, ...graph.subgraphs.slice(1).map((s) => editOps(graph, s))]);
  const signatureDefs = graph.signatureDefs.map((sig) => (sig.subgraphIndex === 0 ? remapSignature(sig, (t) => (sg.inputs.includes(t) || sg.outputs.includes(t) ? ioTensor(t) : t)) : sig));
  const result = compact({
    ...graph,
    description: graph.description ? `${graph.description}; int8 by TinyML Lens` : 'int8 by TinyML Lens',
    operatorCodes,
    buffers,
    signatureDefs,
    subgraphs: [{ ...sg, tensors, inputs, outputs, operators: operators[0]! }, ...graph.subgraphs.slice(1).map((s, k) => ({ ...s, operators: operators[k + 1]! }))],
  });
  return { graph: result, params: paramRecords, notes, biasAdjusted };
}

function tensorWithout(t: Tensor): Omit<Tensor, 'quantization'> {
  const { quantization: _q, ...rest } = t;
  return rest;
}
