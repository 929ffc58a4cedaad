/**
 * The memory timeline: arena bytes live at each layer of subgraph 0 as columns, the arena
 * budget (SRAM less the reserve) as a line, the peak marked. Each column is focusable;
 * hovering or focusing it names the layer and the tensors alive there.
 */
import type { ModelAnalysis } from '../src/analysis/analyzeModel';
import type { PanelString } from '../src/shared/protocol';
import { el } from './dom';
import { formatBytes } from '../src/util/formatBytes';

const SVG = 'http://www.w3.org/2000/svg';
const W = 800;
const H = 180;
const PAD = 36;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function renderTimeline(a: ModelAnalysis, budget: number, t: (s: PanelString) => string): HTMLElement {
  const layers = a.layers.filter((l) => l.subgraph === 0);
  const peakLive = Math.max(1, ...layers.map((l) => l.arenaLiveBytes));
  // Keep the budget line on the chart unless it would flatten every column.
  const showBudget = budget > 0 && budget <= 4 * peakLive;
  const top = showBudget ? Math.max(peakLive, budget) * 1.05 : peakLive * 1.05;
  const y = (v: number): number => H - PAD - ((H - 2 * PAD) * v) / top;
  const step = (W - 2 * PAD) / Math.max(1, layers.length);

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart' });
  chart.setAttribute('aria-label', `${t('Memory timeline')}: ${t('arena bytes live at each layer')}`);
  chart.append(svg('line', { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: 'axis' }));
  const readout = el('div', { className: 'readout', 'aria-live': 'polite' }, `${t('arena bytes live at each layer')}; ${t('peak')}: ${formatBytes(peakLive)}`);

  layers.forEach((l, i) => {
    const isPeak = l.index === a.arena.peakLayer;
    const bar = svg('rect', {
      x: PAD + i * step + step * 0.1,
      y: y(l.arenaLiveBytes),
      width: Math.max(1, step * 0.8),
      height: Math.max(0, H - PAD - y(l.arenaLiveBytes)),
      class: isPeak ? 'bar peak' : 'bar',
      tabindex: 0,
    });
    const describe = `${t('layer')} ${l.index} ${l.op}: ${formatBytes(l.arenaLiveBytes)}${isPeak ? ` (${t('peak')})` : ''} — ${t('tensors alive')}: ${l.liveTensors.join(', ') || '-'}`;
    const title = svg('title', {});
    title.textContent = describe;
    bar.append(title);
    const show = (): void => {
      readout.textContent = describe;
    };
    bar.addEventListener('mouseenter', show);
    bar.addEventListener('focus', show);
    bar.addEventListener('keydown', (e) => {
      const next = e.key === 'ArrowRight' ? bar.nextElementSibling : e.key === 'ArrowLeft' ? bar.previousElementSibling : null;
      if (next instanceof SVGRectElement) {
        e.preventDefault();
        next.focus();
      }
    });
    chart.append(bar);
  });
  if (showBudget) {
    chart.append(svg('line', { x1: PAD, y1: y(budget), x2: W - PAD, y2: y(budget), class: 'budget' }));
    const label = svg('text', { x: W - PAD, y: y(budget) - 4, 'text-anchor': 'end', class: 'label' });
    label.textContent = `${t('budget')} ${formatBytes(budget)}`;
    chart.append(label);
  }
  const yLabel = svg('text', { x: PAD - 4, y: y(peakLive) + 4, 'text-anchor': 'end', class: 'label' });
  yLabel.textContent = formatBytes(peakLive);
  chart.append(yLabel);
  const note =
    showBudget || budget <= 0 ? '' : el('div', { className: 'hint' }, `${t('budget')} ${formatBytes(budget)}: ${Math.round(budget / peakLive)}× ${t('peak')}`);
  return el('div', {}, chart, readout, note);
}
