/**
 * The firmware check job: reads the C/C++ sources (or takes an editor's unsaved text) and the
 * workspace's models, and runs the firmware checker (src/firmware/check.ts). In the worker,
 * because it analyses every model the sources embed or name.
 */
import { readFile, stat } from 'node:fs/promises';
import { kernelLibrary } from '../analysis/kernelLibrary';
import { checkFirmware, type FirmwareReport, type ModelFile, type SourceFile } from '../firmware/check';
import { MAX_SOURCE_BYTES } from '../firmware/scan';
import type { CheckFirmwareParams } from '../shared/protocol';
import { formatBytes } from '../util/formatBytes';
import { stopIfAsked, type JobContext } from './context';

/** A .tflite larger than this is not compared with the arrays (no microcontroller model is). */
const MAX_MODEL_BYTES = 64 * 1024 * 1024;

async function size(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

export async function checkFirmwareJob(params: CheckFirmwareParams, ctx: JobContext): Promise<FirmwareReport> {
  const notes: string[] = [];
  const sources: SourceFile[] = [];
  for (const s of params.sources) {
    stopIfAsked(ctx);
    if (s.text !== undefined) {
      sources.push({ path: s.path, text: s.text });
      continue;
    }
    const bytes = await size(s.path);
    if (bytes === undefined) continue;
    if (bytes > MAX_SOURCE_BYTES) {
      notes.push(`${s.path}: not scanned, larger than ${formatBytes(MAX_SOURCE_BYTES)}`);
      continue;
    }
    sources.push({ path: s.path, text: await readFile(s.path, 'utf8') });
  }
  const modelFiles: ModelFile[] = [];
  for (const path of params.models) {
    stopIfAsked(ctx);
    const bytes = await size(path);
    if (bytes !== undefined && bytes <= MAX_MODEL_BYTES) modelFiles.push({ path, bytes: new Uint8Array(await readFile(path)) });
  }
  stopIfAsked(ctx);
  const report = checkFirmware(sources, { kernels: kernelLibrary(params.kernels, params.core), abi: params.abi, modelFiles });
  return { ...report, notes: [...notes, ...report.notes] };
}
