/**
 * The per-layer table: sortable by any column (header buttons, so the keyboard can sort),
 * the peak row marked (the peak of `timelinePeak`, as the timeline marks it), Enter on a row
 * opens that layer in the layer view. The rows are one tab stop: arrow keys, Page Up/Down, Home
 * and End move between them. Rows are rendered in a window around the scroll position, so a
 * model with thousands of layers stays fast.
 */
import type { LayerReport, ModelAnalysis } from '../src/analysis/analyzeModel';
import type { PanelString } from '../src/shared/protocol';
import { el } from './dom';
import { formatBytes } from '../src/util/formatBytes';
import { formatMs } from '../src/estimate/format';
import { timelinePeak } from '../src/analysis/peak';

export interface SortState {
  readonly column: number;
  readonly descending: boolean;
}

interface Column {
  readonly title: PanelString;
  readonly text: (l: LayerReport) => string;
  readonly key: (l: LayerReport) => number | string;
  readonly numeric: boolean;
}

/** Row height before one has been measured (CSS sets 24 px plus a border). */
const DEFAULT_ROW_HEIGHT = 25;
const WINDOW_ROWS = 60;
/** Below this many layers every row is rendered; the window only matters for big models. */
const VIRTUAL_FROM = 200;

const BASE_COLUMNS: readonly Column[] = [
  { title: 'layer', text: (l) => (l.subgraph ? `${l.subgraph}:${l.index}` : `${l.index}`), key: (l) => l.subgraph * 1e6 + l.index, numeric: true },
  { title: 'op', text: (l) => l.op, key: (l) => l.op, numeric: false },
  {
    title: 'output',
    text: (l) => (l.outputs[0] ? l.outputs[0].shape.join('×') : ''),
    key: (l) => (l.outputs[0] ? l.outputs[0].shape.reduce((a, b) => a * b, 1) : 0),
    numeric: false,
  },
  { title: 'dtype', text: (l) => l.outputs[0]?.dtype ?? '', key: (l) => l.outputs[0]?.dtype ?? '', numeric: false },
  { title: 'weights', text: (l) => formatBytes(l.weightBytes), key: (l) => l.weightBytes, numeric: true },
  { title: 'activations', text: (l) => formatBytes(l.activationBytes), key: (l) => l.activationBytes, numeric: true },
  { title: 'arena live', text: (l) => formatBytes(l.arenaLiveBytes), key: (l) => l.arenaLiveBytes, numeric: true },
  { title: 'MACs', text: (l) => (l.macs === null ? '?' : l.macs.toLocaleString()), key: (l) => l.macs ?? -1, numeric: true },
];

/** Per-layer times beside the memory columns: the estimate, and measured times after a profile import. */
export interface LayerTimes {
  readonly estimated: ReadonlyMap<string, number>;
  readonly measured?: ReadonlyMap<number, number>;
  /** Keys (`subgraph:index`) of the slowest layers, highlighted. */
  readonly slowest: ReadonlySet<string>;
}

const key = (l: LayerReport): string => `${l.subgraph}:${l.index}`;
const ms = (v: number | undefined): string => (v === undefined ? '' : formatMs(v));

export class LayerTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private rows: readonly LayerReport[] = [];
  private rowHeight = DEFAULT_ROW_HEIGHT;
  private sort: SortState;
  /** The memory columns, then latency (and measured) when there is an estimate. */
  private readonly columns: readonly Column[];
  private readonly peakLayer: number | null;
  /** The row that takes the table's one tab stop (by `key`), moved by the arrow keys. */
  private active: string | undefined;

  constructor(
    private readonly analysis: ModelAnalysis,
    private readonly t: (s: PanelString) => string,
    sort: SortState | undefined,
    private readonly open: (layer: { subgraph: number; index: number }) => void,
    private readonly onSort: (sort: SortState) => void,
    private readonly onScroll: (scrollTop: number) => void,
    private readonly times?: LayerTimes,
  ) {
    this.columns = [
      ...BASE_COLUMNS,
      ...(times
        ? [
            {
              title: 'latency' as PanelString,
              text: (l: LayerReport) => ms(times.estimated.get(key(l))),
              key: (l: LayerReport) => times.estimated.get(key(l)) ?? -1,
              numeric: true,
            },
          ]
        : []),
      ...(times?.measured
        ? [
            {
              title: 'measured' as PanelString,
              text: (l: LayerReport) => ms(l.subgraph === 0 ? times.measured!.get(l.index) : undefined),
              key: (l: LayerReport) => (l.subgraph === 0 ? (times.measured!.get(l.index) ?? -1) : -1),
              numeric: true,
            },
          ]
        : []),
    ];
    this.peakLayer = timelinePeak(analysis).layer;
    this.active = this.peakLayer === null ? undefined : `0:${this.peakLayer}`;
    this.sort = sort ?? { column: 0, descending: false };
    const table = el('table', { className: 'layer-table' });
    const head = el('tr', {});
    this.columns.forEach((c, i) => {
      const button = el('button', { className: 'sort', type: 'button' }, t(c.title));
      button.addEventListener('click', () => this.sortBy(i));
      const th = el('th', { scope: 'col', className: c.numeric ? 'num' : '' }, button);
      head.append(th);
    });
    table.append(el('thead', {}, head));
    this.body = el('tbody', {});
    table.append(this.body);
    this.element = el('div', { className: 'table-scroll', tabindex: 0 }, table);
    // From the scroll box itself, the arrow keys enter the rows at the tab-stop row.
    this.element.addEventListener('keydown', (e) => {
      if (e.target !== this.element || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
      e.preventDefault();
      this.focusRow(
        Math.max(
          0,
          this.rows.findIndex((l) => key(l) === this.active),
        ),
      );
    });
    this.element.addEventListener('scroll', () => {
      this.renderRows();
      this.onScroll(this.element.scrollTop);
    });
    this.applySort();
  }

  restoreScroll(scrollTop: number): void {
    this.element.scrollTop = scrollTop;
    this.renderRows();
  }

  private sortBy(column: number): void {
    this.sort = { column, descending: this.sort.column === column ? !this.sort.descending : this.columns[column]!.numeric };
    this.onSort(this.sort);
    this.applySort();
  }

  private applySort(): void {
    const c = this.columns[this.sort.column] ?? this.columns[0]!;
    const dir = this.sort.descending ? -1 : 1;
    this.rows = [...this.analysis.layers].sort((a, b) => {
      const ka = c.key(a);
      const kb = c.key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : 0) * dir;
    });
    this.element
      .querySelectorAll('th')
      .forEach((th, i) => th.setAttribute('aria-sort', i === this.sort.column ? (this.sort.descending ? 'descending' : 'ascending') : 'none'));
    this.renderRows();
  }

  private renderRows(): void {
    const virtual = this.rows.length >= VIRTUAL_FROM;
    const first = virtual ? Math.max(0, Math.floor(this.element.scrollTop / this.rowHeight) - 10) : 0;
    const last = virtual ? Math.min(this.rows.length, first + WINDOW_ROWS) : this.rows.length;
    const fragment = document.createDocumentFragment();
    // A row without cells collapses to nothing: spacers carry one cell spanning the table.
    const spacer = (rows: number): HTMLElement =>
      el('tr', { className: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: this.columns.length, style: `height: ${rows * this.rowHeight}px` }));
    if (first > 0) fragment.append(spacer(first));
    for (let k = first; k < last; k++) fragment.append(this.row(this.rows[k]!, k));
    if (last < this.rows.length) fragment.append(spacer(this.rows.length - last));
    // Re-rendering replaces the focused row: give focus back to its replacement.
    const hadFocus = this.body.contains(document.activeElement);
    this.body.replaceChildren(fragment);
    if (hadFocus) this.body.querySelector<HTMLElement>('tr[tabindex="0"]')?.focus({ preventScroll: true });
    // Spacers stand in for unrendered rows, so they must use the height rows really get.
    const measured = this.body.querySelector('tr:not(.spacer)')?.getBoundingClientRect().height;
    if (virtual && measured && Math.abs(measured - this.rowHeight) > 0.5) {
      this.rowHeight = measured;
      this.renderRows();
    }
  }

  /** Moves the tab stop and focus to the row at sorted position `k`, scrolling it into the window. */
  private focusRow(k: number): void {
    const target = this.rows[Math.max(0, Math.min(this.rows.length - 1, k))];
    if (!target) return;
    this.active = key(target);
    const position = this.rows.indexOf(target);
    let tr = this.body.querySelector<HTMLElement>(`tr[data-row="${position}"]`);
    if (!tr) {
      this.element.scrollTop = Math.max(0, position * this.rowHeight - this.element.clientHeight / 2);
      this.renderRows();
      tr = this.body.querySelector<HTMLElement>(`tr[data-row="${position}"]`);
    } else {
      for (const other of this.body.querySelectorAll('tr[tabindex="0"]')) other.setAttribute('tabindex', '-1');
      tr.setAttribute('tabindex', '0');
    }
    tr?.focus();
    tr?.scrollIntoView({ block: 'nearest' });
  }

  private row(l: LayerReport, position: number): HTMLElement {
    const isPeak = l.subgraph === 0 && l.index === this.peakLayer;
    const slow = this.times?.slowest.has(key(l)) ?? false;
    const active = this.active === undefined ? position === 0 : this.active === key(l);
    const tr = el('tr', {
      className: `${isPeak ? 'peak' : ''}${slow ? ' slow' : ''}${l.tflmSupported ? '' : ' unsupported'}`,
      tabindex: active ? 0 : -1,
      'data-row': position,
    });
    if (slow) tr.setAttribute('title', this.t('slowest'));
    if (isPeak) tr.setAttribute('aria-label', `${this.t('peak')}: ${this.t('layer')} ${l.index} ${l.op}`);
    for (const c of this.columns) tr.append(el('td', { className: c.numeric ? 'num' : '' }, c.text(l)));
    const open = (): void => this.open({ subgraph: l.subgraph, index: l.index });
    tr.addEventListener('dblclick', open);
    tr.addEventListener('focus', () => {
      this.active = key(l);
    });
    tr.addEventListener('keydown', (e) => {
      const page = Math.max(1, Math.floor(this.element.clientHeight / this.rowHeight) - 1);
      const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
      const move = moves[e.key];
      if (e.key === 'Enter') open();
      else if (move !== undefined) {
        e.preventDefault();
        this.focusRow(Number.isFinite(move) ? position + move : move < 0 ? 0 : this.rows.length - 1);
      }
    });
    return tr;
  }
}
