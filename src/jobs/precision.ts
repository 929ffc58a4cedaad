/**
 * The precision job: measure a per-layer precision assignment of a float model (int8, int16
 * or float per layer) or, with `suggest`, search for one (quantize/precision/search.ts). The
 * calibration statistics of recent calls stay in this worker's memory (CalibrationCache, bounded
 * by bytes), keyed by the model file (path, size, mtime) and every quantize parameter that shapes them, so a new assignment costs
 * a build and an evaluation, not a calibration. Like the quantize job it writes nothing: the
 * caller writes the model and its report.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cancelled, errorCode, LensError } from '../errors';
import { readModel } from '../model/io';
import type { ProgressContext } from '../quantize/calibrate';
import { type Assessed, floatPoint, type LabeledAccuracy, pointOf, precisionSession, type PrecisionSetup } from '../quantize/precision/assess';
import { applyOverrides, overridesOf } from '../quantize/precision/choices';
import { markPareto } from '../quantize/precision/pareto';
import { meetsGoal, searchPrecision } from '../quantize/precision/search';
import type { CalibrationStatistics } from '../quantize/quantizeModel';
import { outputNames, reportNameFor, type QuantizationReport } from '../quantize/report';
import type { PrecisionParams, PrecisionPoint, PrecisionResult, QuantizeParams } from '../shared/protocol';
import { CALIBRATION_CACHE_BYTES, CalibrationCache, statisticsBytes } from './calibrationCache';
import { stopIfAsked, type JobContext } from './context';
import { evaluateModels } from './evaluate';
import { quantizeInputs } from './quantize';

export const PRECISION_CANCELLED = 'the precision job was cancelled; nothing was written';

/** A search's time limit when the caller gives none: long enough for a few rounds on a small model. */
export const PRECISION_SEARCH_MS = 60_000;

const cache = new CalibrationCache<CalibrationStatistics>(CALIBRATION_CACHE_BYTES, statisticsBytes);

/** The model file as it is now and every parameter the statistics or auto's recipe depend on. */
export function calibrationKey(q: QuantizeParams): string {
  const path = resolve(q.modelPath);
  const st = statSync(path);
  const { precision: _precision, outputPath: _outputPath, threads: _threads, modelPath: _modelPath, ...fields } = q;
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify([path, st.size, st.mtimeMs, sorted]);
}

/** Forgets every kept calibration (tests; a worker that needs the memory back). */
export function clearPrecisionCache(): void {
  cache.clear();
}

export async function precisionJob(params: PrecisionParams, ctx: JobContext): Promise<PrecisionResult> {
  try {
    stopIfAsked(ctx, PRECISION_CANCELLED);
    return await precision(params, ctx);
  } catch (e) {
    if (errorCode(e) === 'cancelled') throw new Cancelled(PRECISION_CANCELLED);
    throw e;
  }
}

async function precision(params: PrecisionParams, ctx: JobContext): Promise<PrecisionResult> {
  const q = params.quantize;
  if (params.suggest?.kind === 'accuracy' && params.data === undefined)
    throw new LensError('usage', 'a goal in accuracy points needs labeled data (data): without it, give a target SQNR');
  if (params.suggest?.kind === 'sqnr' && !Number.isFinite(params.suggest.db))
    throw new LensError('usage', `the target SQNR must be a number of dB, not ${params.suggest.db}`);
  if (params.suggest?.kind === 'accuracy' && !(params.suggest.points >= 0))
    throw new LensError('usage', `the accuracy goal must be 0 or more points, not ${params.suggest.points}`);
  const timeLimitMs = params.timeLimitMs ?? PRECISION_SEARCH_MS;
  if (!(timeLimitMs > 0)) throw new LensError('usage', `the time limit must be a positive number of ms, not ${timeLimitMs}`);
  const inputs = quantizeInputs(q);
  const key = calibrationKey(q);
  const reused = cache.get(key);
  const quiet: ProgressContext = { shouldStop: ctx.shouldStop };

  let floatTop1: { top1: number; samples: number } | undefined;
  const accuracy =
    params.data === undefined
      ? undefined
      : async (bytes: Uint8Array, c: ProgressContext): Promise<LabeledAccuracy> => {
          const data = { data: params.data!, ...(params.labels !== undefined ? { labels: params.labels } : {}) };
          const common = { ...data, rounding: q.rounding ?? 'tflm', ...(q.normalization !== undefined ? { normalization: q.normalization } : {}) };
          const job = { shouldStop: c.shouldStop ?? (() => false), progress: () => undefined };
          const report = await evaluateModels(
            [
              { path: q.modelPath, graph: inputs.model, bytes: inputs.fileBytes },
              { path: 'quantized', graph: readModel(bytes), bytes },
            ],
            { ...common, ...(q.threads !== undefined ? { threads: q.threads } : {}) },
            job,
          );
          const [f, m] = report.models;
          if (f?.top1 == null || m?.top1 == null)
            throw new LensError('bad-dataset', `${q.modelPath} is not a classifier: accuracy on labeled data needs class scores`);
          floatTop1 = { top1: f.top1, samples: report.samples };
          return { top1: m.top1, floatTop1: f.top1, samples: report.samples };
        };
  const setup: PrecisionSetup = {
    model: inputs.model,
    fileBytes: inputs.fileBytes.length,
    calibration: inputs.calibration,
    options: inputs.options,
    board: params.board,
    ...(accuracy ? { accuracy } : {}),
  };
  const session = precisionSession(setup, reused);
  const start = applyOverrides(session.base, session.choices, params.precision, session.opNames);
  // The first assessment calibrates (the long part, with progress); the others are quiet.
  const assess = (a: Parameters<typeof session.assess>[0]): Promise<Assessed> => {
    const first = session.statistics() === undefined;
    return session.assess(a, first ? { shouldStop: ctx.shouldStop, progress: (f, m) => ctx.progress(f * 0.5, m) } : quiet).then((r) => {
      if (first) cache.set(key, r.result.statistics);
      return r;
    });
  };

  let assessed: Assessed;
  let explored: (PrecisionPoint & { readonly pareto: boolean })[] | undefined;
  let search: PrecisionResult['search'];
  if (!params.suggest) {
    assessed = await assess(start);
  } else {
    const goal = params.suggest;
    let last: { key: readonly string[]; assessed: Assessed } | undefined;
    const found = await searchPrecision(
      start,
      session.choices,
      goal,
      async (a) => {
        const r = await assess(a);
        last = { key: [...a], assessed: r };
        return pointOf(r.assessment);
      },
      { timeLimitMs, shouldStop: ctx.shouldStop, progress: (f, m) => ctx.progress(0.5 + f * 0.5, m) },
    );
    const chosen = found.explored[found.chosen]!;
    // The search keeps points, not models: the chosen one is built again unless it was the last.
    assessed = last && last.key.join() === chosen.assignment.join() ? last.assessed : await assess(chosen.assignment);
    explored = markPareto(found.explored.map((e) => e.point));
    search = {
      goal,
      reached: meetsGoal(chosen.point, goal),
      stop: found.stop,
      promotions: overridesOf(chosen.assignment, start).length,
      promotable: start.filter((p, layer) => session.choices[layer]!.at(-1) !== p).length,
      ms: found.ms,
    };
  }
  const outputPath = q.outputPath ?? outputNames(q.modelPath, q.activations, assessed.assessment.precision.length > 0).model;
  const report: QuantizationReport = { ...assessed.result.report, output: { path: outputPath } };
  ctx.progress(1, 'done');
  return {
    assessment: assessed.assessment,
    float: floatPoint(setup, floatTop1 ? { top1: floatTop1.top1, floatTop1: floatTop1.top1, samples: floatTop1.samples } : undefined),
    ...(explored ? { explored } : {}),
    ...(search ? { search } : {}),
    reusedCalibration: reused !== undefined,
    bytes: assessed.result.bytes,
    report,
    outputPath,
    reportPath: reportNameFor(outputPath),
  };
}
