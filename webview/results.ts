/**
 * Run and comparison results in the panel: for a classifier output the top-5 with scores,
 * otherwise min/max/mean and a small histogram; for a float/int8 comparison a per-layer
 * table and chart of SQNR, so the layer that loses accuracy stands out.
 */
import type { CompareView, PanelString, QuantizeView, RunView } from '../src/shared/protocol';
import { formatBytes } from '../src/util/formatBytes';
import { el } from './dom';
import { shortName } from '../src/util/shortName';
import { formatMs } from '../src/estimate/format';

type T = (s: PanelString) => string;

function histogram(counts: readonly number[]): HTMLElement {
  const max = Math.max(1, ...counts);
  const bars = el('div', { className: 'histogram', role: 'img' });
  bars.setAttribute('aria-label', counts.join(', '));
  for (const c of counts) bars.append(el('span', { style: `height: ${Math.round((100 * c) / max)}%`, title: String(c) }));
  return bars;
}

const num = (v: number): string =>
  Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4)) : String(v);

export function renderRun(run: RunView, t: T): HTMLElement {
  const section = el('section', { className: 'run' }, el('h3', {}, t('Run results')));
  section.append(el('p', { className: 'detail' }, `${t('inputs')}: ${run.inputs.join(', ')} · ${t('rounding')}: ${run.rounding} · ${formatMs(run.ms)}`));
  for (const o of run.outputs) {
    const s = o.summary;
    const box = el('div', { className: 'output' }, el('h4', { title: o.name }, `${shortName(o.name)} ${o.dtype}[${o.shape.join('×')}]`));
    const classifier = o.shape.length <= 2 && (o.shape[o.shape.length - 1] ?? 0) <= 1000 && (o.shape[o.shape.length - 1] ?? 0) > 1;
    if (classifier) {
      const list = el('ol', { className: 'top5', start: 0 });
      list.setAttribute('aria-label', t('top-5'));
      for (const item of s.top5) list.append(el('li', {}, `#${item.index}: ${num(item.score)}`));
      box.append(el('div', {}, `${t('top-5')}:`), list);
    }
    box.append(
      el('div', { className: 'detail' }, `${t('min')} ${num(s.min)} · ${t('max')} ${num(s.max)} · ${t('mean')} ${num(s.mean)}`),
      histogram(s.histogram),
    );
    section.append(box);
  }
  return section;
}

export function renderCompare(view: CompareView, t: T): HTMLElement {
  const { result } = view;
  const a = result.agreement;
  const section = el('section', { className: 'compare' }, el('h3', {}, `${t('Float vs int8')}: ${view.floatName} → ${view.int8Name}`));
  section.append(
    el(
      'p',
      { className: 'detail' },
      `${t('samples')}: ${view.samples}${a.top1Agreement !== undefined ? ` · ${t('top-1 agreement')} ${(100 * a.top1Agreement).toFixed(1)}%` : ''} · ${t('SQNR (dB)')} ${a.sqnrDb.toFixed(1)} · ${t('cosine')} ${a.cosine.toFixed(5)} · ${t('max |error|')} ${num(a.maxAbsError)}`,
    ),
  );
  const finite = result.layers.map((l) => (Number.isFinite(l.sqnrDb) ? l.sqnrDb : 100));
  const worst = result.layers.length ? result.layers.reduce((w, l) => (l.sqnrDb < w.sqnrDb ? l : w)) : undefined;
  if (worst) section.append(el('p', {}, `${t('lowest SQNR')}: ${t('layer')} ${worst.int8Layer} ${worst.op} (${worst.sqnrDb.toFixed(1)} dB)`));
  // A column per layer: taller is better; the worst is marked.
  const top = Math.max(1, ...finite);
  const chart = el('div', { className: 'sqnr-chart', role: 'img' });
  chart.setAttribute('aria-label', `${t('SQNR (dB)')} per layer`);
  result.layers.forEach((l, i) =>
    chart.append(
      el('span', {
        className: l === worst ? 'worst' : '',
        style: `height: ${Math.max(2, Math.round((100 * Math.max(0, finite[i]!)) / top))}%`,
        title: `${t('layer')} ${l.int8Layer} ${l.op}: ${l.sqnrDb.toFixed(1)} dB`,
      }),
    ),
  );
  section.append(chart);
  const table = el('table', { className: 'compare-table' });
  table.append(
    el('thead', {}, el('tr', {}, ...[t('layer'), t('op'), t('SQNR (dB)'), t('cosine'), t('max |error|')].map((h) => el('th', { scope: 'col' }, h)))),
  );
  const body = el('tbody', {});
  for (const l of result.layers) {
    body.append(
      el(
        'tr',
        { className: l === worst ? 'peak' : '' },
        el('td', { className: 'num' }, String(l.int8Layer)),
        el('td', {}, l.op),
        el('td', { className: 'num' }, Number.isFinite(l.sqnrDb) ? l.sqnrDb.toFixed(1) : '∞'),
        el('td', { className: 'num' }, l.cosine.toFixed(5)),
        el('td', { className: 'num' }, num(l.maxAbsError)),
      ),
    );
  }
  table.append(body);
  section.append(table);
  return section;
}

/** The quantization report on the new int8 model's panel: what it cost, per layer. */
export function renderQuantize(view: QuantizeView, t: T): HTMLElement {
  const r = view.report;
  const section = el('section', { className: 'quantize' }, el('h3', {}, `${t('Quantization')}: ${view.floatName} → ${view.int8Name}`));
  const o = r.options;
  section.append(
    el(
      'p',
      { className: 'detail' },
      `${t('size')} ${formatBytes(r.size.beforeBytes)} → ${formatBytes(r.size.afterBytes)} · arena ${formatBytes(r.arena.beforeBytes)} → ${formatBytes(r.arena.afterBytes)} · ${t('range method')} ${o.method} · ${t('calibration samples')} ${o.calibrationSamples} · ${t('held-out samples')} ${o.heldOutSamples} · I/O ${o.io}${o.normalization ? ` · ${o.normalization.description}` : ''}`,
    ),
  );
  if (r.selection) {
    const sel = r.selection;
    const scores = sel.candidates
      .map((c) => `${c.label} ${c.sqnrDb === undefined ? '–' : Number.isFinite(c.sqnrDb) ? c.sqnrDb.toFixed(1) : '∞'} dB`)
      .join(' · ');
    section.append(el('p', { className: 'detail' }, `auto: ${sel.chosen} (${sel.validationSamples} ${t('samples')}; ${scores})`));
  }
  if (view.warningMessages.length > 0) {
    const list = el('ul', { className: 'warnings' });
    list.setAttribute('aria-label', t('warnings'));
    for (const w of view.warningMessages) list.append(el('li', { className: 'warning' }, w));
    section.append(list);
  }
  if ('layers' in r.evaluation) {
    const e = r.evaluation;
    if (e.worstLayers.length > 0) {
      section.append(
        el(
          'p',
          {},
          `${t('layers that lose the most')}: ${e.worstLayers.map((w) => `${t('layer')} ${w.layer} ${w.op} (${Number.isFinite(w.sqnrDb) ? w.sqnrDb.toFixed(1) : '∞'} dB)`).join(', ')}`,
        ),
      );
    }
    section.append(
      renderCompare(
        {
          floatName: view.floatName,
          int8Name: view.int8Name,
          samples: String(e.samples),
          result: { layers: e.layers, agreement: e.output, random: o.randomCalibration },
        },
        t,
      ),
    );
  } else {
    section.append(el('p', { className: 'detail' }, view.skippedMessage ?? r.evaluation.skipped));
  }
  return section;
}
