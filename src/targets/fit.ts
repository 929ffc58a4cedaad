/**
 * Does the model fit the target? A verdict as plain data: each finding has a severity, a code
 * with the numbers behind it (src/findings), and the layer responsible, so the CLI prints it,
 * CI fails on it and the editor turns it into a diagnostic on the right line, in the user's
 * language.
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import type { FitFinding, LayerRef } from '../findings/finding';
import { BOARDS } from './boards';
import type { Target } from './target';
import { formatBytes } from '../util/formatBytes';

/** Byte formatting lives in util so the panel can use it without the board table. */
export { formatBytes };

export interface Reserve {
  /** SRAM the application needs besides the arena: stack, heap, buffers. */
  readonly sramBytes: number;
  /** Flash the application needs besides the model: code, TFLM itself. */
  readonly flashBytes: number;
}

/**
 * The SRAM side of a verdict as the memory timeline draws it: bars up to `arenaBytes` (the
 * tallest bar, analysis/peak.ts ArenaPeak) against a line at `budgetBytes`. The model's
 * arena fits exactly when arenaBytes ≤ budgetBytes, which is the verdict's own comparison
 * (arena + reserve ≤ SRAM) written on the arena's side.
 */
export interface ArenaBudget {
  /** The tensor arena: planned head + persistent part (`ModelAnalysis.arena.totalBytes`). */
  readonly arenaBytes: number;
  /** The persistent part inside arenaBytes (the base every bar stands on). */
  readonly persistentBytes: number;
  /** SRAM left for the arena: the target's SRAM less the reserve (never below 0). */
  readonly budgetBytes: number;
  readonly sramBytes: number;
  readonly reservedBytes: number;
}

export interface FitVerdict {
  readonly target: Target;
  readonly reserve: Reserve;
  /** What the timeline draws against: the same numbers this verdict compares. */
  readonly arena: ArenaBudget;
  readonly sramUsedBytes: number;
  readonly flashUsedBytes: number;
  readonly fits: boolean;
  readonly findings: readonly FitFinding[];
}

/** A share of a budget at or above which a finding warns. */
export const NEAR_BUDGET = 0.9;

export const NO_RESERVE: Reserve = { sramBytes: 0, flashBytes: 0 };

/**
 * The reserve every surface assumes when the user gives none, in KB: the CLI's
 * `--reserve-sram/--reserve-flash` and the editor's `reservedSramKB/reservedFlashKB` settings
 * (package.json's defaults are checked against it). 16 KB of SRAM covers a small application's
 * stack, heap and buffers; 64 KB of flash, TFLM itself with a few kernels and the code around it.
 */
export const DEFAULT_RESERVE_KB = { sram: 16, flash: 64 } as const;

export const DEFAULT_RESERVE: Reserve = { sramBytes: DEFAULT_RESERVE_KB.sram * 1024, flashBytes: DEFAULT_RESERVE_KB.flash * 1024 };

/** The arena against the SRAM it may use: see ArenaBudget. */
export function arenaBudget(analysis: ModelAnalysis, target: Target, reserve: Reserve = NO_RESERVE): ArenaBudget {
  return {
    arenaBytes: analysis.arena.totalBytes,
    persistentBytes: analysis.arena.persistentBytes,
    budgetBytes: Math.max(0, target.sramBytes - reserve.sramBytes),
    sramBytes: target.sramBytes,
    reservedBytes: reserve.sramBytes,
  };
}

export function findBoard(id: string): Target | undefined {
  const board = BOARDS.find((b) => b.id === id);
  return board && { id: board.id, name: board.name, sramBytes: board.sramBytes, flashBytes: board.flashBytes, board };
}

export function customTarget(sramBytes: number, flashBytes: number): Target {
  return { id: 'custom', name: 'custom budget', sramBytes, flashBytes };
}

/**
 * The verdict against `target` with the reserve given (none by default: a bare budget). The
 * surfaces pass the user's reserve, or DEFAULT_RESERVE when the user gave none.
 */
export function checkFit(analysis: ModelAnalysis, target: Target, reserve: Reserve = NO_RESERVE): FitVerdict {
  const findings: FitFinding[] = [];
  const budget = arenaBudget(analysis, target, reserve);
  const arena = budget.arenaBytes;
  const sramUsed = arena + reserve.sramBytes;
  const flashUsed = analysis.totals.modelBytes + reserve.flashBytes;
  // The one peak (ArenaPeak): the layer whose timeline bar is tallest.
  const found = analysis.arena.peak;
  const layer = found?.layer ?? null;
  const peak: LayerRef | null = found ? { index: found.layer, op: found.op } : null;
  const sram = { arenaBytes: arena, reservedBytes: reserve.sramBytes, sramBytes: target.sramBytes, target: target.name, peak };

  if (sramUsed > target.sramBytes) {
    findings.push({ severity: 'error', code: 'sram-over', layer, subgraph: 0, params: sram });
  } else if (sramUsed >= NEAR_BUDGET * target.sramBytes) {
    findings.push({ severity: 'warning', code: 'sram-near', layer, subgraph: 0, params: { ...sram, usedBytes: sramUsed } });
  }
  const contiguous = target.board?.contiguousSramBytes;
  if (contiguous !== undefined && contiguous < target.sramBytes && arena > contiguous && sramUsed <= target.sramBytes) {
    findings.push({
      severity: 'error',
      code: 'sram-not-contiguous',
      layer,
      subgraph: 0,
      params: { arenaBytes: arena, contiguousBytes: contiguous, target: target.name, peak },
    });
  }

  const flash = { modelBytes: analysis.totals.modelBytes, reservedBytes: reserve.flashBytes, flashBytes: target.flashBytes, target: target.name };
  if (flashUsed > target.flashBytes) {
    findings.push({ severity: 'error', code: 'flash-over', layer: null, subgraph: 0, params: flash });
  } else if (flashUsed >= NEAR_BUDGET * target.flashBytes) {
    findings.push({ severity: 'warning', code: 'flash-near', layer: null, subgraph: 0, params: { ...flash, usedBytes: flashUsed } });
  }

  for (const l of analysis.layers) {
    const refusal = l.tflmRefusal;
    const at = { layer: l.index, subgraph: l.subgraph };
    // A missing kernel stays a warning (an application may register its own); a kernel that
    // refuses the layer's types fails AllocateTensors or the first Invoke on every build.
    if (refusal?.reason === 'hybrid' || (l.hybrid && !refusal && l.tflmSupported)) {
      findings.push({ severity: 'error', code: 'hybrid-op', ...at, params: { op: l.op } });
    } else if (refusal) {
      const { reason, got, accepted, source } = refusal;
      findings.push({ severity: 'error', code: 'op-refused', ...at, params: { op: l.op, reason, got, accepted, source } });
    } else if (!l.tflmSupported) {
      findings.push({ severity: 'warning', code: 'op-unsupported', ...at, params: { op: l.op } });
    }
  }
  if (analysis.kind === 'int8' || analysis.kind === 'mixed') {
    for (const l of analysis.layers) {
      if (l.float && l.op !== 'QUANTIZE' && l.op !== 'DEQUANTIZE' && l.kind !== 'data-movement') {
        findings.push({ severity: 'warning', code: 'float-in-int8', layer: l.index, subgraph: l.subgraph, params: { op: l.op } });
      }
    }
  }
  // Every error is a reason the model cannot run on the target: memory, or a layer TFLM refuses.
  const fits = sramUsed <= target.sramBytes && flashUsed <= target.flashBytes && !findings.some((f) => f.severity === 'error');
  return { target, reserve, arena: budget, sramUsedBytes: sramUsed, flashUsedBytes: flashUsed, fits, findings };
}
