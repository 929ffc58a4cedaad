/**
 * `tinyml-lens optimize <model.tflite> [--out <file>] [--reorder] [--time-limit <s>] …`: a smaller
 * tensor arena for the same model. Writes `<name>_opt.tflite` beside it (or `--out <file>`)
 * with the plan as OfflineMemoryAllocation metadata (and, with `--reorder`, the operators in a
 * leaner order), atomically, never over the original and never over an existing file unless
 * `--force`. When TFLM's own plan cannot be beaten, nothing is written. Exit codes: 0 done,
 * 2 bad input (usage, unreadable model, existing output).
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ABIS, type Abi } from '../analysis/tflmKernels';
import { FileExistsError, writeFileAtomic } from '../io/atomicWrite';
import { UNATTENDED } from '../jobs/context';
import { optimizeJob } from '../jobs/optimize';
import { optimizedName } from '../optimize/outputName';
import { optimizationChangesModel, type OptimizeSummary } from '../optimize/result';
import type { OptimizeParams } from '../shared/protocol';
import { formatBytes } from '../util/formatBytes';
import { kernelsOption, oneOf, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, type Io } from './command';
import { reportFailure } from './failure';

export const DEFAULT_TIME_LIMIT_S = 10;
const MAX_TIME_LIMIT_S = 3600;

export function optimizeParams(args: ParsedArgs): OptimizeParams {
  const path = args.positionals[0];
  if (!path) throw new UsageError('optimize needs a .tflite model');
  if (args.positionals.length > 1) throw new UsageError(`optimize takes one model; unexpected "${args.positionals[1]}"`);
  const limitText = args.options.get('time-limit');
  const limit = limitText === undefined ? DEFAULT_TIME_LIMIT_S : Number(limitText);
  if (!(limit > 0 && limit <= MAX_TIME_LIMIT_S)) throw new UsageError(`--time-limit takes seconds above 0 and at most ${MAX_TIME_LIMIT_S}, got "${limitText}"`);
  const out = args.options.get('out') ?? optimizedName(path);
  if (!/\.tflite$/i.test(out)) throw new UsageError(`--out names a .tflite file, not "${out}"`);
  if (resolve(out) === resolve(path)) throw new UsageError('--out names the model itself; optimize never replaces the original');
  return {
    path,
    abi: oneOf<Abi>(args, 'abi', ABIS) ?? 'arm32',
    kernels: kernelsOption(args),
    reorder: args.flags.has('reorder'),
    timeLimitMs: limit * 1000,
    outputPath: out,
  };
}

const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '0%');

/** The summary as a few lines for a person; `written` is the new file, or null when nothing was written. */
export function renderOptimizeSummary(s: OptimizeSummary, written: string | null): string {
  const saved = s.greedyHeadBytes - s.optimizedHeadBytes;
  const lines: string[] = [];
  lines.push(
    written
      ? `wrote ${written}: arena head ${formatBytes(s.optimizedHeadBytes)} (TFLM's greedy plan: ${formatBytes(s.greedyHeadBytes)}, saves ${saved} bytes, ${pct(saved, s.greedyHeadBytes)})`
      : `no plan smaller than TFLM's own was found: arena head ${formatBytes(s.greedyHeadBytes)}; nothing written`,
  );
  lines.push(
    `  lower bound ${formatBytes(s.lowerBoundBytes)}: ${s.optimal ? 'the plan is optimal' : `${s.optimizedHeadBytes - s.lowerBoundBytes} bytes above it${s.timedOut ? ' (time limit reached; best plan so far)' : ''}`}`,
  );
  lines.push(`  whole arena ${formatBytes(s.totalBytesBefore)} → ${formatBytes(s.totalBytesAfter)} (with the persistent part)`);
  if (s.moved.length > 0) lines.push(`  ${s.moved.length} tensor(s) placed differently from TFLM's greedy plan`);
  if (s.reordered.length > 0) lines.push(`  operators reordered: ${s.reordered.map((r) => `${r.op} #${r.from} → #${r.to}`).join(', ')}`);
  for (const w of s.warnings ?? []) lines.push(`  warning (original model): ${w}`);
  return lines.join('\n');
}

export async function optimizeCommand(args: ParsedArgs, io: Io): Promise<number> {
  const params = optimizeParams(args);
  const force = args.flags.has('force');
  const outputPath = params.outputPath!;
  try {
    if (!force && existsSync(outputPath)) throw new FileExistsError(outputPath);
    const result = await optimizeJob(params, UNATTENDED);
    const s = result.summary;
    const improved = optimizationChangesModel(s);
    if (improved) await writeFileAtomic(outputPath, result.bytes, { overwrite: force });
    const written = improved ? outputPath : null;
    io.out(args.flags.has('json') ? JSON.stringify({ ...s, output: written }, null, 2) : renderOptimizeSummary(s, written));
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e, io);
  }
}
