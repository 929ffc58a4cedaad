/**
 * Fitting, as plain functions: a small Levenberg–Marquardt solver for least squares in log space,
 * the coefficient fit of one kernel library over measured totals (MAP with priors), and error
 * summaries. Used by `npm run fit-estimator` on the MLPerf rows and by the per-board calibration
 * from a MicroProfiler log.
 */
import type { ErrorSummary, LibraryCoefficients, LibraryPriors } from './calibrationData';
import { MAC_TERMS, TERMS, type Term, type TermSums } from './features';

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and dense). */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-300) throw new Error('singular system');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

function sumSquares(r: readonly number[]): number {
  return r.reduce((s, v) => s + v * v, 0);
}

export interface SolverOptions {
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

/** Minimises Σ residuals(p)² from `start`; a numerical Jacobian, damping adapted per step. */
export function levenbergMarquardt(residuals: (p: readonly number[]) => number[], start: readonly number[], options: SolverOptions = {}): number[] {
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-12;
  let p = [...start];
  let r = residuals(p);
  let cost = sumSquares(r);
  let lambda = 1e-3;
  for (let it = 0; it < maxIterations; it++) {
    const n = p.length;
    const jac: number[][] = [];
    for (let j = 0; j < n; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(p[j]!));
      const q = [...p];
      q[j] = q[j]! + h;
      const rq = residuals(q);
      jac.push(rq.map((v, i) => (v - r[i]!) / h));
    }
    const jtj = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => jac[a]!.reduce((s, v, i) => s + v * jac[b]![i]!, 0)));
    const jtr = Array.from({ length: n }, (_, a) => jac[a]!.reduce((s, v, i) => s + v * r[i]!, 0));
    let improved = false;
    while (lambda < 1e12) {
      const damped = jtj.map((row, a) => row.map((v, b) => (a === b ? v + lambda * (v + 1e-9) : v)));
      let step: number[];
      try {
        step = solveLinear(
          damped,
          jtr.map((v) => -v),
        );
      } catch {
        lambda *= 10;
        continue;
      }
      const q = p.map((v, j) => v + step[j]!);
      const rq = residuals(q);
      const c = sumSquares(rq);
      if (Number.isFinite(c) && c < cost) {
        const gain = cost - c;
        p = q;
        r = rq;
        cost = c;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = true;
        if (gain < tolerance * (1 + cost)) return p;
        break;
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return p;
}

export function summarizeLogErrors(errors: readonly number[]): ErrorSummary {
  const n = errors.length;
  if (n === 0) return { n: 0, rmsLog: 0, maxAbsLog: 0, meanLog: 0 };
  return {
    n,
    rmsLog: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / n),
    maxAbsLog: Math.max(...errors.map(Math.abs)),
    meanLog: errors.reduce((s, e) => s + e, 0) / n,
  };
}

// ---------------------------------------------------------------------------------------------
// One library's coefficients from measured totals

/**
 * One measured inference: the library's term sums for the model as built on that platform
 * (already multiplied by that core's profile factors), cycles spent outside the library
 * (reference fallback ops in a CMSIS-NN build: fixed), and the measured cycles.
 */
export interface LibraryObservation {
  readonly platform: string;
  readonly sums: TermSums;
  readonly fixedCycles: number;
  readonly measuredCycles: number;
}

export interface LibraryFit {
  readonly coefficients: LibraryCoefficients;
  /** Cycle scale per platform, the anchor at 1. */
  readonly scales: Readonly<Record<string, number>>;
}

/** Weak prior on a non-anchor platform's scale (×/÷10 at one sigma): keeps the solver bounded. */
const SCALE_PRIOR_SIGMA = Math.log(10);

function coefficientsFrom(theta: readonly number[]): Record<Term, number> {
  const conv = Math.exp(theta[0]!);
  const out = {} as Record<Term, number>;
  TERMS.forEach((t, i) => {
    const v = Math.exp(theta[i]!);
    out[t] = t === 'conv' ? conv : (MAC_TERMS as readonly string[]).includes(t) ? conv * v : v;
  });
  return out;
}

export function predictCycles(coefficients: Readonly<Record<Term, number>>, sums: TermSums, scale: number): number {
  return scale * TERMS.reduce((s, t) => s + coefficients[t] * sums[t], 0);
}

/**
 * MAP fit in log space: residuals are ln(predicted/measured)/σ_obs for each observation plus
 * (ln θ − ln prior)/σ_prior for each coefficient. MAC costs other than `conv` are parametrised
 * as ratios to `conv`, so the data can move the level while the kernels' relative costs stay
 * near what their loop structure implies unless the data say otherwise. Terms no observation
 * exercises stay at their prior.
 */
export function fitLibrary(observations: readonly LibraryObservation[], priors: LibraryPriors, anchor: string, sigmaObs: number): LibraryFit {
  const platforms = [...new Set(observations.map((o) => o.platform))].filter((p) => p !== anchor).sort();
  const start = [...TERMS.map((t) => Math.log(priors[t].mean)), ...platforms.map(() => 0)];
  const residuals = (theta: readonly number[]): number[] => {
    const c = coefficientsFrom(theta);
    const out = observations.map((o) => {
      const k = platforms.indexOf(o.platform);
      const scale = k < 0 ? 1 : Math.exp(theta[TERMS.length + k]!);
      const predicted = predictCycles(c, o.sums, scale) + o.fixedCycles;
      return Math.log(predicted / o.measuredCycles) / sigmaObs;
    });
    TERMS.forEach((t, i) => out.push((theta[i]! - Math.log(priors[t].mean)) / priors[t].sigmaLog));
    platforms.forEach((_, k) => out.push(theta[TERMS.length + k]! / SCALE_PRIOR_SIGMA));
    return out;
  };
  const theta = levenbergMarquardt(residuals, start);
  const scales: Record<string, number> = { [anchor]: 1 };
  platforms.forEach((p, k) => (scales[p] = Math.exp(theta[TERMS.length + k]!)));
  return { coefficients: coefficientsFrom(theta), scales };
}
