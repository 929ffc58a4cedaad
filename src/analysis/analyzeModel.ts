/**
 * One pass over a model that yields everything the CLI, the panel and the diagnostics show:
 * per-layer shapes, weights, activations, MACs and live arena bytes, and the arena TFLM
 * will need. Pure: bytes in, a plain data object out.
 */
import { Cancelled } from '../errors';
import type { AnalysisNotice } from '../findings/notice';
import { englishNotices } from '../findings/renderNotice';
import { isFloatType, type DType } from '../model/dtype';
import { isConstant, type Graph, type Tensor } from '../model/graph';
import { isBuiltin, opName } from '../model/ops';
import { liveSets, planArena, tflmTensorBytes, type ArenaBuffer } from './arenaPlan';
import { opCost, type OpKind } from './layerCost';
import { estimatePersistent, type TailItem } from './persistentEstimate';
import { tflmSupports } from './tflmOps';
import { checkSignature, type OpRefusal } from './opSupport/check';
import type { Abi } from './tflmKernels';
import { DEFAULT_KERNEL_LIBRARY, kernelLibrary, type KernelLibrary } from './kernelLibrary';
import { findArenaPeak, type ArenaPeak } from './peak';
import { layerWindow, type LayerWindow } from './layerWindow';

export interface TensorInfo {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface LayerReport {
  /** Position in its subgraph's execution order. */
  readonly index: number;
  readonly subgraph: number;
  readonly op: string;
  readonly custom: boolean;
  readonly kind: OpKind;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Bytes of the constant tensors it reads (flash). */
  readonly weightBytes: number;
  /** Bytes of the tensors it produces. */
  readonly activationBytes: number;
  /** Bytes of the non-constant tensors it reads. */
  readonly inputActivationBytes: number;
  /** null when the cost of the op is unknown (custom or unrecognised ops). */
  readonly macs: number | null;
  readonly elementOps: number | null;
  /** Arena bytes alive while it runs (planned sizes of every live buffer). */
  readonly arenaLiveBytes: number;
  /** Highest arena offset in use while it runs. */
  readonly arenaHighWaterBytes: number;
  readonly liveTensors: readonly string[];
  /** TFLM has a kernel for the op and the kernel takes the layer's types (no `tflmRefusal`). */
  readonly tflmSupported: boolean;
  /** Present when TFLM has the kernel but it refuses the layer's types (opSupport/signatures.ts). */
  readonly tflmRefusal?: OpRefusal;
  /** Computes in float (its first input or output is a float tensor). */
  readonly float: boolean;
  /** Float activations with int8 weights: dynamic-range quantization, which TFLM refuses. */
  readonly hybrid: boolean;
  /** Stride, dilation and padding of a conv, depthwise, pool or transpose conv (as its options say). */
  readonly window?: LayerWindow;
}

export type ModelKind = 'int8' | 'float' | 'hybrid' | 'mixed';

export interface ArenaReport {
  readonly nonPersistentBytes: number;
  readonly persistentBytes: number;
  readonly totalBytes: number;
  /** ± bytes on the persistent part (kernels whose data is assumed, not verified). */
  readonly persistentErrorBytes: number;
  readonly abi: Abi;
  readonly kernels: string;
  /** The one peak (see ArenaPeak); null when no layer of subgraph 0 uses the arena. */
  readonly peak: ArenaPeak | null;
  /** `peak.layer`, kept for the JSON contract and older callers. */
  readonly peakLayer: number | null;
  /** `peak.tensors`. */
  readonly peakTensors: readonly string[];
  readonly persistentBreakdown: readonly TailItem[];
  readonly buffers: readonly ArenaBuffer[];
}

export interface ModelAnalysis {
  readonly model: { readonly path?: string; readonly bytes: number; readonly format: 'tflite'; readonly description: string; readonly subgraphs: number };
  readonly kind: ModelKind;
  readonly layers: readonly LayerReport[];
  readonly totals: {
    readonly macs: number;
    readonly elementOps: number;
    readonly weightBytes: number;
    readonly modelBytes: number;
    readonly operators: number;
    /** Ops whose cost could not be counted, by name. */
    readonly unknownCostOps: readonly string[];
    /** Weight bytes by element type: the model's dtype mix. */
    readonly weightBytesByType: Readonly<Partial<Record<DType, number>>>;
  };
  readonly arena: ArenaReport;
  readonly warningCodes: readonly AnalysisNotice[];
  /** `warningCodes` in English, in the same order. */
  readonly warnings: readonly string[];
}

export interface AnalyzeOptions {
  readonly path?: string;
  readonly abi?: Abi;
  readonly kernels?: KernelLibrary;
  /** Checked once per layer: a worker's cancel stops a long analysis (throws Cancelled). */
  readonly shouldStop?: () => boolean;
}

const MAC_KINDS: ReadonlySet<OpKind> = new Set(['conv', 'pointwise', 'depthwise', 'fully-connected', 'transpose-conv', 'matmul', 'recurrent']);

function tensorInfo(sg: Graph['subgraphs'][number], index: number): TensorInfo {
  const t = sg.tensors[index]!;
  return { index, name: t.name, shape: t.shape, dtype: t.dtype };
}

export function analyzeModel(graph: Graph, fileBytes: number, options: AnalyzeOptions = {}): ModelAnalysis {
  const abi = options.abi ?? 'arm32';
  const kernels = options.kernels ?? kernelLibrary(DEFAULT_KERNEL_LIBRARY);
  const plan = planArena(graph, abi, kernels.table);
  const persistent = estimatePersistent(graph, { abi, scratchCount: plan.scratchCount, kernels: kernels.table });

  const live0 = liveSets(plan);
  const layers: LayerReport[] = [];
  graph.subgraphs.forEach((sg, s) =>
    sg.operators.forEach((op, index) => {
      if (options.shouldStop?.()) throw new Cancelled('the analysis was cancelled');
      const name = opName(graph, op);
      const custom = isBuiltin(graph, op, 'CUSTOM');
      const cost = opCost(graph, sg, op);
      const present = op.inputs.filter((t) => t >= 0);
      const constants = [...new Set(present)].map((t) => sg.tensors[t]!).filter((t) => isConstant(graph, t));
      const outputs = op.outputs.map((t) => sg.tensors[t]!);
      const live = (s === 0 ? live0[index] : undefined) ?? { buffers: [], liveBytes: 0, highWaterBytes: 0 };
      const first = present.length > 0 ? sg.tensors[present[0]!] : undefined;
      const float = [first, outputs[0]].some((t) => t !== undefined && !isConstant(graph, t) && isFloatType(t.dtype));
      const hybrid =
        MAC_KINDS.has(cost.kind) && first !== undefined && isFloatType(first.dtype) && constants.some((t) => t.dtype === 'int8' || t.dtype === 'uint8');
      const kernel = tflmSupports(name, custom);
      const refusal = kernel ? checkSignature(graph, sg, op, kernels.id) : null;
      const window = layerWindow(sg, op);
      layers.push({
        index,
        subgraph: s,
        op: name,
        custom,
        kind: cost.kind,
        inputs: present.map((t) => tensorInfo(sg, t)),
        outputs: op.outputs.map((t) => tensorInfo(sg, t)),
        weightBytes: constants.reduce((sum, t) => sum + graph.buffers[t.buffer]!.data.length, 0),
        activationBytes: outputs.filter((t) => !isConstant(graph, t)).reduce((sum, t) => sum + tflmTensorBytes(t), 0),
        inputActivationBytes: [...new Set(present)]
          .map((t) => sg.tensors[t]!)
          .filter((t) => !isConstant(graph, t))
          .reduce((sum, t) => sum + tflmTensorBytes(t), 0),
        macs: cost.macs ?? null,
        elementOps: cost.elementOps ?? null,
        arenaLiveBytes: live.liveBytes,
        arenaHighWaterBytes: live.highWaterBytes,
        liveTensors: live.buffers.map((b) => b.name),
        tflmSupported: kernel && refusal === null,
        ...(refusal ? { tflmRefusal: refusal } : {}),
        float,
        hybrid,
        ...(window ? { window } : {}),
      });
    }),
  );

  const weightBuffers = new Map<number, Tensor>();
  for (const sg of graph.subgraphs) for (const t of sg.tensors) if (isConstant(graph, t) && !weightBuffers.has(t.buffer)) weightBuffers.set(t.buffer, t);
  const weightBytesByType: Partial<Record<DType, number>> = {};
  let weightBytes = 0;
  for (const [buffer, t] of weightBuffers) {
    const n = graph.buffers[buffer]!.data.length;
    weightBytes += n;
    weightBytesByType[t.dtype] = (weightBytesByType[t.dtype] ?? 0) + n;
  }

  const peak = findArenaPeak(layers, persistent.bytes);
  const warnings: AnalysisNotice[] = [
    ...plan.warningCodes,
    ...(persistent.unverifiedOps.length > 0
      ? [{ code: 'persistent-unverified' as const, params: { ops: persistent.unverifiedOps, errorBytes: persistent.errorBytes } }]
      : []),
    ...(kernels.notice ? [kernels.notice] : []),
  ];

  return {
    model: {
      ...(options.path ? { path: options.path } : {}),
      bytes: fileBytes,
      format: 'tflite',
      description: graph.description,
      subgraphs: graph.subgraphs.length,
    },
    kind: modelKind(layers),
    layers,
    totals: {
      macs: layers.reduce((sum, l) => sum + (l.macs ?? 0), 0),
      elementOps: layers.reduce((sum, l) => sum + (l.elementOps ?? 0), 0),
      weightBytes,
      modelBytes: fileBytes,
      operators: layers.length,
      unknownCostOps: [...new Set(layers.filter((l) => l.macs === null).map((l) => l.op))],
      weightBytesByType,
    },
    arena: {
      nonPersistentBytes: plan.headBytes,
      persistentBytes: persistent.bytes,
      totalBytes: plan.headBytes + persistent.bytes,
      persistentErrorBytes: persistent.errorBytes + Math.ceil(kernels.tailErrorShare * persistent.bytes),
      abi,
      kernels: kernels.name,
      peak,
      peakLayer: peak?.layer ?? null,
      peakTensors: peak?.tensors ?? [],
      persistentBreakdown: persistent.breakdown,
      buffers: plan.buffers,
    },
    warningCodes: warnings,
    warnings: englishNotices(warnings),
  };
}

/**
 * int8 when every layer that does arithmetic computes in integers, float when every one
 * computes in float, hybrid when int8 weights sit under float activations. QUANTIZE and
 * DEQUANTIZE at the edges of an int8 model do not make it mixed.
 */
function modelKind(layers: readonly LayerReport[]): ModelKind {
  if (layers.some((l) => l.hybrid)) return 'hybrid';
  const arithmetic = layers.filter((l) => l.kind !== 'data-movement' && l.kind !== 'control-flow' && l.op !== 'QUANTIZE' && l.op !== 'DEQUANTIZE');
  const floats = arithmetic.filter((l) => l.float).length;
  if (floats === 0 && arithmetic.length > 0) return 'int8';
  if (floats === arithmetic.length) return 'float';
  return 'mixed';
}
