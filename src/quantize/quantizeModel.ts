/**
 * Full-integer post-training quantization of a float TFLite graph, the converter's way:
 * float graph (hybrid and FLOAT16 models dequantized first) → support check (every op the
 * int8 path cannot take is named before any work) → calibration in our runtime → ranges
 * (min/max, percentile or MSE) → int8 graph → .tflite bytes, and a report measured on
 * held-out samples. Pure apart from the time it takes: nothing is read or written here.
 */
import { analyzeModel } from '../analysis/analyzeModel';
import type { Graph } from '../model/graph';
import { readTflite } from '../model/tflite/reader';
import { writeTflite } from '../model/tflite/writer';
import type { Rounding } from '../runtime/quant';
import { calibrate, toSource, type ProgressContext, type Samples } from './calibrate';
import { QuantizeError } from './errors';
import { tryEvaluate, type Evaluation } from './evaluate';
import { toFloatGraph } from './floatGraph';
import { hasControlFlow } from './graphEdit';
import { buildInt8Graph, type IoType } from './int8Graph';
import { chooseRange, type RangeChoice, type RangeMethod } from './ranges';
import type { QuantizationReport } from './report';
import { checkSupport, describeOps } from './support';

export interface QuantizeOptions {
  /** int8 inputs and outputs (the MCU default) or float ones behind QUANTIZE/DEQUANTIZE. */
  readonly io?: IoType;
  readonly method?: RangeMethod;
  /** For `percentile`: the share of values kept inside the range, default 99.99. */
  readonly percentile?: number;
  /** FULLY_CONNECTED weights per output channel (axis 0) instead of per tensor. */
  readonly perChannelFullyConnected?: boolean;
  /** Leave ops the int8 path cannot take in float (QUANTIZE/DEQUANTIZE around them) instead of failing. */
  readonly keepFloat?: boolean;
  /** Reuse the int8 weights of a hybrid source exactly where they fit (default true). */
  readonly reuseInt8Weights?: boolean;
  /** Samples the report measures quantization error on (not used for calibration). */
  readonly heldOut?: Samples;
  /** Rounding of our runtime's int8 kernels during the evaluation (default tflm). */
  readonly rounding?: Rounding;
  /** Size of the source file, for the report (default: the size of the graph written back). */
  readonly sourceBytes?: number;
  readonly sourcePath?: string;
  /** Said in the report: the caller calibrated on random data, how images were normalized… */
  readonly randomCalibration?: boolean;
  readonly normalization?: { readonly name: string; readonly description: string };
  readonly warnings?: readonly string[];
}

export interface QuantizeResult {
  readonly graph: Graph;
  readonly bytes: Uint8Array;
  readonly report: QuantizationReport;
  /** The pure float graph the quantizer started from (hybrid/fp16 sources dequantized). */
  readonly floatGraph: Graph;
}

export const DEFAULT_PERCENTILE = 99.99;

function stage(ctx: ProgressContext, from: number, to: number): ProgressContext {
  return {
    ...(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {}),
    progress: (fraction, message) => ctx.progress?.(from + (to - from) * fraction, message),
  };
}

export async function quantizeModel(model: Graph, calibration: Samples, options: QuantizeOptions = {}, ctx: ProgressContext = {}): Promise<QuantizeResult> {
  const t0 = performance.now();
  const io = options.io ?? 'int8';
  const method = options.method ?? 'minmax';
  const percentile = options.percentile ?? DEFAULT_PERCENTILE;
  const keepFloat = options.keepFloat ?? false;
  const reuseInt8Weights = options.reuseInt8Weights ?? true;
  const perChannelFullyConnected = options.perChannelFullyConnected ?? false;
  if (method === 'percentile' && !(percentile > 50 && percentile <= 100)) throw new QuantizeError('bad-calibration', `the percentile must be above 50 and at most 100, not ${percentile}`);

  // 1. A pure float graph, and what the int8 path cannot take: named before any work.
  const source = toFloatGraph(model);
  const floatGraph = source.graph;
  if (hasControlFlow(floatGraph)) throw new QuantizeError('unsupported-model', 'the model uses control flow (WHILE, IF, CALL_ONCE…); the quantizer handles single-subgraph models only');
  const support = checkSupport(floatGraph);
  if (support.notRunnable.length > 0) {
    throw new QuantizeError('unsupported-model', `cannot calibrate: ${describeOps(support.notRunnable)}`, support.notRunnable);
  }
  if (support.unsupported.length > 0 && !keepFloat) {
    throw new QuantizeError('unsupported-ops', `the int8 path cannot quantize ${describeOps(support.unsupported)}. Use the keep-float option to leave these ops in float (QUANTIZE/DEQUANTIZE around them).`, support.unsupported);
  }
  const samples = toSource(calibration);
  if (samples.count === 0) throw new QuantizeError('bad-calibration', 'no calibration samples were given');

  // 2. Calibration and ranges.
  const calib = await calibrate(floatGraph, samples, { histograms: method !== 'minmax', ...stage(ctx, 0, 0.75) });
  const warnings = [...(options.warnings ?? [])];
  const ranges = new Map<number, RangeChoice>();
  const sg = floatGraph.subgraphs[0]!;
  for (const [t, stats] of calib.stats) {
    if (stats.nonFinite > 0) warnings.push(`tensor "${sg.tensors[t]!.name}" had ${stats.nonFinite} non-finite value(s) during calibration; they were ignored`);
    ranges.set(t, chooseRange(stats, method, percentile));
  }
  if (options.randomCalibration) warnings.push('calibrated on random data: the ranges do not reflect real inputs, so the int8 model may be far less accurate than one calibrated on real samples');
  if (samples.count < 8) warnings.push(`only ${samples.count} calibration sample(s): ranges from so few samples may miss values real inputs reach`);

  // 3. The int8 graph.
  const t1 = performance.now();
  const keep = new Set(keepFloat ? support.unsupported.map((o) => o.layer) : []);
  const built = buildInt8Graph(source, ranges, { io, perChannelFullyConnected, keepFloat: keep, reuseInt8Weights });
  const bytes = writeTflite(built.graph);
  const graph = readTflite(bytes);
  const rewriteMs = performance.now() - t1;
  const quantizeMs = performance.now() - t0;

  // 4. What it cost, on held-out samples.
  const heldOut = options.heldOut ? toSource(options.heldOut) : undefined;
  let evaluation: Evaluation | { readonly skipped: string } = { skipped: 'no held-out samples were given' };
  if (heldOut && heldOut.count > 0) evaluation = await tryEvaluate(floatGraph, graph, heldOut, options.rounding ?? 'tflm', stage(ctx, 0.75, 1));
  if ('skipped' in evaluation && heldOut && heldOut.count > 0) warnings.push(`not evaluated: ${evaluation.skipped}`);

  const sourceBytes = options.sourceBytes ?? writeTflite(model).length;
  const arenaOf = (g: Graph, size: number): number => analyzeModel(g, size).arena.totalBytes;
  const calibrated = (t: number) => calib.stats.get(t);
  const report: QuantizationReport = {
    tool: 'tinyml-lens quantize',
    reportVersion: 1,
    source: { ...(options.sourcePath ? { path: options.sourcePath } : {}), kinds: source.kinds, notes: source.notes },
    options: {
      io,
      method,
      ...(method === 'percentile' ? { percentile } : {}),
      perChannelFullyConnected,
      keepFloat,
      reuseInt8Weights,
      calibrationSamples: samples.count,
      heldOutSamples: heldOut?.count ?? 0,
      randomCalibration: options.randomCalibration ?? false,
      ...(options.normalization ? { normalization: options.normalization } : {}),
    },
    warnings,
    notes: built.notes,
    size: { beforeBytes: sourceBytes, afterBytes: bytes.length, ratio: bytes.length / sourceBytes },
    arena: { beforeBytes: arenaOf(model, sourceBytes), afterBytes: arenaOf(graph, bytes.length) },
    keptFloat: keepFloat ? support.unsupported : [],
    ranges: built.params.map((p) => {
      const s = calibrated(p.tensor);
      return { ...p, ...(s && Number.isFinite(s.min) ? { calibratedMin: s.min, calibratedMax: s.max } : {}) };
    }),
    evaluation,
    timing: { calibrationMs: calib.ms, calibrationInferenceMs: calib.inferenceMs, rewriteMs, quantizeMs, evaluationMs: 'ms' in evaluation ? evaluation.ms : 0 },
  };
  ctx.progress?.(1, 'done');
  return { graph, bytes, report, floatGraph };
}
