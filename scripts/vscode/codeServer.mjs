// Starts a real VS Code (code-server: VS Code's server, web workbench and Node extension host)
// on 127.0.0.1, and a headless Debian Chromium to look at it. Nothing here reaches the internet:
// the marketplace points at a dead loopback port and the browser aborts every request that is
// not to 127.0.0.1. See scripts/vscode/README.md.
//
//   const server = await startCodeServer({ codeServer });
//   const url = server.workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath });
//   const browser = await launchChromium();
//   ...
//   await browser.close(); await server.stop();
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath } from './setup.mjs';
import { killGroupOnExit, removeOnExit, removeQuietly } from './cleanup.mjs';
import { languagePackVsix, registerLanguagePack } from './languagePack.mjs';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Port 9 (discard) is closed on loopback: every marketplace request fails at once, locally.
const DEAD = 'http://127.0.0.1:9';
const GALLERY = JSON.stringify({
  serviceUrl: `${DEAD}/gallery`,
  itemUrl: `${DEAD}/items`,
  resourceUrlTemplate: `${DEAD}/resource/{publisher}/{name}/{version}/{path}`,
  extensionUrlTemplate: `${DEAD}/extension/{publisher}/{name}/{version}`,
  controlUrl: '',
  nlsBaseUrl: '',
});

export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
  // The example workspace sits inside this repo: do not offer to open the repo's git.
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Starts code-server. Options:
 *   codeServer  path of code-server's entry script (from ensureVsCode())
 *   port        a port (default: a free one; retried if another process grabs it first)
 *   baseDir     folder for user data, extensions, config (default: a fresh temp folder, removed on stop)
 *   settings    extra user settings
 *   vsix        .vsix files to install before starting
 *   locale      VS Code's display language, e.g. 'ko' (a language pack for it is installed)
 *   verbose     echo the server's output
 */
export async function startCodeServer({ codeServer, port, baseDir, settings = {}, vsix = [], locale, verbose = false, timeoutMs = 30_000 } = {}) {
  if (!codeServer) throw new Error('startCodeServer: codeServer (path of code-server entry.js) is required; call ensureVsCode() first');
  const ownBase = !baseDir;
  const base = baseDir ?? mkdtempSync(join(tmpdir(), 'tinyml-code-server-'));
  const forgetBase = ownBase ? removeOnExit(base) : () => {};
  const dirs = {
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    xdgConfig: join(base, 'xdg-config'),
    xdgData: join(base, 'xdg-data'),
    xdgCache: join(base, 'xdg-cache'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  const config = join(base, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    EXTENSIONS_GALLERY: GALLERY,
    VSCODE_CLI_DISABLE_TELEMETRY: '1',
  };
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.PORT;
  const common = ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const localized = locale && !locale.startsWith('en');
  for (const file of localized ? [...vsix, languagePackVsix(locale)] : vsix) {
    execFileSync(process.execPath, [codeServer, ...common, '--install-extension', file, '--force'], { env, stdio: verbose ? 'inherit' : 'pipe' });
  }
  if (localized) registerLanguagePack(dirs.userData, dirs.extensions, locale);

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = port ?? (await freePort());
    try {
      const server = await spawnServer({
        codeServer,
        env,
        common: localized ? [...common, '--locale', locale] : common,
        port: p,
        base,
        ownBase,
        dirs,
        verbose,
        timeoutMs,
      });
      const stop = server.stop;
      server.stop = async () => {
        await stop();
        forgetBase();
      };
      return server;
    } catch (e) {
      lastError = e;
      if (port || !/EADDRINUSE/.test(String(e.message))) break;
    }
  }
  if (ownBase) removeQuietly(base);
  forgetBase();
  throw lastError;
}

async function spawnServer({ codeServer, env, common, port, base, ownBase, dirs, verbose, timeoutMs }) {
  const args = [
    codeServer,
    ...common,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--ignore-last-opened',
  ];
  const logFile = join(base, `code-server-${port}.log`);
  const logStream = createWriteStream(logFile);
  // Its own process group: the extension hosts and file watchers it forks die with it.
  const proc = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const forgetGroup = killGroupOnExit(proc.pid);
  let output = '';
  const onData = (chunk) => {
    const s = chunk.toString();
    output = (output + s).slice(-64 * 1024);
    logStream.write(s);
    if (verbose) process.stderr.write(s);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    proc.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );

  const killGroup = (sig) => {
    try {
      process.kill(-proc.pid, sig);
    } catch {}
  };
  const server = {
    port,
    url: `http://127.0.0.1:${port}/`,
    pid: proc.pid,
    dirs,
    logFile,
    output: () => output,
    /** The workbench URL: opens `folder`, and with a development path, runs it (and its tests). */
    workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
      const q = new URLSearchParams();
      if (folder) q.set('folder', folder);
      const payload = [];
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://remote${extensionDevelopmentPath}`]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://remote${extensionTestsPath}`]);
      if (payload.length) q.set('payload', JSON.stringify(payload));
      const s = q.toString();
      return `${server.url}${s ? `?${s}` : ''}`;
    },
    killNow() {
      killGroup('SIGKILL');
    },
    async stop() {
      if (!exited) {
        killGroup('SIGTERM');
        const t = setTimeout(() => killGroup('SIGKILL'), 3000);
        await exitPromise;
        clearTimeout(t);
      }
      // Extension hosts may outlive the server briefly: make sure the whole group is gone.
      killGroup('SIGKILL');
      forgetGroup();
      await new Promise((r) => logStream.end(r));
      if (ownBase) removeQuietly(base);
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      killGroup('SIGKILL');
      forgetGroup();
      throw new Error(`code-server exited (${exited.code ?? exited.signal}) before answering /healthz:\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${server.url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-breakpad',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

/** Whether the browser may load a URL: only the local server (and in-page data/blob URLs). */
export function isLocalUrl(u) {
  try {
    const url = new URL(u);
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return true;
    return url.hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

/**
 * Launches headless Debian Chromium through playwright-core, in a fresh profile.
 * Returns { context, page, blocked, close() }; `blocked` lists the URLs that were aborted.
 */
export async function launchChromium({ headless = true, viewport = { width: 1440, height: 900 }, executablePath = chromiumPath() } = {}) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'tinyml-chromium-'));
  const forgetProfile = removeOnExit(profile);
  const userData = join(profile, 'user-data');
  let context;
  try {
    context = await chromium.launchPersistentContext(userData, {
      executablePath,
      headless,
      args: CHROMIUM_ARGS,
      viewport,
      deviceScaleFactor: 1,
      // Chromium writes crash-report settings and a dconf cache under the XDG folders: keep them
      // in the temporary profile, not in ~.
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(profile, 'xdg-config'),
        XDG_CACHE_HOME: join(profile, 'xdg-cache'),
        XDG_DATA_HOME: join(profile, 'xdg-data'),
      },
      locale: 'en-US',
      timeout: 60_000,
      // cleanup.mjs ends the process on a signal; the browser goes with it (playwright kills it on exit).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    removeQuietly(profile);
    forgetProfile();
    throw new Error(`could not launch Chromium at ${executablePath}: ${e.message}`);
  }
  const blocked = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (isLocalUrl(u)) return route.continue();
    blocked.push(u);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    blocked,
    async close() {
      await context.close().catch(() => {});
      removeQuietly(profile);
      forgetProfile();
    },
  };
}
