// The workspaces VS Code is opened on: example models written by the project's own CLI
// (`dist/cli.js examples`, so run `node scripts/build.mjs` first) and workspace settings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './cleanup.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** Workspace settings for the test workspace (and defaults for the example workspace). */
export const WORKSPACE_SETTINGS = {
  'tinymlLens.target': 'arduino-nano-33-ble-sense',
  'tinymlLens.kernels': 'reference',
};

/** Writes the example models into `dir` and returns their file names. */
export function writeExampleModels(dir) {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` first`);
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [cli, 'examples', dir], { stdio: 'pipe' });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tflite'))
    .sort();
}

/** Writes `.vscode/settings.json` unless one is there (a user's edits are kept). */
export function writeWorkspaceSettings(dir, settings = WORKSPACE_SETTINGS, { overwrite = true } = {}) {
  const file = join(dir, '.vscode', 'settings.json');
  if (!overwrite && existsSync(file)) return file;
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return file;
}

/**
 * A TFLM application for the keyword spotter with the two mistakes that cost the most days on a
 * board: an arena too small for the model, and an op (SOFTMAX) the resolver never adds, with N
 * leaving no room for it. The firmware checker lists both in Problems and offers their fixes.
 */
export const FIRMWARE_MAIN = `// A small TFLM application for kws_ds_cnn_int8.tflite; its model array, kws_model_data.cc,
// was written by "Export for Firmware…". TinyML Lens checks this file against the model:
// hover the arena's size or the GetModel call, and see the Problems panel and its quick fixes.
#include "kws_model_data.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"

namespace {
constexpr int kTensorArenaSize = 10 * 1024;
alignas(16) uint8_t tensor_arena[kTensorArenaSize];
}  // namespace

void setup() {
  const tflite::Model* model = tflite::GetModel(kws_model_data);
  static tflite::MicroMutableOpResolver<5> op_resolver;
  if (op_resolver.AddAveragePool2D() != kTfLiteOk) return;
  if (op_resolver.AddConv2D() != kTfLiteOk) return;
  if (op_resolver.AddDepthwiseConv2D() != kTfLiteOk) return;
  if (op_resolver.AddFullyConnected() != kTfLiteOk) return;
  if (op_resolver.AddReshape() != kTfLiteOk) return;
  static tflite::MicroInterpreter interpreter(model, op_resolver, tensor_arena, kTensorArenaSize);
  if (interpreter.AllocateTensors() != kTfLiteOk) return;
}

void loop() {}
`;

/**
 * Writes \`firmware/\` into a workspace that holds the example models: the keyword spotter's
 * array exported by the project's own CLI (\`kws_model_data.cc/.h\`) and FIRMWARE_MAIN as
 * \`main.cc\`. Kept as it is when \`main.cc\` is there and \`overwrite\` is false (a user's edits).
 * Returns the folder.
 */
export function writeFirmwareExample(dir, { overwrite = true } = {}) {
  const firmware = join(dir, 'firmware');
  const main = join(firmware, 'main.cc');
  if (!overwrite && existsSync(main)) return firmware;
  const cli = join(ROOT, 'dist', 'cli.js');
  execFileSync(process.execPath, [cli, 'export', join(dir, 'kws_ds_cnn_int8.tflite'), '--out-dir', firmware, '--name', 'kws', '--force'], { stdio: 'pipe' });
  // Only the model array: main.cc declares its own arena and resolver (with the mistakes).
  for (const f of ['kws_op_resolver.h', 'kws_arena.h']) rmSync(join(firmware, f), { force: true });
  writeFileSync(main, FIRMWARE_MAIN);
  return firmware;
}

/**
 * A fresh temporary workspace with the example models, the firmware folder and settings. Returns its path; it is
 * removed when the process ends, if the caller has not removed it before.
 */
export function createTestWorkspace({ settings = WORKSPACE_SETTINGS, parent = tmpdir() } = {}) {
  const dir = mkdtempSync(join(parent, 'tinyml-ws-'));
  removeOnExit(dir);
  writeExampleModels(dir);
  writeFirmwareExample(dir);
  writeWorkspaceSettings(dir, settings);
  return dir;
}
