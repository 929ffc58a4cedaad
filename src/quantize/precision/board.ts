/**
 * What a model costs on the board an assignment is measured against: flash (the .tflite's
 * size), TFLM's arena for the board's ABI and kernels, the estimated latency and the fit
 * verdict: the same analyzeModel, estimateModel and checkFit every other surface uses.
 */
import { analyzeModel } from '../../analysis/analyzeModel';
import { kernelLibrary } from '../../analysis/kernelLibrary';
import { timelinePeak } from '../../analysis/peak';
import { errorCode } from '../../errors';
import { boardTarget, CALIBRATION, estimateModel } from '../../estimate';
import type { Graph } from '../../model/graph';
import type { PrecisionBoard } from '../../shared/protocol';
import { checkFit, findBoard } from '../../targets/fit';
import type { Target } from '../../targets/target';

export interface BoardCost {
  readonly modelBytes: number;
  readonly arenaBytes: number;
  /** Absent when the board has no latency model (a custom budget, a core without a profile). */
  readonly latencyMs?: number;
  readonly fits: boolean;
  /** Arena bytes at each operator (the memory timeline's bars). */
  readonly timeline: readonly number[];
}

function targetOf(board: PrecisionBoard): Target {
  const known = findBoard(board.targetId);
  return { ...(known ?? { id: 'custom', name: 'custom budget' }), sramBytes: board.sramBytes, flashBytes: board.flashBytes };
}

export function boardCost(graph: Graph, fileBytes: number, board: PrecisionBoard, shouldStop?: () => boolean): BoardCost {
  const analysis = analyzeModel(graph, fileBytes, { abi: board.abi, kernels: kernelLibrary(board.kernels, board.core), ...(shouldStop ? { shouldStop } : {}) });
  let latencyMs: number | undefined;
  if (findBoard(board.targetId)) {
    try {
      latencyMs = estimateModel(analysis, boardTarget(CALIBRATION, board.targetId, board.kernels)).total.ms;
    } catch (e) {
      if (errorCode(e) !== 'bad-estimate') throw e;
    }
  }
  return {
    modelBytes: analysis.totals.modelBytes,
    arenaBytes: analysis.arena.totalBytes,
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    fits: checkFit(analysis, targetOf(board), board.reserve).fits,
    timeline: timelinePeak(analysis).columns.map((c) => c.bytes),
  };
}
