/**
 * `tinyml-lens check-firmware <dir|files…>`: the firmware checker over C/C++ sources, for people
 * and for firmware CI. Exit 1 when a finding is an error, 0 otherwise, 2 on bad input.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { ABIS, type Abi } from '../analysis/tflmKernels';
import { checkFirmware, renderFirmwareFinding, type ModelFile, type SourceFile } from '../firmware/check';
import { MAX_SOURCE_BYTES } from '../firmware/scan';
import { kernelsOption, UsageError } from './args';
import { EXIT_DOES_NOT_FIT, EXIT_OK, type Command } from './command';

const SOURCE_EXTENSIONS = new Set(['.c', '.cc', '.cpp', '.cxx', '.h', '.hpp', '.ino']);
/** A walk stops descending this deep (a symlink loop, a vendored tree). */
const MAX_DEPTH = 16;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'build', '.pio']);

interface Collected {
  readonly sources: string[];
  readonly models: string[];
  readonly skipped: string[];
}

function walk(dir: string, depth: number, out: Collected): void {
  if (depth > MAX_DEPTH) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(path, depth + 1, out);
    } else if (entry.isFile()) collect(path, out);
  }
}

function collect(path: string, out: Collected): void {
  const ext = extname(path).toLowerCase();
  if (ext === '.tflite') out.models.push(path);
  else if (SOURCE_EXTENSIONS.has(ext)) {
    if (statSync(path).size > MAX_SOURCE_BYTES) out.skipped.push(path);
    else out.sources.push(path);
  }
}

export const checkFirmwareCommand: Command = (args, io) => {
  if (args.positionals.length === 0) throw new UsageError('check-firmware needs a folder or source files');
  const abiName = args.options.get('abi') ?? 'arm32';
  if (!(ABIS as readonly string[]).includes(abiName)) throw new UsageError(`--abi is one of ${ABIS.join(', ')}`);
  const kernels = kernelLibrary(kernelsOption(args));
  const found: Collected = { sources: [], models: [], skipped: [] };
  for (const p of args.positionals) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    if (isDir) walk(p, 0, found);
    else collect(p, found);
  }
  const modelPath = args.options.get('model');
  let model: ModelFile | undefined;
  if (modelPath !== undefined) {
    try {
      model = { path: modelPath, bytes: readFileSync(modelPath) };
    } catch {
      throw new UsageError(`cannot read --model ${modelPath}`);
    }
  }
  const sources: SourceFile[] = found.sources.map((path) => ({ path, text: readFileSync(path, 'latin1') }));
  const modelFiles: ModelFile[] = found.models.filter((p) => p !== modelPath).map((path) => ({ path, bytes: readFileSync(path) }));
  const report = checkFirmware(sources, { kernels, abi: abiName as Abi, modelFiles, ...(model ? { model } : {}) });
  const notes = [...found.skipped.map((p) => `${p}: not scanned, larger than 64 MB`), ...report.notes];
  const failed = report.findings.some((f) => f.severity === 'error');
  if (args.flags.has('json')) {
    io.out(
      JSON.stringify(
        {
          schemaVersion: 1,
          models: report.models,
          arenas: report.arenas,
          resolvers: report.resolvers,
          diagnostics: report.findings.map((f) => ({ file: f.file, line: f.line, severity: f.severity, code: f.code, message: renderFirmwareFinding(f) })),
        },
        null,
        2,
      ),
    );
    for (const n of notes) io.err(`note: ${n}`);
    return failed ? EXIT_DOES_NOT_FIT : EXIT_OK;
  }
  for (const f of report.findings) io.out(`${f.file}:${f.line}: ${f.severity}: ${renderFirmwareFinding(f)} [${f.code}]`);
  for (const n of notes) io.out(`note: ${n}`);
  io.out(
    `${sources.length} source file(s), ${report.models.length} model(s), ${report.arenas.length} arena(s), ${report.resolvers.length} resolver(s): ${report.findings.filter((f) => f.severity === 'error').length} error(s), ${report.findings.filter((f) => f.severity === 'warning').length} warning(s)`,
  );
  return failed ? EXIT_DOES_NOT_FIT : EXIT_OK;
};
