/**
 * Quantizer benchmark: for each float model of ../shared with an official int8 version,
 * - speed: quantization time with N calibration samples (calibration, ranges, int8 graph,
 *   .tflite bytes; no evaluation) divided by the time of the same N float inferences in our
 *   runtime, with the default settings (auto: histograms in the calibration pass, then each
 *   candidate built and run on the validation samples) and with min/max alone (the goal
 *   there is close to 1: calibration is those inferences);
 * - quality: output SQNR against the float model on held-out inputs, ours (the default, auto,
 *   with the candidate it kept; each range method, with per-tensor and, where the model has
 *   FC layers, per-channel FULLY_CONNECTED weights) and the official int8 model's, both run in
 *   our runtime (tflm rounding).
 */
import { toFloatGraph } from '../../src/quantize/floatGraph';
import { quantizeModel, type QuantizeOptions } from '../../src/quantize/quantizeModel';
import { Interpreter } from '../../src/runtime/interpreter';
import { HAVE_SHARED, MODELS_DIR, corpusModel } from '../helpers/corpus';
import { QUALITY_CASES, QUALITY_CONFIG, qualityRow, type QualityRow } from '../core/quantizeData';
import { readModel } from '../../src/model/io';
import { builtinCode } from '../../src/model/ops';

const DEFAULT = 'default (auto)';
const CONFIGS: readonly { readonly config: string; readonly options: QuantizeOptions; readonly fcOnly?: boolean }[] = [
  { config: DEFAULT, options: {} },
  { config: 'minmax', options: { method: 'minmax' } },
  { config: 'percentile 99.99', options: { method: 'percentile' } },
  { config: 'mse', options: { method: 'mse' } },
  { config: 'minmax + per-channel FC', options: { method: 'minmax', perChannelFullyConnected: true }, fcOnly: true },
  { config: 'percentile + per-channel FC', options: { method: 'percentile', perChannelFullyConnected: true }, fcOnly: true },
  { config: 'mse + per-channel FC', options: { method: 'mse', perChannelFullyConnected: true }, fcOnly: true },
];

const db = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

/** Median of 3: quantization with the default settings (auto) and with min/max, and N float inferences, interleaved. */
async function speed(floatModel: string, calibration: Uint8Array[][]): Promise<{ autoMs: number; minmaxMs: number; floatMs: number }> {
  const model = readModel(corpusModel(floatModel));
  const reference = toFloatGraph(model).graph;
  const auto: number[] = [];
  const minmax: number[] = [];
  const float: number[] = [];
  await quantizeModel(model, calibration.slice(0, 8));
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    await quantizeModel(model, calibration);
    auto.push(performance.now() - t0);
    const t1 = performance.now();
    await quantizeModel(model, calibration, { method: 'minmax' });
    minmax.push(performance.now() - t1);
    const it = new Interpreter(reference, { rounding: 'tflm' });
    const t2 = performance.now();
    for (const s of calibration) {
      it.resetState();
      s.forEach((b, i) => it.setInputBytes(i, b));
      it.invoke();
    }
    float.push(performance.now() - t2);
  }
  return { autoMs: median(auto), minmaxMs: median(minmax), floatMs: median(float) };
}

export async function quantizeBench(): Promise<void> {
  if (!HAVE_SHARED) {
    console.log(`quantize bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  const cases = QUALITY_CASES.map((c) => ({ c, data: c.data() }));
  console.log(
    '\n## Quantization speed: quantization with N calibration samples ÷ N float inferences in our runtime (median of 3), default (auto) and min/max alone',
  );
  console.log(
    `${'model'.padEnd(12)} ${'N'.padStart(4)} ${'auto ms'.padStart(9)} ${'minmax ms'.padStart(10)} ${'N float ms'.padStart(11)} ${'auto ×'.padStart(7)} ${'minmax ×'.padStart(9)}`,
  );
  for (const { c, data } of cases) {
    if ('skip' in data) {
      console.log(`${c.name.padEnd(12)} skipped: ${data.skip}`);
      continue;
    }
    const s = await speed(c.float, data.calibration);
    console.log(
      `${c.name.padEnd(12)} ${String(data.calibration.length).padStart(4)} ${s.autoMs.toFixed(1).padStart(9)} ${s.minmaxMs.toFixed(1).padStart(10)} ${s.floatMs.toFixed(1).padStart(11)} ${(s.autoMs / s.floatMs).toFixed(2).padStart(7)} ${(s.minmaxMs / s.floatMs).toFixed(2).padStart(9)}`,
    );
  }

  console.log(
    '\n## Quantization quality: output SQNR (dB) vs the float model on held-out inputs, our int8 and the official int8 (both in our runtime, tflm rounding)',
  );
  console.log(
    `${'model'.padEnd(12)} ${'config'.padEnd(28)} ${'N'.padStart(4)} ${'held'.padStart(5)} ${'ours dB'.padStart(8)} ${'official'.padStart(8)} ${'top-1 ours/off'.padStart(15)}`,
  );
  const defaults: QualityRow[] = [];
  const explicit: QualityRow[] = [];
  for (const { c, data } of cases) {
    if ('skip' in data) continue;
    const hasFc = readModel(corpusModel(c.float)).operatorCodes.some((code) => code.builtin === builtinCode('FULLY_CONNECTED'));
    for (const k of CONFIGS) {
      if (k.fcOnly && !hasFc) continue;
      const row = await qualityRow(c, k.config, k.options, data);
      const kept = row.selection ? ` → ${row.selection.chosen}` : '';
      console.log(
        `${c.name.padEnd(12)} ${k.config.padEnd(28)} ${String(row.calibration).padStart(4)} ${String(row.heldOut).padStart(5)} ${db(row.oursDb).padStart(8)} ${db(row.officialDb).padStart(8)} ${`${(100 * row.oursTop1).toFixed(0)}%/${(100 * row.officialTop1).toFixed(0)}%`.padStart(15)}${kept}`,
      );
      if (row.selection) {
        const v = row.selection;
        console.log(
          `${''.padEnd(12)}   validation (${v.validationSamples} samples): ${v.candidates.map((x) => `${x.label} ${x.sqnrDb !== undefined ? db(x.sqnrDb) : '-'}${x.top1Agreement !== undefined ? `/${(100 * x.top1Agreement).toFixed(0)}%` : ''}`).join(', ')}`,
        );
      }
      if (k.config === DEFAULT) defaults.push(row);
      if (QUALITY_CONFIG[c.name]?.config === k.config) explicit.push(row);
    }
  }
  const verdict = (r: QualityRow): string => (r.oursDb >= r.officialDb ? 'at least as good' : 'WORSE');
  console.log('\nquality claim (test/core/quantizeQuality.test.ts), the default settings:');
  for (const r of defaults)
    console.log(
      `  ${r.name.padEnd(12)} auto kept ${(r.selection?.chosen ?? '?').padEnd(34)} ours ${db(r.oursDb)} dB, official ${db(r.officialDb)} dB: ${verdict(r)}`,
    );
  console.log('and the explicit configuration each model is also held to:');
  for (const r of explicit)
    console.log(`  ${r.name.padEnd(12)} ${r.config.padEnd(44)} ours ${db(r.oursDb)} dB, official ${db(r.officialDb)} dB: ${verdict(r)}`);
}

if (require.main === module) {
  quantizeBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
