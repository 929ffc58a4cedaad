// Installs, on first use, what the core tests need to run the real TFLite Micro in ../shared/tflm
// as their oracle (see its README): g++ (firmware-style programs built against its static
// library), qemu-user with Debian's 32-bit x86 runtime (the i386 runners), and qemu-system-arm
// (the Cortex-M firmware runners). Idempotent: a few milliseconds when everything is there.
// Without ../shared there is nothing to run them on, so nothing is installed and the tests that
// need them skip with their own message.
//
//   node scripts/tools.mjs        install if needed
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureAptPackages } from './vscode/setup.mjs';

const root = new URL('..', import.meta.url).pathname;
export const ORACLE_PACKAGES = ['g++', 'qemu-user', 'qemu-system-arm', 'libc6-i386', 'lib32stdc++6', 'lib32gcc-s1'];

/** True when something was to be installed for; false when ../shared/tflm is absent. */
export function ensureOracleTools({ quiet = false } = {}) {
  const shared = process.env.TINYML_SHARED ?? resolve(root, '..', 'shared');
  if (!existsSync(join(shared, 'tflm', 'bin'))) {
    if (!quiet) console.log(`[tools] ${join(shared, 'tflm')} not found: the TFLM oracle tests will skip, nothing to install`);
    return false;
  }
  ensureAptPackages(quiet, ORACLE_PACKAGES);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureOracleTools();
