/**
 * Fitting, as plain functions: a small Levenberg–Marquardt solver for least squares in log space.
 * Used by `npm run fit-estimator` on the MLPerf rows and by the per-board calibration from a
 * MicroProfiler log.
 */

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
