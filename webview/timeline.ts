/**
 * The memory timeline: one column per layer of subgraph 0, each the arena that layer needs
 * (planned high-water mark plus the persistent part), and the arena budget (SRAM less the
 * reserve) as a line. Columns and line are the two sides of the verdict's comparison, so a
 * column above the line is a model that does not fit. The peak comes from `timelinePeak`, the
 * one definition the table, the findings and the caption share.
 *
 * The chart is one tab stop: arrow keys, Home and End move between columns inside it.
 */
import type { ModelAnalysis } from '../src/analysis/analyzeModel';
import { timelinePeak } from '../src/analysis/peak';
import type { PanelString } from '../src/shared/protocol';
import { formatBytes } from '../src/util/formatBytes';
import { el } from './dom';
import { shortName } from '../src/util/shortName';

const SVG = 'http://www.w3.org/2000/svg';
const W = 800;
const H = 180;
/** Room on the left for the axis labels ("1023.9 KB" at 11 px), so a narrow panel does not clip them. */
const LEFT = 72;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 12;
/** Axis labels closer than this (in chart units) would overlap: the budget's wins. */
const LABEL_GAP = 14;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** One column of a timeline chart: its height and what it says to the mouse, the keyboard and a screen reader. */
interface Column {
  readonly bytes: number;
  readonly isPeak: boolean;
  readonly layer: number;
  /** The bar's accessible name. */
  readonly label: string;
  /** The readout's line. */
  readonly describe: string;
  /** The tooltip, with the full names. */
  readonly full: string;
}

/** `budget` is the arena's budget: the target's SRAM less the reserve; 0 when there is none. */
export function renderTimeline(a: ModelAnalysis, budget: number, t: (s: PanelString) => string): HTMLElement {
  const peak = timelinePeak(a);
  const peakColumn = peak.columns.find((c) => c.layer.index === peak.layer);
  const caption = el(
    'div',
    { className: 'caption' },
    peakColumn
      ? `${t('peak')}: ${t('layer')} ${peakColumn.layer.index} ${peakColumn.layer.op}, ${formatBytes(peak.bytes)}`
      : `${t('peak')}: ${formatBytes(peak.bytes)}`,
  );
  const columns = peak.columns.map((c): Column => {
    const l = c.layer;
    const isPeak = l.index === peak.layer;
    const names = l.liveTensors.map(shortName);
    return {
      bytes: c.bytes,
      isPeak,
      layer: l.index,
      label: `${t('layer')} ${l.index} ${l.op}: ${formatBytes(c.bytes)}${isPeak ? ` (${t('peak')})` : ''}`,
      describe: `${t('layer')} ${l.index} ${l.op}: ${formatBytes(c.bytes)}${isPeak ? ` (${t('peak')})` : ''} · ${t('live')} ${formatBytes(l.arenaLiveBytes)} — ${t('tensors alive')}: ${names.join(', ') || '-'}`,
      full: `${t('layer')} ${l.index} ${l.op}: ${formatBytes(c.bytes)} — ${t('tensors alive')}:\n${l.liveTensors.join('\n') || '-'}`,
    };
  });
  const { chart, legend, readout } = drawColumns(columns, peak.bytes, budget, t, `${t('planned')} + ${formatBytes(peak.persistentBytes)} ${t('persistent')}`);
  return el('div', {}, caption, chart, legend, readout);
}

/**
 * The arena in use at each operator of a model the panel has no analysis of (the precision
 * editor's quantized assignment), drawn as the model's own timeline is.
 */
export function renderArenaSteps(values: readonly number[], budget: number, t: (s: PanelString) => string): HTMLElement {
  const tallest = Math.max(0, ...values);
  const peakAt = values.indexOf(tallest);
  const columns = values.map((bytes, i): Column => {
    const isPeak = i === peakAt;
    const label = `${t('step')} ${i}: ${formatBytes(bytes)}${isPeak ? ` (${t('peak')})` : ''}`;
    return { bytes, isPeak, layer: i, label, describe: label, full: label };
  });
  const caption = el('div', { className: 'caption' }, `${t('peak')}: ${values.length > 0 ? `${t('step')} ${peakAt}, ` : ''}${formatBytes(tallest)}`);
  const { chart, legend, readout } = drawColumns(columns, tallest, budget, t, t('each operator of the quantized model'));
  return el('div', {}, caption, chart, legend, readout);
}

function drawColumns(
  columns: readonly Column[],
  peakBytes: number,
  budget: number,
  t: (s: PanelString) => string,
  columnsKey: string,
): { chart: SVGSVGElement; legend: HTMLElement; readout: HTMLElement } {
  const tallest = Math.max(1, peakBytes);
  // Keep the budget line on the chart unless it would flatten every column.
  const showBudget = budget > 0 && budget <= 4 * tallest;
  const top = showBudget ? Math.max(tallest, budget) * 1.05 : tallest * 1.05;
  const y = (v: number): number => H - BOTTOM - ((H - TOP - BOTTOM) * v) / top;
  const step = (W - LEFT - RIGHT) / Math.max(1, columns.length);

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', class: 'chart', tabindex: -1 });
  chart.setAttribute('aria-label', `${t('Memory timeline')}: ${t('arena in use at each layer')}`);
  chart.append(svg('line', { x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM, class: 'axis' }));
  const readout = el('div', { className: 'readout', 'aria-live': 'polite' });

  const bars: SVGRectElement[] = [];
  const focusBar = (k: number): void => {
    const bar = bars[k];
    if (!bar) return;
    for (const b of bars) b.setAttribute('tabindex', '-1');
    bar.setAttribute('tabindex', '0');
    bar.focus();
  };
  const anyPeak = columns.some((c) => c.isPeak);
  columns.forEach((c, i) => {
    const isPeak = c.isPeak;
    const bar = svg('rect', {
      x: LEFT + i * step + step * 0.1,
      y: y(c.bytes),
      width: Math.max(1, step * 0.8),
      height: Math.max(0, H - BOTTOM - y(c.bytes)),
      class: isPeak ? 'bar peak' : 'bar',
      // One tab stop for the whole chart: the peak column, or the first.
      tabindex: isPeak || (!anyPeak && i === 0) ? 0 : -1,
      'data-layer': c.layer,
      'data-bytes': c.bytes,
    });
    bar.setAttribute('aria-label', c.label);
    const { describe, full } = c;
    const title = svg('title', {});
    title.textContent = full;
    bar.append(title);
    const show = (): void => {
      readout.textContent = describe;
      // The full converter names, on demand: the readout's tooltip.
      readout.title = full;
    };
    bar.addEventListener('mouseenter', show);
    bar.addEventListener('focus', show);
    bar.addEventListener('keydown', (e) => {
      const k =
        e.key === 'ArrowRight' || e.key === 'ArrowDown'
          ? i + 1
          : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
            ? i - 1
            : e.key === 'Home'
              ? 0
              : e.key === 'End'
                ? bars.length - 1
                : -1;
      if (k >= 0 && k < bars.length) {
        e.preventDefault();
        focusBar(k);
      }
    });
    bars.push(bar);
    chart.append(bar);
  });
  const axisLabel = (v: number, cls: string): SVGTextElement => {
    const label = svg('text', { x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end', class: cls });
    label.textContent = formatBytes(v);
    return label;
  };
  if (showBudget) {
    // The line is drawn over the columns, its label on the axis beside it, never over a column.
    chart.append(svg('line', { x1: LEFT, y1: y(budget), x2: W - RIGHT, y2: y(budget), class: 'budget' }));
    chart.append(axisLabel(budget, 'label budget-label'));
  }
  if (!showBudget || Math.abs(y(tallest) - y(budget)) >= LABEL_GAP) chart.append(axisLabel(tallest, 'label'));

  const legend = el(
    'div',
    { className: 'legend' },
    el('span', { className: 'key-bar' }, `${t('columns')}: ${t('arena in use at each layer')} (${columnsKey})`),
    budget > 0
      ? el(
          'span',
          { className: 'key-budget' },
          `${t('line')}: ${t('arena budget')} ${formatBytes(budget)} (${t('SRAM less the reserve')})${showBudget ? '' : `: ${Math.round(budget / tallest)}× ${t('peak')}`}`,
        )
      : '',
  );
  return { chart, legend, readout };
}
