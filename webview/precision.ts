/**
 * The precision editor on a float model's panel: each layer's precision as a select offering
 * only what TFLM can run for its op, the figures of the state on screen beside the float model's
 * and the baseline's (the pinned state, else the one before the last change) with their
 * differences, the quantized model's memory timeline, and "Suggest": a goal, the assignments the
 * search measured on a scatter with their Pareto front, a click (or Enter) applying one. Every
 * number comes from the host; the panel only sends what the user asked for.
 */
import { formatMs } from '../src/estimate/format';
import { type ParetoCost, paretoGeometry, type ParetoValue } from '../src/shared/paretoChart';
import { precisionDeltas, sameAssignment } from '../src/shared/precisionHistory';
import type { PanelString, PrecisionAssessment, PrecisionGoal, PrecisionMessage, PrecisionPoint, PrecisionView } from '../src/shared/protocol';
import { formatBytes } from '../src/util/formatBytes';
import { el } from './dom';
import { renderArenaSteps } from './timeline';

type T = (s: PanelString) => string;
type Post = (message: PrecisionMessage) => void;

const SVG = 'http://www.w3.org/2000/svg';
const BOX = { width: 640, height: 240, left: 72, right: 16, top: 12, bottom: 28 };

/** What the user typed or chose here that the host does not keep: it survives a re-render. */
const ui: { goal: PrecisionGoal['kind']; sqnrDb: string; points: string; cost: ParetoCost } = { goal: 'sqnr', sqnrDb: '30', points: '1', cost: 'arena' };

const busyBox = el('div', { className: 'precision-busy', role: 'status', 'aria-live': 'polite' });

/** Shows or hides the "measuring" line while the host's job runs. */
export function setPrecisionBusy(busy: boolean, fraction: number, t: T): void {
  busyBox.textContent = busy ? `${t('measuring…')} ${Math.round(100 * fraction)}%` : '';
  busyBox.classList.toggle('active', busy);
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

const percent = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;
const db = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} dB` : '∞');
const signed = (v: number, text: string): string => (v > 0 ? `+${text}` : v < 0 ? `−${text.replace(/^-/, '')}` : '±0');

interface Delta {
  readonly text: string;
  /** Null for no change. */
  readonly better: boolean | null;
}

interface Row {
  readonly label: string;
  readonly float: string;
  readonly base?: string;
  readonly now: string;
  /** The difference now − base, and whether it is for the better. */
  readonly delta?: Delta;
}

function summaryRows(view: PrecisionView, t: T): Row[] {
  const now = view.current;
  const base = view.baseline?.assessment;
  const d = base ? precisionDeltas(now, base) : undefined;
  const judged = (v: number, higherIsBetter: boolean, text: string): Delta => ({ text: signed(v, text), better: v === 0 ? null : v > 0 === higherIsBetter });
  const fits = (p: { readonly fits: boolean }): string => (p.fits ? t('fits') : t('does not fit'));
  const rows: Row[] = [
    {
      label: t('output SQNR'),
      float: '∞',
      now: db(now.outputSqnrDb),
      ...(base && d ? { base: db(base.outputSqnrDb), delta: judged(d.outputSqnrDb, true, `${Math.abs(d.outputSqnrDb).toFixed(1)} dB`) } : {}),
    },
  ];
  if (now.accuracy) {
    rows.push({
      label: t('top-1 on labeled data'),
      float: percent(now.accuracy.floatTop1),
      now: percent(now.accuracy.top1),
      ...(base?.accuracy && d?.accuracyPoints !== undefined
        ? { base: percent(base.accuracy.top1), delta: judged(d.accuracyPoints, true, `${Math.abs(d.accuracyPoints).toFixed(1)} ${t('points')}`) }
        : {}),
    });
  }
  if (now.top1Agreement !== undefined)
    rows.push({
      label: t('top-1 agreement'),
      float: '100%',
      now: percent(now.top1Agreement),
      ...(base?.top1Agreement !== undefined ? { base: percent(base.top1Agreement) } : {}),
    });
  rows.push(
    {
      label: t('Model (flash)'),
      float: formatBytes(view.float.modelBytes),
      now: formatBytes(now.modelBytes),
      ...(base && d ? { base: formatBytes(base.modelBytes), delta: judged(d.modelBytes, false, formatBytes(Math.abs(d.modelBytes))) } : {}),
    },
    {
      label: t('Tensor arena (SRAM)'),
      float: formatBytes(view.float.arenaBytes),
      now: formatBytes(now.arenaBytes),
      ...(base && d ? { base: formatBytes(base.arenaBytes), delta: judged(d.arenaBytes, false, formatBytes(Math.abs(d.arenaBytes))) } : {}),
    },
  );
  if (now.latencyMs !== undefined)
    rows.push({
      label: t('Latency'),
      float: view.float.latencyMs !== undefined ? formatMs(view.float.latencyMs) : '—',
      now: formatMs(now.latencyMs),
      ...(base?.latencyMs !== undefined && d?.latencyMs !== undefined
        ? { base: formatMs(base.latencyMs), delta: judged(d.latencyMs, false, formatMs(Math.abs(d.latencyMs))) }
        : {}),
    });
  rows.push({ label: t('Target'), float: fits(view.float), now: fits(now), ...(base ? { base: fits(base) } : {}) });
  return rows;
}

function summary(view: PrecisionView, t: T): HTMLElement {
  const baseTitle = view.baseline ? (view.baseline.pinned ? t('pinned') : t('before')) : undefined;
  const table = el('table', { className: 'precision-summary' });
  table.append(el('caption', { className: 'visually-hidden' }, t('Precision')));
  table.append(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, ''),
        el('th', { scope: 'col', className: 'num' }, 'float'),
        ...(baseTitle ? [el('th', { scope: 'col', className: 'num' }, baseTitle)] : []),
        el('th', { scope: 'col', className: 'num' }, t('now')),
        ...(baseTitle ? [el('th', { scope: 'col', className: 'num' }, 'Δ')] : []),
      ),
    ),
  );
  const body = el('tbody', {});
  for (const r of summaryRows(view, t)) {
    const delta = r.delta;
    body.append(
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, r.label),
        el('td', { className: 'num' }, r.float),
        ...(baseTitle ? [el('td', { className: 'num' }, r.base ?? '—')] : []),
        el('td', { className: 'num now' }, r.now),
        ...(baseTitle
          ? [el('td', { className: `num delta ${delta?.better === true ? 'better' : delta?.better === false ? 'worse' : ''}` }, delta?.text ?? '')]
          : []),
      ),
    );
  }
  table.append(body);
  return table;
}

function precisionSelect(layer: PrecisionAssessment['layers'][number], post: Post, t: T): HTMLElement {
  const select = el('select', { className: 'precision-select', 'data-layer': layer.index });
  select.setAttribute('aria-label', `${t('layer')} ${layer.index} ${layer.op}: ${t('precision')}`);
  for (const choice of layer.choices) {
    const option = el('option', { value: choice }, choice);
    if (choice === layer.precision) option.setAttribute('selected', '');
    select.append(option);
  }
  if (layer.choices.length < 2) select.setAttribute('disabled', '');
  select.addEventListener('change', () => {
    const precision = layer.choices.find((c) => c === select.value);
    if (precision && precision !== layer.precision) post({ type: 'setPrecision', layer: layer.index, precision });
  });
  return select;
}

function layersTable(view: PrecisionView, post: Post, t: T): HTMLElement {
  const base = new Map((view.baseline?.assessment.layers ?? []).map((l) => [l.index, l]));
  const table = el('table', { className: 'precision-layers' });
  table.append(el('caption', { className: 'visually-hidden' }, t('precision')));
  table.append(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', className: 'num' }, t('layer')),
        el('th', { scope: 'col' }, t('op')),
        el('th', { scope: 'col' }, t('precision')),
        el('th', { scope: 'col', className: 'num' }, t('SQNR (dB)')),
        ...(view.baseline ? [el('th', { scope: 'col', className: 'num' }, `${t('SQNR (dB)')} (${view.baseline.pinned ? t('pinned') : t('before')})`)] : []),
      ),
    ),
  );
  const body = el('tbody', {});
  const sqnr = (v: number | undefined): string => (v === undefined ? '—' : Number.isFinite(v) ? v.toFixed(1) : '∞');
  for (const l of view.current.layers) {
    const before = base.get(l.index);
    const changed = before !== undefined && before.precision !== l.precision;
    body.append(
      el(
        'tr',
        { className: `${changed ? 'changed' : ''} ${l.precision}` },
        el('td', { className: 'num' }, String(l.index)),
        el('td', {}, l.op),
        el('td', {}, precisionSelect(l, post, t)),
        el('td', { className: 'num' }, sqnr(l.sqnrDb)),
        ...(view.baseline ? [el('td', { className: 'num' }, before ? `${sqnr(before.sqnrDb)}${changed ? ` (${before.precision})` : ''}` : '—')] : []),
      ),
    );
  }
  table.append(body);
  const region = el('div', { className: 'table-scroll precision-table', tabindex: 0, role: 'region' }, table);
  region.setAttribute('aria-label', t('precision'));
  return region;
}

function button(id: string, label: string, onClick: () => void, disabled = false, appearance = 'secondary'): HTMLElement {
  const b = el('vscode-button', { id, appearance }, label);
  if (disabled) b.setAttribute('disabled', '');
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

function goalForm(view: PrecisionView, post: Post, t: T): HTMLElement {
  if (ui.goal === 'accuracy' && !view.labeled) ui.goal = 'sqnr';
  const kind = el('select', { id: 'precision-goal' });
  kind.setAttribute('aria-label', t('goal'));
  const kinds: [PrecisionGoal['kind'], string][] = [
    ['sqnr', t('output SQNR at least (dB)')],
    ...(view.labeled ? ([['accuracy', t('top-1 within (points of float)')]] as [PrecisionGoal['kind'], string][]) : []),
    ['fit', t('the most accurate that fits the board')],
  ];
  for (const [value, label] of kinds) {
    const option = el('option', { value }, label);
    if (value === ui.goal) option.setAttribute('selected', '');
    kind.append(option);
  }
  const amount = el('input', { id: 'precision-goal-value', type: 'number', min: 0, step: 'any' }) as HTMLInputElement;
  amount.setAttribute('aria-label', t('goal'));
  const sync = (): void => {
    amount.value = ui.goal === 'accuracy' ? ui.points : ui.sqnrDb;
    amount.hidden = ui.goal === 'fit';
    amount.max = ui.goal === 'accuracy' ? '100' : '200';
  };
  sync();
  kind.addEventListener('change', () => {
    ui.goal = kind.value === 'accuracy' ? 'accuracy' : kind.value === 'fit' ? 'fit' : 'sqnr';
    sync();
  });
  amount.addEventListener('input', () => {
    if (ui.goal === 'accuracy') ui.points = amount.value;
    else ui.sqnrDb = amount.value;
    amount.removeAttribute('aria-invalid');
  });
  const suggest = button(
    'precision-suggest',
    t('Suggest'),
    () => {
      const v = Number(amount.value);
      const ok = amount.value.trim() !== '' && Number.isFinite(v) && v >= 0 && v <= Number(amount.max);
      if (ui.goal !== 'fit' && !ok) {
        amount.setAttribute('aria-invalid', 'true');
        amount.focus();
        return;
      }
      post({
        type: 'suggestPrecision',
        goal: ui.goal === 'fit' ? { kind: 'fit' } : ui.goal === 'accuracy' ? { kind: 'accuracy', points: v } : { kind: 'sqnr', db: v },
      });
    },
    false,
    'primary',
  );
  return el('div', { className: 'precision-goal' }, el('label', { htmlFor: 'precision-goal' }, `${t('Suggest')}:`), kind, amount, suggest);
}

function describePoint(p: PrecisionPoint, t: T): string {
  const changed = p.precision.map((c) => `${c.layer}=${c.precision}`).join(', ') || 'int8';
  return [
    `${t('output SQNR')} ${db(p.outputSqnrDb)}`,
    ...(p.accuracy ? [`${t('top-1 on labeled data')} ${percent(p.accuracy.top1)}`] : []),
    `${t('Tensor arena (SRAM)')} ${formatBytes(p.arenaBytes)}`,
    ...(p.latencyMs !== undefined ? [`${t('Latency')} ${formatMs(p.latencyMs)}`] : []),
    `${t('Model (flash)')} ${formatBytes(p.modelBytes)}`,
    p.fits ? t('fits') : t('does not fit'),
    changed,
  ].join(' · ');
}

function paretoChart(view: PrecisionView, post: Post, t: T): HTMLElement | undefined {
  const s = view.suggestion;
  if (!s) return undefined;
  const value: ParetoValue = view.labeled && s.explored.some((p) => p.accuracy) ? 'accuracy' : 'sqnr';
  const hasLatency = s.explored.some((p) => p.latencyMs !== undefined);
  if (!hasLatency) ui.cost = 'arena';
  const g = paretoGeometry(s.explored, ui.cost, value, BOX);
  const chart = svg('svg', { viewBox: `0 0 ${BOX.width} ${BOX.height}`, role: 'group', class: 'chart pareto-chart' });
  chart.setAttribute(
    'aria-label',
    `${t('explored assignments')}: ${value === 'accuracy' ? t('top-1 on labeled data') : t('output SQNR')} / ${ui.cost === 'arena' ? t('Tensor arena (SRAM)') : t('Latency')}`,
  );
  const x0 = BOX.left;
  const y0 = BOX.height - BOX.bottom;
  chart.append(svg('line', { x1: x0, y1: y0, x2: BOX.width - BOX.right, y2: y0, class: 'axis' }));
  chart.append(svg('line', { x1: x0, y1: BOX.top, x2: x0, y2: y0, class: 'axis' }));
  const text = (x: number, y: number, anchor: string, content: string): SVGTextElement => {
    const node = svg('text', { x, y, 'text-anchor': anchor, class: 'label' });
    node.textContent = content;
    return node;
  };
  const costText = (v: number): string => (ui.cost === 'arena' ? formatBytes(v) : formatMs(v));
  const valueText = (v: number): string => (value === 'accuracy' ? `${v.toFixed(1)}%` : `${v.toFixed(1)} dB`);
  chart.append(
    text(x0, y0 + 18, 'start', costText(g.cost.min)),
    text(BOX.width - BOX.right, y0 + 18, 'end', costText(g.cost.max)),
    text(x0 - 6, y0, 'end', valueText(g.value.min)),
    text(x0 - 6, BOX.top + 10, 'end', valueText(g.value.max)),
  );
  if (g.frontPath) chart.append(svg('path', { d: g.frontPath, class: 'front' }));
  const readout = el('div', { className: 'readout', 'aria-live': 'polite' }, t('click a point to apply it'));
  g.points.forEach((p) => {
    const point = s.explored[p.index];
    if (!point) return;
    const current = sameAssignment(point.precision, view.current.precision);
    const dot = svg('circle', {
      cx: p.x.toFixed(1),
      cy: p.y.toFixed(1),
      r: current ? 7 : 5,
      class: `point${p.front ? ' front' : ''}${point.pareto ? ' on-front' : ''}${current ? ' current' : ''}${point.fits ? '' : ' nofit'}`,
      tabindex: 0,
      role: 'button',
      'data-point': p.index,
    });
    const describe = describePoint(point, t);
    dot.setAttribute('aria-label', describe);
    const title = svg('title', {});
    title.textContent = describe;
    dot.append(title);
    const show = (): void => {
      readout.textContent = describe;
    };
    dot.addEventListener('mouseenter', show);
    dot.addEventListener('focus', show);
    dot.addEventListener('click', () => post({ type: 'applyPrecision', point: p.index }));
    dot.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        post({ type: 'applyPrecision', point: p.index });
      }
    });
    chart.append(dot);
  });
  const costPick = el('select', { id: 'pareto-cost' });
  costPick.setAttribute('aria-label', t('cost'));
  for (const [v, label] of [['arena', t('Tensor arena (SRAM)')], ...(hasLatency ? [['latency', t('Latency')]] : [])] as const) {
    const option = el('option', { value: v }, label);
    if (v === ui.cost) option.setAttribute('selected', '');
    costPick.append(option);
  }
  const box = el('div', { className: 'pareto' });
  costPick.addEventListener('change', () => {
    ui.cost = costPick.value === 'latency' ? 'latency' : 'arena';
    const again = paretoChart(view, post, t);
    if (again) box.replaceWith(again);
  });
  const goal =
    s.goal.kind === 'sqnr'
      ? `${t('output SQNR at least (dB)')} ${s.goal.db}`
      : s.goal.kind === 'accuracy'
        ? `${t('top-1 within (points of float)')} ${s.goal.points}`
        : t('the most accurate that fits the board');
  box.append(
    el('h4', {}, `${t('explored assignments')} (${s.explored.length}) · ${goal}`),
    el('div', { className: 'field-row' }, el('label', { htmlFor: 'pareto-cost' }, `${t('cost')}:`), costPick),
    chart,
    el(
      'div',
      { className: 'legend' },
      el('span', { className: 'swatch front-line' }),
      t('Pareto front'),
      el('span', { className: 'swatch current-dot' }),
      t('now'),
      el(
        'span',
        { className: 'axes' },
        `↑ ${value === 'accuracy' ? t('top-1 on labeled data') : t('output SQNR')} · → ${ui.cost === 'arena' ? t('Tensor arena (SRAM)') : t('Latency')}`,
      ),
      ...(g.leftOut > 0 ? [el('span', {}, `${g.leftOut} ${t('not drawn')}`)] : []),
    ),
    readout,
  );
  return box;
}

/**
 * Which control of the section has the keyboard, so that a re-render (every answer of the host
 * re-renders the section) gives it back: a layer's select, or a control with an id.
 */
export function precisionFocus(): string | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !active.closest('section.precision')) return undefined;
  const layer = active.getAttribute('data-layer');
  if (layer !== null) return `select.precision-select[data-layer="${layer}"]`;
  const point = active.closest('[data-point]')?.getAttribute('data-point');
  if (point) return `.pareto-chart [data-point="${point}"]`;
  return active.id ? `#${active.id}` : undefined;
}

export function restorePrecisionFocus(selector: string | undefined): void {
  if (!selector) return;
  const target = document.querySelector(selector);
  if (target instanceof HTMLElement || target instanceof SVGElement) target.focus();
}

export function renderPrecision(view: PrecisionView, t: T, post: Post): HTMLElement {
  const section = el('section', { className: 'precision', id: 'precision' }, el('h3', {}, `${t('Precision')}: ${view.modelName}`));
  const pinned = view.baseline?.pinned === true;
  const changed = view.current.precision.length;
  section.append(
    el(
      'p',
      { className: 'detail' },
      `${changed === 0 ? t('every layer int8') : `${t('layers not int8')}: ${changed}`} · ${view.labeled ? t('accuracy on labeled data') : t('output SQNR against float only')}${
        view.reusedCalibration ? ` · ${t('calibration reused')}` : ''
      }${view.savedAs ? ` · ${t('saved')}: ${view.savedAs}` : ''}`,
    ),
    busyBox,
    el(
      'div',
      { className: 'toolbar' },
      button('precision-undo', t('Undo'), () => post({ type: 'undoPrecision' }), !view.canUndo),
      button('precision-pin', pinned ? t('Stop comparing') : t('Compare with this'), () => post({ type: 'comparePrecision', pin: !pinned })),
      button('precision-save', t('Save…'), () => post({ type: 'savePrecision' }), false, 'primary'),
    ),
    summary(view, t),
    el('h4', {}, t('Memory timeline')),
    renderArenaSteps(view.current.timeline, view.arenaBudgetBytes, t),
    el('h4', {}, t('Layers')),
    layersTable(view, post, t),
    goalForm(view, post, t),
  );
  const pareto = paretoChart(view, post, t);
  if (pareto) section.append(pareto);
  return section;
}
