/** The calibration as text: what `npm run fit-estimator` prints and the README quotes. */
import type { CalibrationData, ErrorSummary } from './calibrationData';

function pct(ratio: number): string {
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(0)}%`;
}

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function summary(s: ErrorSummary): string {
  return `n=${s.n}, rms ln-error ${s.rmsLog.toFixed(3)} (×/÷${Math.exp(s.rmsLog).toFixed(2)}), max |ln-error| ${s.maxAbsLog.toFixed(3)} (×/÷${Math.exp(s.maxAbsLog).toFixed(2)})`;
}

export function formatCalibrationReport(data: CalibrationData): string {
  const out: string[] = [];
  out.push('| platform | benchmark | measured ms | fitted ms | fit error | leave-one-out ms | LOO error |');
  out.push('|---|---|---:|---:|---:|---:|---:|');
  for (const r of data.rows)
    out.push(
      `| ${r.platform} | ${r.benchmark} | ${ms(r.measuredMs)} | ${ms(r.fittedMs)} | ${pct(r.fittedMs / r.measuredMs)} | ${ms(r.looMs)} | ${pct(r.looMs / r.measuredMs)} |`,
    );
  out.push('');
  out.push(`Leave-one-out, reference kernels: ${summary(data.loo.reference)}`);
  out.push(`Leave-one-out, CMSIS-NN: ${summary(data.loo['cmsis-nn'])}`);
  out.push(`Leave-one-out, all 12 rows: ${summary(data.loo.all)}`);
  out.push(`In-sample fit, all 12 rows: ${summary(data.fit.all)}`);
  out.push('');
  out.push('Platform scales (cycles relative to the library anchor):');
  for (const p of data.platforms)
    out.push(`- ${p.id} (${p.core}, ${p.kernels}, ${p.clockMHz} MHz, ${p.stack}): ${p.scale.toFixed(3)}${p.anchor ? ' (anchor)' : ''}`);
  out.push('');
  out.push('Coefficients (cycles per unit on the anchor):');
  for (const [lib, c] of Object.entries(data.libraries)) {
    out.push(
      `- ${lib}: ${Object.entries(c)
        .map(([k, v]) => `${k} ${v < 10 ? v.toFixed(3) : v.toFixed(1)}`)
        .join(', ')}`,
    );
  }
  out.push('');
  out.push('| published point | use | model | measured ms | anchor-predicted ms | factor | source |');
  out.push('|---|---|---|---:|---:|---:|---|');
  for (const p of data.published)
    out.push(`| ${p.id} | ${p.use} | ${p.model} | ${ms(p.measuredMs)} | ${ms(p.anchorPredictedMs)} | ${p.factor.toFixed(3)} | ${p.source} |`);
  out.push('');
  out.push(
    `M7/M33 cycle ratio, same engine: geometric mean ${data.m7OverM33.geomean.toFixed(3)} (σ ln ${data.m7OverM33.sigmaLog.toFixed(3)}, ${data.m7OverM33.ratios.length} pairs: ${data.m7OverM33.ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
  out.push(
    `RX65N transfer check (CMSIS-NN structure, one scale ${data.rx65n.scale.toFixed(3)}): ${data.rx65n.rows.map((r) => `${r.benchmark} ${pct(r.looMs / r.measuredMs)}`).join(', ')} leave-one-out; ${summary(data.rx65n.loo)}`,
  );
  out.push('');
  out.push('| energy row | supply V | measured mW | datasheet mW (µA/MHz × MHz × V) | measured / datasheet |');
  out.push('|---|---:|---:|---:|---:|');
  for (const e of data.energy)
    out.push(`| ${e.platform} ${e.benchmark} | ${e.supplyVolts} | ${e.measuredMw.toFixed(1)} | ${e.datasheetMw.toFixed(1)} | ${e.ratio.toFixed(2)} |`);
  out.push('');
  out.push(`Excluded TFLM-family rows: ${data.excludedRows.length}`);
  for (const e of data.excludedRows) out.push(`- ${e}`);
  return out.join('\n');
}
