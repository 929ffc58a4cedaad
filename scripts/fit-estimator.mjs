// Fits the latency estimator on the MLPerf Tiny rows and writes src/estimate/coefficients.json.
// The procedure lives in src/estimate/calibration.ts (typechecked with the rest of the core);
// this script only bundles it with esbuild, feeds it the shared CSV and models, and writes the
// result. Usage: node scripts/fit-estimator.mjs [--check]   (--check: fail if the file changes)
// The shared folder is ../shared next to the repo, or $TINYML_SHARED.
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const shared = process.env.TINYML_SHARED ?? resolve(root, '..', 'shared');
const csvPath = join(shared, 'mlperf_tiny_results.csv');
if (!existsSync(csvPath)) {
  console.error(`fit-estimator: ${csvPath} not found (set TINYML_SHARED)`);
  process.exit(2);
}

const models = {
  kws_ref_model: 'models/mlperf_tiny/kws/kws_ref_model.tflite',
  vww_96_int8: 'models/mlperf_tiny/vww/vww_96_int8.tflite',
  pretrainedResnet_quant: 'models/mlperf_tiny/ic/pretrainedResnet_quant.tflite',
  ad01_int8: 'models/mlperf_tiny/ad/ad01_int8.tflite',
  person_detect: 'models/tflm/person_detection/person_detect.tflite',
  micro_speech_quantized: 'models/tflm/micro_speech/micro_speech_quantized.tflite',
};

const dir = mkdtempSync(join(tmpdir(), 'fit-estimator-'));
const bundle = join(dir, 'fit.cjs');
try {
  await esbuild.build({
    stdin: {
      contents: [
        "export { analyzeModel } from './src/analysis/analyzeModel';",
        "export { readTflite } from './src/model/tflite/reader';",
        "export { runCalibration } from './src/estimate/calibration';",
        "export { formatCalibrationReport } from './src/estimate/calibrationReport';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'warning',
  });
  const lib = createRequire(import.meta.url)(bundle);
  const analyses = {};
  for (const [name, rel] of Object.entries(models)) {
    const bytes = new Uint8Array(readFileSync(join(shared, rel)));
    analyses[name] = lib.analyzeModel(lib.readTflite(bytes), bytes.length);
  }
  const data = lib.runCalibration({ csv: readFileSync(csvPath, 'utf8'), analyses });
  const out = join(root, 'src/estimate/coefficients.json');
  const text = `${JSON.stringify(data, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v), 2)}\n`;
  console.log(lib.formatCalibrationReport(data));
  if (process.argv.includes('--check')) {
    const old = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (old !== text) {
      console.error('\nfit-estimator --check: coefficients.json is out of date; run npm run fit-estimator');
      process.exitCode = 1;
    }
  } else {
    writeFileSync(out, text);
    console.log(`\nwrote ${out}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
