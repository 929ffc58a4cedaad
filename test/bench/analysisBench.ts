/**
 * Analysis speed: read + analyze each shared model, and for the largest compare with the
 * time tfjs-tflite (TFLite in WASM) takes just to load the same model in this process.
 * Ratios against a peer, not absolute times, are what carry from one machine to another.
 */
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { corpusModel, corpusModels, HAVE_SHARED, MODELS_DIR } from '../helpers/corpus';
import { oracleModel } from '../oracles/tfjsTflite';
import { readModel } from '../../src/model/io';

/** Median of `runs` timings after `warmup` untimed calls, in milliseconds. */
export async function medianMs(fn: () => unknown, runs: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function analysisBench(): Promise<void> {
  if (!HAVE_SHARED) {
    console.log(`analysis bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  console.log('## Model analysis (read + per-layer cost + TFLM arena plan), median of 20');
  console.log(`${'model'.padEnd(36)} ${'bytes'.padStart(9)} ${'ms'.padStart(8)}`);
  let largest = { name: '', bytes: 0, ms: 0 };
  for (const m of corpusModels()) {
    const bytes = corpusModel(m.name);
    const ms = await medianMs(() => analyzeModel(readModel(bytes), bytes.length), 20);
    console.log(`${m.name.padEnd(36)} ${String(bytes.length).padStart(9)} ${ms.toFixed(3).padStart(8)}`);
    if (bytes.length > largest.bytes) largest = { name: m.name, bytes: bytes.length, ms };
  }
  const bytes = corpusModel(largest.name);
  const loadMs = await medianMs(() => oracleModel(bytes), 10, 2);
  console.log(
    `\nlargest model ${largest.name}: our analysis ${largest.ms.toFixed(3)} ms, tfjs-tflite load ${loadMs.toFixed(3)} ms, ratio ${(largest.ms / loadMs).toFixed(3)} (below 1: we are faster)`,
  );
}
