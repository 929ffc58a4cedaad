/** The calibration as text: what `npm run fit-estimator` prints and docs/estimator.md quotes. */
import type { CalibrationData, ErrorSummary, ErrorTable } from './calibrationData';

function pct(ratio: number): string {
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(0)}%`;
}

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function summary(s: ErrorSummary): string {
  return `n=${s.n}, MAPE ${s.mape.toFixed(1)}%, max ${s.maxAbsPct.toFixed(0)}%, rms ln-error ${s.rmsLog.toFixed(3)}`;
}

function table(name: string, t: ErrorTable): string[] {
  return [`${name}: ${summary(t.all)}`, ...Object.entries(t.byCore).map(([core, s]) => `  ${core}: ${summary(s)}`)];
}

export function formatCalibrationReport(data: CalibrationData): string {
  const out: string[] = [];
  const c = data.constants;
  out.push(
    `Constants: CMSIS-NN efficiency ${c.efficiency['cmsis-nn'].toFixed(3)}, reference efficiency ${c.efficiency.reference.toFixed(3)}, flash wait states exposed ${c.flashExposed.toFixed(3)}, ${c.operatorCycles.toFixed(0)} cycles per operator`,
  );
  for (const p of data.platforms.filter((q) => q.scale !== 1)) out.push(`Platform scale ${p.id}: ${p.scale.toFixed(3)} (${p.why ?? ''})`);
  out.push('');
  out.push('| round | platform | core | benchmark | measured ms | predicted ms | error | leave-one-out ms | LOO error |');
  out.push('|---|---|---|---|---:|---:|---:|---:|---:|');
  for (const r of data.rows)
    out.push(
      `| ${r.version} | ${r.platform} | ${r.core} | ${r.benchmark} | ${ms(r.measuredMs)} | ${ms(r.predictedMs)} | ${pct(r.predictedMs / r.measuredMs)} | ${ms(r.looMs!)} | ${pct(r.looMs! / r.measuredMs)} |`,
    );
  for (const r of data.heldOut)
    out.push(
      `| ${r.version} | ${r.platform} (held out) | ${r.core} | ${r.benchmark} | ${ms(r.measuredMs)} | ${ms(r.predictedMs)} | ${pct(r.predictedMs / r.measuredMs)} | — | — |`,
    );
  out.push('');
  out.push(...table('Held out (v1.0 CMSIS-NN rows, never fitted on)', data.heldOutError));
  out.push(...table('Leave-one-out on the fit rows (v0.5/v0.7)', data.loo));
  out.push(...table('In-sample fit', data.fit));
  out.push('');
  out.push('| published point | use | model | measured ms | predicted ms | measured / predicted | source |');
  out.push('|---|---|---|---:|---:|---:|---|');
  for (const p of data.published)
    out.push(`| ${p.id} | ${p.use} | ${p.model} | ${ms(p.measuredMs)} | ${ms(p.predictedMs)} | ${p.factor.toFixed(2)} | ${p.source} |`);
  out.push('');
  out.push(
    `M7/M33 cycle ratio, same engine: geometric mean ${data.m7OverM33.geomean.toFixed(3)} (σ ln ${data.m7OverM33.sigmaLog.toFixed(3)}, ${data.m7OverM33.ratios.length} pairs)`,
  );
  out.push('');
  out.push('| energy row | supply V | measured mW | datasheet mW (µA/MHz × MHz × V) | measured / datasheet |');
  out.push('|---|---:|---:|---:|---:|');
  for (const e of data.energy)
    out.push(`| ${e.platform} ${e.benchmark} | ${e.supplyVolts} | ${e.measuredMw.toFixed(1)} | ${e.datasheetMw.toFixed(1)} | ${e.ratio.toFixed(2)} |`);
  out.push('');
  out.push(`Excluded TFLM/microTVM rows: ${data.excludedRows.length}`);
  for (const e of data.excludedRows) out.push(`- ${e}`);
  return out.join('\n');
}
