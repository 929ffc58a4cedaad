/**
 * The status-bar item for the active model (its panel or its layer view): arena against
 * SRAM with a fits / does-not-fit icon, the reserve the verdict adds named in the text (the
 * arena alone is the number the panel shows). Clicking it opens the model panel.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../targets/fit';
import type { AnalysisService } from './analysisService';
import { LAYER_SCHEME, modelUriOf } from './layerView';
import { MODEL_EDITOR } from './modelEditor';

export class ModelStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('tinymlLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private current: vscode.Uri | undefined;

  constructor(private readonly service: AnalysisService) {
    this.item.name = 'TinyML Lens';
    this.subscriptions.push(
      vscode.window.tabGroups.onDidChangeTabs(() => void this.update()),
      vscode.window.tabGroups.onDidChangeTabGroups(() => void this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      service.onDidChange((uri) => {
        if (uri.toString() === this.current?.toString()) void this.update();
      }),
    );
  }

  /** The model behind the active tab, if it is a model panel or a layer view. */
  activeModel(): vscode.Uri | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputCustom && input.viewType === MODEL_EDITOR) return input.uri;
    if (input instanceof vscode.TabInputText && input.uri.scheme === LAYER_SCHEME) return modelUriOf(input.uri);
    return undefined;
  }

  async update(): Promise<void> {
    const model = this.activeModel();
    this.current = model;
    if (!model) {
      this.item.hide();
      return;
    }
    const result = await this.service.report(model);
    if (model !== this.current) return;
    if (!result.ok) {
      this.item.text = `$(error) ${vscode.l10n.t('model unreadable')}`;
      this.item.tooltip = result.error;
    } else {
      const { analysis, verdict } = result.report;
      const icon = verdict.fits ? '$(pass)' : '$(error)';
      // The arena as the panel shows it, and the reserve the verdict adds named beside it.
      const arena = formatBytes(analysis.arena.totalBytes);
      const sram = formatBytes(verdict.target.sramBytes);
      const reserve = verdict.reserve.sramBytes;
      this.item.text = `${icon} ${reserve > 0 ? vscode.l10n.t('Arena {0} + {1} reserved / {2}', arena, formatBytes(reserve), sram) : vscode.l10n.t('Arena {0} / {1}', arena, sram)}`;
      this.item.tooltip = `${verdict.fits ? vscode.l10n.t('Fits {0}', verdict.target.name) : vscode.l10n.t('Does not fit {0}', verdict.target.name)}: ${vscode.l10n.t('tensor arena {0} + {1} reserved; model {2} of {3} flash', formatBytes(analysis.arena.totalBytes), formatBytes(verdict.reserve.sramBytes), formatBytes(verdict.flashUsedBytes), formatBytes(verdict.target.flashBytes))}`;
      this.item.backgroundColor = verdict.fits ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    this.item.command = { command: 'vscode.openWith', title: vscode.l10n.t('Open model panel'), arguments: [model, MODEL_EDITOR] };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}
