/**
 * The real TensorFlow Lite Micro as a test oracle: ../shared/tflm/bin/tflm_run (a native x86-64
 * build with reference kernels, see ../shared/tflm/README.md) loads a .tflite, runs
 * AllocateTensors and Invoke, and reports the arena it used and the outputs. Tests compare it
 * with our analysis for the `x86_64` ABI. Each call runs in a temporary folder it removes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tflmTensorBytes } from '../../src/analysis/arenaPlan';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { prng } from '../../src/util/prng';
import { SHARED_DIR } from './corpus';

export const TFLM_BIN = join(SHARED_DIR, 'tflm', 'bin');
export const TFLM_RUN = join(TFLM_BIN, 'tflm_run');
export const HAVE_TFLM = existsSync(TFLM_RUN);
/** For `test(name, { skip: SKIP_TFLM }, …)`: why the TFLM tests cannot run, or false. */
export const SKIP_TFLM: string | false = HAVE_TFLM ? false : `TFLM runner not found at ${TFLM_RUN}; set TINYML_SHARED to run these tests`;

/**
 * The emulated runners of ../shared/tflm/README.md, by name: i386 builds under qemu-i386 and
 * Cortex-M firmware under qemu-system-arm (the `tools` stage of `npm test` installs both).
 */
export const TFLM_EMULATED = {
  i386: { runner: 'tflm_run32', emulator: 'qemu-i386', kernels: 'reference' },
  i386CmsisNn: { runner: 'tflm_run32_cmsis_nn', emulator: 'qemu-i386', kernels: 'cmsis-nn-c' },
  cortexM4Reference: { runner: 'tflm_run_cortex-m4_ref', emulator: 'qemu-system-arm', kernels: 'reference' },
  cortexM3: { runner: 'tflm_run_cortex-m3', emulator: 'qemu-system-arm', kernels: 'cmsis-nn-c' },
  cortexM4: { runner: 'tflm_run_cortex-m4', emulator: 'qemu-system-arm', kernels: 'cmsis-nn-dsp' },
  cortexM55: { runner: 'tflm_run_cortex-m55', emulator: 'qemu-system-arm', kernels: 'cmsis-nn-mve' },
} as const;
export type TflmEmulated = keyof typeof TFLM_EMULATED;

/** The runner's path, or why it cannot run here (for `skip`). */
export function emulatedRunner(name: TflmEmulated): { readonly path: string; readonly skip: string | false } {
  const { runner, emulator } = TFLM_EMULATED[name];
  const path = join(TFLM_BIN, runner);
  if (!existsSync(path)) return { path, skip: `TFLM runner not found at ${path}; set TINYML_SHARED to run these tests` };
  const found = spawnSync('sh', ['-c', `command -v ${emulator}`], { encoding: 'utf8' }).status === 0;
  return { path, skip: found ? false : `${emulator} not installed (node scripts/tools.mjs installs it); ${runner} cannot run` };
}

/** What the runner reports: `recording` of its summary.json, and the plain interpreter's outputs. */
export interface TflmRun {
  readonly head: number;
  readonly tail: number;
  readonly total: number;
  readonly modelOnlyTail: number;
  readonly plainArenaUsedBytes: number;
  readonly kernels: string;
  /** sizeof of TfLiteTensor, TfLiteEvalTensor and NodeAndRegistration in the runner's build. */
  readonly sizeof: Readonly<Record<string, number>>;
  readonly outputs: readonly Uint8Array[];
  /** The recording allocator's count of persistent buffers (kernels' OpData and Prepare buffers among them). */
  readonly persistentBuffers: { readonly requested: number; readonly used: number; readonly count: number };
}

interface Summary {
  readonly kernels: string;
  readonly sizeof: Readonly<Record<string, number>>;
  readonly recording: {
    readonly head: number;
    readonly tail: number;
    readonly total: number;
    readonly model_only_tail: number;
    readonly types: { readonly PersistentBuffer: { readonly requested: number; readonly used: number; readonly count: number } };
  };
  readonly plain_arena_used_bytes: number;
  readonly num_outputs: number;
}

export interface TflmOptions {
  /**
   * The runner's arena (`-a`), for each of its two interpreters; its default is 64 MiB, which
   * costs a few hundred milliseconds of page faults per call on a loaded machine. The figures
   * it reports do not depend on it as long as the model fits.
   */
  readonly arenaBytes?: number;
}

/** Runs `model` on `inputs` (raw bytes, one per input). Throws with TFLM's own message when it fails. */
export function runTflm(model: Uint8Array, inputs: readonly Uint8Array[], runner: string = TFLM_RUN, options: TflmOptions = {}): TflmRun {
  const dir = mkdtempSync(join(tmpdir(), 'tflm-'));
  try {
    // Relative paths in the runner's own folder: the Cortex-M runners reach files through
    // semihosting, which opens them relative to the working directory and not by absolute path.
    writeFileSync(join(dir, 'model.tflite'), model);
    const args = ['-q', '-o', 'out', ...(options.arenaBytes !== undefined ? ['-a', String(options.arenaBytes)] : [])];
    inputs.forEach((bytes, k) => {
      writeFileSync(join(dir, `input_${k}.bin`), bytes);
      args.push('-i', `input_${k}.bin`);
    });
    args.push('model.tflite');
    // Through coreutils' timeout: it signals its whole process group, so the QEMU a runner's
    // script starts ends with it (spawnSync's own timeout would kill only the script).
    const r = spawnSync('timeout', ['-k', '5', '120', runner, ...args], { cwd: dir, encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status === 124) throw new Error(`tflm_run timed out after 120 s: ${runner}`);
    if (r.status !== 0) throw new Error(`tflm_run exited with ${r.status ?? r.signal}: ${r.stderr.trim()}`);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as Summary;
    const outputs = Array.from({ length: summary.num_outputs }, (_, k) => new Uint8Array(readFileSync(join(dir, 'out', `output_${k}.bin`))));
    return {
      head: summary.recording.head,
      tail: summary.recording.tail,
      total: summary.recording.total,
      modelOnlyTail: summary.recording.model_only_tail,
      plainArenaUsedBytes: summary.plain_arena_used_bytes,
      kernels: summary.kernels,
      sizeof: summary.sizeof,
      outputs,
      persistentBuffers: summary.recording.types.PersistentBuffer,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Seeded inputs for subgraph 0: floats in [−1, 1], integers of any value, bools 0 or 1 (C++
 * leaves any other byte undefined), the same bytes every run.
 */
export function seededInputs(graph: Graph, seed = 7): Uint8Array[] {
  const random = prng(seed);
  const sg = graph.subgraphs[0]!;
  return sg.inputs.map((i) => {
    const t = sg.tensors[i]!;
    const bytes = tflmTensorBytes(t);
    if (t.dtype === 'float32') {
      const values = Float32Array.from({ length: bytes / 4 }, () => random() * 2 - 1);
      return new Uint8Array(values.buffer);
    }
    if (t.dtype === 'bool') return Uint8Array.from({ length: bytes }, () => (random() < 0.5 ? 1 : 0));
    return Uint8Array.from({ length: bytes }, () => Math.floor(random() * 256));
  });
}

/** Whether TFLM (`runner`) allocates and runs `bytes` on seeded inputs (1 MiB arena), else its words, on one line. */
export function tflmRuns(bytes: Uint8Array, runner: string): true | string {
  try {
    runTflm(bytes, seededInputs(readModel(bytes)), runner, { arenaBytes: 1 << 20 });
    return true;
  } catch (e) {
    return (e as Error).message.replace(/\s+/g, ' ').slice(0, 200);
  }
}
