/**
 * `tinyml-lens quantize <float.tflite> --calibration <dir|glob> …`: full-integer quantization
 * of a float model. Writes `<name>_int8.tflite` and `<name>_int8.report.json` beside it (or
 * `--out <file>` and its `.report.json`), atomically, never over an existing file unless
 * `--force`. Exit codes: 0 written, 2 bad input (usage, unreadable or already-int8 model,
 * unsupported ops, bad calibration data, existing output).
 */
import { existsSync } from 'node:fs';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { FileExistsError, writeFilesAtomic } from '../io/atomicWrite';
import { UNATTENDED } from '../jobs/context';
import { precisionJob } from '../jobs/precision';
import { QUANTIZE_CANCELLED, quantizeJob } from '../jobs/quantize';
import { errorCode } from '../errors';
import { RANGE_METHOD_OPTIONS, type RangeMethodOption } from '../quantize/ranges';
import { outputNames, reportJson, reportNameFor, type QuantizationReport } from '../quantize/report';
import { NORMALIZATIONS } from '../runtime/inputs/image';
import { ROUNDINGS, type Rounding } from '../runtime/quant';
import type { PrecisionResult, QuantizeParams } from '../shared/protocol';
import { findBoard } from '../targets/fit';
import { kernelsOption, oneOf, threadsOption, UsageError, type ParsedArgs } from './args';
import { EXIT_CANCELLED, EXIT_OK, type Io } from './command';
import { reportFailure } from './failure';
import { precisionRequest, renderPrecision } from './precisionOptions';

function count(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number of at least ${min}, got "${v}"`);
  return n;
}

/** `--<name> auto|on|off` (a PTQ method): auto keeps it where it wins across the calibration folds. */
function ptqOption(args: ParsedArgs, name: string): boolean | 'auto' | undefined {
  const v = oneOf(args, name, ['auto', 'on', 'off'] as const);
  return v === undefined ? undefined : v === 'auto' ? 'auto' : v === 'on';
}

/**
 * The kernels the model is quantized for: `--kernels`, else those of the `--target`/`--fit` board
 * (CMSIS-NN on a Cortex-M); undefined without any of them (the reference kernels, as before).
 */
function quantizeKernels(args: ParsedArgs): KernelLibraryId | undefined {
  const boardId = args.options.get('fit') ?? args.options.get('target');
  if (!args.options.has('kernels') && boardId === undefined) return undefined;
  return kernelsOption(args, boardId === undefined ? undefined : findBoard(boardId)?.board?.core);
}

/** Parses the command line into the job's parameters. */
export function quantizeParams(args: ParsedArgs): QuantizeParams {
  const modelPath = args.positionals[0];
  if (!modelPath) throw new UsageError('quantize needs a float .tflite model');
  if (args.positionals.length > 1) throw new UsageError(`quantize takes one model; unexpected "${args.positionals[1]}"`);
  const calibration = args.options.get('calibration');
  const random = args.flags.has('random-calibration');
  if (calibration === undefined && !random)
    throw new UsageError('quantize needs --calibration <dir|glob> (or --random-calibration, which calibrates on random data and says so in the report)');
  if (calibration !== undefined && random) throw new UsageError('give either --calibration or --random-calibration, not both');
  const percentileText = args.options.get('percentile');
  const percentile = percentileText === undefined ? undefined : Number(percentileText);
  if (percentile !== undefined && !(percentile > 50 && percentile <= 100))
    throw new UsageError(`--percentile takes a number above 50 and at most 100, got "${percentileText}"`);
  const normalization = args.options.get('normalization');
  if (normalization !== undefined && !NORMALIZATIONS[normalization])
    throw new UsageError(`--normalization is one of ${Object.keys(NORMALIZATIONS).join(', ')}`);
  const io = oneOf(args, 'io', ['int8', 'float'] as const);
  const activations = oneOf(args, 'activations', ['int8', 'int16'] as const);
  const method = oneOf<RangeMethodOption>(args, 'method', RANGE_METHOD_OPTIONS);
  const rounding = oneOf<Rounding>(args, 'rounding', ROUNDINGS);
  const samples = count(args, 'samples', 1);
  const heldOut = count(args, 'held-out', 0);
  const out = args.options.get('out');
  const threads = threadsOption(args);
  const evalData = args.options.get('eval-data');
  if (evalData !== undefined && heldOut !== undefined && heldOut > 0) throw new UsageError('give either --eval-data or --held-out, not both');
  const kernels = quantizeKernels(args);
  const weightRounding = ptqOption(args, 'weight-rounding');
  const biasCorrection = ptqOption(args, 'bias-correction');
  return {
    modelPath,
    ...(calibration !== undefined ? { calibration } : {}),
    ...(io ? { io } : {}),
    ...(activations ? { activations } : {}),
    ...(method ? { method } : {}),
    ...(percentile !== undefined ? { percentile } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(heldOut !== undefined ? { heldOut } : {}),
    ...(evalData !== undefined ? { evalData } : {}),
    ...(weightRounding !== undefined ? { weightRounding } : {}),
    ...(biasCorrection !== undefined ? { biasCorrection } : {}),
    // Absent: per tensor for a fixed method, both tried by auto.
    ...(args.flags.has('per-channel-fc') ? { perChannelFullyConnected: true } : {}),
    keepFloat: args.flags.has('keep-float'),
    randomCalibration: random,
    ...(normalization !== undefined ? { normalization } : {}),
    ...(rounding ? { rounding } : {}),
    outputPath: out ?? outputNames(modelPath, activations).model,
    ...(threads !== undefined ? { threads } : {}),
    ...(kernels !== undefined ? { kernels } : {}),
  };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const db = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} dB` : n > 0 ? 'exact' : '-inf dB');

/** The report as a few lines for a person. */
export function renderQuantizeReport(r: QuantizationReport, modelPath: string, reportPath: string): string {
  const lines: string[] = [];
  lines.push(
    `wrote ${modelPath}: ${kb(r.size.afterBytes)} (was ${kb(r.size.beforeBytes)}, ×${r.size.ratio.toFixed(2)}), arena ${kb(r.arena.afterBytes)} (was ${kb(r.arena.beforeBytes)})`,
  );
  const ranges = `${r.options.method}${r.options.percentile !== undefined ? ` ${r.options.percentile}%` : ''}${r.options.perChannelFullyConnected ? ' + per-channel FC' : ''}`;
  const sel = r.selection;
  const how = sel ? `auto ranges (kept ${sel.chosen})` : `${ranges} ranges`;
  lines.push(`  ${r.options.io} I/O, ${how} from ${r.options.calibrationSamples} calibration sample(s)${r.options.randomCalibration ? ' (random data)' : ''}`);
  if (sel) {
    const scored = sel.candidates.map(
      (c) =>
        `${c.label}${c.label === sel.chosen ? ' (kept)' : ''} ${c.skipped !== undefined || c.sqnrDb === undefined ? 'not run' : db(c.sqnrDb)}${c.top1Agreement !== undefined ? ` ${(100 * c.top1Agreement).toFixed(0)}%` : ''}`,
    );
    lines.push(
      `  candidates on ${sel.validationSamples} ${sel.inSample ? 'calibration' : 'validation'} sample(s), output SQNR${sel.classifier ? ' and top-1 agreement' : ''}: ${scored.join('; ')}`,
    );
  }
  const inputs = r.options.inputRanges.map((x) => `${x.input} [${x.min.toPrecision(4)}, ${x.max.toPrecision(4)}]`).join(', ');
  if (inputs) lines.push(`  calibration input range: ${inputs}`);
  const ptq = (label: string, d: QuantizationReport['options']['biasCorrection']): string =>
    `${label} ${d.applied ? 'on' : 'off'}${d.withoutDb !== undefined && d.withDb !== undefined ? ` (across folds ${db(d.withoutDb)} → ${db(d.withDb)})` : d.by === 'option' ? ' (as asked)' : ''}`;
  lines.push(`  ${ptq('weight rounding', r.options.weightRounding)}; ${ptq('bias correction', r.options.biasCorrection)}`);
  if (r.keptFloat.length > 0) lines.push(`  kept in float: ${r.keptFloat.map((o) => `${o.op} (layer ${o.layer})`).join(', ')}`);
  const e = r.evaluation;
  if ('skipped' in e) lines.push(`  not evaluated: ${e.skipped}`);
  else {
    const o = e.output;
    lines.push(
      `  on ${e.samples} ${r.options.evaluatedOn === 'evaluation-data' ? 'evaluation' : 'calibration (not held-out)'} sample(s): output SQNR ${db(o.sqnrDb)}, cosine ${o.cosine.toFixed(4)}, max |err| ${o.maxAbsError.toPrecision(3)}${o.top1Agreement !== undefined ? `, top-1 agreement ${(100 * o.top1Agreement).toFixed(1)}%` : ''}`,
    );
    if (e.worstLayers.length > 0)
      lines.push(
        `  lowest SQNR: ${e.worstLayers.map((l) => `${l.op} (layer ${l.layer}) ${db(l.sqnrDb)}${l.dropDb !== undefined ? `, ${l.dropDb >= 0 ? 'lost' : 'gained'} ${Math.abs(l.dropDb).toFixed(1)} dB across it` : ''}`).join('; ')}`,
      );
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  report: ${reportPath}`);
  return lines.join('\n');
}

/** The report of a run with the precision flags (file and --json): under `precision`, what the assignment costs and every assignment a search explored. */
function withPrecision(r: PrecisionResult): QuantizationReport & { readonly precision: object } {
  const { assessment, float, explored, search, reusedCalibration } = r;
  return { ...r.report, precision: { assessment, float, ...(search ? { search } : {}), ...(explored ? { explored } : {}), reusedCalibration } };
}

/**
 * Stops the job on Ctrl-C (once: a second Ctrl-C ends the process as usual), so a long
 * quantization ends with a sentence and nothing half-written.
 */
function interruptible(): { readonly shouldStop: () => boolean; readonly dispose: () => void } {
  let stop = false;
  const onInterrupt = (): void => {
    stop = true;
  };
  process.once('SIGINT', onInterrupt);
  return { shouldStop: () => stop, dispose: () => process.off('SIGINT', onInterrupt) };
}

/**
 * Bad input returns 2 here (as `main` would), so a caller running the command directly gets the
 * exit code; usage errors still throw. A cancelled run says so and exits 130. `shouldStop`
 * replaces Ctrl-C (tests).
 */
export async function quantizeCommand(args: ParsedArgs, io: Io, shouldStop?: () => boolean): Promise<number> {
  const precision = precisionRequest(args);
  // A per-layer precision run writes <name>_mixed.tflite unless --out says otherwise: known before any work.
  const named = quantizeParams(args);
  const params = args.options.has('out') || !precision ? named : { ...named, outputPath: outputNames(named.modelPath, named.activations, true).model };
  const force = args.flags.has('force');
  const outputPath = params.outputPath!;
  const reportPath = reportNameFor(outputPath);
  if (!/\.tflite$/i.test(outputPath)) throw new UsageError(`--out names a .tflite file, not "${outputPath}"`);
  try {
    // Early, so that a run does not quantize for nothing; writeFilesAtomic is what guarantees it.
    if (!force) {
      for (const p of [outputPath, reportPath]) if (existsSync(p)) throw new FileExistsError(p);
    }
    const interrupt = shouldStop ? undefined : interruptible();
    const stop = shouldStop ?? interrupt!.shouldStop;
    const job = { ...UNATTENDED, shouldStop: stop };
    const measured = precision ? await precisionJob({ quantize: params, ...precision }, job).finally(() => interrupt?.dispose()) : undefined;
    const result = measured ?? (await quantizeJob(params, job).finally(() => interrupt?.dispose()));
    const report = measured ? withPrecision(measured) : result.report;
    // One unit, the report first: a model on disk always has the report of the run that wrote it.
    await writeFilesAtomic(
      [
        { path: reportPath, bytes: new TextEncoder().encode(`${reportJson(report)}\n`) },
        { path: outputPath, bytes: result.bytes },
      ],
      { overwrite: force },
    );
    if (args.flags.has('json')) io.out(reportJson(report));
    else {
      const text = renderQuantizeReport(result.report, outputPath, reportPath);
      io.out(measured && precision ? `${text}\n${renderPrecision(measured, precision)}` : text);
    }
    return EXIT_OK;
  } catch (e) {
    if (errorCode(e) === 'cancelled') {
      io.err(`tinyml-lens quantize: ${QUANTIZE_CANCELLED}`);
      return EXIT_CANCELLED;
    }
    return reportFailure(e, io);
  }
}
