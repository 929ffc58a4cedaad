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
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { Cancelled } from '../errors';
import type { QuantizedKind, QuantizeNotice } from '../findings/notice';
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
  foldPlan,
  MAX_FOLD_SAMPLES,
  pooledScore,
  scoreOn,
  type Candidate,
  type CandidateScore,
  type FoldScore,
  type RangeSelection,
} from './autoSelect';
import { calibrate, toSource, type ProgressContext, type Samples } from './calibrate';
import { biasCorrect } from './ptq/biasCorrection';
import { decide, ptqReport, type PtqApplied, type PtqDecision } from './ptq/decide';
import { roundWeights } from './ptq/weightRounding';
import { inputRanges, inputRangeWarnings, type InputExpectation, type InputRange } from './ptq/inputRange';
import { QuantizeError } from './errors';
import { tryEvaluate } from './evaluate';
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
  /**
   * The TFLM kernels the model is for (a board's): layers whose per-channel weights they refuse
   * get per-tensor ones (Int8GraphOptions.kernels; CMSIS-NN's 16x8 FULLY_CONNECTED). Default: the
   * reference kernels, which take both.
   */
  readonly kernels?: KernelLibraryId;
  /** Leave ops the int8 path cannot take in float (QUANTIZE/DEQUANTIZE around them) instead of failing. */
  readonly keepFloat?: boolean;
  /** Reuse the int8 weights of a hybrid source exactly where they fit (default true). */
  readonly reuseInt8Weights?: boolean;
  /**
   * Evaluation data: samples the report measures quantization error on (never calibrated on).
   * Without them the report measures on calibration samples and says so.
   */
  readonly heldOut?: Samples;
  /**
   * Empirical per-channel bias correction (ptq/biasCorrection.ts). `auto`: kept when it wins
   * across the two folds of the calibration data (ptq/decide.ts); true: always; false: never.
   * Default DEFAULT_BIAS_CORRECTION.
   */
  readonly biasCorrection?: boolean | 'auto';
  /**
   * Data-driven rounding of conv/FC weights (ptq/weightRounding.ts): `auto`, true or false, as
   * for biasCorrection. Default DEFAULT_WEIGHT_ROUNDING.
   */
  readonly weightRounding?: boolean | 'auto';
  /** Time each PTQ method may take per model it fits (default DEFAULT_PTQ_TIME_LIMIT_MS); layers beyond it keep their plain form. */
  readonly ptqTimeLimitMs?: number;
  /** What each model input is expected to hold (an int8 sibling's input range): calibration data far from it is warned about. */
  readonly inputExpectation?: readonly (InputExpectation | undefined)[];
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
   * QuantizeResult.statistics): calibration, auto's range selection and the PTQ decisions are
   * skipped, so a new precision assignment costs one build, the PTQ methods kept, and the
   * evaluation. `calibration` is then not read.
   */
  readonly statistics?: CalibrationStatistics;
}

/**
 * What calibration, range selection and the PTQ decisions produced, kept in memory to quantize
 * the same model again (another precision assignment) without running them.
 */
export interface CalibrationStatistics {
  readonly stats: ReadonlyMap<number, TensorStats>;
  readonly recipe: Candidate;
  readonly selection?: RangeSelection;
  readonly samples: number;
  /** What the calibration pass and the selection warned about (said again by each report). */
  readonly warnings: readonly QuantizeNotice[];
  readonly inputRanges: readonly InputRange[];
  /** Whether each PTQ method is applied, and why. */
  readonly decisions: ReadonlyMap<PtqMethodName, PtqDecision>;
  /** The calibration samples the PTQ methods of a written model are fitted on (empty when none applies). */
  readonly fitInputs: readonly (readonly Uint8Array[])[];
  /** The calibration samples the report measures on when no evaluation data is given. */
  readonly evaluationSamples: readonly (readonly Uint8Array[])[];
  readonly calibrationMs: number;
  readonly calibrationInferenceMs: number;
  readonly decisionMs: number;
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

/** A PTQ method as the flow runs it: on a graph, fitted on some inputs. */
type PtqMethodName = 'rounding' | 'bias';

interface PtqMethod {
  readonly name: PtqMethodName;
  readonly option: boolean | 'auto';
  readonly apply: (graph: Graph, inputs: readonly (readonly Uint8Array[])[], ctx: ProgressContext) => PtqApplied;
}

export const DEFAULT_PTQ_TIME_LIMIT_MS = 20_000;
/** Calibration samples the PTQ methods of the model written are fitted on, at most. */
export const MAX_PTQ_FIT_SAMPLES = 128;
/**
 * Weight rounding is on by default, not decided per model across the folds: fitted on half of
 * the kept samples its gain is far noisier than fitted on all of them (on vww_96 the folds
 * ranked it 3 dB worse where the held-out photos found it 4.9 dB better), so the folds would
 * mostly measure that noise. On every bench pair, on data never seen, it gains on average
 * (docs/quantization.md).
 */
export const DEFAULT_WEIGHT_ROUNDING: boolean | 'auto' = true;
/**
 * Bias correction is off by default: across the folds it often looks like a gain that unseen
 * data do not confirm (vww_96: +4.4 dB across the folds, −2.8 dB on the held-out photos), and on
 * a MobileNet it costs one int8 pass per layer (13 s for vww_96). `auto` decides per model
 * across the folds; `true` always applies it.
 */
export const DEFAULT_BIAS_CORRECTION: boolean | 'auto' = false;

/** Calibration samples the report measures on when no evaluation data is given. */
export const MAX_CALIBRATION_EVALUATION = 20;

/** Up to `n` of `count` indices, spread evenly. */
function spreadIndices(count: number, n: number): number[] {
  const v = Math.min(n, count);
  return Array.from({ length: v }, (_, k) => Math.floor(((k + 0.5) * count) / v));
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
  const hasEvalData = heldOut !== undefined && heldOut.count > 0;
  const biasOption = options.biasCorrection ?? DEFAULT_BIAS_CORRECTION;
  const reused = options.statistics;
  const rangesOf = (stats: ReadonlyMap<number, TensorStats>, c: Candidate): Map<number, RangeChoice> => {
    const out = new Map<number, RangeChoice>();
    for (const [t, s] of stats) out.set(t, chooseRange(s, c.method, c.percentile ?? percentile));
    return out;
  };
  const keepFloatLayers = new Set(keepFloat ? support.unsupported.map((o) => o.layer) : []);
  // Weights do not depend on the activation ranges: quantized once for all the graphs built here.
  const weightCache = reused?.weightCache ?? new Map<string, SymmetricWeights>();
  const build = (ranges: ReadonlyMap<number, RangeChoice>, c: Candidate) =>
    buildInt8Graph(source, ranges, {
      io,
      ...(activations === 'int16' ? { activations } : {}),
      ...(precision.size > 0 ? { precision } : {}),
      perChannelFullyConnected: c.perChannelFullyConnected,
      ...(options.kernels ? { kernels: options.kernels } : {}),
      keepFloat: keepFloatLayers,
      reuseInt8Weights,
      weightCache,
    });
  const classifier = isClassifier(floatGraph);
  const methods: readonly PtqMethod[] = [
    {
      name: 'rounding',
      option: options.weightRounding ?? DEFAULT_WEIGHT_ROUNDING,
      apply: (g, inputs, c) => {
        const r = roundWeights(floatGraph, g, inputs, { rounding, timeLimitMs: options.ptqTimeLimitMs ?? DEFAULT_PTQ_TIME_LIMIT_MS, ...c });
        return { graph: r.graph, changed: r.layers, ms: r.ms, truncated: r.truncated, detail: r.flipped };
      },
    },
    {
      name: 'bias',
      option: biasOption,
      apply: (g, inputs, c) => {
        const r = biasCorrect(floatGraph, g, inputs, { rounding, timeLimitMs: options.ptqTimeLimitMs ?? DEFAULT_PTQ_TIME_LIMIT_MS, ...c });
        return { graph: r.graph, changed: r.layers, ms: r.ms, truncated: r.truncated };
      },
    },
  ];
  const decides = auto || biasOption === 'auto' || (options.weightRounding ?? DEFAULT_WEIGHT_ROUNDING) === 'auto';
  const calibrationEnd = reused ? 0 : decides ? 0.6 : 0.75;
  const selectionEnd = reused ? 0 : auto ? 0.75 : calibrationEnd;
  const ptqEnd = reused ? 0 : 0.85;

  // 2.–3b. Calibration, auto's range selection and the PTQ decisions: skipped when the
  // statistics of an earlier call are given.
  const gather = async (): Promise<CalibrationStatistics> => {
    const samples = toSource(calibration);
    if (samples.count === 0) throw new QuantizeError('bad-calibration', 'no calibration samples were given');

    // 2. Calibration: one pass over every sample. With 4 samples or more, the two halves of the
    // data are two folds with statistics of their own (merged exactly for the model written), and
    // up to 16 samples of each are kept whole: auto's candidates and the PTQ methods are fitted on
    // one fold and measured on the other. Below 4, auto compares its candidates in sample.
    const folds = decides ? foldPlan(samples.count) : undefined;
    const inSample = auto && folds === undefined;
    const validation = new Set(
      folds
        ? Array.from({ length: samples.count }, (_, i) => i).filter((i) => folds.foldOf(i) === 1)
        : inSample
          ? Array.from({ length: samples.count }, (_, i) => i)
          : [],
    );
    const fitsAlways = biasOption === true || (options.weightRounding ?? DEFAULT_WEIGHT_ROUNDING) === true;
    const keep = new Set(folds ? folds.kept : fitsAlways ? spreadIndices(samples.count, MAX_FOLD_SAMPLES * 2) : [...validation]);
    const calib = await calibrate(floatGraph, samples, {
      histograms: requestedMethod !== 'minmax',
      ...(validation.size > 0 ? { validation } : {}),
      keep,
      ...(options.batch ? { batch: options.batch } : {}),
      ...stage(ctx, 0, calibrationEnd),
    });
    const warnings: QuantizeNotice[] = [];
    const sg = floatGraph.subgraphs[0]!;
    // Statistics of every calibration sample (both folds).
    const allStats = new Map<number, TensorStats>();
    for (const t of new Set([...calib.stats.keys(), ...(calib.validation?.stats.keys() ?? [])])) {
      allStats.set(t, inSample ? calib.validation!.stats.get(t)! : mergeStats(calib.stats.get(t), calib.validation?.stats.get(t))!);
    }
    for (const [t, stats] of allStats) {
      if (stats.nonFinite > 0) warnings.push({ code: 'non-finite', params: { tensor: sg.tensors[t]!.name, values: stats.nonFinite } });
    }
    if (options.randomCalibration) warnings.push({ code: 'random-calibration', params: {} });
    if (samples.count < 8) warnings.push({ code: 'few-samples', params: { samples: samples.count } });
    const ranges = inputRanges(floatGraph, [calib.stats, ...(calib.validation ? [calib.validation.stats] : [])]);
    ctx.progress?.(calibrationEnd, `calibration inputs: ${ranges.map((r) => `${r.input} in [${r.min.toPrecision(4)}, ${r.max.toPrecision(4)}]`).join(', ')}`);
    warnings.push(...inputRangeWarnings(ranges, options.inputExpectation));
    // The folds: statistics fitted on, and the kept samples of the other fold measured on.
    const foldA = folds ? calib.kept.filter((k) => folds.foldOf(k.index) === 0) : [];
    const foldB = folds ? calib.kept.filter((k) => folds.foldOf(k.index) === 1) : [];
    const foldStats = folds ? [calib.stats, calib.validation!.stats] : [];
    const measuredOn = [foldB, foldA];

    // 3. auto: each candidate built from one fold's statistics and run on the other fold's samples.
    let recipe: Candidate = auto
      ? { method: 'minmax', perChannelFullyConnected: options.perChannelFullyConnected ?? false }
      : {
          method: requestedMethod,
          ...(requestedMethod === 'percentile' ? { percentile } : {}),
          perChannelFullyConnected: options.perChannelFullyConnected ?? false,
        };
    let selection: RangeSelection | undefined;
    let recipeScore: { readonly folds: readonly FoldScore[] } | undefined;
    if (auto) {
      const ts = performance.now();
      const candidates = candidatesFor(floatGraph, percentile, options.perChannelFullyConnected);
      const fits = inSample ? [calib.validation!.stats] : foldStats;
      const scoredOn = inSample ? [calib.kept] : measuredOn;
      const tried: { readonly c: Candidate; readonly ranges: Map<number, RangeChoice>[]; readonly score: CandidateScore; readonly folds?: FoldScore[] }[] = [];
      const progress = stage(ctx, calibrationEnd, selectionEnd);
      // Ranges by method: the per-channel FC candidates reuse those of the per-tensor ones.
      const rangesByMethod = new Map<string, Map<number, RangeChoice>[]>();
      for (const [k, c] of candidates.entries()) {
        if (ctx.shouldStop?.()) throw new Cancelled('quantization was cancelled');
        const label = candidateLabel(c);
        const methodKey = `${c.method} ${c.percentile ?? ''}`;
        const ranges = rangesByMethod.get(methodKey) ?? fits.map((st) => rangesOf(st, c));
        rangesByMethod.set(methodKey, ranges);
        const twin = tried.find((x) => x.c.perChannelFullyConnected === c.perChannelFullyConnected && x.ranges.every((r, i) => sameParams(r, ranges[i]!)));
        let score: CandidateScore;
        let foldScores: FoldScore[] | undefined;
        if (twin) {
          const t = twin.score;
          foldScores = twin.folds;
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
            foldScores = ranges.map((r, i) => scoreOn(build(r, c).graph, scoredOn[i]!, rounding, classifier, ctx));
            score = { ...c, label, ...pooledScore(foldScores, classifier) };
          } catch (e) {
            if (!(e instanceof RuntimeError)) throw e;
            score = { ...c, label, skipped: `our runtime cannot run it: ${e.message}` };
          }
        }
        tried.push({ c, ranges, score, ...(foldScores ? { folds: foldScores } : {}) });
        progress.progress?.((k + 1) / candidates.length, `range candidate ${k + 1} of ${candidates.length}: ${label}`);
      }
      const scores = tried.map((x) => x.score);
      const validated = scoredOn.reduce((n, f) => n + f.length, 0);
      const best = pickBest(scores, { classifier, samples: validated });
      if (best < 0) warnings.push({ code: 'auto-unmeasured', params: { reason: scores[0]?.skipped ?? null, kept: candidateLabel(recipe) } });
      else {
        recipe = candidates[best]!;
        const f = tried[best]!.folds;
        if (f && !inSample) recipeScore = { folds: f };
      }
      if (inSample) warnings.push({ code: 'auto-in-sample', params: { samples: samples.count } });
      selection = {
        chosen: candidateLabel(recipe),
        criterion: classifier ? CRITERION.classifier : CRITERION.plain,
        validationSamples: validated,
        inSample,
        classifier,
        candidates: scores,
        ms: performance.now() - ts,
      };
    }

    // 3b. PTQ methods the converter lacks, in order (weight rounding, then bias correction on
    // top of it), each kept where it wins across the folds: fitted on one fold's kept samples,
    // measured on the other's, against the model without it (ptq/decide.ts).
    const tp = performance.now();
    const decisions = new Map<PtqMethod['name'], PtqDecision>();
    const fitOn = [foldA, foldB];
    let current: Graph[] | undefined;
    let currentScore: readonly FoldScore[] | undefined;
    for (const [m, method] of methods.entries()) {
      if (method.option !== 'auto' || !folds) {
        decisions.set(method.name, { applied: method.option === true, by: method.option === 'auto' ? 'not-measured' : 'option' });
        // A method that is on regardless is part of what the later ones are measured against.
        if (method.option !== true || !folds || !methods.slice(m + 1).some((x) => x.option === 'auto')) continue;
      }
      const span = stage(
        ctx,
        selectionEnd + ((ptqEnd - selectionEnd) * m) / methods.length,
        selectionEnd + ((ptqEnd - selectionEnd) * (m + 1)) / methods.length,
      );
      current ??= foldStats.map((st) => build(rangesOf(st, recipe), recipe).graph);
      if (method.option === true) {
        current = current.map(
          (g, i) =>
            method.apply(
              g,
              fitOn[i]!.map((k) => k.inputs),
              stage(span, i / 2, (i + 1) / 2),
            ).graph,
        );
        currentScore = current.map((g, i) => scoreOn(g, measuredOn[i]!, rounding, classifier, ctx));
        continue;
      }
      currentScore ??= recipeScore?.folds ?? current.map((g, i) => scoreOn(g, measuredOn[i]!, rounding, classifier, ctx));
      const tried = current.map((g, i) =>
        method.apply(
          g,
          fitOn[i]!.map((k) => k.inputs),
          stage(span, i / 2, (i + 1) / 2),
        ),
      );
      const triedScore = tried.map((r, i) => (r.changed > 0 ? scoreOn(r.graph, measuredOn[i]!, rounding, classifier, ctx) : currentScore![i]!));
      const d = decide(pooledScore(currentScore, classifier), pooledScore(triedScore, classifier), classifier);
      decisions.set(method.name, d);
      if (d.applied) {
        current = tried.map((r) => r.graph);
        currentScore = triedScore;
      }
    }

    // The model written is fitted on up to MAX_PTQ_FIT_SAMPLES calibration samples, not only the
    // kept ones: the rounding's Gram matrices of late, low-resolution layers need the rows.
    const fitInputs: (readonly Uint8Array[])[] = [];
    if (methods.some((x) => decisions.get(x.name)?.applied))
      for (const i of spreadIndices(samples.count, MAX_PTQ_FIT_SAMPLES)) fitInputs.push(await samples.sample(i));
    const evaluationSamples: (readonly Uint8Array[])[] = [];
    if (!hasEvalData) for (const i of spreadIndices(samples.count, MAX_CALIBRATION_EVALUATION)) evaluationSamples.push(await samples.sample(i));
    return {
      stats: allStats,
      recipe,
      ...(selection ? { selection } : {}),
      samples: samples.count,
      warnings,
      inputRanges: ranges,
      decisions,
      fitInputs,
      evaluationSamples,
      calibrationMs: calib.ms,
      calibrationInferenceMs: calib.inferenceMs,
      decisionMs: performance.now() - tp,
      weightCache,
    };
  };
  const statistics = reused ?? (await gather());
  const { stats: allStats, recipe, selection, decisions, fitInputs } = statistics;
  const warnings: QuantizeNotice[] = [...(options.warnings ?? []), ...statistics.warnings];

  // 4. The int8 graph: the chosen recipe on the statistics of every calibration sample, then the
  // PTQ methods kept, fitted on up to MAX_PTQ_FIT_SAMPLES calibration samples.
  const t1 = performance.now();
  const built = build(rangesOf(allStats, recipe), recipe);
  let graph = readModel(writeModel(built.graph));
  const notes: QuantizeNotice[] = [...built.notes];
  const applied: Partial<Record<PtqMethod['name'], PtqApplied>> = {};
  for (const [m, method] of methods.entries()) {
    if (!decisions.get(method.name)?.applied) continue;
    const r = method.apply(graph, fitInputs, stage(ctx, ptqEnd + (0.05 * m) / methods.length, ptqEnd + (0.05 * (m + 1)) / methods.length));
    graph = r.graph;
    applied[method.name] = r;
  }
  if (applied.rounding && applied.rounding.changed > 0)
    notes.push({ code: 'weights-rounded', params: { layers: applied.rounding.changed, weights: applied.rounding.detail ?? 0, samples: fitInputs.length } });
  if (applied.bias && applied.bias.changed > 0) notes.push({ code: 'bias-corrected', params: { layers: applied.bias.changed, samples: fitInputs.length } });
  const ptqMs = (reused ? 0 : statistics.decisionMs) + (performance.now() - t1);
  const bytes = writeModel(graph);
  const rewriteMs = performance.now() - t1;
  const quantizeMs = performance.now() - t0;

  // 5. What it cost: on the evaluation data when given, else on calibration samples (said plainly).
  const evaluationSet = hasEvalData ? heldOut : toSource(statistics.evaluationSamples);
  if (!hasEvalData) warnings.push({ code: 'evaluation-on-calibration', params: { samples: evaluationSet.count } });
  // Named as the file is (jobs/quantize.ts): mixed when some layer differs from the default.
  const kind: QuantizedKind = [...precision.values()].some((p) => p !== activations) ? 'mixed' : activations === 'int16' ? '16x8' : 'int8';
  const evaluation = await tryEvaluate(floatGraph, graph, evaluationSet, rounding, stage(ctx, 0.9, 1), kind);
  if ('skipped' in evaluation) warnings.push({ code: 'not-evaluated', params: { why: evaluation.skippedCode } });

  const sourceBytes = options.sourceBytes ?? writeModel(model).length;
  const arenaOf = (g: Graph, size: number): number => analyzeModel(g, size).arena.totalBytes;
  const report: QuantizationReport = {
    tool: 'tinyml-lens quantize',
    reportVersion: 2,
    source: { ...(options.sourcePath ? { path: options.sourcePath } : {}), kinds: source.kinds, notes: englishNotices(source.notes), noteCodes: source.notes },
    options: {
      io,
      ...(activations === 'int16' ? { activations: 'int16' as const } : {}),
      requestedMethod,
      method: recipe.method,
      ...(recipe.method === 'percentile' ? { percentile } : {}),
      perChannelFullyConnected: recipe.perChannelFullyConnected,
      keepFloat,
      reuseInt8Weights,
      ...(precision.size > 0 ? { precision: [...precision].sort(([a], [b]) => a - b).map(([layer, p]) => ({ layer, precision: p })) } : {}),
      calibrationSamples: statistics.samples,
      heldOutSamples: hasEvalData ? heldOut.count : 0,
      evaluatedOn: hasEvalData ? 'evaluation-data' : 'calibration-data',
      inputRanges: statistics.inputRanges,
      weightRounding: ptqReport(decisions.get('rounding')!, applied.rounding),
      biasCorrection: ptqReport(decisions.get('bias')!, applied.bias),
      randomCalibration: options.randomCalibration ?? false,
      ...(options.normalization ? { normalization: options.normalization } : {}),
    },
    ...(selection ? { selection } : {}),
    warnings: englishNotices(warnings),
    warningCodes: warnings,
    notes: englishNotices(notes),
    noteCodes: notes,
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
      ptqMs,
      rewriteMs,
      quantizeMs,
      evaluationMs: 'ms' in evaluation ? evaluation.ms : 0,
    },
  };
  ctx.progress?.(1, 'done');
  return { graph, bytes, report, floatGraph, statistics };
}
