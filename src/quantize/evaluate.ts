/**
 * What quantization cost, measured in our runtime on held-out samples: per-layer SQNR,
 * cosine and max |error| between each float layer output and the dequantized int8 one
 * (pairs from compare.ts's correspondingLayers), and output agreement (top-1, cosine, max
 * |error|, SQNR). Sums are accumulated sample by sample, so memory does not grow with the
 * number of samples.
 */
import { Cancelled } from '../errors';
import type { EvaluationSkip, QuantizedKind } from '../findings/notice';
import { renderNotice } from '../findings/renderNotice';
import type { Graph } from '../model/graph';
import {
  accumulate,
  correspondingLayers,
  emptySums,
  isClassifierOutput,
  outputAgreement,
  pooledCosine,
  pooledSqnrDb,
  type CapturedRun,
  type LayerComparison,
  type OutputAgreement,
  type SqnrSums,
} from '../runtime/compare';
import { Interpreter } from '../runtime/interpreter';
import type { Rounding } from '../runtime/quant';
import { realValues } from '../runtime/runModel';
import { RuntimeError } from '../runtime/types';
import { opName } from '../model/ops';
import type { ProgressContext, SampleSource } from './calibrate';
import { QuantizeError } from './errors';
import { quantizeAffine, quantizeAffine16 } from './params';

export interface WorstLayer {
  readonly layer: number;
  readonly op: string;
  readonly tensor: string;
  readonly sqnrDb: number;
  /** SQNR lost across this layer: its input's SQNR minus its own (when its input was compared). */
  readonly dropDb?: number;
}

export interface Evaluation {
  readonly samples: number;
  readonly rounding: Rounding;
  readonly layers: readonly LayerComparison[];
  readonly output: OutputAgreement;
  readonly worstLayers: readonly WorstLayer[];
  readonly ms: number;
}

/** Raw float32 input bytes → the bytes an input of `t`'s type takes (QUANTIZE's arithmetic for int8 and int16). */
export function convertInput(bytes: Uint8Array, t: Interpreter['inputs'][number]): Uint8Array {
  if (t.dtype === 'float32') return bytes;
  const real = new Float32Array(bytes.slice().buffer);
  const q = t.info.quantization;
  if ((t.dtype !== 'int8' && t.dtype !== 'int16') || !q)
    throw new QuantizeError('bad-calibration', `input "${t.info.name}" is ${t.dtype}; held-out samples are float32`);
  const p = { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 };
  const out = t.dtype === 'int16' ? quantizeAffine16(real, p) : quantizeAffine(real, p);
  return new Uint8Array(out.buffer);
}

export async function evaluate(floatGraph: Graph, int8Graph: Graph, heldOut: SampleSource, rounding: Rounding, ctx: ProgressContext = {}): Promise<Evaluation> {
  const t0 = performance.now();
  const f = new Interpreter(floatGraph, { rounding });
  const q = new Interpreter(int8Graph, { rounding });
  const pairs = correspondingLayers(floatGraph, int8Graph);
  const byFloat = new Map(pairs.map((p, k) => [p.float, k]));
  const byInt8 = new Map(pairs.map((p, k) => [p.int8, k]));
  const sums: SqnrSums[] = pairs.map(emptySums);
  const floatRuns: CapturedRun[] = [];
  const int8Runs: CapturedRun[] = [];
  for (let s = 0; s < heldOut.count; s++) {
    if (ctx.shouldStop?.()) throw new Cancelled('quantization was cancelled');
    const inputs = await heldOut.sample(s);
    const floatValues: (Float64Array | undefined)[] = pairs.map(() => undefined);
    f.resetState();
    inputs.forEach((b, i) => f.setInputBytes(i, b));
    f.invoke({
      onLayer: (layer, outs) => {
        const k = byFloat.get(layer);
        if (k !== undefined && outs[0]) floatValues[k] = realValues(outs[0]);
      },
    });
    q.resetState();
    inputs.forEach((b, i) => q.setInputBytes(i, convertInput(b, q.inputs[i]!)));
    q.invoke({
      onLayer: (layer, outs) => {
        const k = byInt8.get(layer);
        const fv = k !== undefined ? floatValues[k] : undefined;
        if (k === undefined || !fv || !outs[0]) return;
        const qv = realValues(outs[0]);
        if (qv.length !== fv.length) return;
        accumulate(sums[k]!, fv, qv);
      },
    });
    floatRuns.push({ layers: [], outputs: f.outputs.map(realValues) });
    int8Runs.push({ layers: [], outputs: q.outputs.map(realValues) });
    ctx.progress?.((s + 1) / heldOut.count, `evaluation sample ${s + 1} of ${heldOut.count}`);
  }
  const layers: LayerComparison[] = [];
  pairs.forEach((p, k) => {
    const acc = sums[k]!;
    if (acc.count === 0) return;
    const op = opName(int8Graph, int8Graph.subgraphs[0]!.operators[p.int8]!);
    const out = int8Graph.subgraphs[0]!.operators[p.int8]!.outputs[0]!;
    layers.push({
      floatLayer: p.float,
      int8Layer: p.int8,
      op,
      tensor: int8Graph.subgraphs[0]!.tensors[out]!.name,
      sqnrDb: pooledSqnrDb(acc),
      cosine: pooledCosine(acc),
      maxAbsError: acc.maxAbs,
      matchedBy: p.by,
    });
  });
  return {
    samples: heldOut.count,
    rounding,
    layers,
    output: outputAgreement(floatRuns, int8Runs, isClassifierOutput(floatGraph)),
    worstLayers: worstLayers(floatGraph, layers),
    ms: performance.now() - t0,
  };
}

/** The five layers with the lowest SQNR, with what each lost relative to its input. */
function worstLayers(floatGraph: Graph, layers: readonly LayerComparison[], count = 5): WorstLayer[] {
  const sg = floatGraph.subgraphs[0]!;
  const producer = new Map<number, number>();
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
  const byFloatLayer = new Map(layers.map((l) => [l.floatLayer, l]));
  return [...layers]
    .filter((l) => Number.isFinite(l.sqnrDb))
    .sort((a, b) => a.sqnrDb - b.sqnrDb)
    .slice(0, count)
    .map((l) => {
      const input = sg.operators[l.floatLayer]!.inputs[0];
      const from = input !== undefined && input >= 0 ? producer.get(input) : undefined;
      const before = from !== undefined ? byFloatLayer.get(from)?.sqnrDb : undefined;
      return {
        layer: l.int8Layer,
        op: l.op,
        tensor: l.tensor,
        sqnrDb: l.sqnrDb,
        ...(before !== undefined && Number.isFinite(before) ? { dropDb: before - l.sqnrDb } : {}),
      };
    });
}

/** No evaluation, and why: in English for the report, and as a code. */
export interface SkippedEvaluation {
  readonly skipped: string;
  readonly skippedCode: EvaluationSkip;
}

export function skippedEvaluation(why: EvaluationSkip): SkippedEvaluation {
  return { skipped: renderNotice(why), skippedCode: why };
}

/** Runs `evaluate`, turning a runtime that cannot run the quantized model (of `kind`) into a reason. */
export async function tryEvaluate(
  floatGraph: Graph,
  int8Graph: Graph,
  heldOut: SampleSource,
  rounding: Rounding,
  ctx: ProgressContext = {},
  kind: QuantizedKind = 'int8',
): Promise<Evaluation | SkippedEvaluation> {
  try {
    return await evaluate(floatGraph, int8Graph, heldOut, rounding, ctx);
  } catch (e) {
    if (e instanceof RuntimeError) return skippedEvaluation({ code: 'evaluation-refused', params: { error: e.message, kind } });
    throw e;
  }
}
