/**
 * The model panel's script. It renders what the host sends and never computes numbers
 * itself; styling comes from VS Code's theme variables so light, dark and high-contrast
 * themes all work.
 */
import type { FromWebview, ToWebview } from '../src/shared/protocol';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function cell(tag: 'td' | 'th', text: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function render(message: ToWebview): void {
  app.replaceChildren();
  if (message.type === 'error') {
    app.textContent = message.message;
    return;
  }
  const { analysis: a, verdict } = message;
  const summary = document.createElement('p');
  summary.textContent = `${a.kind} model, ${a.totals.operators} operators, ${a.totals.macs.toLocaleString()} MACs, ` +
    `weights ${kb(a.totals.weightBytes)}, tensor arena ${kb(a.arena.totalBytes)}` +
    (verdict ? ` — ${verdict.fits ? 'fits' : 'does not fit'} ${verdict.target.name} (${kb(verdict.target.sramBytes)} SRAM)` : '');
  const table = document.createElement('table');
  const head = document.createElement('tr');
  for (const h of ['#', 'op', 'output', 'weights', 'activations', 'arena live', 'MACs']) head.append(cell('th', h));
  table.append(head);
  for (const l of a.layers) {
    const row = document.createElement('tr');
    if (l.subgraph === 0 && l.index === a.arena.peakLayer) row.className = 'peak';
    row.append(cell('td', `${l.index}`), cell('td', l.op), cell('td', `[${l.outputs[0]?.shape.join('×') ?? ''}]`), cell('td', kb(l.weightBytes)), cell('td', kb(l.activationBytes)), cell('td', kb(l.arenaLiveBytes)), cell('td', l.macs === null ? 'unknown' : l.macs.toLocaleString()));
    table.append(row);
  }
  app.append(summary, table);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => render(event.data));
vscode.postMessage({ type: 'ready' });
