/**
 * `tinyml-lens`: the core on the command line, for people and for firmware CI.
 * Exit codes: 0 fits (or no budget given), 1 does not fit, 2 bad input or usage.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../analysis/analyzeModel';
import { kernelLibrary, KERNEL_LIBRARIES } from '../analysis/kernelLibrary';
import type { Abi } from '../analysis/tflmKernels';
import { ABIS } from '../analysis/tflmKernels';
import { ModelFormatError } from '../model/errors';
import { readModel, writeModel } from '../model/io';
import { EXAMPLE_MODELS } from '../examples/exampleModels';
import { writeFileAtomic } from '../io/atomicWrite';
import { BOARDS } from '../targets/boards';
import { checkFit, customTarget, findBoard, formatBytes } from '../targets/fit';
import type { Target } from '../targets/target';
import { jsonReport } from './jsonReport';
import { estimateCommand, ESTIMATE_USAGE } from './estimateCommand';
import { quantizeCommand, QUANTIZE_USAGE } from './quantizeCommand';
import { compareJob, runJob, type JobContext } from '../worker/jobs';
import { ROUNDINGS, type Rounding } from '../runtime/quant';
import { RuntimeError } from '../runtime/types';
import { InputError } from '../runtime/inputs/inputError';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { renderReport } from './textReport';

export const EXIT_FITS = 0;
export const EXIT_DOES_NOT_FIT = 1;
export const EXIT_BAD_INPUT = 2;

const USAGE = `Usage:
  tinyml-lens analyze <model.tflite> [--target <id> | --sram <KB> --flash <KB>]
                      [--reserve-sram <KB>] [--reserve-flash <KB>]
                      [--kernels reference|cmsis-nn] [--abi arm32|i386|x86_64] [--json]
  tinyml-lens run <model.tflite> --input <file> [--input <file>…] [--rounding tflm|tflite|xnnpack]
                  [--normalization [0,1]|[-1,1]|[0,255]|imagenet] [--out-dir <dir>] [--json]
  tinyml-lens compare <float.tflite> <int8.tflite> [--input <file>… | --samples N] [--rounding …] [--json]
  tinyml-lens targets [--json]
${ESTIMATE_USAGE}
${QUANTIZE_USAGE}
  tinyml-lens examples <dir>      write the example models (DS-CNN, MobileNetV1) into <dir>

Exit codes: 0 fits (or no budget given), 1 does not fit, 2 bad input.`;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Sizes on the command line are KB (1024 bytes), as datasheets give SRAM and flash. */
function kb(args: ParsedArgs, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} takes a size in KB, got "${v}"`);
  return Math.round(n * 1024);
}

function resolveTarget(args: ParsedArgs): Target | undefined {
  const id = args.options.get('target');
  const sram = kb(args, 'sram');
  const flash = kb(args, 'flash');
  if (id !== undefined) {
    if (sram !== undefined || flash !== undefined) throw new UsageError('give either --target or --sram/--flash, not both');
    const target = findBoard(id);
    if (!target) throw new UsageError(`unknown target "${id}". Known targets: ${BOARDS.map((b) => b.id).join(', ')}`);
    return target;
  }
  if (sram === undefined && flash === undefined) return undefined;
  return customTarget(sram ?? Number.POSITIVE_INFINITY, flash ?? Number.POSITIVE_INFINITY);
}

function analyzeCommand(args: ParsedArgs, io: Io): number {
  const path = args.positionals[0];
  if (!path) throw new UsageError('analyze needs a model file');
  const target = resolveTarget(args);
  const abiName = args.options.get('abi') ?? 'arm32';
  if (!(ABIS as readonly string[]).includes(abiName)) throw new UsageError(`--abi is one of ${ABIS.join(', ')}`);
  const kernelsName = args.options.get('kernels') ?? 'reference';
  const kernels = kernelLibrary(kernelsName, target?.board?.core);
  if (!kernels) throw new UsageError(`--kernels is one of ${KERNEL_LIBRARIES.join(', ')}`);

  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${path} is not a file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const analysis = analyzeModel(readModel(bytes), bytes.length, { path, abi: abiName as Abi, kernels });
  const verdict = target && checkFit(analysis, target, { sramBytes: kb(args, 'reserve-sram') ?? 0, flashBytes: kb(args, 'reserve-flash') ?? 0 });
  if (args.flags.has('json')) io.out(JSON.stringify(jsonReport(analysis, verdict), null, 2));
  else io.out(renderReport(analysis, verdict));
  return verdict && !verdict.fits ? EXIT_DOES_NOT_FIT : EXIT_FITS;
}

function targetsCommand(args: ParsedArgs, io: Io): number {
  if (args.flags.has('json')) {
    io.out(JSON.stringify(BOARDS, null, 2));
    return EXIT_FITS;
  }
  for (const b of BOARDS) io.out(`${b.id.padEnd(28)} ${b.name} (${b.mcu}, ${b.core} ${b.maxClockMHz} MHz): ${formatBytes(b.sramBytes)} SRAM, ${formatBytes(b.flashBytes)} flash`);
  return EXIT_FITS;
}

async function examplesCommand(args: ParsedArgs, io: Io): Promise<number> {
  const dir = args.positionals[0];
  if (!dir) throw new UsageError('examples needs a folder to write into');
  mkdirSync(dir, { recursive: true });
  for (const m of EXAMPLE_MODELS) {
    const path = join(dir, m.file);
    await writeFileAtomic(path, writeModel(m.build()), { overwrite: true });
    io.out(`wrote ${path}`);
  }
  return EXIT_FITS;
}

function rounding(args: ParsedArgs): Rounding {
  const r = args.options.get('rounding') ?? 'tflm';
  if (!(ROUNDINGS as readonly string[]).includes(r)) throw new UsageError(`--rounding is one of ${ROUNDINGS.join(', ')}`);
  return r as Rounding;
}

const NO_PROGRESS: JobContext = { shouldStop: () => false, progress: () => undefined };

async function runCommand(args: ParsedArgs, io: Io): Promise<number> {
  const path = args.positionals[0];
  if (!path) throw new UsageError('run needs a model file');
  const inputs = args.repeated.get('input') ?? [];
  const outDir = args.options.get('out-dir') ?? '.';
  const result = await runJob({ path, inputs, rounding: rounding(args), ...(args.options.has('normalization') ? { normalization: args.options.get('normalization')! } : {}) }, NO_PROGRESS);
  mkdirSync(outDir, { recursive: true });
  const outputs = [];
  for (const o of result.outputs) {
    const file = join(outDir, `output_${o.index}.bin`);
    await writeFileAtomic(file, o.bytes, { overwrite: true });
    outputs.push({ index: o.index, name: o.name, shape: o.shape, dtype: o.dtype, file, summary: o.summary });
  }
  if (args.flags.has('json')) io.out(JSON.stringify({ outputs, ms: result.ms }, null, 2));
  else {
    for (const o of outputs) {
      io.out(`output ${o.index} "${o.name}" ${o.dtype}[${o.shape.join(', ')}] → ${o.file}`);
      io.out(`  top-5: ${o.summary.top5.map((t) => `${t.index}: ${t.score.toPrecision(4)}`).join(', ')}`);
      io.out(`  min ${o.summary.min.toPrecision(4)}, max ${o.summary.max.toPrecision(4)}, mean ${o.summary.mean.toPrecision(4)}`);
    }
    io.out(`${result.ms.toFixed(2)} ms`);
  }
  return EXIT_FITS;
}

async function compareCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [floatPath, int8Path] = args.positionals;
  if (!floatPath || !int8Path) throw new UsageError('compare needs a float model and an int8 model');
  const inputs = args.repeated.get('input') ?? [];
  const samples = Number(args.options.get('samples') ?? '8');
  if (!Number.isInteger(samples) || samples < 1) throw new UsageError('--samples takes a positive whole number');
  const result = await compareJob({ floatPath, int8Path, samples: inputs.map((f) => [f]), randomSamples: samples, rounding: rounding(args) }, NO_PROGRESS);
  if (args.flags.has('json')) {
    io.out(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2));
    return EXIT_FITS;
  }
  io.out(`${'layer'.padEnd(6)} ${'op'.padEnd(22)} ${'SQNR dB'.padStart(8)} ${'cosine'.padStart(8)} ${'max |err|'.padStart(10)}`);
  for (const l of result.layers) io.out(`${String(l.int8Layer).padEnd(6)} ${l.op.padEnd(22)} ${l.sqnrDb.toFixed(1).padStart(8)} ${l.cosine.toFixed(5).padStart(8)} ${l.maxAbsError.toPrecision(3).padStart(10)}`);
  const a = result.agreement;
  io.out(`outputs over ${a.samples} ${result.random ? 'random ' : ''}sample(s): top-1 agreement ${(100 * a.top1Agreement).toFixed(1)}%, mean SQNR ${a.meanSqnrDb.toFixed(1)} dB, cosine ${a.meanCosine.toFixed(5)}, max |err| ${a.maxAbsError.toPrecision(3)}`);
  return EXIT_FITS;
}

type Command = (args: ParsedArgs, io: Io) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  analyze: analyzeCommand,
  targets: targetsCommand,
  examples: examplesCommand,
  run: runCommand,
  compare: compareCommand,
  estimate: estimateCommand,
  quantize: quantizeCommand,
};

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? EXIT_BAD_INPUT : EXIT_FITS;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(parseArgs(rest), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`tinyml-lens: ${e.message}\n\n${USAGE}`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof RuntimeError || e instanceof InputError) {
      io.err(`tinyml-lens: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`tinyml-lens: ${(e as Error).message}`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof ModelFormatError) {
      io.err(`tinyml-lens: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) }).then((code) => (process.exitCode = code));
}
