/**
 * The quantize job: it reads the model and the calibration files, splits the samples into
 * calibration and held-out sets, quantizes (src/quantize), and returns the int8 model's bytes
 * and the report. It writes nothing: the caller writes `<name>_int8.tflite` and
 * `<name>_int8.report.json` (atomically).
 */
import type { QuantizeNotice } from '../findings/notice';
import { describeNormalization, NORMALIZATIONS, type Normalization } from '../runtime/inputs/image';
import type { InputTensorSpec } from '../runtime/inputs/loadInput';
import type { SampleSource } from '../quantize/calibrate';
import { fileSamples, listSamples, shuffledIndices, usesImages } from '../quantize/calibrationFiles';
import { QuantizeError } from '../quantize/errors';
import type { LayerPrecision } from '../quantize/int8Graph';
import { precisionChoices } from '../quantize/support';
import { toFloatGraph } from '../quantize/floatGraph';
import { quantizeModel, type QuantizeOptions } from '../quantize/quantizeModel';
import type { Graph } from '../model/graph';
import { outputNames, reportNameFor, type QuantizationReport } from '../quantize/report';
import type { LayerPrecisionChoice, QuantizeJobResult, QuantizeParams } from '../shared/protocol';
import { opName } from '../model/ops';
import { Cancelled, errorCode, LensError } from '../errors';
import { stopIfAsked, type JobContext } from './context';
import { checkRunnable, readModelFile } from './load';
import { prng } from '../util/prng';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expectationFromQuantized, type InputExpectation } from '../quantize/ptq/inputRange';
import { poolRunner } from '../worker/pool';

/**
 * What a cancelled quantization says, wherever it was cancelled (calibration, auto's candidates,
 * the evaluation): the job writes nothing, so nothing was written.
 */
export const QUANTIZE_CANCELLED = 'quantization was cancelled; nothing was written';

export const DEFAULT_CALIBRATION_SAMPLES = 100;
/**
 * Calibration and held-out samples a quantization takes at most: each sample runs the whole
 * float model, and ranges settle long before this, so a larger count is a typo (1e8), not a wish.
 */
export const MAX_CALIBRATION_SAMPLES = 10_000;

function normalizationOf(name: string | undefined): { name: string; value: Normalization } {
  const key = name ?? '[0,1]';
  const value = NORMALIZATIONS[key];
  if (!value) throw new QuantizeError('bad-calibration', `unknown normalization "${key}"; use one of ${Object.keys(NORMALIZATIONS).join(', ')}`);
  return { name: key, value };
}

/** The range random calibration inputs are drawn from: what the normalization produces, else [−1, 1]. */
function randomRange(n: Normalization | undefined): readonly [number, number] {
  switch (n?.kind) {
    case 'unit':
      return [0, 1];
    case 'raw':
      return [0, 255];
    case 'meanStd':
      return [Math.min(...n.mean.map((m, i) => -m / (n.std[i] ?? 1))), Math.max(...n.mean.map((m, i) => (1 - m) / (n.std[i] ?? 1)))];
    default:
      return [-1, 1];
  }
}

export function randomSamples(inputs: readonly InputTensorSpec[], count: number, range: readonly [number, number], seed: number): SampleSource {
  return {
    count,
    describe: (i) => `random sample ${i}`,
    sample: (i) => {
      const rand = prng(seed + i * 7919);
      return inputs.map((t) => {
        if (t.dtype !== 'float32') throw new QuantizeError('bad-calibration', `random calibration fills float32 inputs; input "${t.name}" is ${t.dtype}`);
        const n = t.shape.reduce((x, y) => x * y, 1);
        return new Uint8Array(Float32Array.from({ length: n }, () => range[0] + rand() * (range[1] - range[0])).buffer);
      });
    },
  };
}

function subset(source: SampleSource, indices: readonly number[]): SampleSource {
  return {
    count: indices.length,
    sample: (i) => source.sample(indices[i]!),
    ...(source.describe ? { describe: (i: number) => source.describe!(indices[i]!) } : {}),
    ...(source.files ? { files: { ...source.files, refs: indices.map((i) => source.files!.refs[i]!) } } : {}),
  };
}

/**
 * QuantizeParams.precision as the map QuantizeOptions takes, checked against the float graph:
 * a layer that does not exist, a layer named twice, or a precision TFLM cannot run the layer at
 * (precisionChoices) is refused in one line that names the layer.
 */
export function precisionMap(float: Graph, choices: readonly LayerPrecisionChoice[]): Map<number, LayerPrecision> {
  const sg = float.subgraphs[0]!;
  const allowed = precisionChoices(float);
  const map = new Map<number, LayerPrecision>();
  for (const { layer, precision } of choices) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= sg.operators.length)
      throw new QuantizeError('bad-precision', `precision for layer ${layer}: the model's layers are 0 to ${sg.operators.length - 1}`);
    const op = opName(float, sg.operators[layer]!);
    if (map.has(layer)) throw new QuantizeError('bad-precision', `layer ${layer} (${op}) is given a precision twice`);
    const can = allowed[layer]!;
    if (!can.includes(precision))
      throw new QuantizeError(
        'bad-precision',
        can.length === 0
          ? `layer ${layer} (${op}) touches no float tensor: it has no precision to choose`
          : `layer ${layer} (${op}) cannot be ${precision} on TFLite Micro; it can be ${can.join(', ')}`,
      );
    map.set(layer, precision);
  }
  return map;
}

/**
 * What the model's inputs are expected to hold, from an int8 sibling beside it (the converter's
 * output for the same model: `x_float.tflite` → `x_int8.tflite`, `x.tflite` → `x_int8.tflite` or
 * `x_quant.tflite`) whose inputs have the same shapes; undefined when there is none.
 */
function siblingExpectation(modelPath: string, inputs: readonly InputTensorSpec[]): (InputExpectation | undefined)[] | undefined {
  const dir = dirname(modelPath);
  const base = basename(modelPath).replace(/\.tflite$/i, '');
  const names = new Set([
    base.replace(/_?(float32|fp32|float)$/i, '_int8'),
    `${base}_int8`,
    `${base}_quant`,
    base.replace(/_?(float32|fp32|float)$/i, '_quant'),
  ]);
  for (const name of names) {
    const path = join(dir, `${name}.tflite`);
    if (name === base || !existsSync(path)) continue;
    try {
      const { graph } = readModelFile(path);
      const sg = graph.subgraphs[0]!;
      if (sg.inputs.length !== inputs.length) continue;
      if (!sg.inputs.every((t, i) => sg.tensors[t]!.shape.join(',') === inputs[i]!.shape.join(','))) continue;
      const e = expectationFromQuantized(graph, basename(path));
      if (e.some((x) => x !== undefined)) return e;
    } catch {
      // Not a model we can read: no expectation from it.
    }
  }
  return undefined;
}

export async function quantizeJob(params: QuantizeParams, ctx: JobContext): Promise<QuantizeJobResult> {
  try {
    stopIfAsked(ctx, QUANTIZE_CANCELLED);
    return await quantize(params, ctx);
  } catch (e) {
    if (errorCode(e) === 'cancelled') throw new Cancelled(QUANTIZE_CANCELLED);
    throw e;
  }
}

/** What quantizeModel is called with for `params`: the model, its calibration samples and the options (held-out samples, the pool…). */
export interface QuantizeInputs {
  readonly model: Graph;
  readonly fileBytes: Uint8Array;
  readonly calibration: SampleSource;
  readonly options: QuantizeOptions;
}

/** Reads the model and lists the calibration data (samples are read when calibration runs): the quantize and precision jobs' common start. */
export function quantizeInputs(params: QuantizeParams): QuantizeInputs {
  const { graph: model, bytes: fileBytes } = readModelFile(params.modelPath);
  if (model.subgraphs[0]!.inputs.length === 0) throw new QuantizeError('unsupported-model', `${params.modelPath} has no inputs: there is nothing to calibrate`);
  checkRunnable(model, params.modelPath);
  // The float graph's inputs are what calibration files must fill (a hybrid's are float too).
  const floatGraph = toFloatGraph(model).graph;
  const floatInputs = (() => {
    const sg = floatGraph.subgraphs[0]!;
    return sg.inputs.map((i): InputTensorSpec => ({ name: sg.tensors[i]!.name, dtype: sg.tensors[i]!.dtype, shape: sg.tensors[i]!.shape }));
  })();
  const precision = params.precision && params.precision.length > 0 ? precisionMap(floatGraph, params.precision) : undefined;
  const norm = normalizationOf(params.normalization);
  const wanted = params.samples ?? DEFAULT_CALIBRATION_SAMPLES;
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new QuantizeError('bad-calibration', `the number of calibration samples must be a positive whole number, not ${wanted}`);
  for (const [name, n] of [
    ['calibration', wanted],
    ['held-out', params.heldOut ?? 0],
  ] as const)
    if (n > MAX_CALIBRATION_SAMPLES) throw new LensError('limit', `${n} ${name} samples asked for; at most ${MAX_CALIBRATION_SAMPLES} are taken`);

  if (params.evalData !== undefined && params.heldOut !== undefined && params.heldOut > 0)
    throw new QuantizeError('bad-calibration', 'give either evaluation data or a number of held-out samples, not both');
  let calibration: SampleSource;
  let heldOut: SampleSource | undefined;
  let images = false;
  const warnings: QuantizeNotice[] = [];
  if (params.calibration !== undefined) {
    const refs = listSamples(params.calibration, floatInputs);
    images = usesImages(refs);
    const source = fileSamples(refs, floatInputs, norm.value);
    // Every sample calibrates, unless held-out samples are asked for by number. Which ones, when
    // there are more than wanted, is a seeded shuffle; they calibrate in the order listed, which
    // auto's folds rely on (neighbouring files are often near-duplicates, autoSelect.ts foldPlan).
    const order = shuffledIndices(refs.length);
    const heldCount = Math.min(params.heldOut ?? 0, Math.max(0, refs.length - 1));
    const calibCount = Math.min(wanted, refs.length - heldCount);
    if (calibCount < wanted && params.samples !== undefined)
      warnings.push({ code: 'samples-short', params: { asked: params.samples, available: refs.length, heldOut: heldCount } });
    heldOut = heldCount > 0 ? subset(source, order.slice(0, heldCount)) : undefined;
    calibration = subset(
      source,
      order.slice(heldCount, heldCount + calibCount).sort((a, b) => a - b),
    );
  } else if (params.randomCalibration) {
    const range = randomRange(params.normalization !== undefined ? norm.value : undefined);
    calibration = randomSamples(floatInputs, wanted, range, 1);
    const held = params.evalData !== undefined ? 0 : (params.heldOut ?? 8);
    heldOut = held > 0 ? randomSamples(floatInputs, held, range, 1_000_003) : undefined;
  } else {
    throw new QuantizeError('bad-calibration', 'no calibration data: give a folder or glob of samples, or ask explicitly for random calibration');
  }
  if (params.evalData !== undefined) {
    // Evaluation data: the same loaders, never calibrated on.
    const refs = listSamples(params.evalData, floatInputs);
    if (refs.length > MAX_CALIBRATION_SAMPLES) throw new LensError('limit', `${refs.length} evaluation samples; at most ${MAX_CALIBRATION_SAMPLES} are taken`);
    images ||= usesImages(refs);
    heldOut = fileSamples(refs, floatInputs, norm.value);
  }
  const expectation = siblingExpectation(params.modelPath, floatInputs);

  const options: QuantizeOptions = {
    ...(params.io ? { io: params.io } : {}),
    ...(params.activations ? { activations: params.activations } : {}),
    ...(precision ? { precision } : {}),
    ...(params.method ? { method: params.method } : {}),
    ...(params.percentile !== undefined ? { percentile: params.percentile } : {}),
    ...(params.perChannelFullyConnected !== undefined ? { perChannelFullyConnected: params.perChannelFullyConnected } : {}),
    keepFloat: params.keepFloat ?? false,
    ...(heldOut ? { heldOut } : {}),
    ...(params.rounding ? { rounding: params.rounding } : {}),
    sourceBytes: fileBytes.length,
    sourcePath: params.modelPath,
    randomCalibration: params.calibration === undefined,
    ...(images ? { normalization: { name: norm.name, description: describeNormalization(norm.value) } } : {}),
    warnings,
    ...(expectation ? { inputExpectation: expectation } : {}),
    ...(params.weightRounding !== undefined ? { weightRounding: params.weightRounding } : {}),
    ...(params.biasCorrection !== undefined ? { biasCorrection: params.biasCorrection } : {}),
    ...(params.kernels !== undefined ? { kernels: params.kernels } : {}),
    batch: poolRunner(params.threads !== undefined ? { threads: params.threads } : {}),
  };
  return { model, fileBytes, calibration, options };
}

async function quantize(params: QuantizeParams, ctx: JobContext): Promise<QuantizeJobResult> {
  const { model, calibration, options } = quantizeInputs(params);
  const mixed = [...(options.precision?.values() ?? [])].some((p) => p !== (params.activations ?? 'int8'));
  const names = outputNames(params.modelPath, params.activations, mixed);
  const result = await quantizeModel(model, calibration, options, ctx);
  const outputPath = params.outputPath ?? names.model;
  const report: QuantizationReport = { ...result.report, output: { path: outputPath } };
  return { bytes: result.bytes, report, outputPath, reportPath: reportNameFor(outputPath) };
}
