/**
 * quantize's per-layer precision flags: `--precision <layer>=int8|int16|float,…` (overrides of
 * `--activations`, by the float model's operator index), `--target-sqnr <dB>` or `--fit <board>`
 * (a search, quantize/precision/search.ts) and `--target <board>` (the board assignments are
 * measured on; `--fit` names it too). With any of them the quantize command runs the precision
 * job, which returns the model and report like the quantize job, plus what the assignment costs
 * and, with a search, every assignment explored.
 */
import { formatMs } from '../estimate';
import type { LayerPrecision } from '../quantize/int8Graph';
import { BOARDS } from '../targets/boards';
import { DEFAULT_RESERVE, findBoard } from '../targets/fit';
import type { LayerPrecisionChoice, PrecisionBoard, PrecisionGoal, PrecisionPoint, PrecisionResult } from '../shared/protocol';
import { formatBytes } from '../util/formatBytes';
import { kernelsOption, UsageError, type ParsedArgs } from './args';

const PRECISIONS: readonly LayerPrecision[] = ['int8', 'int16', 'float'];

/** What the precision flags ask for; undefined when none is given (a plain quantization). */
export interface PrecisionRequest {
  readonly precision: readonly LayerPrecisionChoice[];
  readonly board: PrecisionBoard;
  readonly suggest?: PrecisionGoal;
}

/** `3=int16,7=float` → the overrides; a layer named twice, a bad index or precision is a usage error. */
export function parsePrecisionList(text: string): LayerPrecisionChoice[] {
  const out: LayerPrecisionChoice[] = [];
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)\s*=\s*([a-z0-9]+)\s*$/.exec(item);
    const precision = m?.[2] as LayerPrecision | undefined;
    if (!m || !precision || !PRECISIONS.includes(precision)) throw new UsageError(`--precision takes <layer>=${PRECISIONS.join('|')}[,…], got "${item}"`);
    const layer = Number(m[1]);
    if (out.some((o) => o.layer === layer)) throw new UsageError(`--precision names layer ${layer} twice`);
    out.push({ layer, precision });
  }
  return out;
}

function boardNamed(id: string, flag: string, args: ParsedArgs): PrecisionBoard {
  const target = findBoard(id);
  if (!target?.board) throw new UsageError(`--${flag}: unknown target "${id}". Known targets: ${BOARDS.map((b) => b.id).join(', ')}`);
  const core = target.board.core;
  return {
    targetId: target.id,
    sramBytes: target.sramBytes,
    flashBytes: target.flashBytes,
    reserve: DEFAULT_RESERVE,
    abi: 'arm32',
    kernels: kernelsOption(args, core),
    core,
  };
}

/** No board: arena and flash are measured for a 32-bit Arm build with the reference kernels (or `--kernels`'), and everything fits. */
function boardless(args: ParsedArgs): PrecisionBoard {
  return {
    targetId: 'custom',
    sramBytes: Number.MAX_SAFE_INTEGER,
    flashBytes: Number.MAX_SAFE_INTEGER,
    reserve: { sramBytes: 0, flashBytes: 0 },
    abi: 'arm32',
    kernels: kernelsOption(args),
  };
}

export function precisionRequest(args: ParsedArgs): PrecisionRequest | undefined {
  const list = args.options.get('precision');
  const sqnrText = args.options.get('target-sqnr');
  const fit = args.options.get('fit');
  const target = args.options.get('target');
  if (list === undefined && sqnrText === undefined && fit === undefined && target === undefined) return undefined;
  if (sqnrText !== undefined && fit !== undefined) throw new UsageError('give either --target-sqnr or --fit, not both');
  if (fit !== undefined && target !== undefined && fit !== target) throw new UsageError(`--fit ${fit} and --target ${target} name different boards`);
  let suggest: PrecisionGoal | undefined;
  if (sqnrText !== undefined) {
    const db = Number(sqnrText);
    if (sqnrText.trim() === '' || !Number.isFinite(db)) throw new UsageError(`--target-sqnr takes a number of dB, got "${sqnrText}"`);
    suggest = { kind: 'sqnr', db };
  }
  if (fit !== undefined) suggest = { kind: 'fit' };
  const boardId = fit ?? target;
  return {
    precision: list === undefined ? [] : parsePrecisionList(list),
    board: boardId !== undefined ? boardNamed(boardId, fit !== undefined ? 'fit' : 'target', args) : boardless(args),
    ...(suggest ? { suggest } : {}),
  };
}

const dbText = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} dB` : n > 0 ? 'exact' : 'not measured');

function layersText(p: readonly LayerPrecisionChoice[]): string {
  return p.length === 0 ? 'default' : p.map((c) => `${c.layer}=${c.precision}`).join(',');
}

function pointText(p: PrecisionPoint, noBoard: boolean): string {
  const acc = p.accuracy ? `, top-1 ${(100 * p.accuracy.top1).toFixed(1)}% (float ${(100 * p.accuracy.floatTop1).toFixed(1)}%)` : '';
  const agree = p.top1Agreement !== undefined ? `, agreement ${(100 * p.top1Agreement).toFixed(1)}%` : '';
  const latency = p.latencyMs !== undefined ? `, ${formatMs(p.latencyMs)}` : '';
  const fits = noBoard ? '' : p.fits ? ', fits' : ', does not fit';
  return `SQNR ${dbText(p.outputSqnrDb)}${agree}${acc}, arena ${formatBytes(p.arenaBytes)}, flash ${formatBytes(p.modelBytes)}${latency}${fits}`;
}

const STOPS: Readonly<Record<NonNullable<PrecisionResult['search']>['stop'], string>> = {
  reached: 'goal met',
  unreachable: 'not reachable: even every layer at its most precise choice falls short',
  'nothing-fits': 'nothing fits: not even the starting assignment',
  exhausted: 'no promotion left that helps',
  'time-limit': 'stopped at the time limit',
};

/** The assignment, the search's outcome and the Pareto front it explored, for a person. */
export function renderPrecision(r: PrecisionResult, request: PrecisionRequest): string {
  const noBoard = request.board.targetId === 'custom';
  const lines: string[] = [];
  const board = noBoard
    ? `no board given${request.board.kernels === 'reference' ? '' : ` (${request.board.kernels})`}`
    : `on ${request.board.targetId} (${request.board.kernels})`;
  lines.push(`  precision ${layersText(r.assessment.precision)}, ${board}: ${pointText(r.assessment, noBoard)}`);
  const s = r.search;
  if (s) {
    const goal =
      s.goal.kind === 'sqnr'
        ? `output SQNR ≥ ${s.goal.db} dB`
        : s.goal.kind === 'accuracy'
          ? `top-1 within ${s.goal.points} points of float`
          : `the most accurate that fits`;
    lines.push(
      `  search for ${goal}: ${s.reached ? 'met' : 'NOT met'} (${STOPS[s.stop]}), ${s.promotions} of ${s.promotable} promotable layer(s) promoted, ${r.explored?.length ?? 0} assignment(s) measured in ${(s.ms / 1000).toFixed(1)} s`,
    );
    const front = (r.explored ?? []).filter((p) => p.pareto);
    lines.push(`  Pareto front (accuracy against arena${noBoard ? '' : ' and latency'}), ${front.length} point(s):`);
    for (const p of [...front].sort((a, b) => a.arenaBytes - b.arenaBytes || (a.latencyMs ?? 0) - (b.latencyMs ?? 0)))
      lines.push(`    ${layersText(p.precision)}: ${pointText(p, noBoard)}`);
  }
  return lines.join('\n');
}
