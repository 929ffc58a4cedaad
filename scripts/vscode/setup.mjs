// Installs, on first use and outside the repo, what running the extension in a real VS Code
// needs on a machine without internet (see scripts/vscode/README.md):
//   - Debian packages: chromium (the window), ripgrep (code-server's search), libkrb5-dev (a
//     header code-server's native `kerberos` module compiles against), fonts-nanum (Hangul glyphs,
//     so screenshots of the Korean workbench show text instead of boxes);
//   - code-server (a complete VS Code server and web workbench with a real Node extension host)
//     from the npm registry, into a cache folder.
// Idempotent: when everything is there it returns in a few milliseconds.
//
//   node scripts/vscode/setup.mjs          install if needed, print where things are
//   import { ensureVsCode } from './setup.mjs'
//
// Environment:
//   TINYML_CODE_SERVER_DIR  where code-server goes (default ~/.cache/tinyml-lens/code-server-<version>)
//   TINYML_CHROMIUM         the Chromium binary (default /usr/bin/chromium)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const APT_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium', 'fonts-nanum'];
// @vscode/ripgrep (a code-server dependency) downloads rg from GitHub in its postinstall. It
// first looks in a cache under the temp dir; we put Debian's rg there. Both versions are fixed
// by the code-server version above.
const VSCODE_RIPGREP_VERSION = '1.15.11';
const RIPGREP_VERSION = 'v13.0.0-10';

export class SetupError extends Error {}

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tinyml-lens');
}

export function codeServerDir() {
  return process.env.TINYML_CODE_SERVER_DIR || join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function chromiumPath() {
  return process.env.TINYML_CHROMIUM || '/usr/bin/chromium';
}

const log = (quiet, msg) => {
  if (!quiet) console.log(`[vscode-setup] ${msg}`);
};

function missingAptPackages(packages = APT_PACKAGES) {
  return packages.filter((p) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function runLoud(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new SetupError(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`\`${[cmd, ...args].join(' ')}\` failed with exit code ${r.status ?? r.signal}`);
}

export function ensureAptPackages(quiet, packages) {
  const missing = missingAptPackages(packages);
  if (missing.length === 0) return;
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new SetupError(`missing packages ${missing.join(', ')} and no apt-get here: install them (chromium, ripgrep, Kerberos headers) by hand`);
  }
  const root = process.getuid?.() === 0;
  if (!root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) {
    throw new SetupError(`missing Debian packages: ${missing.join(' ')}\n  run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  const apt = (args) =>
    root
      ? runLoud('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      : runLoud('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
  log(quiet, `installing Debian packages: ${missing.join(' ')}`);
  apt(['update']);
  try {
    apt(['install', '-y', '--no-install-recommends', ...missing]);
  } catch (e) {
    throw new SetupError(`${e.message}\n  the Debian packages ${missing.join(' ')} are needed to run VS Code tests`);
  }
  const still = missingAptPackages(packages);
  if (still.length) throw new SetupError(`apt-get finished but these are still not installed: ${still.join(' ')}`);
}

/** A tarball with Debian's rg at its top level, where @vscode/ripgrep's postinstall looks first. */
function seedRipgrepCache(tmp) {
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  if (!rg) throw new SetupError('ripgrep (rg) is not on PATH');
  const triple = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!triple) throw new SetupError(`no ripgrep build known for ${process.arch}`);
  const cache = join(tmp, `vscode-ripgrep-cache-${VSCODE_RIPGREP_VERSION}`);
  mkdirSync(cache, { recursive: true });
  const stage = join(tmp, 'rg-stage');
  mkdirSync(stage, { recursive: true });
  copyFileSync(rg, join(stage, 'rg'));
  runLoud('tar', ['-czf', join(cache, `ripgrep-${RIPGREP_VERSION}-${triple}.tar.gz`), '-C', stage, 'rg']);
}

/** Holds a directory lock so two `npm test` runs do not install into the same folder at once. */
function withLock(lockDir, fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {}
      const alive =
        Number.isFinite(holder) &&
        holder > 0 &&
        (() => {
          try {
            process.kill(holder, 0);
            return true;
          } catch {
            return false;
          }
        })();
      const old = (() => {
        try {
          return Date.now() - statSync(lockDir).mtimeMs > 20 * 60_000;
        } catch {
          return true;
        }
      })();
      if (!alive && (Number.isFinite(holder) || old)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new SetupError(`timed out waiting for another install (lock ${lockDir})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function installCodeServer(dir, quiet) {
  const marker = join(dir, '.installed');
  if (existsSync(marker) && existsSync(codeServerBin(dir))) return;
  mkdirSync(dirname(dir), { recursive: true });
  withLock(`${dir}.lock`, () => {
    if (existsSync(marker) && existsSync(codeServerBin(dir))) return; // another process did it
    const t0 = Date.now();
    log(quiet, `installing code-server@${CODE_SERVER_VERSION} into ${dir} (one time, about 1-2 minutes, ~300 MB)`);
    rmSync(dir, { recursive: true, force: true }); // a half-finished earlier attempt
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'tinyml-lens-code-server', private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2),
    );
    const tmp = join(dir, '.tmp');
    mkdirSync(tmp, { recursive: true });
    seedRipgrepCache(tmp);
    const env = {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_loglevel: process.env.npm_config_loglevel || 'warn',
    };
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    try {
      runLoud(npm, ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env });
    } catch (e) {
      throw new SetupError(
        `${e.message}\n  installing code-server failed; the output above says why. Common causes: no access to the npm registry, ` +
          `missing build tools (make, g++, python3) or Kerberos headers (libkrb5-dev). Folder: ${dir}`,
      );
    }
    const version = spawnSync(process.execPath, [codeServerBin(dir), '--version'], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: tmp, XDG_DATA_HOME: tmp },
    });
    if (version.status !== 0 || !version.stdout.includes(CODE_SERVER_VERSION)) {
      throw new SetupError(`code-server was installed in ${dir} but \`code-server --version\` failed:\n${version.stdout}${version.stderr}`);
    }
    rmSync(tmp, { recursive: true, force: true });
    writeFileSync(marker, `${CODE_SERVER_VERSION}\n`);
    log(quiet, `code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - t0) / 1000)} s`);
  });
}

/**
 * Makes sure Chromium and code-server are there, installing what is missing.
 * Returns { codeServer: path of code-server's entry script (run it with node), chromium }.
 */
export function ensureVsCode({ quiet = false } = {}) {
  if (process.platform !== 'linux')
    throw new SetupError('the code-server setup is written for Linux (Debian); use the @vscode/test-electron launcher elsewhere');
  const dir = codeServerDir();
  const installed = existsSync(join(dir, '.installed')) && existsSync(codeServerBin(dir));
  // Once code-server is built, only Chromium is needed at run time (code-server carries its own
  // copy of rg, and the Kerberos headers were for compiling).
  if (!installed) ensureAptPackages(quiet, APT_PACKAGES);
  else if (!existsSync(chromiumPath()) && !process.env.TINYML_CHROMIUM) ensureAptPackages(quiet, ['chromium']);
  if (!installed) installCodeServer(dir, quiet);
  if (!existsSync(chromiumPath())) throw new SetupError(`Chromium not found at ${chromiumPath()} (set TINYML_CHROMIUM)`);
  return { codeServer: codeServerBin(dir), chromium: chromiumPath(), dir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const t0 = Date.now();
    const r = ensureVsCode();
    console.log(`[vscode-setup] ready in ${Date.now() - t0} ms: code-server ${CODE_SERVER_VERSION} at ${r.dir}, chromium at ${r.chromium}`);
  } catch (e) {
    console.error(`[vscode-setup] FAILED: ${e instanceof SetupError ? e.message : e.stack}`);
    process.exit(1);
  }
}
