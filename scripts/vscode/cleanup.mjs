// What must not outlive this process: code-server process groups (they run detached, so a
// Ctrl-C in the terminal does not reach them) and temporary folders. On exit, or on SIGINT /
// SIGTERM / SIGHUP, the groups are killed and the folders removed (best effort), and a signal
// then ends the process as it would have without handlers (exit code 128 + signal).
import { rmSync } from 'node:fs';

const groups = new Set();
const paths = new Set();
let installed = false;
let signalsHandled = true;

function runAll() {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
  }
  groups.clear();
  for (const p of paths) {
    try {
      rmSync(p, { recursive: true, force: true, maxRetries: 2, retryDelay: 50 });
    } catch {}
  }
  paths.clear();
}

function install() {
  if (installed) return;
  installed = true;
  process.once('exit', runAll);
  for (const [sig, num] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ]) {
    process.on(sig, () => {
      if (!signalsHandled) return;
      runAll();
      process.exit(128 + num);
    });
  }
}

/** Kill this process group (SIGKILL) when the process ends. Returns a function that forgets it. */
export function killGroupOnExit(pgid) {
  install();
  groups.add(pgid);
  return () => groups.delete(pgid);
}

/** Remove this folder when the process ends. Returns a function that forgets it. */
export function removeOnExit(path) {
  install();
  paths.add(path);
  return () => paths.delete(path);
}

/** For a script that handles the signals itself (and then exits): cleanup then runs on exit only. */
export function leaveSignalsToCaller() {
  install();
  signalsHandled = false;
}

/** Best-effort recursive removal that never throws (a dying browser may still be writing). */
export function removeQuietly(path) {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {}
}
