/**
 * When a PTQ method is kept by default: it is fitted on one fold of the calibration data and
 * measured on the other, both ways (autoSelect.ts foldPlan), against the same model without it.
 * It is kept when the pooled output SQNR gains more than PTQ_GAIN_DB and, for a classifier, top-1
 * agreement with the float model does not drop. One rule for every model: no per-model tuning.
 */
export const PTQ_GAIN_DB = 0.1;

export interface PtqDecision {
  readonly applied: boolean;
  /** `option`: asked for or refused by the caller; `measured`: the rule above; `not-measured`: fewer than 4 samples, so left off. */
  readonly by: 'option' | 'measured' | 'not-measured';
  /** Cross-fold output SQNR without and with the method, dB. */
  readonly withoutDb?: number;
  readonly withDb?: number;
  readonly top1Without?: number;
  readonly top1With?: number;
}

interface Score {
  readonly sqnrDb: number;
  readonly top1Agreement?: number;
}

export function decide(without: Score, withMethod: Score, classifier: boolean): PtqDecision {
  const gains = withMethod.sqnrDb > without.sqnrDb + PTQ_GAIN_DB;
  const keepsTop1 = !classifier || (withMethod.top1Agreement ?? 0) >= (without.top1Agreement ?? 0);
  return {
    applied: gains && keepsTop1,
    by: 'measured',
    withoutDb: without.sqnrDb,
    withDb: withMethod.sqnrDb,
    ...(without.top1Agreement !== undefined ? { top1Without: without.top1Agreement } : {}),
    ...(withMethod.top1Agreement !== undefined ? { top1With: withMethod.top1Agreement } : {}),
  };
}

/** What a PTQ method did to one model. */
export interface PtqApplied {
  readonly graph: import('../../model/graph').Graph;
  /** Layers changed. */
  readonly changed: number;
  readonly ms: number;
  /** Stopped at the time limit before the last layer. */
  readonly truncated: boolean;
  /** Method-specific count (weights rounded the other way). */
  readonly detail?: number;
}

/** The report's record of one PTQ method: the decision, and what it changed in the model written (its time is in the report's timing.ptqMs). */
export type PtqReport = PtqDecision & { readonly layers?: number; readonly truncated?: boolean };

export function ptqReport(d: PtqDecision, a: PtqApplied | undefined): PtqReport {
  return { ...d, ...(a ? { layers: a.changed, truncated: a.truncated } : {}) };
}
