/**
 * The evaluate job: every model's accuracy on a labeled set, one sample at a time (the set is a
 * listing of names; each sample is read, run through every model and reduced to the tally
 * before the next), with progress per sample and a stop between samples.
 */
import { classOrder, displayPath, listLabeledSet, readLabelsFile } from '../evaluate/dataset';
import { addOutcome, emptyTally, evaluationReport, type EvaluationReport } from '../evaluate/metrics';
import { modelLabels } from '../evaluate/modelLabels';
import { evaluateSample, evaluationShape, type EvaluatedModel } from '../evaluate/sampleStep';
import { LensError } from '../errors';
import { Interpreter } from '../runtime/interpreter';
import type { EvaluateParams } from '../shared/protocol';
import { stopIfAsked, type JobContext } from './context';
import { checkRunnable, normalizationNamed, readModelFile } from './load';

export async function evaluateJob(params: EvaluateParams, ctx: JobContext): Promise<EvaluationReport> {
  if (params.paths.length === 0) throw new LensError('usage', 'evaluate needs at least one model');
  const normalization = normalizationNamed(params.normalization);
  let firstBytes: Uint8Array | undefined;
  const models: EvaluatedModel[] = params.paths.map((path) => {
    const { graph, bytes } = readModelFile(path);
    firstBytes ??= bytes;
    return { path, interpreter: new Interpreter(checkRunnable(graph, path), { rounding: params.rounding }) };
  });
  const shape = evaluationShape(models);
  const set = listLabeledSet(params.data);
  let classes: string[] = [];
  if (shape.classes > 0) {
    const own = params.labels === undefined && firstBytes ? modelLabels(firstBytes) : undefined;
    const given = params.labels !== undefined ? readLabelsFile(params.labels) : own;
    classes = classOrder(set, given, shape.classes, params.labels ?? `the labels of ${params.paths[0]}`);
  }
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const tally = emptyTally(models.length, shape.classes, shape.outputs);
  const n = set.samples.length;
  for (const [index, s] of set.samples.entries()) {
    stopIfAsked(ctx);
    const outcome = evaluateSample(models, shape, { index, file: s.file, label: classIndex.get(s.label) ?? -1 }, normalization, ctx.shouldStop);
    addOutcome(tally, { ...outcome, file: displayPath(set, s.file) });
    ctx.progress((index + 1) / n, `sample ${index + 1} of ${n}`);
  }
  return evaluationReport(tally, classes, params.paths);
}
