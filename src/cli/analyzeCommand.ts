/** `tinyml-lens analyze`: the layer table and the memory plan, and whether the model fits a budget. */
import { analyzeModel } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { ABIS, type Abi } from '../analysis/tflmKernels';
import { readModelFile } from '../jobs/load';
import { BOARDS } from '../targets/boards';
import { checkFit, customTarget, DEFAULT_RESERVE, findBoard } from '../targets/fit';
import type { Target } from '../targets/target';
import { kernelsOption, UsageError, type ParsedArgs } from './args';
import { EXIT_DOES_NOT_FIT, EXIT_FITS, type Command } from './command';
import { jsonReport } from './jsonReport';
import { renderReport } from './textReport';

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

export const analyzeCommand: Command = (args, io) => {
  const path = args.positionals[0];
  if (!path) throw new UsageError('analyze needs a model file');
  const target = resolveTarget(args);
  const abiName = args.options.get('abi') ?? 'arm32';
  if (!(ABIS as readonly string[]).includes(abiName)) throw new UsageError(`--abi is one of ${ABIS.join(', ')}`);
  const kernels = kernelLibrary(kernelsOption(args, target?.board?.core), target?.board?.core);

  const { graph, bytes } = readModelFile(path);
  const analysis = analyzeModel(graph, bytes.length, { path, abi: abiName as Abi, kernels });
  // The editor's default reserve too (targets/fit.ts), so both give the same verdict.
  const reserve = { sramBytes: kb(args, 'reserve-sram') ?? DEFAULT_RESERVE.sramBytes, flashBytes: kb(args, 'reserve-flash') ?? DEFAULT_RESERVE.flashBytes };
  const verdict = target && checkFit(analysis, target, reserve);
  if (args.flags.has('json')) io.out(JSON.stringify(jsonReport(analysis, verdict), null, 2));
  else io.out(renderReport(analysis, verdict));
  return verdict && !verdict.fits ? EXIT_DOES_NOT_FIT : EXIT_FITS;
};
