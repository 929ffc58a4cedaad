/**
 * Quantizer benchmark: for each float model of ../shared with an official int8 version,
 * - speed: quantization time with N calibration samples (calibration, ranges, int8 graph,
 *   .tflite bytes; no evaluation) divided by the time of the same N float inferences in our
 *   runtime (the goal is close to 1: calibration is those inferences);
 * - quality: output SQNR against the float model on held-out inputs, ours (each range
 *   method, and per-channel FULLY_CONNECTED weights where the model has FC layers) and the
 *   official int8 model's, both run in our runtime (tflm rounding).
 */
import { BuiltinOperator } from '../../src/model/tflite/generated/tflite/builtin-operator';
import { readTflite } from '../../src/model/tflite/reader';
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { Interpreter } from '../../src/runtime/interpreter';
import { HAVE_SHARED, MODELS_DIR, corpusModel } from '../helpers/corpus';
import { QUALITY_CASES, QUALITY_CONFIG, qualityRow, type QualityRow } from '../core/quantizeData';

const CONFIGS: readonly { readonly config: string; readonly options: Parameters<typeof qualityRow>[2]; readonly fcOnly?: boolean }[] = [
  { config: 'minmax', options: {} },
  { config: 'percentile 99.99', options: { method: 'percentile' } },
  { config: 'mse', options: { method: 'mse' } },
  { config: 'minmax + per-channel FC', options: { perChannelFullyConnected: true }, fcOnly: true },
];

const db = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

/** Median of 3: quantization (min/max) with N samples, and N float inferences, interleaved. */
async function speed(floatModel: string, calibration: Uint8Array[][]): Promise<{ quantMs: number; floatMs: number }> {
  const model = readTflite(corpusModel(floatModel));
  const reference = toFloatGraph(model).graph;
  const quant: number[] = [];
  const float: number[] = [];
  await quantizeModel(model, calibration.slice(0, 2));
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    await quantizeModel(model, calibration);
    quant.push(performance.now() - t0);
    const it = new Interpreter(reference, { rounding: 'tflm' });
    const t1 = performance.now();
    for (const s of calibration) {
      it.resetState();
      s.forEach((b, i) => it.setInputBytes(i, b));
      it.invoke();
    }
    float.push(performance.now() - t1);
  }
  return { quantMs: median(quant), floatMs: median(float) };
}

export async function quantizeBench(): Promise<void> {
  if (!HAVE_SHARED) {
    console.log(`quantize bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  const cases = QUALITY_CASES.map((c) => ({ c, data: c.data() }));
  console.log('\n## Quantization speed: min/max quantization with N calibration samples ÷ N float inferences in our runtime (median of 3)');
  console.log(`${'model'.padEnd(12)} ${'N'.padStart(4)} ${'quantize ms'.padStart(12)} ${'N float ms'.padStart(11)} ${'ratio'.padStart(6)}`);
  for (const { c, data } of cases) {
    if ('skip' in data) {
      console.log(`${c.name.padEnd(12)} skipped: ${data.skip}`);
      continue;
    }
    const s = await speed(c.float, data.calibration);
    console.log(`${c.name.padEnd(12)} ${String(data.calibration.length).padStart(4)} ${s.quantMs.toFixed(1).padStart(12)} ${s.floatMs.toFixed(1).padStart(11)} ${(s.quantMs / s.floatMs).toFixed(2).padStart(6)}`);
  }

  console.log('\n## Quantization quality: output SQNR (dB) vs the float model on held-out inputs, our int8 and the official int8 (both in our runtime, tflm rounding)');
  console.log(`${'model'.padEnd(12)} ${'config'.padEnd(24)} ${'N'.padStart(4)} ${'held'.padStart(5)} ${'ours dB'.padStart(8)} ${'official'.padStart(8)} ${'top-1 ours/off'.padStart(15)}`);
  const best: QualityRow[] = [];
  for (const { c, data } of cases) {
    if ('skip' in data) continue;
    const hasFc = readTflite(corpusModel(c.float)).operatorCodes.some((code) => code.builtin === BuiltinOperator.FULLY_CONNECTED);
    for (const k of CONFIGS) {
      if (k.fcOnly && !hasFc) continue;
      const row = await qualityRow(c, k.config, k.options, data);
      console.log(
        `${c.name.padEnd(12)} ${k.config.padEnd(24)} ${String(row.calibration).padStart(4)} ${String(row.heldOut).padStart(5)} ${db(row.oursDb).padStart(8)} ${db(row.officialDb).padStart(8)} ${`${(100 * row.oursTop1).toFixed(0)}%/${(100 * row.officialTop1).toFixed(0)}%`.padStart(15)}`,
      );
      if (QUALITY_CONFIG[c.name]?.config === k.config) best.push(row);
    }
  }
  console.log('\nquality claim (the configuration each model is held to in test/core/quantizeQuality.test.ts):');
  for (const r of best) console.log(`  ${r.name.padEnd(12)} ${r.config.padEnd(24)} ours ${db(r.oursDb)} dB, official ${db(r.officialDb)} dB: ${r.oursDb >= r.officialDb ? 'at least as good' : 'WORSE'}`);
}

if (require.main === module) {
  quantizeBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
