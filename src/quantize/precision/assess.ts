/**
 * One precision assignment measured: quantized from the calibration statistics of the first
 * call (QuantizeOptions.statistics, so only the first pays for calibration), then what it costs
 * on the board (board.ts) and what it loses against float: per-layer and output SQNR and top-1
 * agreement on the evaluation samples (the quantizer's own evaluation), and top-1 on labeled
 * data when the caller gives a way to measure it.
 */
import type { Graph } from '../../model/graph';
import { opName } from '../../model/ops';
import type { PrecisionAssessment, PrecisionBoard, PrecisionLayer, PrecisionPoint } from '../../shared/protocol';
import type { ProgressContext, Samples } from '../calibrate';
import { toFloatGraph } from '../floatGraph';
import type { LayerPrecision } from '../int8Graph';
import { type CalibrationStatistics, quantizeModel, type QuantizeOptions, type QuantizeResult } from '../quantizeModel';
import { boardCost } from './board';
import { precisionChoices } from '../support';
import { assignmentMap, defaultAssignment, overridesOf } from './choices';

/** Top-1 on labeled data (fractions in [0,1]), the float model's beside it. */
export interface LabeledAccuracy {
  readonly top1: number;
  readonly floatTop1: number;
  readonly samples: number;
}

export interface PrecisionSetup {
  /** The model as read from its file. */
  readonly model: Graph;
  readonly fileBytes: number;
  readonly calibration: Samples;
  /** How to quantize (heldOut: the samples SQNR and agreement are measured on); `precision` and `statistics` are set here. */
  readonly options: Omit<QuantizeOptions, 'precision' | 'statistics'>;
  readonly board: PrecisionBoard;
  /** Top-1 of a quantized model's bytes on labeled data; absent: no accuracy, SQNR only. */
  readonly accuracy?: (bytes: Uint8Array, ctx: ProgressContext) => Promise<LabeledAccuracy>;
}

export interface Assessed {
  readonly assessment: PrecisionAssessment;
  readonly result: QuantizeResult;
}

export interface PrecisionSession {
  /** Per layer of the float graph: the precisions it can take, cheapest first. */
  readonly choices: readonly (readonly LayerPrecision[])[];
  /** Every layer at the model's default precision (QuantizeOptions.activations). */
  readonly base: readonly LayerPrecision[];
  readonly opNames: readonly string[];
  assess(assignment: readonly LayerPrecision[], ctx?: ProgressContext): Promise<Assessed>;
  /** The statistics gathered by the first assessment (or given), for the next session on the same data. */
  statistics(): CalibrationStatistics | undefined;
}

/** `statistics` from an earlier session on the same model and calibration data skips calibration entirely. */
export function precisionSession(setup: PrecisionSetup, statistics?: CalibrationStatistics): PrecisionSession {
  const floatGraph = toFloatGraph(setup.model).graph;
  const choices = precisionChoices(floatGraph);
  const base = defaultAssignment(choices, setup.options.activations ?? 'int8');
  const opNames = floatGraph.subgraphs[0]!.operators.map((op) => opName(floatGraph, op));
  let stats = statistics;
  return {
    choices,
    base,
    opNames,
    statistics: () => stats,
    async assess(assignment, ctx = {}) {
      const result = await quantizeModel(
        setup.model,
        setup.calibration,
        // The board's kernels decide what they refuse: CMSIS-NN's 16x8 FULLY_CONNECTED gets per-tensor weights.
        { ...setup.options, kernels: setup.board.kernels, precision: assignmentMap(assignment, choices), ...(stats ? { statistics: stats } : {}) },
        ctx,
      );
      stats = result.statistics;
      const cost = boardCost(result.graph, result.bytes.length, setup.board, ctx.shouldStop);
      const ev = result.report.evaluation;
      const measured = 'skipped' in ev ? undefined : ev;
      const sqnr = new Map(measured?.layers.map((l) => [l.floatLayer, l.sqnrDb]) ?? []);
      const accuracy = setup.accuracy ? await setup.accuracy(result.bytes, ctx) : undefined;
      const layers: PrecisionLayer[] = assignment.map((precision, index) => {
        const s = sqnr.get(index);
        return { index, op: opNames[index]!, precision, choices: choices[index]!, ...(s !== undefined ? { sqnrDb: s } : {}) };
      });
      const top1 = measured?.output.top1Agreement;
      const assessment: PrecisionAssessment = {
        precision: overridesOf(assignment, base),
        // Unmeasured (no evaluation samples, or a model our runtime cannot run) ranks last.
        outputSqnrDb: measured ? measured.output.sqnrDb : Number.NEGATIVE_INFINITY,
        ...(top1 !== undefined ? { top1Agreement: top1 } : {}),
        ...(accuracy ? { accuracy } : {}),
        modelBytes: cost.modelBytes,
        arenaBytes: cost.arenaBytes,
        ...(cost.latencyMs !== undefined ? { latencyMs: cost.latencyMs } : {}),
        fits: cost.fits,
        layers,
        timeline: cost.timeline,
      };
      return { assessment, result };
    },
  };
}

/** The float model on the same board, for before/after. */
export function floatPoint(setup: PrecisionSetup, accuracy?: LabeledAccuracy): Omit<PrecisionPoint, 'precision' | 'outputSqnrDb' | 'top1Agreement'> {
  const cost = boardCost(setup.model, setup.fileBytes, setup.board);
  return {
    ...(accuracy ? { accuracy: { top1: accuracy.floatTop1, floatTop1: accuracy.floatTop1, samples: accuracy.samples } } : {}),
    modelBytes: cost.modelBytes,
    arenaBytes: cost.arenaBytes,
    ...(cost.latencyMs !== undefined ? { latencyMs: cost.latencyMs } : {}),
    fits: cost.fits,
  };
}

/** A point without its per-layer detail: what the search keeps of every assignment it measures. */
export function pointOf(a: PrecisionAssessment): PrecisionPoint {
  const { layers: _layers, timeline: _timeline, ...point } = a;
  return point;
}
