/**
 * An arena optimization on the optimized model's panel: TFLM's greedy head, ours and the lower
 * bound side by side, the arena's top at each step in both plans over the live bytes no plan
 * can go below, and what changed (tensors that moved, operators that run elsewhere).
 */
import type { OptimizeView, PanelString } from '../src/shared/protocol';
import { formatBytes } from '../src/util/formatBytes';
import { el } from './dom';

type T = (s: PanelString) => string;

const SVG = 'http://www.w3.org/2000/svg';
const W = 800;
const H = 200;
const PAD = 36;
/** Room on the left for the head labels ("300 KB"). */
const LEFT = 64;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function card(title: string, value: string, detail: string, className: string): HTMLElement {
  return el(
    'section',
    { className: `card ${className}` },
    el('h3', {}, title),
    el('div', { className: 'value' }, value),
    el('div', { className: 'detail' }, detail),
  );
}

/** A bar per plan, all on the greedy head's scale, so the saving reads as a shorter bar. */
function bars(rows: readonly { readonly label: string; readonly bytes: number; readonly className: string }[], scale: number): HTMLElement {
  const box = el('div', { className: 'meters opt-bars' });
  for (const r of rows) {
    const bar = el('div', { className: `meter ${r.className}`, role: 'meter' });
    bar.setAttribute('aria-label', r.label);
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', String(scale));
    bar.setAttribute('aria-valuenow', String(r.bytes));
    bar.append(el('div', { className: 'fill', style: `width: ${scale > 0 ? Math.min(100, (100 * r.bytes) / scale).toFixed(1) : 0}%` }));
    box.append(
      el(
        'div',
        { className: 'meter-row' },
        el('span', { className: 'meter-label' }, r.label),
        bar,
        el('span', { className: 'meter-value' }, `${r.bytes.toLocaleString()} B (${formatBytes(r.bytes)})`),
      ),
    );
  }
  return box;
}

/** A step line: each value held across its step's column. */
function stepPath(values: readonly number[], x: (i: number) => number, y: (v: number) => number): string {
  return values.map((v, i) => `${i === 0 ? `M ${x(0).toFixed(1)}` : 'V'} ${y(v).toFixed(1)} H ${x(i + 1).toFixed(1)}`).join(' ');
}

function timeline(view: OptimizeView, t: T): HTMLElement {
  const { liveBytes, greedyTop, optimizedTop } = view.summary.timeline;
  const steps = Math.max(liveBytes.length, greedyTop.length, optimizedTop.length);
  const top = Math.max(1, ...liveBytes, ...greedyTop, ...optimizedTop) * 1.08;
  const y = (v: number): number => H - PAD - ((H - 2 * PAD) * v) / top;
  const width = (W - LEFT - PAD) / Math.max(1, steps);
  const x = (i: number): number => LEFT + i * width;

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart opt-chart' });
  chart.setAttribute('aria-label', `${t('arena top at each step')}: ${t('greedy (TFLM)')}, ${t('optimized')}; ${t('live bytes (no plan can go below)')}`);
  if (liveBytes.length > 0) {
    chart.append(svg('path', { d: `${stepPath(liveBytes, x, y)} V ${H - PAD} H ${x(0)} Z`, class: 'live' }));
  }
  chart.append(svg('line', { x1: LEFT, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: 'axis' }));
  if (greedyTop.length > 0) chart.append(svg('path', { d: stepPath(greedyTop, x, y), class: 'greedy' }));
  if (optimizedTop.length > 0) chart.append(svg('path', { d: stepPath(optimizedTop, x, y), class: 'optimized' }));
  const { greedyHeadBytes, optimizedHeadBytes } = view.summary;
  // One label when the two heads would print on top of each other.
  const labels =
    Math.abs(y(greedyHeadBytes) - y(optimizedHeadBytes)) < 12
      ? ([[greedyHeadBytes, 'greedy']] as const)
      : ([
          [greedyHeadBytes, 'greedy'],
          [optimizedHeadBytes, 'optimized'],
        ] as const);
  for (const [bytes, className] of labels) {
    const label = svg('text', { x: LEFT - 4, y: y(bytes) + 4, 'text-anchor': 'end', class: `label ${className}` });
    label.textContent = formatBytes(bytes);
    chart.append(label);
  }

  const describe = (i: number): string =>
    `${t('step')} ${i}: ${t('greedy (TFLM)')} ${formatBytes(greedyTop[i] ?? 0)} · ${t('optimized')} ${formatBytes(optimizedTop[i] ?? 0)} · ${t('live bytes (no plan can go below)')} ${formatBytes(liveBytes[i] ?? 0)}`;
  const readout = el('div', { className: 'readout', 'aria-live': 'polite' }, t('arena top at each step'));
  // An invisible column per step that the mouse and the keyboard can rest on.
  for (let i = 0; i < steps; i++) {
    const hit = svg('rect', { x: x(i), y: PAD / 2, width: Math.max(1, width), height: H - PAD - PAD / 2, class: 'step', tabindex: 0 });
    const title = svg('title', {});
    title.textContent = describe(i);
    hit.append(title);
    const show = (): void => {
      readout.textContent = describe(i);
    };
    hit.addEventListener('mouseenter', show);
    hit.addEventListener('focus', show);
    hit.addEventListener('keydown', (e) => {
      const next = e.key === 'ArrowRight' ? hit.nextElementSibling : e.key === 'ArrowLeft' ? hit.previousElementSibling : null;
      if (next instanceof SVGRectElement) {
        e.preventDefault();
        next.focus();
      }
    });
    chart.append(hit);
  }
  const legend = el(
    'div',
    { className: 'legend' },
    el('span', { className: 'swatch greedy' }),
    t('greedy (TFLM)'),
    el('span', { className: 'swatch optimized' }),
    t('optimized'),
    el('span', { className: 'swatch live' }),
    t('live bytes (no plan can go below)'),
  );
  return el('div', {}, chart, legend, readout);
}

/** A table in a focusable scrolling region, so the keyboard can reach and scroll it. */
function table(
  caption: string,
  headers: readonly string[],
  numeric: readonly boolean[],
  rows: readonly (readonly (string | number)[])[],
  className: string,
): HTMLElement {
  const t = el('table', { className });
  t.append(el('caption', { className: 'visually-hidden' }, caption));
  t.append(el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { scope: 'col', className: numeric[i] ? 'num' : '' }, h)))));
  const body = el('tbody', {});
  for (const row of rows) {
    body.append(
      el('tr', {}, ...row.map((cell, i) => el('td', { className: numeric[i] ? 'num' : '' }, typeof cell === 'number' ? cell.toLocaleString() : cell))),
    );
  }
  t.append(body);
  const region = el('div', { className: 'table-scroll opt-table', tabindex: 0, role: 'region' }, t);
  region.setAttribute('aria-label', caption);
  return region;
}

export function renderOptimize(view: OptimizeView, t: T): HTMLElement {
  const s = view.summary;
  const section = el('section', { className: 'optimize' }, el('h3', {}, `${t('Arena optimization')}: ${view.originalName} → ${view.optimizedName}`));
  const saved = s.greedyHeadBytes - s.optimizedHeadBytes;
  const percent = s.greedyHeadBytes > 0 ? (100 * saved) / s.greedyHeadBytes : 0;
  const gap = s.optimizedHeadBytes - s.lowerBoundBytes;
  section.append(
    el(
      'p',
      { className: 'detail' },
      `${view.reorder ? t('operator order searched too') : t('placement only')} · ${t('time limit')} ${view.timeLimitSeconds} s · ${(s.ms / 1000).toFixed(2)} s`,
    ),
    el(
      'p',
      { className: `verdict ${s.optimal ? 'optimal' : 'gap'}` },
      s.optimal ? `✓ ${t('optimal: the plan reaches the lower bound')}` : t('within {0} of the lower bound').replace('{0}', `${gap.toLocaleString()} B`),
      s.timedOut ? ` · ${t('time limit reached: the best plan found so far')}` : '',
    ),
    el(
      'div',
      { className: 'cards' },
      card(t('greedy (TFLM)'), formatBytes(s.greedyHeadBytes), `${t('total arena')} ${formatBytes(s.totalBytesBefore)}`, 'greedy'),
      card(
        t('optimized'),
        formatBytes(s.optimizedHeadBytes),
        `${t('saved')} ${saved.toLocaleString()} B (${percent.toFixed(1)}%) · ${t('total arena')} ${formatBytes(s.totalBytesAfter)}`,
        'optimized',
      ),
      card(t('lower bound'), formatBytes(s.lowerBoundBytes), `${s.lowerBoundBytes.toLocaleString()} B`, 'bound'),
    ),
    bars(
      [
        { label: t('greedy (TFLM)'), bytes: s.greedyHeadBytes, className: 'greedy' },
        { label: t('optimized'), bytes: s.optimizedHeadBytes, className: 'optimized' },
        { label: t('lower bound'), bytes: s.lowerBoundBytes, className: 'bound' },
      ],
      Math.max(s.greedyHeadBytes, s.optimizedHeadBytes, s.lowerBoundBytes),
    ),
    timeline(view, t),
  );

  section.append(el('h4', {}, `${t('Moved tensors')} (${s.moved.length})`));
  section.append(
    s.moved.length === 0
      ? el('p', { className: 'detail' }, t('No tensor moved.'))
      : table(
          t('Moved tensors'),
          [t('subgraph'), t('tensor'), t('name'), t('bytes'), t('greedy offset'), t('optimized offset')],
          [true, true, false, true, true, true],
          s.moved.map((m) => [m.subgraph, m.tensor, m.name, m.bytes, m.greedyOffset, m.optimizedOffset]),
          'moved',
        ),
  );
  section.append(el('h4', {}, `${t('Reordered operators')} (${s.reordered.length})`));
  section.append(
    s.reordered.length === 0
      ? el('p', { className: 'detail' }, t('No operator moved.'))
      : table(
          t('Reordered operators'),
          [t('subgraph'), t('op'), t('original position'), t('new position')],
          [true, false, true, true],
          s.reordered.map((r) => [r.subgraph, r.op, r.from, r.to]),
          'reordered',
        ),
  );
  return section;
}
