/**
 * End-to-end harness: the extension in a real VS Code (code-server, its Node extension host),
 * seen and driven through headless Debian Chromium with playwright-core, like a user would.
 *
 *   const wb = await openWorkbench();                  // example workspace, extension loaded
 *   await wb.runCommand('TinyML Lens: Analyze Model');
 *   await wb.screenshot('panel');                      // .test-artifacts/e2e/panel.png
 *   await wb.close();
 *
 * The selectors are VS Code 1.100's (code-server 4.100.3). Screenshots are test artifacts:
 * look at them.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type * as CodeServerModule from '../../scripts/vscode/codeServer.mjs';
import type * as SetupModule from '../../scripts/vscode/setup.mjs';
import type * as WorkspaceModule from '../../scripts/vscode/workspace.mjs';

export const ROOT = join(__dirname, '..', '..', '..');
export const ARTIFACTS = join(ROOT, '.test-artifacts', 'e2e');

// The helpers in scripts/vscode are ES modules; tsc (module: commonjs) would turn `import()`
// into `require()`, so the import is made at run time.
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;
const script = <T>(name: string) => importEsm<T>(pathToFileURL(join(ROOT, 'scripts', 'vscode', name)).href);

export interface OpenOptions {
  /** Install these packaged builds instead of loading the repo as the development extension. */
  vsix?: string[];
  /** A workspace folder to open (default: a fresh one with the example models). */
  workspace?: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** VS Code's display language (e.g. 'ko'); English by default. */
  locale?: string;
  /** Echo code-server's and the page's output. */
  verbose?: boolean;
  /**
   * A command title that must be in the palette before the workbench counts as ready (the
   * extension is registered): default "TinyML Lens: Analyze Model"; null not to wait.
   */
  readyCommand?: string | null;
}

export interface Workbench {
  readonly page: Page;
  readonly workspace: string;
  readonly url: string;
  /** Page errors and URLs the browser was stopped from loading outside 127.0.0.1. */
  readonly pageErrors: string[];
  readonly blocked: string[];
  /** Runs a command from the palette by its title, e.g. "TinyML Lens: Analyze Model". */
  runCommand(title: string): Promise<void>;
  /** The messages of the notification toasts now on screen. */
  notifications(): Promise<string[]>;
  /** Waits for a toast whose message matches. */
  waitForNotification(match: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Opens the Problems panel and returns each row's aria-label (severity, message, line). */
  problems(): Promise<string[]>;
  /** Moves the mouse over the first occurrence of `text` in the active editor; returns the hover's text. */
  hover(text: string, timeoutMs?: number): Promise<string>;
  /** The explorer row of a file or folder at the workspace's top level. */
  explorerItem(name: string): Locator;
  /** The active model panel's document: code-server nests a webview in two iframes. */
  panel(): FrameLocator;
  /**
   * Right-clicks a file in the explorer and returns the context menu's item labels, leaving the
   * menu open. With `expect`, asks again (for up to `timeoutMs`) until that item is there.
   */
  explorerContextMenu(name: string, expect?: string, timeoutMs?: number): Promise<string[]>;
  /** Clicks an item of the open context menu by its label. */
  clickMenuItem(label: string): Promise<void>;
  /** Saves a PNG of the whole window to .test-artifacts/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Runs `fn`; if it throws, saves `<name>-failure.png` first. */
  capture<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openWorkbench(options: OpenOptions = {}): Promise<Workbench> {
  const setup = await script<typeof SetupModule>('setup.mjs');
  const cs = await script<typeof CodeServerModule>('codeServer.mjs');
  const ws = await script<typeof WorkspaceModule>('workspace.mjs');
  const { codeServer } = setup.ensureVsCode({ quiet: true });
  const ownWorkspace = !options.workspace;
  const workspace = options.workspace ?? ws.createTestWorkspace();
  const server = await cs.startCodeServer({ codeServer, vsix: options.vsix, settings: options.settings, locale: options.locale, verbose: options.verbose });
  let browser: CodeServerModule.Chromium | undefined;
  const cleanup = async () => {
    await browser?.close();
    await server.stop();
    if (ownWorkspace) rmSync(workspace, { recursive: true, force: true });
  };
  try {
    browser = await cs.launchChromium();
    const { page } = browser;
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    if (options.verbose) page.on('console', (m) => console.error(`[browser ${m.type()}] ${m.text()}`));
    const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: options.vsix?.length ? undefined : ROOT });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    const ready = options.readyCommand === undefined ? 'TinyML Lens: Analyze Model' : options.readyCommand;
    if (ready) await waitForCommand(page, ready);
    const wb = makeWorkbench(page, workspace, url, pageErrors, browser.blocked, cleanup);
    return wb;
  } catch (e) {
    if (browser) await browser.page.screenshot({ path: artifact('open-failure') }).catch(() => undefined);
    await cleanup();
    throw new Error(`could not open the workbench: ${e instanceof Error ? e.message : String(e)}\ncode-server output (tail):\n${server.output().slice(-3000)}`);
  }
}

function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
}

function makeWorkbench(page: Page, workspace: string, url: string, pageErrors: string[], blocked: string[], cleanup: () => Promise<void>): Workbench {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  const menuItems = page.locator('.monaco-menu .action-item .action-label');

  const wb: Workbench = {
    page,
    workspace,
    url,
    pageErrors,
    blocked,

    async runCommand(title) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const row = await findCommand(page, title, Math.max(2_000, deadline - Date.now()));
        try {
          await row.click({ timeout: 2_000 });
          break;
        } catch (e) {
          // The palette closed under the click (an editor opening late took the focus): find the command again.
          if (Date.now() > deadline) throw e;
        }
      }
      await page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 15_000 });
    },

    async notifications() {
      return (await toasts.locator('.notification-list-item-message').allInnerTexts()).map((s) => s.trim());
    },

    async waitForNotification(match, timeoutMs = 30_000) {
      const toast = toasts.filter({ hasText: match }).first();
      await toast.waitFor({ state: 'visible', timeout: timeoutMs });
      return (await toast.locator('.notification-list-item-message').innerText()).trim();
    },

    async problems() {
      await wb.runCommand('Problems: Focus on Problems View');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      const rows = panel.locator('.monaco-list-row');
      await rows
        .first()
        .waitFor({ state: 'visible', timeout: 15_000 })
        .catch(() => undefined);
      const labels: string[] = [];
      for (const row of await rows.all()) labels.push((await row.getAttribute('aria-label')) ?? (await row.innerText()));
      return labels;
    },

    async hover(text, timeoutMs = 15_000) {
      const token = page.locator('.monaco-editor .view-lines .view-line span span', { hasText: text }).first();
      // Decorations re-render a line's spans, so a span seen a moment ago may be gone: retry.
      const deadline = Date.now() + timeoutMs;
      let box: { x: number; y: number; width: number; height: number } | null = null;
      while (!box) {
        await token.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
        box = await token.boundingBox();
        if (!box && Date.now() > deadline) throw new Error(`"${text}" is not on screen`);
        if (!box) await page.waitForTimeout(100);
      }
      // Hovers appear on mouse movement over the token; come from outside it, then rest on it.
      await page.mouse.move(box.x + box.width / 2, box.y - 40);
      await page.mouse.move(box.x + Math.min(box.width / 2, 8), box.y + box.height / 2, { steps: 5 });
      const hover = page.locator('.monaco-hover-content').filter({ visible: true }).filter({ hasText: /\S/ }).first();
      await hover.waitFor({ state: 'visible', timeout: timeoutMs });
      return (await hover.innerText()).trim();
    },

    panel() {
      return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    },

    explorerItem(name) {
      return page
        .locator('.explorer-folders-view .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
    },

    async explorerContextMenu(name, expect, timeoutMs = 30_000) {
      const row = wb.explorerItem(name).first();
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await row.click({ button: 'right' });
        await menuItems.first().waitFor({ state: 'visible', timeout: 15_000 });
        const labels = (await menuItems.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
        // An extension's menu items appear once its host has registered it: ask again until then.
        if (!expect || labels.includes(expect) || Date.now() > deadline) return labels;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(500);
      }
    },

    async clickMenuItem(label) {
      const item = menuItems.filter({ hasText: new RegExp(`^${escapeRegExp(label)}$`) }).first();
      // A VS Code menu listens for clicks only 100 ms after it renders (so the right-click's own
      // mouse-up does not pick an item): rest on the item first, and click again if need be.
      await item.hover();
      for (let attempt = 0; ; attempt++) {
        await page.waitForTimeout(150);
        await item.click();
        try {
          await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 2_000 });
          return;
        } catch {
          if (attempt >= 2) throw new Error(`the menu stayed open after clicking "${label}" ${attempt + 1} times`);
        }
      }
    },

    async screenshot(name) {
      const path = artifact(name);
      await page.screenshot({ path });
      return path;
    },

    async capture(name, fn) {
      try {
        return await fn();
      } catch (e) {
        await page.screenshot({ path: artifact(`${name}-failure`) }).catch(() => undefined);
        throw e;
      }
    },

    close: cleanup,
  };
  return wb;
}

/**
 * Opens the palette on `title` and returns its row. Commands of an extension are listed once its
 * host has registered it, and an open palette does not refresh: so close it and ask again.
 */
async function findCommand(page: Page, title: string, timeoutMs: number): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await input.isVisible())) await openPalette(page);
    try {
      // The palette can close between opening and typing (an editor opening late takes the focus): open it again.
      await input.fill(`>${title}`, { timeout: 2_000 });
    } catch {
      if (Date.now() > deadline) throw new Error(`the palette kept closing before "${title}" could be typed`);
      continue;
    }
    try {
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      return row;
    } catch {
      if (Date.now() > deadline) throw new Error(`no command "${title}" in the palette after ${timeoutMs / 1000} s`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
}

/**
 * F1 opens the palette, except when a webview (an extension's panel) has the keyboard: then
 * the title bar's command center opens it.
 */
async function openPalette(page: Page): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  try {
    await input.waitFor({ state: 'visible', timeout: 1_500 });
    return;
  } catch {}
  const center = page.locator('.command-center .command-center-center').first();
  if (await center.isVisible()) await center.click();
  else
    await page
      .locator('.part.statusbar')
      .click({ position: { x: 2, y: 2 } })
      .then(() => page.keyboard.press('F1'));
  await input.waitFor({ state: 'visible', timeout: 15_000 });
}

/** Waits until a command is in the palette (its extension is registered), then closes the palette. */
export async function waitForCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  await findCommand(page, title, timeoutMs);
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 15_000 });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
