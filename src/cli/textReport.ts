/**
 * The text report `tinyml-lens analyze` prints and the editor's output channel shows:
 * a per-layer table with fixed columns (the peak row starred), totals, and the verdict.
 * "arena top" is the planned part of the timeline's bar (ArenaPeak): the starred row has the
 * largest one. "arena live" is the sum of the live buffers, lower where the planner leaves gaps.
 */
import type { ModelAnalysis } from '../analysis/analyzeModel';
import { formatBytes, type FitVerdict } from '../targets/fit';
import { renderFinding } from '../findings/render';
import { shortName } from '../util/shortName';

const HEADERS = ['#', 'op', 'output', 'dtype', 'weights', 'activations', 'arena live', 'arena top', 'MACs'] as const;

export function renderTable(a: ModelAnalysis): string {
  const rows = a.layers.map((l) => {
    const out = l.outputs[0];
    const index = `${l.subgraph > 0 ? `${l.subgraph}:` : ''}${l.index}${l.subgraph === 0 && l.index === a.arena.peakLayer ? '*' : ''}`;
    return [
      index,
      l.op,
      out ? `[${out.shape.join('x')}]` : '',
      out?.dtype ?? '',
      l.weightBytes ? formatBytes(l.weightBytes) : '-',
      formatBytes(l.activationBytes),
      l.subgraph === 0 ? formatBytes(l.arenaLiveBytes) : '-',
      l.subgraph === 0 ? formatBytes(l.arenaHighWaterBytes) : '-',
      l.macs === null ? 'unknown' : l.macs ? l.macs.toLocaleString('en-US') : '-',
    ];
  });
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  // Text columns align left, numbers right.
  const fmt = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c <= 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [fmt(HEADERS), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt), '(* arena peak)'].join('\n');
}

export function renderReport(a: ModelAnalysis, verdict: FitVerdict | undefined): string {
  const lines = [
    `${a.model.path ?? 'model'}: ${formatBytes(a.model.bytes)}, ${a.kind}, ${a.totals.operators} operators${a.model.subgraphs > 1 ? ` in ${a.model.subgraphs} subgraphs` : ''}`,
    '',
  ];
  lines.push(renderTable(a), '');
  lines.push(
    `MACs            ${a.totals.macs.toLocaleString('en-US')}${a.totals.unknownCostOps.length ? ` (cost unknown: ${a.totals.unknownCostOps.join(', ')})` : ''}`,
  );
  lines.push(`Weights (flash) ${formatBytes(a.totals.weightBytes)} of a ${formatBytes(a.totals.modelBytes)} model`);
  const err = a.arena.persistentErrorBytes > 0 ? ` ±${a.arena.persistentErrorBytes} B` : '';
  lines.push(
    `Tensor arena    ${formatBytes(a.arena.totalBytes)} = ${a.arena.nonPersistentBytes.toLocaleString('en-US')} B planned + ${a.arena.persistentBytes.toLocaleString('en-US')} B persistent${err} (TFLM ${a.arena.kernels} kernels, ${a.arena.abi})`,
  );
  const peak = a.arena.peak;
  if (peak !== null)
    lines.push(
      `Peak            layer ${peak.layer} ${peak.op}: ${formatBytes(peak.plannedBytes)} planned + ${formatBytes(a.arena.persistentBytes)} persistent = ${formatBytes(peak.bytes)}; live: ${peak.tensors.map((n) => shortName(n)).join(', ')}`,
    );
  for (const w of a.warnings) lines.push(`note: ${w}`);
  if (verdict) {
    lines.push(
      '',
      `${verdict.fits ? 'FITS' : 'DOES NOT FIT'} ${verdict.target.name}: ${budgetLine('SRAM', verdict.sramUsedBytes, verdict.target.sramBytes, 'arena', verdict.arena.arenaBytes, verdict.reserve.sramBytes)}, ${budgetLine('flash', verdict.flashUsedBytes, verdict.target.flashBytes, 'model', a.totals.modelBytes, verdict.reserve.flashBytes)}`,
    );
    for (const f of verdict.findings) lines.push(`${f.severity}: ${renderFinding(f)}`);
  }
  return lines.join('\n');
}

/** "SRAM 38.2 KB / 32 KB (arena 22.2 KB + 16 KB reserved)"; a budget the user did not give is not checked. */
function budgetLine(what: string, used: number, budget: number, part: string, partBytes: number, reserved: number): string {
  if (!Number.isFinite(budget)) return `${what} not checked (no --${what.toLowerCase()} given)`;
  const parts = reserved > 0 ? ` (${part} ${formatBytes(partBytes)} + ${formatBytes(reserved)} reserved)` : '';
  return `${what} ${formatBytes(used)} / ${formatBytes(budget)}${parts}`;
}
