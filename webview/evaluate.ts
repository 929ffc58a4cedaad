/**
 * An evaluation on labeled data in the panel: per model top-1, top-5 and agreement with the
 * first model; per model a confusion matrix as a heat-mapped table (rows: label, columns:
 * predicted, the last column each class's accuracy), scrolling beyond a dozen classes; and the
 * samples whose prediction changed from the first model, each a link the host opens. Models
 * that are not classifiers show their outputs' error against the first model instead.
 */
import type { EvaluateView, PanelString } from '../src/shared/protocol';
import type { ModelEvaluation } from '../src/evaluate/metrics';
import { el } from './dom';

type T = (s: PanelString) => string;

/** Changed samples listed per model; the rest are counted. */
const MAX_LISTED = 200;
/** The strongest heat, so that the count on the cell stays readable on every theme. */
const MAX_HEAT = 70;

const percent = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4));

/** A table in a focusable scrolling region, so the keyboard can reach and scroll it. */
function region(caption: string, table: HTMLTableElement, className: string): HTMLElement {
  table.prepend(el('caption', { className: 'visually-hidden' }, caption));
  const box = el('div', { className: `table-scroll ${className}`, tabindex: 0, role: 'region' }, table);
  box.setAttribute('aria-label', caption);
  return box;
}

function summary(view: EvaluateView, t: T): HTMLElement {
  const { report } = view;
  const headers = [t('model'), t('top-1'), t('top-5'), t('agreement with the first model'), t('changed predictions')];
  const table = el('table', { className: 'eval-summary' });
  table.append(el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { scope: 'col', className: i > 0 ? 'num' : '' }, h)))));
  const body = el('tbody', {});
  report.models.forEach((m, k) => {
    body.append(
      el(
        'tr',
        {},
        el('th', { scope: 'row', title: m.path }, view.modelNames[k] ?? m.path),
        el('td', { className: 'num' }, percent(m.top1)),
        el('td', { className: 'num' }, percent(m.top5)),
        el('td', { className: 'num' }, k === 0 ? t('the reference') : percent(m.agreementWithFirst)),
        el('td', { className: 'num' }, k === 0 ? '—' : m.changedCount.toLocaleString()),
      ),
    );
  });
  table.append(body);
  return region(t('Evaluation'), table, 'eval-summary-scroll');
}

/** The confusion matrix, each cell heated by its share of the label's samples: green on the diagonal, red off it. */
function confusion(classes: readonly string[], m: ModelEvaluation, name: string, t: T): HTMLElement {
  const table = el('table', { className: 'confusion' });
  const corner = el('th', { scope: 'col', className: 'corner' }, `${t('label')} \\ ${t('predicted')}`);
  table.append(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        corner,
        ...classes.map((c) => el('th', { scope: 'col', className: 'num cls', title: c }, c)),
        el('th', { scope: 'col', className: 'num' }, t('per-class accuracy')),
      ),
    ),
  );
  const body = el('tbody', {});
  classes.forEach((label, i) => {
    const row = m.confusion[i] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    const tr = el('tr', {}, el('th', { scope: 'row', className: 'cls', title: label }, label));
    classes.forEach((predicted, j) => {
      const count = row[j] ?? 0;
      const share = total > 0 ? count / total : 0;
      const cell = el(
        'td',
        { className: `num ${i === j ? 'diag' : 'off'}${count === 0 ? ' zero' : ''}`, title: `${label} → ${predicted}: ${count} (${percent(share)})` },
        String(count),
      );
      if (count > 0) cell.style.setProperty('--heat', `${Math.max(8, Math.round(MAX_HEAT * share))}%`);
      tr.append(cell);
    });
    tr.append(el('td', { className: 'num acc' }, percent(m.perClass[label])));
    body.append(tr);
  });
  table.append(body);
  return region(`${t('Confusion matrix')}: ${name} (${t('rows: label, columns: predicted')})`, table, 'confusion-scroll');
}

function changedList(m: ModelEvaluation, open: (file: string) => void, t: T): HTMLElement {
  if (m.changedCount === 0) return el('p', { className: 'detail' }, t('No prediction changed.'));
  const list = el('ul', { className: 'changed' });
  for (const c of m.changed.slice(0, MAX_LISTED)) {
    const link = el('a', { href: '#', className: 'sample', title: t('Open the sample') }, c.file);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      open(c.file);
    });
    list.append(el('li', {}, link, el('span', { className: 'detail' }, ` ${c.first} → ${c.this}`)));
  }
  const more = m.changedCount - Math.min(m.changed.length, MAX_LISTED);
  return el('div', {}, list, ...(more > 0 ? [el('p', { className: 'detail' }, t('{0} more, not listed').replace('{0}', more.toLocaleString()))] : []));
}

function outputErrors(m: ModelEvaluation, t: T): HTMLElement {
  const headers = [t('output'), t('mean |error|'), t('max |error|'), t('RMSE'), t('SQNR (dB)')];
  const table = el('table', { className: 'eval-errors' });
  table.append(el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { scope: 'col', className: i > 0 ? 'num' : '' }, h)))));
  const body = el('tbody', {});
  for (const o of m.outputs)
    body.append(
      el(
        'tr',
        {},
        el('td', {}, String(o.output)),
        el('td', { className: 'num' }, num(o.meanAbsError)),
        el('td', { className: 'num' }, num(o.maxAbsError)),
        el('td', { className: 'num' }, num(o.rmse)),
        el('td', { className: 'num' }, o.sqnrDb === null ? t('identical') : o.sqnrDb.toFixed(1)),
      ),
    );
  table.append(body);
  return region(t('outputs compared with the first model'), table, 'eval-errors-scroll');
}

export function renderEvaluate(view: EvaluateView, t: T, open: (file: string) => void): HTMLElement {
  const { report } = view;
  const section = el('section', { className: 'evaluate' }, el('h3', {}, `${t('Evaluation')}: ${view.dataName}`));
  section.append(
    el(
      'p',
      { className: 'detail' },
      `${report.samples.toLocaleString()} ${t('samples')}`,
      report.classifier ? ` · ${report.classes.length} ${t('classes')}` : ` · ${t('outputs compared with the first model')}`,
    ),
  );
  if (report.classifier) section.append(summary(view, t));
  report.models.forEach((m, k) => {
    const name = view.modelNames[k] ?? m.path;
    const block = el('details', { className: 'eval-model', open: true }, el('summary', {}, k === 0 ? `${name} (${t('the reference')})` : name));
    if (report.classifier) {
      block.append(el('h4', {}, t('Confusion matrix')), confusion(report.classes, m, name, t));
      if (k > 0) block.append(el('h4', {}, `${t('Changed predictions')} (${m.changedCount.toLocaleString()})`), changedList(m, open, t));
    } else if (k > 0) block.append(outputErrors(m, t));
    section.append(block);
  });
  return section;
}
