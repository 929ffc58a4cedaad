/**
 * The quantize job and `tinyml-lens quantize` told the target's kernels (QuantizeParams.kernels,
 * `--kernels`, a `--target` board's): with CMSIS-NN, a FULLY_CONNECTED with an int16 input gets
 * per-tensor weights, which TFLM built with CMSIS-NN allocates and runs bit for bit with our
 * runtime; without kernels, or with the reference ones, the model is what it always was.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args';
import { precisionRequest } from '../../src/cli/precisionOptions';
import { quantizeParams } from '../../src/cli/quantizeCommand';
import { quantizeJob } from '../../src/jobs/quantize';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';
import type { QuantizeParams } from '../../src/shared/protocol';
import { cli } from '../helpers/cli';
import { floatClassifier, floatClassifierInputs } from '../helpers/floatClassifier';
import { emulatedRunner, SKIP_TFLM, tflmRuns } from '../helpers/tflm';
import { prove } from '../helpers/tflmProof';

const NO_CTX = { shouldStop: () => false, progress: () => undefined };

/** floatClassifier (CONV_2D → RESHAPE → FULLY_CONNECTED → SOFTMAX) and 12 .npy samples in a fresh folder. */
function classifierDir(): { readonly model: string; readonly calibration: string; readonly dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'quantize-kernels-'));
  const model = join(dir, 'classifier.tflite');
  writeFileSync(model, floatClassifier());
  const calibration = join(dir, 'calib');
  mkdirSync(calibration);
  floatClassifierInputs(12).forEach((b, i) => writeFileSync(join(calibration, `${i}.npy`), b));
  return { model, calibration, dir };
}

/** 16x8 with per-channel FC weights asked for: what CMSIS-NN refuses unless the kernels are known. */
const params = (model: string, calibration: string): QuantizeParams => ({
  modelPath: model,
  calibration,
  activations: 'int16',
  method: 'minmax',
  perChannelFullyConnected: true,
  weightRounding: false,
  threads: 1,
});

/** Per FULLY_CONNECTED: its input type and its weights' number of scales. */
function fcWeights(m: Graph): string[] {
  const sg = m.subgraphs[0]!;
  return sg.operators
    .filter((o) => opName(m, o) === 'FULLY_CONNECTED')
    .map((o) => `${sg.tensors[o.inputs[0]!]!.dtype}:${sg.tensors[o.inputs[1]!]!.quantization!.scale.length}`);
}

const cmsis = emulatedRunner('i386CmsisNn');

describe('quantizeJob with the target kernels', () => {
  const { model, calibration } = classifierDir();

  test('CMSIS-NN: the int16 FULLY_CONNECTED gets per-tensor weights and the note; the reference kernels (or none) keep per channel, byte for byte', async () => {
    const plain = await quantizeJob(params(model, calibration), NO_CTX);
    const reference = await quantizeJob({ ...params(model, calibration), kernels: 'reference' }, NO_CTX);
    const onCmsis = await quantizeJob({ ...params(model, calibration), kernels: 'cmsis-nn' }, NO_CTX);
    assert.deepEqual(fcWeights(readModel(plain.bytes)), ['int16:3']);
    assert.deepEqual(reference.bytes, plain.bytes);
    assert.deepEqual(fcWeights(readModel(onCmsis.bytes)), ['int16:1']);
    assert.ok(
      onCmsis.report.notes.some((n) => n.includes('FULLY_CONNECTED weights per tensor in 1 int16 layer(s)')),
      onCmsis.report.notes.join('\n'),
    );
    assert.ok(!plain.report.notes.some((n) => n.includes('per tensor')));
    // int8 activations: CMSIS-NN takes per-channel FC weights, so the kernels change nothing.
    const int8 = { ...params(model, calibration), activations: 'int8' as const };
    assert.deepEqual((await quantizeJob({ ...int8, kernels: 'cmsis-nn' }, NO_CTX)).bytes, (await quantizeJob(int8, NO_CTX)).bytes);
  });

  test('TFLM with CMSIS-NN allocates and runs the CMSIS-NN result bit for bit, and refuses the per-channel one', {
    skip: SKIP_TFLM || cmsis.skip,
  }, async () => {
    const onCmsis = await quantizeJob({ ...params(model, calibration), kernels: 'cmsis-nn' }, NO_CTX);
    prove(onCmsis.bytes, 'quantize job, CMSIS-NN kernels', { runner: cmsis.path, abi: 'i386', kernels: 'cmsis-nn', core: 'cortex-m3' });
    const plain = await quantizeJob(params(model, calibration), NO_CTX);
    assert.match(String(tflmRuns(plain.bytes, cmsis.path)), /cmsis_nn\/fully_connected\.cc:\d+ !data->reference_op_data\.is_per_channel/);
  });
});

describe('tinyml-lens quantize --kernels / --target', () => {
  const parse = (...extra: string[]) => parseArgs(['m.tflite', '--calibration', 'c', ...extra]);

  test('--kernels and a Cortex-M --target set the kernels (the board the precision job measures on too); neither leaves them unset', () => {
    assert.equal(quantizeParams(parse()).kernels, undefined);
    assert.ok(!('kernels' in quantizeParams(parse())));
    assert.equal(quantizeParams(parse('--kernels', 'cmsis-nn')).kernels, 'cmsis-nn');
    assert.equal(quantizeParams(parse('--kernels', 'reference')).kernels, 'reference');
    assert.equal(quantizeParams(parse('--target', 'nucleo-l4r5zi')).kernels, 'cmsis-nn');
    assert.equal(quantizeParams(parse('--fit', 'nucleo-l4r5zi')).kernels, 'cmsis-nn');
    assert.equal(quantizeParams(parse('--target', 'nucleo-l4r5zi', '--kernels', 'reference')).kernels, 'reference');
    assert.equal(precisionRequest(parse('--target', 'nucleo-l4r5zi', '--kernels', 'reference'))?.board.kernels, 'reference');
    assert.equal(precisionRequest(parse('--target', 'nucleo-l4r5zi'))?.board.kernels, 'cmsis-nn');
    assert.equal(precisionRequest(parse('--precision', '0=int16', '--kernels', 'cmsis-nn'))?.board.kernels, 'cmsis-nn');
    assert.equal(precisionRequest(parse('--precision', '0=int16'))?.board.kernels, 'reference');
  });

  test('--kernels cmsis-nn writes per-tensor FC weights; an unknown library is one line and exit 2', async () => {
    const { model, calibration, dir } = classifierDir();
    const out = join(dir, 'cmsis.tflite');
    const common = [model, '--calibration', calibration, '--activations', 'int16', '--method', 'minmax', '--per-channel-fc', '--threads', '1'];
    const ok = await cli('quantize', ...common, '--kernels', 'cmsis-nn', '--out', out);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(fcWeights(readModel(readFileSync(out))), ['int16:1']);
    const report = JSON.parse(readFileSync(join(dir, 'cmsis.report.json'), 'utf8')) as { notes: string[] };
    assert.ok(report.notes.some((n) => n.includes('FULLY_CONNECTED weights per tensor')));

    const bad = await cli('quantize', ...common, '--kernels', 'cmsis', '--out', join(dir, 'bad.tflite'));
    assert.equal(bad.code, 2);
    assert.equal(bad.out, '');
    assert.match(bad.err, /--kernels: unknown kernel library "cmsis"; use reference or cmsis-nn/);
    assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
  });
});
