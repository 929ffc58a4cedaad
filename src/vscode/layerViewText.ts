/**
 * The layer view's text and hovers, as pure functions of an analysis (no `vscode` import,
 * so the tests run them in plain Node). One line per layer after a short header; every
 * other part of the extension finds a layer's line with `layerLine`.
 */
import type { LayerReport, ModelAnalysis } from '../analysis/analyzeModel';
import { formatBytes, type FitVerdict } from '../targets/fit';
import type { LayerEstimate } from '../estimate';
import { formatMsWithBand } from '../estimate/format';
import { shortName } from '../util/shortName';
import { markdownCode, markdownText } from './escapeText';

/** Lines before the first layer: title, totals, verdict, column names. */
export const HEADER_LINES = 4;

function layerLabel(l: LayerReport): string {
  return l.subgraph > 0 ? `${l.subgraph}:${l.index}` : `${l.index}`;
}

/** The line a layer is on (layers of subgraph 0 first, in order, then the others). */
export function layerLine(a: ModelAnalysis, subgraph: number, index: number): number {
  const k = a.layers.findIndex((l) => l.subgraph === subgraph && l.index === index);
  return k < 0 ? 0 : HEADER_LINES + k;
}

/** The layer on a line, if the line is a layer's. */
export function layerAtLine(a: ModelAnalysis, line: number): LayerReport | undefined {
  return line >= HEADER_LINES ? a.layers[line - HEADER_LINES] : undefined;
}

export function layerViewText(name: string, a: ModelAnalysis, verdict: FitVerdict | undefined): string {
  const rows = a.layers.map((l) => [
    layerLabel(l),
    l.op,
    l.outputs[0] ? `${l.outputs[0].shape.join('x')} ${l.outputs[0].dtype}` : '',
    `w ${formatBytes(l.weightBytes)}`,
    `act ${formatBytes(l.activationBytes)}`,
    `arena ${formatBytes(l.arenaLiveBytes)}`,
    l.macs === null ? 'MACs unknown' : `${l.macs.toLocaleString('en-US')} MACs`,
  ]);
  const widths = [0, 1, 2, 3, 4, 5].map((c) => Math.max(...rows.map((r) => r[c]!.length), 1));
  const lines = rows.map((r) => r.map((cell, c) => (c < 6 ? cell.padEnd(widths[c]!) : cell)).join('  '));
  const fit = verdict
    ? `${verdict.fits ? 'fits' : 'DOES NOT FIT'} ${verdict.target.name}: SRAM ${formatBytes(verdict.sramUsedBytes)} / ${formatBytes(verdict.target.sramBytes)}, flash ${formatBytes(verdict.flashUsedBytes)} / ${formatBytes(verdict.target.flashBytes)}`
    : 'no target';
  const header = [
    `${name}: ${a.kind}, ${a.totals.operators} layers, ${a.totals.macs.toLocaleString('en-US')} MACs, weights ${formatBytes(a.totals.weightBytes)}`,
    `tensor arena ${formatBytes(a.arena.totalBytes)} (${a.arena.nonPersistentBytes.toLocaleString('en-US')} B planned + ${a.arena.persistentBytes.toLocaleString('en-US')} B persistent, TFLM ${a.arena.kernels})`,
    fit,
    '# layer, op, output, weights (flash), activations, arena live, MACs',
  ];
  return `${[...header, ...lines].join('\n')}\n`;
}

/** The hover for a layer: its memory cost and, with an estimate, its time, in Markdown. */
export function layerHoverMarkdown(a: ModelAnalysis, l: LayerReport, verdict: FitVerdict | undefined, estimate?: LayerEstimate, onTarget?: string): string {
  const budget = verdict?.target.sramBytes;
  const share = budget ? ` (${((100 * l.arenaLiveBytes) / budget).toFixed(1)}% of ${formatBytes(budget)} SRAM on ${verdict!.target.name})` : '';
  const peak = l.subgraph === 0 && l.index === a.arena.peakLayer ? ' — **arena peak**' : '';
  const lines = [
    `**${layerLabel(l)} ${markdownText(l.op)}**${peak}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Weights (flash) | ${formatBytes(l.weightBytes)} |`,
    `| Input activations | ${formatBytes(l.inputActivationBytes)} |`,
    `| Output activations | ${formatBytes(l.activationBytes)} |`,
    `| Arena live at this step | ${formatBytes(l.arenaLiveBytes)}${share} |`,
    `| MACs | ${l.macs === null ? 'unknown (no cost model for this op)' : l.macs.toLocaleString('en-US')} |`,
  ];
  if (estimate) {
    lines.push(
      `| Estimated time${onTarget ? ` on ${onTarget}` : ''} | ${formatMsWithBand(estimate.ms, estimate.bandMs)}: an estimate, ${(100 * estimate.share).toFixed(1)}% of the model |`,
    );
  }
  // Converter names run to hundreds of characters and pushed the hover off the screen: short forms here.
  if (l.liveTensors.length > 0) lines.push('', `Tensors alive: ${l.liveTensors.map((t) => markdownCode(shortName(t))).join(', ')}`);
  if (l.tflmRefusal) {
    lines.push('', `⚠ TensorFlow Lite Micro's ${markdownText(l.op)} kernel refuses this layer's types (${markdownText(l.tflmRefusal.got)}).`);
  } else if (!l.tflmSupported) lines.push('', `⚠ TensorFlow Lite Micro has no kernel for ${markdownText(l.op)}.`);
  return lines.join('\n');
}
