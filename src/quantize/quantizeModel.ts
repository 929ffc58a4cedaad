/**
 * Full-integer post-training quantization of a float TFLite graph, the converter's way:
 * float graph (hybrid and FLOAT16 models dequantized first) → support check (every op the
 * int8 path cannot take is named before any work) → calibration in our runtime → ranges
 * (min/max, percentile or MSE; by default `auto`: each of them tried on validation samples
 * taken from the calibration data, the best kept, see autoSelect.ts) → int8 graph → .tflite
 * bytes, and a report measured on held-out samples. Pure apart from the time it takes:
 * nothing is read or written here.
 */
import { analyzeModel } from '../analysis/analyzeModel';
import { Cancelled } from '../errors';
import type { QuantizeNotice } from '../findings/notice';
import { englishNotices } from '../findings/renderNotice';
import type { Graph } from '../model/graph';
import { readModel, writeModel } from '../model/io';
import type { Rounding } from '../runtime/quant';
import { RuntimeError } from '../runtime/types';
import {
  candidateLabel,
  candidatesFor,
  CRITERION,
  isClassifier,
  pickBest,
  sameParams,
  scoreCandidate,
  validationIndices,
  type Candidate,
  type CandidateScore,
  type RangeSelection,
} from './autoSelect';
import { calibrate, toSource, type ProgressContext, type Samples } from './calibrate';
import { QuantizeError } from './errors';
import { skippedEvaluation, tryEvaluate, type Evaluation, type SkippedEvaluation } from './evaluate';
import { toFloatGraph } from './floatGraph';
import { hasControlFlow } from './graphEdit';
import { buildInt8Graph, type ActivationType, type IoType, type LayerPrecision } from './int8Graph';
import type { SymmetricWeights } from './params';
import { chooseRange, DEFAULT_RANGE_METHOD, mergeStats, type RangeChoice, type RangeMethodOption, type TensorStats } from './ranges';
import type { QuantizationReport } from './report';
import { checkSupport, describeOps } from './support';
import type { BatchRunner } from '../util/batch';

export interface QuantizeOptions {
  /** int8 inputs and outputs (the MCU default) or float ones behind QUANTIZE/DEQUANTIZE. */
  readonly io?: IoType;
  /**
   * int8 (default) or int16: whole-model 16x8, int16 symmetric activations with int8 weights
   * and int64 biases (the converter's EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8).
   */
  readonly activations?: ActivationType;
  /** Per-layer precision overrides (float graph operator index → int8, int16 or float); see Int8GraphOptions.precision. */
  readonly precision?: ReadonlyMap<number, LayerPrecision>;
  /** Default `auto`: min/max, percentile and MSE each tried on validation samples, the best kept. */
  readonly method?: RangeMethodOption;
  /** For `percentile` (and auto's percentile candidate): the share of values kept inside the range, default 99.99. */
  readonly percentile?: number;
  /**
   * FULLY_CONNECTED weights per output channel (axis 0) instead of per tensor. Unset: per
   * tensor for a fixed method, both tried by `auto`.
   */
  readonly perChannelFullyConnected?: boolean;
  /** Leave ops the int8 path cannot take in float (QUANTIZE/DEQUANTIZE around them) instead of failing. */
  readonly keepFloat?: boolean;
  /** Reuse the int8 weights of a hybrid source exactly where they fit (default true). */
  readonly reuseInt8Weights?: boolean;
  /** Samples the report measures quantization error on (not used for calibration). */
  readonly heldOut?: Samples;
  /** Rounding of our runtime's int8 kernels during `auto`'s validation and the evaluation (default tflm). */
  readonly rounding?: Rounding;
  /** Size of the source file, for the report (default: the size of the graph written back). */
  readonly sourceBytes?: number;
  readonly sourcePath?: string;
  /** Said in the report: the caller calibrated on random data, how images were normalized… */
  readonly randomCalibration?: boolean;
  readonly normalization?: { readonly name: string; readonly description: string };
  readonly warnings?: readonly QuantizeNotice[];
  /** Where calibration runs its samples: default this thread (the quantize job passes the thread pool). */
  readonly batch?: BatchRunner;
  /**
   * The statistics of an earlier call on the same model and calibration data (its
   * QuantizeResult.statistics): calibration and auto's range selection are skipped, so a new
   * precision assignment costs one build and the evaluation. `calibration` is then not read.
   */
  readonly statistics?: CalibrationStatistics;
}

/**
 * What calibration and range selection produced, kept in memory to quantize the same model
 * again (another precision assignment) without running them: the statistics of every calibration
 * sample, the recipe auto kept and how, and the weights already quantized.
 */
export interface CalibrationStatistics {
  readonly stats: ReadonlyMap<number, TensorStats>;
  readonly recipe: Candidate;
  readonly selection?: RangeSelection;
  readonly samples: number;
  /** What the calibration pass and the selection warned about (said again by each report). */
  readonly warnings: readonly QuantizeNotice[];
  readonly calibrationMs: number;
  readonly calibrationInferenceMs: number;
  readonly weightCache: Map<string, SymmetricWeights>;
}

export interface QuantizeResult {
  readonly graph: Graph;
  readonly bytes: Uint8Array;
  readonly report: QuantizationReport;
  /** The pure float graph the quantizer started from (hybrid/fp16 sources dequantized). */
  readonly floatGraph: Graph;
  /** Pass back as QuantizeOptions.statistics to quantize again without calibrating. */
  readonly statistics: CalibrationStatistics;
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
  const activations = options.activations ?? 'int8';
  const requestedMethod = options.method ?? DEFAULT_RANGE_METHOD;
  const percentile = options.percentile ?? DEFAULT_PERCENTILE;
  const keepFloat = options.keepFloat ?? false;
  const reuseInt8Weights = options.reuseInt8Weights ?? true;
  const rounding = options.rounding ?? 'tflm';
  const auto = requestedMethod === 'auto';
  if ((requestedMethod === 'percentile' || auto) && !(percentile > 50 && percentile <= 100))
    throw new QuantizeError('bad-calibration', `the percentile must be above 50 and at most 100, not ${percentile}`);

  // 1. A pure float graph, and what the int8 path cannot take: named before any work.
  const source = toFloatGraph(model);
  const floatGraph = source.graph;
  if (hasControlFlow(floatGraph))
    throw new QuantizeError('unsupported-model', 'the model uses control flow (WHILE, IF, CALL_ONCE…); the quantizer handles single-subgraph models only');
  const precision = options.precision ?? new Map<number, LayerPrecision>();
  const support = checkSupport(floatGraph, undefined, activations, precision);
  if (support.notRunnable.length > 0) {
    throw new QuantizeError('unsupported-model', `cannot calibrate: ${describeOps(support.notRunnable)}`, support.notRunnable);
  }
  if (support.unsupported.length > 0 && !keepFloat) {
    throw new QuantizeError(
      'unsupported-ops',
      `the ${precision.size > 0 ? 'mixed-precision' : activations === 'int16' ? '16x8' : 'int8'} path cannot quantize ${describeOps(support.unsupported)}. Use the keep-float option to leave these ops in float (QUANTIZE/DEQUANTIZE around them).`,
      support.unsupported,
    );
  }
  const heldOut = options.heldOut ? toSource(options.heldOut) : undefined;
  const evaluates = heldOut !== undefined && heldOut.count > 0;
  const reused = options.statistics;
  const calibrationEnd = reused ? 0 : auto ? (evaluates ? 0.6 : 0.75) : evaluates ? 0.75 : 1;
  const selectionEnd = reused ? 0 : auto ? (evaluates ? 0.8 : 1) : calibrationEnd;
  const rangesOf = (stats: ReadonlyMap<number, TensorStats>, c: Candidate): Map<number, RangeChoice> => {
    const out = new Map<number, RangeChoice>();
    for (const [t, s] of stats) out.set(t, chooseRange(s, c.method, c.percentile ?? percentile));
    return out;
  };
  const keep = new Set(keepFloat ? support.unsupported.map((o) => o.layer) : []);
  // Weights do not depend on the activation ranges: quantized once for all the graphs built here.
  const weightCache = options.statistics?.weightCache ?? new Map<string, SymmetricWeights>();
  const build = (ranges: ReadonlyMap<number, RangeChoice>, c: Candidate) =>
    buildInt8Graph(source, ranges, {
      io,
      ...(activations === 'int16' ? { activations } : {}),
      perChannelFullyConnected: c.perChannelFullyConnected,
      keepFloat: keep,
      ...(precision.size > 0 ? { precision } : {}),
      reuseInt8Weights,
      weightCache,
    });

  // 2. Calibration: one pass; with auto, validation samples kept apart (or, with fewer than 4
  // samples, every sample validates too). 3. auto's range selection. Both skipped when the
  // statistics of an earlier call are given.
  const gather = async (): Promise<CalibrationStatistics> => {
    const samples = toSource(calibration);
    if (samples.count === 0) throw new QuantizeError('bad-calibration', 'no calibration samples were given');

    const split = auto ? validationIndices(samples.count) : [];
    const inSample = auto && split.length === 0;
    const validation = new Set(inSample ? Array.from({ length: samples.count }, (_, i) => i) : split);
    const calib = await calibrate(floatGraph, samples, {
      histograms: requestedMethod !== 'minmax',
      ...(auto ? { validation } : {}),
      ...(options.batch ? { batch: options.batch } : {}),
      ...stage(ctx, 0, calibrationEnd),
    });
    const warnings: QuantizeNotice[] = [];
    const sg = floatGraph.subgraphs[0]!;
    // Statistics of every calibration sample (validation ones included).
    const allStats = new Map<number, TensorStats>();
    for (const t of new Set([...calib.stats.keys(), ...(calib.validation?.stats.keys() ?? [])])) {
      allStats.set(t, inSample ? calib.validation!.stats.get(t)! : mergeStats(calib.stats.get(t), calib.validation?.stats.get(t))!);
    }
    for (const [t, stats] of allStats) {
      if (stats.nonFinite > 0) warnings.push({ code: 'non-finite', params: { tensor: sg.tensors[t]!.name, values: stats.nonFinite } });
    }
    if (options.randomCalibration) warnings.push({ code: 'random-calibration', params: {} });
    if (samples.count < 8) warnings.push({ code: 'few-samples', params: { samples: samples.count } });
    // 3. auto: each candidate built from the other samples' statistics and run on the validation ones.
    let recipe: Candidate = auto
      ? { method: 'minmax', perChannelFullyConnected: options.perChannelFullyConnected ?? false }
      : {
          method: requestedMethod,
          ...(requestedMethod === 'percentile' ? { percentile } : {}),
          perChannelFullyConnected: options.perChannelFullyConnected ?? false,
        };
    let selection: RangeSelection | undefined;
    if (auto) {
      const ts = performance.now();
      const classifier = isClassifier(floatGraph);
      const candidates = candidatesFor(floatGraph, percentile, options.perChannelFullyConnected);
      const fitStats = inSample ? calib.validation!.stats : calib.stats;
      const tried: { readonly c: Candidate; readonly ranges: Map<number, RangeChoice>; readonly score: CandidateScore }[] = [];
      const progress = stage(ctx, calibrationEnd, selectionEnd);
      // Ranges by method: the per-channel FC candidates reuse those of the per-tensor ones.
      const rangesByMethod = new Map<string, Map<number, RangeChoice>>();
      for (const [k, c] of candidates.entries()) {
        if (ctx.shouldStop?.()) throw new Cancelled('quantization was cancelled');
        const label = candidateLabel(c);
        const methodKey = `${c.method} ${c.percentile ?? ''}`;
        const ranges = rangesByMethod.get(methodKey) ?? rangesOf(fitStats, c);
        rangesByMethod.set(methodKey, ranges);
        const twin = tried.find((x) => x.c.perChannelFullyConnected === c.perChannelFullyConnected && sameParams(x.ranges, ranges));
        let score: CandidateScore;
        if (twin) {
          const t = twin.score;
          score = {
            ...c,
            label,
            ...(t.sqnrDb !== undefined ? { sqnrDb: t.sqnrDb } : {}),
            ...(t.top1Agreement !== undefined ? { top1Agreement: t.top1Agreement } : {}),
            ...(t.skipped !== undefined ? { skipped: t.skipped } : {}),
            sameAs: t.sameAs ?? t.label,
          };
        } else {
          try {
            score = { ...c, label, ...scoreCandidate(build(ranges, c).graph, calib.validation!, rounding, classifier, ctx) };
          } catch (e) {
            if (!(e instanceof RuntimeError)) throw e;
            score = { ...c, label, skipped: `our runtime cannot run it: ${e.message}` };
          }
        }
        tried.push({ c, ranges, score });
        progress.progress?.((k + 1) / candidates.length, `range candidate ${k + 1} of ${candidates.length}: ${label}`);
      }
      const scores = tried.map((x) => x.score);
      const best = pickBest(scores, { classifier, samples: validation.size });
      if (best < 0) warnings.push({ code: 'auto-unmeasured', params: { reason: scores[0]?.skipped ?? null, kept: candidateLabel(recipe) } });
      else recipe = candidates[best]!;
      if (inSample) warnings.push({ code: 'auto-in-sample', params: { samples: samples.count } });
      selection = {
        chosen: candidateLabel(recipe),
        criterion: classifier ? CRITERION.classifier : CRITERION.plain,
        validationSamples: validation.size,
        inSample,
        classifier,
        candidates: scores,
        ms: performance.now() - ts,
      };
    }
    return {
      stats: allStats,
      recipe,
      ...(selection ? { selection } : {}),
      samples: samples.count,
      warnings,
      calibrationMs: calib.ms,
      calibrationInferenceMs: calib.inferenceMs,
      weightCache,
    };
  };
  const statistics = reused ?? (await gather());
  const { stats: allStats, recipe, selection } = statistics;
  const warnings: QuantizeNotice[] = [...(options.warnings ?? []), ...statistics.warnings];

  // 4. The int8 graph: the chosen recipe on the statistics of every calibration sample.
  const t1 = performance.now();
  const built = build(rangesOf(allStats, recipe), recipe);
  const bytes = writeModel(built.graph);
  const graph = readModel(bytes);
  const rewriteMs = performance.now() - t1;
  const quantizeMs = performance.now() - t0;

  // 5. What it cost, on held-out samples.
  let evaluation: Evaluation | SkippedEvaluation = skippedEvaluation({ code: 'evaluation-no-held-out', params: {} });
  if (evaluates) evaluation = await tryEvaluate(floatGraph, graph, heldOut, rounding, stage(ctx, selectionEnd, 1));
  if ('skipped' in evaluation && evaluates) warnings.push({ code: 'not-evaluated', params: { why: evaluation.skippedCode } });

  const sourceBytes = options.sourceBytes ?? writeModel(model).length;
  const arenaOf = (g: Graph, size: number): number => analyzeModel(g, size).arena.totalBytes;
  const report: QuantizationReport = {
    tool: 'tinyml-lens quantize',
    reportVersion: 2,
    source: { ...(options.sourcePath ? { path: options.sourcePath } : {}), kinds: source.kinds, notes: englishNotices(source.notes), noteCodes: source.notes },
    options: {
      io,
      ...(activations === 'int16' ? { activations: 'int16' as const } : {}),
      ...(precision.size > 0 ? { precision: [...precision].sort(([a], [b]) => a - b).map(([layer, p]) => ({ layer, precision: p })) } : {}),
      requestedMethod,
      method: recipe.method,
      ...(recipe.method === 'percentile' ? { percentile } : {}),
      perChannelFullyConnected: recipe.perChannelFullyConnected,
      keepFloat,
      reuseInt8Weights,
      calibrationSamples: statistics.samples,
      heldOutSamples: heldOut?.count ?? 0,
      randomCalibration: options.randomCalibration ?? false,
      ...(options.normalization ? { normalization: options.normalization } : {}),
    },
    ...(selection ? { selection } : {}),
    warnings: englishNotices(warnings),
    warningCodes: warnings,
    notes: englishNotices(built.notes),
    noteCodes: built.notes,
    size: { beforeBytes: sourceBytes, afterBytes: bytes.length, ratio: bytes.length / sourceBytes },
    arena: { beforeBytes: arenaOf(model, sourceBytes), afterBytes: arenaOf(graph, bytes.length) },
    keptFloat: keepFloat ? support.unsupported : [],
    ranges: built.params.map((p) => {
      const s = allStats.get(p.tensor);
      return { ...p, ...(s && Number.isFinite(s.min) ? { calibratedMin: s.min, calibratedMax: s.max } : {}) };
    }),
    evaluation,
    timing: {
      calibrationMs: reused ? 0 : statistics.calibrationMs,
      calibrationInferenceMs: reused ? 0 : statistics.calibrationInferenceMs,
      selectionMs: reused ? 0 : (selection?.ms ?? 0),
      rewriteMs,
      quantizeMs,
      evaluationMs: 'ms' in evaluation ? evaluation.ms : 0,
    },
  };
  ctx.progress?.(1, 'done');
  return { graph, bytes, report, floatGraph, statistics };
}
