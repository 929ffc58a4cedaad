/**
 * The model panel. It renders what the host sends and computes no numbers itself. Colors
 * come from VS Code's theme variables (media/panel.css), every control is reachable by
 * keyboard, and the sort order and scroll position survive the panel being hidden.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption, vsCodeTag } from '@vscode/webview-ui-toolkit';
import type { FromWebview, PanelState, PanelString, ToWebview } from '../src/shared/protocol';
import { renderTimeline } from './timeline';
import { LayerTable, type SortState } from './layerTable';
import { el } from './dom';
import { formatBytes } from '../src/util/formatBytes';
import { renderCompare, renderQuantize, renderRun } from './results';
import { renderOptimize } from './optimize';
import { precisionFocus, renderPrecision, restorePrecisionFocus, setPrecisionBusy } from './precision';
import { renderBattery } from './battery';
import { renderEvaluate } from './evaluate';
import { formatMs, formatPowerUw, formatUj } from '../src/estimate/format';
import type { CompareView, EvaluateView, OptimizeView, PrecisionView, QuantizeView, RunView } from '../src/shared/protocol';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeTag());

interface SavedState {
  readonly sort?: SortState;
  readonly scrollTop?: number;
}

declare function acquireVsCodeApi(): {
  postMessage(message: FromWebview): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
};

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let table: LayerTable | undefined;
let lastState: PanelState | undefined;
let lastRun: RunView | undefined;
let lastCompare: CompareView | undefined;
let lastQuantize: QuantizeView | undefined;
let lastOptimize: OptimizeView | undefined;
let lastEvaluate: EvaluateView | undefined;
let lastPrecision: PrecisionView | undefined;
const results = el('div', { id: 'results' });

function save(partial: SavedState): void {
  vscode.setState({ ...(vscode.getState() ?? {}), ...partial });
}

function meter(label: string, used: number, budget: number, detail: string): HTMLElement {
  const share = budget > 0 ? used / budget : 0;
  const bar = el('div', { className: `meter ${share > 1 ? 'over' : share >= 0.9 ? 'near' : ''}`, role: 'meter' });
  bar.setAttribute('aria-label', label);
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', String(budget));
  bar.setAttribute('aria-valuenow', String(used));
  bar.append(el('div', { className: 'fill', style: `width: ${Math.min(100, share * 100).toFixed(1)}%` }));
  return el(
    'div',
    { className: 'meter-row' },
    el('span', { className: 'meter-label' }, label),
    bar,
    el('span', { className: 'meter-value' }, `${formatBytes(used)} / ${formatBytes(budget)} (${Math.round(share * 100)}%) ${detail}`),
  );
}

function card(title: string, value: string, detail = ''): HTMLElement {
  return el(
    'section',
    { className: 'card' },
    el('h3', {}, title),
    el('div', { className: 'value' }, value),
    detail ? el('div', { className: 'detail' }, detail) : '',
  );
}

function render(state: PanelState): void {
  const t = (s: PanelString): string => state.strings[s] ?? s;
  const { analysis: a, verdict: v } = state;

  const picker = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  picker.id = 'target';
  picker.setAttribute('aria-label', t('Target'));
  for (const target of state.targets) {
    const option = el('vscode-option', { value: target.id }, target.sramBytes > 0 ? `${target.name} (${formatBytes(target.sramBytes)} SRAM)` : target.name);
    if (target.id === state.targetId) option.setAttribute('selected', '');
    picker.append(option);
  }
  picker.addEventListener('change', () => vscode.postMessage({ type: 'setTarget', targetId: picker.value }));

  const layersButton = el('vscode-button', { id: 'open-layer-view' }, t('Open Layer View'));
  layersButton.addEventListener('click', () => vscode.postMessage({ type: 'openLayerView' }));
  const runButton = el('vscode-button', { id: 'run-model', appearance: 'secondary' }, t('Run Model…'));
  runButton.addEventListener('click', () => vscode.postMessage({ type: 'runModel' }));
  const compareButton = el('vscode-button', { id: 'compare-models', appearance: 'secondary' }, t('Compare Float and Int8…'));
  if (state.pair) compareButton.setAttribute('title', `${state.pair.fileIs === 'int8' ? t('float sibling') : t('int8 sibling')}: ${state.pair.other}`);
  compareButton.addEventListener('click', () => vscode.postMessage({ type: 'compareModels' }));
  const quantizeButton = el('vscode-button', { id: 'quantize-model' }, t('Quantize to int8…'));
  quantizeButton.addEventListener('click', () => vscode.postMessage({ type: 'quantizeModel' }));
  // Offered where it helps: the arena is near or over the SRAM budget.
  const tight = v.findings.some((f) => f.code === 'sram-over' || f.code === 'sram-near');
  const optimizeButton = el('vscode-button', { id: 'optimize-memory' }, t('Optimize Memory…'));
  optimizeButton.addEventListener('click', () => vscode.postMessage({ type: 'optimizeMemory' }));
  // A short label keeps the toolbar on one line beside the other buttons; the tooltip and the
  // accessible name say the whole command.
  const exportButton = el(
    'vscode-button',
    { id: 'export-firmware', appearance: 'secondary', title: t('Export for Firmware…'), 'aria-label': t('Export for Firmware…') },
    t('Export C++…'),
  );
  exportButton.addEventListener('click', () => vscode.postMessage({ type: 'exportFirmware' }));
  const evaluateButton = el('vscode-button', { id: 'evaluate-models', appearance: 'secondary' }, t('Evaluate…'));
  evaluateButton.addEventListener('click', () => vscode.postMessage({ type: 'evaluateModels' }));
  const precisionButton = el('vscode-button', { id: 'open-precision', appearance: 'secondary' }, t('Precision…'));
  precisionButton.addEventListener('click', () => vscode.postMessage({ type: 'openPrecision' }));

  const verdictTag = el('vscode-tag', { className: v.fits ? 'fits' : 'nofit' }, v.fits ? t('fits') : t('does not fit'));
  // The target sits beside the title, so that the buttons have the toolbar's line to themselves
  // and do not wrap at common editor widths.
  const header = el(
    'header',
    {},
    el(
      'div',
      { className: 'title-row' },
      el('h2', {}, state.fileName, ' ', verdictTag),
      el(
        'div',
        { className: 'target-row' },
        el('label', { htmlFor: 'target' }, `${t('Target')}:`),
        picker,
        state.isDefaultTarget ? el('span', { className: 'hint' }, `(${t('default board: choose yours')})`) : '',
      ),
    ),
    el(
      'div',
      { className: 'toolbar' },
      layersButton,
      runButton,
      compareButton,
      ...(a.kind === 'int8' ? [] : [quantizeButton]),
      ...(a.kind === 'float' ? [precisionButton] : []),
      ...(tight ? [optimizeButton] : []),
      evaluateButton,
      exportButton,
    ),
  );

  const byType = Object.entries(a.totals.weightBytesByType)
    .map(([k, n]) => `${k} ${formatBytes(n ?? 0)}`)
    .join(', ');
  const err = a.arena.persistentErrorBytes > 0 ? ` ±${a.arena.persistentErrorBytes} B` : '';
  const cards = el(
    'div',
    { className: 'cards' },
    card(t('Model (flash)'), formatBytes(a.totals.modelBytes), `${t('weights')} ${formatBytes(a.totals.weightBytes)}`),
    card(
      t('Tensor arena (SRAM)'),
      formatBytes(a.arena.totalBytes),
      `${a.arena.nonPersistentBytes.toLocaleString()} B ${t('planned')} + ${a.arena.persistentBytes.toLocaleString()} B ${t('persistent')}${err} · TFLM ${a.arena.kernels}${
        a.warningCodes.some((w) => w.code === 'kernels-reference-core') ? ` (${t('reference kernels: CMSIS-NN is for Arm Cortex-M cores only')})` : ''
      }`,
    ),
    card(t('MACs'), a.totals.macs.toLocaleString(), a.totals.unknownCostOps.length ? `${t('unknown')}: ${a.totals.unknownCostOps.join(', ')}` : ''),
    card(t('Operators'), String(a.totals.operators), a.model.subgraphs > 1 ? `${a.model.subgraphs} subgraphs` : ''),
    card(t('Model kind'), a.kind),
    card(t('Weights by type'), byType || '-'),
    ...(state.estimate
      ? [
          // A band wider than ×2 is shown as the range itself, with why it is wide.
          state.estimate.total.wide
            ? card(
                t('Latency'),
                `${formatMs(state.estimate.total.bandMs.low)} – ${formatMs(state.estimate.total.bandMs.high)}`,
                `${t('an estimate')} (${t(state.estimate.target.basis)}): ${state.estimate.total.widthReasonText ?? state.estimate.target.derivation} · ${state.estimate.target.core} @ ${state.estimate.target.clockMHz} MHz${state.profileNote ? ` · ${state.profileNote}` : ''}`,
              )
            : card(
                t('Latency'),
                formatMs(state.estimate.total.ms),
                `${t('an estimate')} (${t(state.estimate.target.basis)}): ${t('expected')} ${formatMs(state.estimate.total.bandMs.low)} – ${formatMs(state.estimate.total.bandMs.high)} · ${state.estimate.target.core} @ ${state.estimate.target.clockMHz} MHz${state.profileNote ? ` · ${state.profileNote}` : ''}`,
              ),
        ]
      : state.estimateNote
        ? [card(t('Latency'), '—', state.estimateNote)]
        : []),
    ...(state.energy
      ? [
          card(
            t('Energy per inference'),
            formatUj(state.energy.uj),
            `${t('an estimate')}: ${t('expected')} ${formatUj(state.energy.bandUj.low)} – ${formatUj(state.energy.bandUj.high)} · ${formatPowerUw(1000 * state.energy.powerMw)}`,
          ),
        ]
      : []),
  );

  const reserved = (n: number): string => (n > 0 ? `(${t('reserved')} ${formatBytes(n)})` : '');
  const meters = el(
    'div',
    { className: 'meters' },
    meter('SRAM', v.sramUsedBytes, v.target.sramBytes, reserved(state.reservedSramBytes)),
    meter('Flash', v.flashUsedBytes, v.target.flashBytes, reserved(state.reservedFlashBytes)),
  );

  const findings = el('section', { className: 'findings' }, el('h3', {}, t('Findings')));
  if (v.findings.length === 0) findings.append(el('p', {}, t('No findings: the model fits.')));
  else {
    const list = el('ul', {});
    for (const [i, f] of v.findings.entries()) {
      const item = el('li', { className: f.severity }, state.findingMessages[i] ?? f.code);
      if (f.layer !== null) {
        const layer = { subgraph: f.subgraph, index: f.layer };
        const link = el('a', { href: '#', className: 'goto' }, ` → ${t('layer')} ${f.layer}`);
        link.addEventListener('click', (e) => {
          e.preventDefault();
          vscode.postMessage({ type: 'openLayerView', layer });
        });
        item.append(link);
      }
      list.append(item);
    }
    findings.append(list);
  }

  const arenaBudget = Math.max(0, v.target.sramBytes - state.reservedSramBytes);
  const timeline = el('section', { className: 'timeline' }, el('h3', {}, t('Memory timeline')), renderTimeline(a, arenaBudget, t));

  const saved = vscode.getState();
  const times = state.estimate
    ? {
        estimated: new Map(state.estimate.layers.map((l) => [`${l.subgraph}:${l.index}`, l.ms])),
        ...(state.measured ? { measured: new Map(state.measured.map((m) => [m.index, m.ms])) } : {}),
        slowest: new Set(
          [...state.estimate.layers]
            .sort((x, y) => y.ms - x.ms)
            .slice(0, 3)
            .map((l) => `${l.subgraph}:${l.index}`),
        ),
      }
    : undefined;
  table = new LayerTable(
    a,
    t,
    saved?.sort,
    (layer) => vscode.postMessage({ type: 'openLayerView', layer }),
    (sort) => save({ sort }),
    (scrollTop) => save({ scrollTop }),
    times,
  );
  const battery = renderBattery(state, t);
  const layers = el('section', { className: 'layers' }, el('h3', {}, t('Layers')), table.element);

  app.replaceChildren(header, cards, meters, findings, results, timeline, layers, ...(battery ? [battery] : []));
  table.restoreScroll(saved?.scrollTop ?? 0);
  renderResults();
}

function renderResults(): void {
  if (!lastState) return;
  const t = (s: PanelString): string => lastState!.strings[s] ?? s;
  results.replaceChildren(
    ...(lastEvaluate ? [renderEvaluate(lastEvaluate, t, (file) => vscode.postMessage({ type: 'openSample', file }))] : []),
    ...(lastPrecision ? [renderPrecision(lastPrecision, t, (message) => vscode.postMessage(message))] : []),
    ...(lastOptimize ? [renderOptimize(lastOptimize, t)] : []),
    ...(lastQuantize ? [renderQuantize(lastQuantize, t)] : []),
    ...(lastRun ? [renderRun(lastRun, t)] : []),
    ...(lastCompare ? [renderCompare(lastCompare, t)] : []),
  );
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'state': {
      // Revealing the panel for a result resends the state: the precision editor's control keeps the keyboard.
      const focus = precisionFocus();
      lastState = m.state;
      render(m.state);
      restorePrecisionFocus(focus);
      break;
    }
    case 'loading':
      if (!table) app.replaceChildren(el('p', { className: 'loading' }, `${m.fileName}…`));
      break;
    case 'run':
      lastRun = m.run;
      renderResults();
      results.scrollIntoView({ behavior: 'smooth' });
      break;
    case 'quantize':
      lastQuantize = m.quantize;
      renderResults();
      break;
    case 'optimize':
      lastOptimize = m.optimize;
      renderResults();
      break;
    case 'evaluate':
      lastEvaluate = m.evaluate;
      renderResults();
      results.scrollIntoView({ behavior: 'smooth' });
      break;
    case 'precision': {
      const first = lastPrecision === undefined;
      const focus = precisionFocus();
      lastPrecision = m.precision;
      renderResults();
      restorePrecisionFocus(focus);
      if (first) document.getElementById('precision')?.scrollIntoView({ behavior: 'smooth' });
      break;
    }
    case 'precisionBusy':
      if (lastState) setPrecisionBusy(m.busy, m.fraction, (s) => lastState?.strings[s] ?? s);
      break;
    case 'compare':
      lastCompare = m.compare;
      renderResults();
      results.scrollIntoView({ behavior: 'smooth' });
      break;
    case 'error':
      app.replaceChildren(el('p', { className: 'error', role: 'alert' }, m.message));
      break;
  }
});
vscode.postMessage({ type: 'ready' });
