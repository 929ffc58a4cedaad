/**
 * The worker's jobs as plain functions of their parameters, so that tests and the CLI can
 * call them without a thread. `ctx` carries cancellation and progress.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { analyzeModel } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import type { Graph } from '../model/graph';
import { readModel } from '../model/io';
import { compareLayers, outputAgreement, type CapturedRun } from '../runtime/compare';
import { NORMALIZATIONS } from '../runtime/inputs/image';
import { InputError } from '../runtime/inputs/inputError';
import { inputBytes, fromReal } from '../runtime/inputs/loadInput';
import { Interpreter } from '../runtime/interpreter';
import { summarize } from '../runtime/outputSummary';
import { runInterpreter } from '../runtime/runModel';
import type { AnalyzeParams, CompareParams, CompareResult, RunParams, RunResult } from '../shared/protocol';
import { prng } from '../util/prng';
import type { ModelAnalysis } from '../analysis/analyzeModel';

export interface JobContext {
  readonly shouldStop: () => boolean;
  readonly progress: (fraction: number, message: string) => void;
}

async function loadGraph(path: string): Promise<Graph> {
  return readModel(await readFile(path));
}

function normalization(name: string | undefined) {
  const n = NORMALIZATIONS[name ?? '[0,1]'];
  if (!n) throw new InputError(`unknown normalization "${name}"; use one of ${Object.keys(NORMALIZATIONS).join(', ')}`);
  return n;
}

async function loadInputs(interpreter: Interpreter, files: readonly string[], norm: string | undefined): Promise<Uint8Array[]> {
  if (files.length !== interpreter.inputs.length) throw new InputError(`the model has ${interpreter.inputs.length} input(s); ${files.length} file(s) were given`);
  return Promise.all(
    files.map(async (file, i) => {
      const t = interpreter.inputs[i]!;
      return inputBytes(basename(file), new Uint8Array(await readFile(file)), { name: t.info.name, dtype: t.dtype, shape: t.shape, ...(t.info.quantization ? { quantization: t.info.quantization } : {}) }, { normalization: normalization(norm) });
    }),
  );
}

export async function analyzeJob(params: AnalyzeParams): Promise<ModelAnalysis> {
  const bytes = await readFile(params.path);
  const kernels = kernelLibrary(params.kernels, params.core);
  if (!kernels) throw new Error(`unknown kernel library "${params.kernels}"`);
  return analyzeModel(readModel(bytes), bytes.length, { path: params.path, abi: params.abi, kernels });
}

export async function runJob(params: RunParams, ctx: JobContext): Promise<RunResult> {
  const interpreter = new Interpreter(await loadGraph(params.path), { rounding: params.rounding });
  const inputs = await loadInputs(interpreter, params.inputs, params.normalization);
  const run = runInterpreter(interpreter, inputs, { shouldStop: ctx.shouldStop, onProgress: (l, n) => ctx.progress(l / n, `layer ${l} of ${n}`) });
  return { ms: run.ms, outputs: run.outputs.map((o) => ({ index: o.index, name: o.name, shape: o.shape, dtype: o.dtype, bytes: o.bytes, summary: summarize(o.values) })) };
}

/**
 * Seeded random real values for each input of the int8 model, spread over the range its
 * input quantization can represent (or [-1, 1] for float inputs).
 */
function randomReals(interpreter: Interpreter, seed: number): Float64Array[] {
  const rand = prng(seed);
  return interpreter.inputs.map((t) => {
    const q = t.info.quantization;
    const lo = q && q.scale.length ? q.scale[0]! * (-128 - (q.zeroPoint[0] ?? 0)) : -1;
    const hi = q && q.scale.length ? q.scale[0]! * (127 - (q.zeroPoint[0] ?? 0)) : 1;
    return Float64Array.from({ length: t.data.length }, () => lo + rand() * (hi - lo));
  });
}

export async function compareJob(params: CompareParams, ctx: JobContext): Promise<CompareResult> {
  const floatGraph = await loadGraph(params.floatPath);
  const int8Graph = await loadGraph(params.int8Path);
  const f = new Interpreter(floatGraph, { rounding: params.rounding });
  const q = new Interpreter(int8Graph, { rounding: params.rounding });
  const random = params.samples.length === 0;
  const count = random ? params.randomSamples : params.samples.length;
  const floatRuns: CapturedRun[] = [];
  const int8Runs: CapturedRun[] = [];
  for (let s = 0; s < count; s++) {
    if (ctx.shouldStop()) throw new Error('cancelled');
    let fin: Uint8Array[];
    let qin: Uint8Array[];
    if (random) {
      const reals = randomReals(q, 1000 + s);
      const spec = (i: Interpreter, k: number) => ({ name: i.inputs[k]!.info.name, dtype: i.inputs[k]!.dtype, shape: i.inputs[k]!.shape, ...(i.inputs[k]!.info.quantization ? { quantization: i.inputs[k]!.info.quantization } : {}) });
      fin = reals.map((r, k) => fromReal(r, spec(f, k), 'random input'));
      qin = reals.map((r, k) => fromReal(r, spec(q, k), 'random input'));
    } else {
      fin = await loadInputs(f, params.samples[s]!, params.normalization);
      qin = await loadInputs(q, params.samples[s]!, params.normalization);
    }
    floatRuns.push(runInterpreter(f, fin, { captureLayers: true, shouldStop: ctx.shouldStop }).captured!);
    int8Runs.push(runInterpreter(q, qin, { captureLayers: true, shouldStop: ctx.shouldStop }).captured!);
    ctx.progress((s + 1) / count, `sample ${s + 1} of ${count}`);
  }
  return { layers: compareLayers(floatGraph, int8Graph, floatRuns, int8Runs), agreement: outputAgreement(floatRuns, int8Runs), random };
}
