/** `tinyml-lens estimate`: the JSON contract, errors, a profile log and a scenario. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseArgs, UsageError } from '../../src/cli/args';
import { estimateCommand } from '../../src/cli/estimateCommand';
import { MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';
import { tinyInt8ConvNet } from '../helpers/fixtures';
import { writeModel } from '../../src/model/io';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-estimate-'));
const modelPath = join(dir, 'tiny.tflite');
writeFileSync(modelPath, writeModel(tinyInt8ConvNet()));

/** What `main` does with a command: UsageError → exit 2. */
function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (err += `${t}\n`) };
  try {
    return { code: estimateCommand(parseArgs(argv), io), out, err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out, err: `${err}${e.message}\n` };
    throw e;
  }
}

describe('tinyml-lens estimate', () => {
  test('--json: latencyMs, energyUj and per-layer latency, with bands and the basis', () => {
    const r = cli(modelPath, '--target', 'nucleo-l4r5zi', '--kernels', 'cmsis-nn', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.kind, 'estimate');
    for (const k of ['latencyMs', 'energyUj', 'cycles']) assert.equal(typeof j[k], 'number', k);
    assert.ok(j.latencyBandMs.low < j.latencyMs && j.latencyMs < j.latencyBandMs.high);
    assert.ok(j.energyBandUj.low < j.energyUj && j.energyUj < j.energyBandUj.high);
    assert.equal(j.layers.length, 6);
    for (const k of ['index', 'op', 'latencyMs', 'cycles', 'share', 'latencyBandMs', 'library']) assert.ok(k in j.layers[0], k);
    assert.equal(j.target.core, 'cortex-m4f');
    assert.equal(j.target.clockMHz, 120);
    assert.equal(j.target.kernels, 'cmsis-nn');
    assert.equal(j.target.basis, 'calibrated');
    assert.ok(Math.abs(j.layers.reduce((s: number, l: { latencyMs: number }) => s + l.latencyMs, 0) - j.latencyMs) < 1e-9);
  });

  test('--core and --mhz: no board, so no energy; text output says it is an estimate', () => {
    const r = cli(modelPath, '--core', 'cortex-m7', '--mhz', '216', '--kernels', 'cmsis-nn');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /an estimate; expected range/);
    assert.match(r.out, /basis: extrapolated/);
    assert.match(r.out, /Energy\s+not estimated/);
    const j = JSON.parse(cli(modelPath, '--core', 'rv32imc', '--mhz', '160', '--json').out);
    assert.equal(j.energyUj, null);
  });

  test('unknown core or target: exit 2 with the known ones listed', () => {
    const c = cli(modelPath, '--core', 'cortex-m99', '--mhz', '100');
    assert.equal(c.code, 2);
    assert.match(
      c.err,
      /unknown core "cortex-m99". Known cores: cortex-m0plus, cortex-m4f, cortex-m7, cortex-m33, cortex-m55, cortex-m85, xtensa-lx6, xtensa-lx7, rv32imc/,
    );
    const t = cli(modelPath, '--target', 'nano-99');
    assert.equal(t.code, 2);
    assert.match(t.err, /unknown target "nano-99". Known targets: arduino-nano-33-ble-sense/);
    assert.equal(cli(modelPath).code, 2);
    assert.equal(cli(modelPath, '--core', 'cortex-m4f').code, 2);
    assert.equal(cli(modelPath, '--target', 'esp32-s3', '--kernels', 'cmsis-nn').code, 2);
    assert.equal(cli(modelPath, '--target', 'esp32-s3', '--kernels', 'nope').code, 2);
    assert.equal(cli(join(dir, 'missing.tflite'), '--target', 'esp32-s3').code, 2);
  });

  test('--profile: measured next to estimated, and the board-fitted estimate', () => {
    const log = join(dir, 'profile.log');
    writeFileSync(
      log,
      [
        'CONV_2D took 48000 ticks (0 ms).',
        'DEPTHWISE_CONV_2D took 52000 ticks (0 ms).',
        'AVERAGE_POOL_2D took 9000 ticks (0 ms).',
        'RESHAPE took 900 ticks (0 ms).',
        'FULLY_CONNECTED took 2500 ticks (0 ms).',
        'SOFTMAX took 3000 ticks (0 ms).',
      ].join('\n'),
    );
    const j = JSON.parse(cli(modelPath, '--target', 'arduino-nano-33-ble-sense', '--kernels', 'cmsis-nn', '--profile', log, '--json').out);
    assert.equal(j.target.basis, 'profile');
    assert.equal(j.profile.tickSource, 'cpu-cycles');
    assert.equal(j.profile.layers.length, 6);
    assert.ok(Math.abs(j.profile.layers[0].measuredMs - 48000 / 64000) < 1e-12);
    assert.ok(Math.abs(j.profile.fittedMs / j.profile.measuredMs - 1) < 0.1);
    const text = cli(modelPath, '--target', 'arduino-nano-33-ble-sense', '--kernels', 'cmsis-nn', '--profile', log).out;
    assert.match(text, /measured/);
    assert.match(text, /meas\/est/);
    assert.equal(cli(modelPath, '--target', 'arduino-nano-33-ble-sense', '--ticks-per-ms', '5').code, 2);
  });

  test('--scenario: battery life with its band and the preset assumptions', () => {
    const j = JSON.parse(cli(modelPath, '--target', 'nucleo-l4r5zi', '--kernels', 'cmsis-nn', '--scenario', 'camera-trap', '--json').out);
    assert.equal(j.scenario.id, 'camera-trap');
    assert.ok(j.scenario.batteryLifeDays > 0);
    assert.ok(j.scenario.batteryLifeDaysBand.low <= j.scenario.batteryLifeDays && j.scenario.batteryLifeDays <= j.scenario.batteryLifeDaysBand.high);
    assert.ok(j.scenario.assumptions.length > 0);
    assert.equal(cli(modelPath, '--target', 'nucleo-l4r5zi', '--scenario', 'toaster').code, 2);
    assert.equal(cli(modelPath, '--target', 'corstone-300', '--scenario', 'doorbell').code, 2);
  });

  test('on a real MLPerf model', { skip: SKIP_SHARED }, () => {
    const j = JSON.parse(cli(join(MODELS_DIR, 'mlperf_tiny/kws/kws_ref_model.tflite'), '--target', 'ek-ra6m4', '--kernels', 'cmsis-nn', '--json').out);
    assert.ok(j.latencyBandMs.low <= 50.57 && 50.57 <= j.latencyBandMs.high, 'measured 50.57 ms');
  });
});
