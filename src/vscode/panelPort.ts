/**
 * Posting to a panel that may have closed meanwhile. A model's analysis, a run or a comparison
 * finishes whenever it finishes; by then the user may have closed the panel, and VS Code's
 * `postMessage` (and even `panel.webview`) throws "Webview is disposed" synchronously. Every
 * message to the panel goes through `PanelPort.post`, which says false instead, so no result
 * arriving late turns into an unhandled rejection.
 */
import type * as vscode from 'vscode';
import type { ToWebview } from '../shared/protocol';

export class PanelPort implements vscode.Disposable {
  private closed = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly panel: vscode.WebviewPanel) {
    this.subscription = panel.onDidDispose(() => {
      this.closed = true;
    });
  }

  get disposed(): boolean {
    return this.closed;
  }

  /** Resolves true when the panel took the message, false when it is gone; never rejects for a closed panel. */
  async post(message: ToWebview): Promise<boolean> {
    if (this.closed) return false;
    try {
      return await this.panel.webview.postMessage(message);
    } catch (e) {
      // The dispose event can arrive after the webview already refuses messages.
      if (this.closed || (e instanceof Error && /disposed/i.test(e.message))) {
        this.closed = true;
        return false;
      }
      throw e;
    }
  }

  /** Brings the panel to the front if it is still open. */
  reveal(): void {
    if (this.closed) return;
    try {
      this.panel.reveal();
    } catch (e) {
      if (!(e instanceof Error && /disposed/i.test(e.message))) throw e;
      this.closed = true;
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
