/**
 * `tinyml-lens export <model.tflite> --out-dir <dir> [--name <symbol>] [--kernels …] [--target <id>] [--abi …]`:
 * the C++ a TFLM firmware needs for the model (src/firmware/export.ts), written all or nothing
 * and never over an existing file unless `--force`. Exit codes: 0 written, 2 bad input (usage,
 * unreadable model, an op TFLM cannot register, an existing file).
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyzeModel } from '../analysis/analyzeModel';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { ABIS, type Abi } from '../analysis/tflmKernels';
import { symbolFromFileName, symbolProblem } from '../firmware/cArray';
import { exportFirmware, TFLM_COMMIT, type FirmwareExport } from '../firmware/export';
import { writeFilesAtomic } from '../io/atomicWrite';
import { readModelFile } from '../jobs/load';
import { BOARDS } from '../targets/boards';
import { findBoard } from '../targets/fit';
import { kernelsOption, oneOf, UsageError } from './args';
import { EXIT_OK, type Command } from './command';

/** Every board we know is a 32-bit MCU: a target's ABI is arm32 (the persistent part's sizes match). */
const TARGET_ABI: Abi = 'arm32';

function renderReport(e: FirmwareExport, paths: readonly string[], kernels: string, abi: Abi): string {
  const a = e.arena;
  return [
    ...paths.map((p) => `wrote ${p}`),
    `resolver: ${e.ops.length} op(s): ${e.ops.join(', ')}`,
    `arena: ${e.arenaConstant} = ${a.totalBytes} bytes (planned ${a.plannedBytes} + persistent ${a.persistentBytes} + margin ${a.marginBytes}; ${kernels} kernels, ${abi}, TFLM ${TFLM_COMMIT})`,
    '',
    'Usage:',
    ...e.usage.split('\n').map((l) => (l === '' ? '' : `  ${l}`)),
  ].join('\n');
}

export const exportCommand: Command = async (args, io) => {
  const path = args.positionals[0];
  if (!path) throw new UsageError('export needs a .tflite model');
  if (args.positionals.length > 1) throw new UsageError(`export takes one model; unexpected "${args.positionals[1]}"`);
  const outDir = args.options.get('out-dir');
  if (!outDir) throw new UsageError('export needs --out-dir <dir>');
  const name = args.options.get('name') ?? symbolFromFileName(basename(path));
  const problem = symbolProblem(name);
  if (problem) throw new UsageError(`--name: ${problem}`);
  const targetId = args.options.get('target');
  const target = targetId === undefined ? undefined : findBoard(targetId);
  if (targetId !== undefined && !target) throw new UsageError(`unknown target "${targetId}". Known targets: ${BOARDS.map((b) => b.id).join(', ')}`);
  const abi = oneOf<Abi>(args, 'abi', ABIS) ?? TARGET_ABI;
  const kernels = kernelLibrary(kernelsOption(args, target?.board?.core), target?.board?.core);

  const { graph, bytes } = readModelFile(path);
  const analysis = analyzeModel(graph, bytes.length, { path, abi, kernels });
  const result = exportFirmware({ bytes, graph, analysis, name });
  mkdirSync(outDir, { recursive: true });
  const files = result.files.map((f) => ({ path: join(outDir, f.name), bytes: new TextEncoder().encode(f.text) }));
  await writeFilesAtomic(files, { overwrite: args.flags.has('force') });
  const paths = files.map((f) => f.path);
  if (args.flags.has('json')) {
    const { files: _texts, ...rest } = result;
    io.out(JSON.stringify({ schemaVersion: 1, ...rest, files: paths, kernels: kernels.name, abi, tflmCommit: TFLM_COMMIT }, null, 2));
  } else {
    io.out(renderReport(result, paths, kernels.name, abi));
  }
  return EXIT_OK;
};
