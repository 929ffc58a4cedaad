/** The outputs of a real TFLite Micro build (../shared/golden): input and output bytes per model. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR } from './corpus';

export interface GoldenRun {
  readonly name: string;
  readonly inputs: readonly Uint8Array[];
  readonly outputs: readonly Uint8Array[];
}

function numbered(dir: string, prefix: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; existsSync(join(dir, `${prefix}_${k}.bin`)); k++) out.push(new Uint8Array(readFileSync(join(dir, `${prefix}_${k}.bin`))));
  return out;
}

export function goldenRuns(): GoldenRun[] {
  if (!existsSync(GOLDEN_DIR)) return [];
  return readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, inputs: numbered(join(GOLDEN_DIR, d.name), 'input'), outputs: numbered(join(GOLDEN_DIR, d.name), 'output') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
