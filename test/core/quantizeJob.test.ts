/**
 * quantizeJob and the CLI command: calibration files (image folders with their
 * normalization, multi-sample .npy and raw .bin files, globs), the calibration/held-out
 * split, random calibration only on request and with a warning, errors that name the file,
 * and the CLI's files, overwrite rule, --json and exit codes.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseArgs, UsageError } from '../../src/cli/args';
import { quantizeCommand, quantizeParams } from '../../src/cli/quantizeCommand';
import { quantizeJob } from '../../src/jobs/quantize';
import { readModel } from '../../src/model/io';
import { Cancelled } from '../../src/errors';
import { QuantizeError } from '../../src/quantize/errors';
import type { QuantizationReport } from '../../src/quantize/report';
import { MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';
import { adWindows, photoDir } from './quantizeData';

const NO_CTX = { shouldStop: () => false, progress: () => undefined };
const AD = join(MODELS_DIR, 'mlperf_tiny', 'ad', 'ad01_fp32.tflite');
const AD_SAMPLE = join(MODELS_DIR, 'mlperf_tiny', 'samples', 'ad01_normal_id_01_00000000_hist_librosa.bin');

/** A little-endian float32 .npy of the given shape. */
function npy(shape: readonly number[], data: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'quantize-'));

describe('quantizeJob', { skip: SKIP_SHARED }, () => {
  test('a folder of photos: normalization remembered, every sample calibrates, the report measured on calibration data and says so', async (t) => {
    const photos = photoDir();
    if ('skip' in photos) return t.skip(photos.skip);
    const r = await quantizeJob({ modelPath: join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_float.tflite'), calibration: photos.dir, samples: 10 }, NO_CTX);
    assert.equal(r.report.options.normalization?.name, '[0,1]');
    assert.equal(r.report.options.heldOutSamples, 0);
    assert.equal(r.report.options.evaluatedOn, 'calibration-data');
    assert.ok(r.report.warningCodes.some((w) => w.code === 'evaluation-on-calibration'));
    assert.equal(r.report.options.calibrationSamples, 10);
    assert.ok(r.outputPath.endsWith('vww_96_float_int8.tflite'));
    assert.ok(r.reportPath.endsWith('vww_96_float_int8.report.json'));
    assert.equal(r.report.size.beforeBytes, readFileSync(join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_float.tflite')).length);
    assert.equal(r.report.size.afterBytes, r.bytes.length);
    assert.ok(r.report.arena.afterBytes < r.report.arena.beforeBytes);
    assert.ok(!('skipped' in r.report.evaluation));
    assert.ok(r.report.ranges.length > 20);
    readModel(r.bytes);
  });

  test('one .npy holding 60 samples, and a raw .bin of 40 back to back, through a glob', async () => {
    const dir = tmp();
    const windows = adWindows()
      .slice(0, 60)
      .map((s) => new Float32Array(s[0]!.slice().buffer));
    const all = new Float32Array(60 * 640);
    windows.forEach((w, i) => all.set(w, i * 640));
    writeFileSync(join(dir, 'windows.npy'), npy([60, 640], all));
    const fromNpy = await quantizeJob({ modelPath: AD, calibration: dir, heldOut: 10 }, NO_CTX);
    assert.equal(fromNpy.report.options.calibrationSamples, 50);
    assert.equal(fromNpy.report.options.heldOutSamples, 10);
    const fromBin = await quantizeJob({ modelPath: AD, calibration: join(MODELS_DIR, 'mlperf_tiny', 'samples', 'ad01_*.bin') }, NO_CTX);
    assert.equal(fromBin.report.options.calibrationSamples + fromBin.report.options.heldOutSamples, 40);
    assert.equal(fromBin.report.options.normalization, undefined);
  });

  test('a file of the wrong size or kind is an error naming it', async () => {
    const dir = tmp();
    copyFileSync(AD_SAMPLE, join(dir, 'good.bin'));
    writeFileSync(join(dir, 'short.bin'), new Uint8Array(1000));
    await assert.rejects(
      quantizeJob({ modelPath: AD, calibration: dir, heldOut: 0, samples: 200 }, NO_CTX),
      (e: unknown) => e instanceof QuantizeError && e.code === 'bad-calibration' && /short\.bin/.test(e.message),
    );
    const images = tmp();
    const photos = photoDir();
    if ('dir' in photos) {
      copyFileSync(join(photos.dir, 'coins.png'), join(images, 'coins.png'));
      await assert.rejects(
        quantizeJob({ modelPath: AD, calibration: images, heldOut: 0 }, NO_CTX),
        (e: unknown) => e instanceof QuantizeError && /coins\.png/.test(e.message),
      );
    }
    await assert.rejects(
      quantizeJob({ modelPath: AD, calibration: join(dir, 'nothing-here') }, NO_CTX),
      (e: unknown) => e instanceof QuantizeError && /does not exist/.test(e.message),
    );
  });

  test('random calibration only when asked, and the report says so', async () => {
    await assert.rejects(quantizeJob({ modelPath: AD }, NO_CTX), (e: unknown) => e instanceof QuantizeError && /random calibration/.test(e.message));
    const r = await quantizeJob({ modelPath: AD, randomCalibration: true, samples: 8, heldOut: 2 }, NO_CTX);
    assert.equal(r.report.options.randomCalibration, true);
    assert.ok(r.report.warnings.some((w) => /random data/.test(w)));
  });

  test('cancellation', async () => {
    let n = 0;
    await assert.rejects(
      quantizeJob({ modelPath: AD, calibration: AD_SAMPLE }, { shouldStop: () => ++n > 5, progress: () => undefined }),
      (e: unknown) => e instanceof Cancelled && e.code === 'cancelled',
    );
  });
});

describe('tinyml-lens quantize', { skip: SKIP_SHARED }, () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
  };

  test('writes <name>_int8.tflite and its report, never over an existing file unless --force', async () => {
    const dir = tmp();
    const model = join(dir, 'ad01_fp32.tflite');
    copyFileSync(AD, model);
    const first = capture();
    assert.equal(await quantizeCommand(parseArgs([model, '--calibration', AD_SAMPLE, '--method', 'percentile']), first.io), 0);
    assert.ok(existsSync(join(dir, 'ad01_fp32_int8.tflite')));
    const report = JSON.parse(readFileSync(join(dir, 'ad01_fp32_int8.report.json'), 'utf8')) as {
      tool: string;
      options: { method: string; requestedMethod: string };
      selection?: unknown;
    };
    assert.equal(report.tool, 'tinyml-lens quantize');
    assert.equal(report.options.method, 'percentile');
    assert.equal(report.options.requestedMethod, 'percentile');
    assert.equal(report.selection, undefined);
    assert.match(first.out.join('\n'), /wrote .*ad01_fp32_int8\.tflite/);
    readModel(readFileSync(join(dir, 'ad01_fp32_int8.tflite')));

    const again = capture();
    assert.equal(await quantizeCommand(parseArgs([model, '--calibration', AD_SAMPLE]), again.io), 2);
    assert.match(again.err.join('\n'), /already exists.*--force/);
    // The default is auto: every candidate scored on validation samples, the winner written.
    const forced = capture();
    assert.equal(await quantizeCommand(parseArgs([model, '--calibration', AD_SAMPLE, '--force', '--json']), forced.io), 0);
    const auto = JSON.parse(forced.out.join('\n')) as QuantizationReport;
    assert.equal(auto.options.requestedMethod, 'auto');
    assert.ok(auto.selection && auto.selection.candidates.length === 4, 'ad01 has FULLY_CONNECTED layers: 2 methods × per-channel FC off/on');
    const kept = auto.selection.candidates.find((c) => c.label === auto.selection!.chosen)!;
    assert.deepEqual([auto.options.method, auto.options.perChannelFullyConnected], [kept.method, kept.perChannelFullyConnected]);
    const text = capture();
    assert.equal(await quantizeCommand(parseArgs([model, '--calibration', AD_SAMPLE, '--force']), text.io), 0);
    assert.match(text.out.join('\n'), new RegExp(`auto ranges \\(kept ${auto.selection.chosen.replace(/[.+]/g, (m) => `\\${m}`)}\\)`));
    assert.match(text.out.join('\n'), /candidates on \d+ validation sample\(s\)/);
  });

  test('--out, --io float, and the exit code of an int8 model', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'out'));
    const target = join(dir, 'out', 'model.tflite');
    const c = capture();
    assert.equal(await quantizeCommand(parseArgs([AD, '--calibration', AD_SAMPLE, '--out', target, '--io', 'float', '--per-channel-fc']), c.io), 0);
    assert.ok(existsSync(join(dir, 'out', 'model.report.json')));
    const g = readModel(readFileSync(target));
    assert.equal(g.subgraphs[0]!.tensors[g.subgraphs[0]!.inputs[0]!]!.dtype, 'float32');
    const bad = capture();
    assert.equal(
      await quantizeCommand(
        parseArgs([join(MODELS_DIR, 'mlperf_tiny', 'ad', 'ad01_int8.tflite'), '--calibration', AD_SAMPLE, '--out', join(dir, 'x.tflite')]),
        bad.io,
      ),
      2,
    );
    assert.match(bad.err.join('\n'), /already quantized/);
  });

  test('usage errors', async () => {
    await assert.rejects(quantizeCommand(parseArgs([AD]), capture().io), UsageError);
    await assert.rejects(quantizeCommand(parseArgs([AD, '--calibration', AD_SAMPLE, '--method', 'kl']), capture().io), UsageError);
    assert.equal(quantizeParams(parseArgs([AD, '--calibration', AD_SAMPLE, '--method', 'auto'])).method, 'auto');
    assert.equal(quantizeParams(parseArgs([AD, '--calibration', AD_SAMPLE])).perChannelFullyConnected, undefined, 'unset: auto tries both');
    assert.equal(quantizeParams(parseArgs([AD, '--calibration', AD_SAMPLE, '--per-channel-fc'])).perChannelFullyConnected, true);
    await assert.rejects(quantizeCommand(parseArgs([AD, '--calibration', AD_SAMPLE, '--random-calibration']), capture().io), UsageError);
  });
});
