// Types for codeServer.mjs, for the TypeScript tests that import it.
import type { BrowserContext, Page } from 'playwright-core';

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly pid: number;
  readonly dirs: { userData: string; extensions: string; xdgConfig: string; xdgData: string; xdgCache: string };
  readonly logFile: string;
  /** The last 64 KB the server printed. */
  output(): string;
  workbenchUrl(options?: { folder?: string; extensionDevelopmentPath?: string | undefined; extensionTestsPath?: string }): string;
  killNow(): void;
  /** Stops the server and its whole process group (extension hosts included). */
  stop(): Promise<void>;
}

export interface StartOptions {
  codeServer: string;
  port?: number;
  baseDir?: string;
  settings?: Record<string, unknown> | undefined;
  vsix?: string[] | undefined;
  /** VS Code's display language, e.g. 'ko': a language pack for it is installed first. */
  locale?: string | undefined;
  verbose?: boolean | undefined;
  timeoutMs?: number;
}

export interface Chromium {
  readonly context: BrowserContext;
  readonly page: Page;
  /** URLs the browser tried to load outside 127.0.0.1 (aborted). */
  readonly blocked: string[];
  close(): Promise<void>;
}

export declare const USER_SETTINGS: Record<string, unknown>;
export declare const CHROMIUM_ARGS: string[];
export declare function freePort(): Promise<number>;
export declare function isLocalUrl(url: string): boolean;
export declare function startCodeServer(options: StartOptions): Promise<CodeServer>;
export declare function launchChromium(options?: {
  headless?: boolean;
  viewport?: { width: number; height: number };
  executablePath?: string;
}): Promise<Chromium>;
