/**
 * Does the model fit the target? A verdict as plain data: each finding has a severity, a
 * message a person can act on, and the layer responsible, so the CLI prints it, CI fails
 * on it and the editor turns it into a diagnostic on the right line.
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import { BOARDS } from './boards';
import type { Target } from './target';
import { formatBytes } from '../util/formatBytes';

/** Byte formatting lives in util so the panel can use it without the board table. */
export { formatBytes };

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'sram-over'
  | 'sram-near'
  | 'sram-not-contiguous'
  | 'flash-over'
  | 'flash-near'
  | 'op-unsupported'
  | 'hybrid-op'
  | 'float-in-int8'
  | 'latency-over';

export interface FitFinding {
  readonly severity: Severity;
  readonly code: FindingCode;
  readonly message: string;
  /** Layer index in subgraph 0, or null for findings about the whole model. */
  readonly layer: number | null;
  readonly subgraph: number;
}

export interface Reserve {
  /** SRAM the application needs besides the arena: stack, heap, buffers. */
  readonly sramBytes: number;
  /** Flash the application needs besides the model: code, TFLM itself. */
  readonly flashBytes: number;
}

export interface FitVerdict {
  readonly target: Target;
  readonly reserve: Reserve;
  readonly sramUsedBytes: number;
  readonly flashUsedBytes: number;
  readonly fits: boolean;
  readonly findings: readonly FitFinding[];
}

/** A share of a budget at or above which a finding warns. */
export const NEAR_BUDGET = 0.9;

export const NO_RESERVE: Reserve = { sramBytes: 0, flashBytes: 0 };

export function findBoard(id: string): Target | undefined {
  const board = BOARDS.find((b) => b.id === id);
  return board && { id: board.id, name: board.name, sramBytes: board.sramBytes, flashBytes: board.flashBytes, board };
}

export function customTarget(sramBytes: number, flashBytes: number): Target {
  return { id: 'custom', name: 'custom budget', sramBytes, flashBytes };
}


export function checkFit(analysis: ModelAnalysis, target: Target, reserve: Reserve = NO_RESERVE): FitVerdict {
  const findings: FitFinding[] = [];
  const arena = analysis.arena.totalBytes;
  const sramUsed = arena + reserve.sramBytes;
  const flashUsed = analysis.totals.modelBytes + reserve.flashBytes;
  const peak = analysis.arena.peakLayer;
  const peakLayer = peak === null ? undefined : analysis.layers.find((l) => l.subgraph === 0 && l.index === peak);
  const at = peakLayer ? `; peak at layer ${peakLayer.index} ${peakLayer.op}` : '';
  const reserved = reserve.sramBytes > 0 ? ` + ${formatBytes(reserve.sramBytes)} reserved` : '';

  if (sramUsed > target.sramBytes) {
    findings.push({ severity: 'error', code: 'sram-over', layer: peak, subgraph: 0, message: `Tensor arena ${formatBytes(arena)}${reserved} exceeds ${formatBytes(target.sramBytes)} SRAM on ${target.name}${at}` });
  } else if (sramUsed >= NEAR_BUDGET * target.sramBytes) {
    findings.push({ severity: 'warning', code: 'sram-near', layer: peak, subgraph: 0, message: `Tensor arena ${formatBytes(arena)}${reserved} uses ${percent(sramUsed, target.sramBytes)} of ${formatBytes(target.sramBytes)} SRAM on ${target.name}${at}` });
  }
  const contiguous = target.board?.contiguousSramBytes;
  if (contiguous !== undefined && contiguous < target.sramBytes && arena > contiguous && sramUsed <= target.sramBytes) {
    findings.push({ severity: 'error', code: 'sram-not-contiguous', layer: peak, subgraph: 0, message: `Tensor arena ${formatBytes(arena)} is larger than the biggest contiguous SRAM block (${formatBytes(contiguous)}) on ${target.name}; the arena cannot span banks${at}` });
  }

  const flashReserved = reserve.flashBytes > 0 ? ` + ${formatBytes(reserve.flashBytes)} reserved` : '';
  if (flashUsed > target.flashBytes) {
    findings.push({ severity: 'error', code: 'flash-over', layer: null, subgraph: 0, message: `Model ${formatBytes(analysis.totals.modelBytes)}${flashReserved} exceeds ${formatBytes(target.flashBytes)} flash on ${target.name}` });
  } else if (flashUsed >= NEAR_BUDGET * target.flashBytes) {
    findings.push({ severity: 'warning', code: 'flash-near', layer: null, subgraph: 0, message: `Model ${formatBytes(analysis.totals.modelBytes)}${flashReserved} uses ${percent(flashUsed, target.flashBytes)} of ${formatBytes(target.flashBytes)} flash on ${target.name}` });
  }

  for (const l of analysis.layers) {
    if (!l.tflmSupported) {
      findings.push({ severity: 'warning', code: 'op-unsupported', layer: l.index, subgraph: l.subgraph, message: `${l.op} (layer ${l.index}${l.subgraph > 0 ? ` of subgraph ${l.subgraph}` : ''}) has no TensorFlow Lite Micro kernel` });
    } else if (l.hybrid) {
      findings.push({ severity: 'warning', code: 'hybrid-op', layer: l.index, subgraph: l.subgraph, message: `${l.op} (layer ${l.index}) has int8 weights under float activations (dynamic-range quantization); TFLite Micro refuses hybrid models: quantize fully to int8` });
    }
  }
  if (analysis.kind === 'int8' || analysis.kind === 'mixed') {
    for (const l of analysis.layers) {
      if (l.float && l.op !== 'QUANTIZE' && l.op !== 'DEQUANTIZE' && l.kind !== 'data-movement') {
        findings.push({ severity: 'warning', code: 'float-in-int8', layer: l.index, subgraph: l.subgraph, message: `${l.op} (layer ${l.index}) computes in float inside an int8 model: slow on an MCU without an FPU, and it costs 4 bytes per value` });
      }
    }
  }
  const fits = sramUsed <= target.sramBytes && flashUsed <= target.flashBytes && !findings.some((f) => f.code === 'sram-not-contiguous');
  return { target, reserve, sramUsedBytes: sramUsed, flashUsedBytes: flashUsed, fits, findings };
}

function percent(used: number, budget: number): string {
  return `${Math.round((100 * used) / budget)}%`;
}
