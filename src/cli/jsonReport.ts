/**
 * The `analyze --json` contract. Firmware CI parses it, so fields are only ever added:
 * renaming or removing one is a breaking change and bumps `schemaVersion`.
 */
import type { ModelAnalysis, TensorInfo } from '../analysis/analyzeModel';
import type { FitVerdict } from '../targets/fit';
import { renderFinding } from '../findings/render';

export const SCHEMA_VERSION = 1;

const tensor = (t: TensorInfo) => ({ name: t.name, shape: t.shape, dtype: t.dtype });

export function jsonReport(a: ModelAnalysis, verdict: FitVerdict | undefined) {
  return {
    schemaVersion: SCHEMA_VERSION,
    model: { path: a.model.path ?? null, bytes: a.model.bytes, format: a.model.format, kind: a.kind, subgraphs: a.model.subgraphs },
    layers: a.layers.map((l) => ({
      index: l.index,
      subgraph: l.subgraph,
      op: l.op,
      inputs: l.inputs.map(tensor),
      outputs: l.outputs.map(tensor),
      weightBytes: l.weightBytes,
      activationBytes: l.activationBytes,
      inputActivationBytes: l.inputActivationBytes,
      macs: l.macs,
      elementOps: l.elementOps,
      arenaLiveBytes: l.arenaLiveBytes,
      arenaHighWaterBytes: l.arenaHighWaterBytes,
      liveTensors: l.liveTensors,
      tflmSupported: l.tflmSupported,
      // Why TFLM's kernel refuses the layer ({ reason, got, accepted, source }), or null.
      tflmRefusal: l.tflmRefusal ?? null,
    })),
    totals: {
      macs: a.totals.macs,
      elementOps: a.totals.elementOps,
      weightBytes: a.totals.weightBytes,
      modelBytes: a.totals.modelBytes,
      operators: a.totals.operators,
      unknownCostOps: a.totals.unknownCostOps,
    },
    arena: {
      nonPersistentBytes: a.arena.nonPersistentBytes,
      persistentBytes: a.arena.persistentBytes,
      totalBytes: a.arena.totalBytes,
      persistentErrorBytes: a.arena.persistentErrorBytes,
      peakLayer: a.arena.peakLayer,
      peakTensors: a.arena.peakTensors,
      // The one peak (ArenaPeak): layer, op, bar height (planned + persistent), full tensor names.
      peak: a.arena.peak,
      abi: a.arena.abi,
      kernels: a.arena.kernels,
    },
    target: verdict
      ? {
          id: verdict.target.id,
          name: verdict.target.name,
          sramBytes: verdict.target.sramBytes,
          flashBytes: verdict.target.flashBytes,
          reservedSramBytes: verdict.reserve.sramBytes,
          reservedFlashBytes: verdict.reserve.flashBytes,
          /** SRAM left for the arena (SRAM − reserve): what the arena is compared with. */
          arenaBudgetBytes: verdict.arena.budgetBytes,
          fits: verdict.fits,
          // `message` is the English rendering; `params` carries its numbers for tools that render their own.
          diagnostics: verdict.findings.map((f) => ({
            severity: f.severity,
            code: f.code,
            message: renderFinding(f),
            layer: f.layer,
            subgraph: f.subgraph,
            params: f.params,
          })),
        }
      : null,
    warnings: a.warnings,
    // The same warnings as codes and parameters, in the same order (added beside the strings).
    warningCodes: a.warningCodes,
  };
}

export type JsonReport = ReturnType<typeof jsonReport>;
