/**
 * The evaluate job: every model's accuracy on a labeled set. The set is a listing of names; the
 * samples run on the batch pool (util/batch.ts, worker/pool.ts), each thread reading its own
 * chunk's files by path, so memory holds a few chunks whatever the size of the set. Each chunk
 * becomes a tally (evaluate/metrics.ts) and the tallies merge in chunk order, so every number of
 * threads gives the report of one.
 */
import { classOrder, displayPath, listLabeledSet, readLabelsFile } from '../evaluate/dataset';
import { emptyTally, type EvaluationReport, type EvaluationTally, addOutcome, evaluationReport, mergeTallies } from '../evaluate/metrics';
import { modelLabels } from '../evaluate/modelLabels';
import { type EvaluatedModel, type EvaluationShape, evaluateSample, evaluationShape } from '../evaluate/sampleStep';
import { LensError } from '../errors';
import type { Graph } from '../model/graph';
import { readModel } from '../model/io';
import { Interpreter } from '../runtime/interpreter';
import type { EvaluateParams } from '../shared/protocol';
import { type BatchTask, shareBytes } from '../util/batch';
import { poolRunner } from '../worker/pool';
import { type JobContext, stopIfAsked } from './context';
import { checkRunnable, normalizationNamed, readModelFile } from './load';

/** What an evaluation thread starts from: every model's bytes, once, and the listing of the set. */
export interface EvaluateSetup {
  readonly models: readonly { readonly path: string; readonly bytes: Uint8Array }[];
  /** Sample files, in the set's order. */
  readonly files: readonly string[];
  /** Each sample's class index (-1 when the models are not classifiers). */
  readonly labels: Int32Array;
  /** The folder changed samples are shown relative to (dataset.ts displayPath). */
  readonly root: string;
  readonly shape: EvaluationShape;
  readonly rounding: EvaluateParams['rounding'];
  readonly normalization?: string;
}

/**
 * The evaluation as batch work: each thread builds one interpreter per model, then folds a
 * chunk of samples (read from their paths, one at a time) into a fresh tally.
 */
export const evaluateTask: BatchTask<EvaluateSetup, never, EvaluationTally> = {
  name: 'evaluate',
  chunkSize: 4,
  prepare(setup) {
    const models: EvaluatedModel[] = setup.models.map((m) => ({
      path: m.path,
      interpreter: new Interpreter(readModel(m.bytes), { rounding: setup.rounding }),
    }));
    const normalization = normalizationNamed(setup.normalization);
    const root = { root: setup.root };
    return (chunk, ctx) => {
      const tally = emptyTally(models.length, setup.shape.classes, setup.shape.outputs);
      for (let index = chunk.start; index < chunk.start + chunk.count; index++) {
        stopIfAsked(ctx);
        const file = setup.files[index]!;
        const outcome = evaluateSample(models, setup.shape, { index, file, label: setup.labels[index]! }, normalization, ctx.shouldStop);
        addOutcome(tally, { ...outcome, file: displayPath(root, file) });
        ctx.sampleDone();
      }
      return tally;
    };
  },
};

export async function evaluateJob(params: EvaluateParams, ctx: JobContext): Promise<EvaluationReport> {
  if (params.paths.length === 0) throw new LensError('usage', 'evaluate needs at least one model');
  normalizationNamed(params.normalization);
  return evaluateModels(
    params.paths.map((path) => ({ path, ...readModelFile(path) })),
    params,
    ctx,
  );
}

/** The evaluation of models already in memory (`paths` names them in the report); the precision job's quantized models have no file yet. */
export async function evaluateModels(
  files: readonly { readonly path: string; readonly graph: Graph; readonly bytes: Uint8Array }[],
  params: Omit<EvaluateParams, 'paths'>,
  ctx: JobContext,
): Promise<EvaluationReport> {
  // Checked here, once, before any thread starts: a bad pair of models is one error, not one per thread.
  const shape = evaluationShape(
    files.map((f) => ({ path: f.path, interpreter: new Interpreter(checkRunnable(f.graph, f.path), { rounding: params.rounding }) })),
  );
  const set = listLabeledSet(params.data);
  let classes: string[] = [];
  if (shape.classes > 0) {
    const own = params.labels === undefined ? modelLabels(files[0]!.bytes) : undefined;
    const given = params.labels !== undefined ? readLabelsFile(params.labels) : own;
    classes = classOrder(set, given, shape.classes, params.labels ?? `the labels of ${files[0]!.path}`);
  }
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  stopIfAsked(ctx);
  let tally = emptyTally(files.length, shape.classes, shape.outputs);
  const n = set.samples.length;
  await poolRunner(params.threads !== undefined ? { threads: params.threads } : {})(evaluateTask, {
    setup: {
      models: files.map((f) => ({ path: f.path, bytes: shareBytes(f.bytes) })),
      files: set.samples.map((s) => s.file),
      labels: Int32Array.from(set.samples, (s) => classIndex.get(s.label) ?? -1),
      root: set.root,
      shape,
      rounding: params.rounding,
      ...(params.normalization !== undefined ? { normalization: params.normalization } : {}),
    },
    count: n,
    merge: (partial) => {
      tally = mergeTallies(tally, partial);
    },
    shouldStop: ctx.shouldStop,
    progress: (done) => ctx.progress(done / n, `sample ${done} of ${n}`),
  });
  return evaluationReport(
    tally,
    classes,
    files.map((f) => f.path),
  );
}
