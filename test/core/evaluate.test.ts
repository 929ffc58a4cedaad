import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addOutcome, emptyTally, evaluationReport, mergeTallies, topK, type EvaluationReport, type SampleOutcome } from '../../src/evaluate/metrics';
import { modelLabels } from '../../src/evaluate/modelLabels';
import { UNATTENDED } from '../../src/jobs/context';
import { BATCH_TASKS } from '../../src/jobs/batchTasks';
import { evaluateJob, evaluateTask } from '../../src/jobs/evaluate';
import { JOBS } from '../../src/jobs/index';
import { Cancelled } from '../../src/errors';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';
import { writeNpy } from '../../src/runtime/inputs/npy';
import { cli } from '../helpers/cli';
import { MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';
import { prng } from '../helpers/fixtures';

const root = mkdtempSync(join(tmpdir(), 'evaluate-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** input float32 [1, K] → FULLY_CONNECTED (weights: the permutation `perm`, so score j = input[perm[j]]) → SOFTMAX. */
function classifier(perm: readonly number[], withSoftmax = true): Uint8Array {
  const k = perm.length;
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const input = sg.tensor({ name: 'input', shape: [1, k], dtype: 'float32' });
  const weights = new Float32Array(k * k);
  perm.forEach((from, j) => {
    weights[j * k + from] = 1;
  });
  const w = sg.tensor({ name: 'w', shape: [k, k], dtype: 'float32', data: weights });
  const b = sg.tensor({ name: 'b', shape: [k], dtype: 'float32', data: new Float32Array(k) });
  const logits = sg.tensor({ name: withSoftmax ? 'logits' : 'output', shape: [1, k], dtype: 'float32' });
  sg.op({
    op: 'FULLY_CONNECTED',
    inputs: [input, w, b],
    outputs: [logits],
    options: makeOptions('FullyConnectedOptions', { fusedActivationFunction: 'NONE' }),
  });
  if (withSoftmax) {
    const probs = sg.tensor({ name: 'output', shape: [1, k], dtype: 'float32' });
    sg.op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) });
    sg.io([input], [probs]);
  } else sg.io([input], [logits]);
  return writeModel(g.build());
}

function writeFile(path: string, bytes: Uint8Array | string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

const npy = (values: readonly number[]): Uint8Array => writeNpy({ dtype: 'float32', shape: [1, values.length], data: Float32Array.from(values) });

// Three classes a, b, c; model A predicts argmax(input), model B swaps classes b and c.
const A = writeFile(join(root, 'a.tflite'), classifier([0, 1, 2]));
const B = writeFile(join(root, 'b.tflite'), classifier([0, 2, 1]));
const FOLDERS = join(root, 'folders');
const SAMPLES: readonly (readonly [string, readonly number[]])[] = [
  ['a/s0.npy', [0.9, 0.1, 0]], // A: a ✓   B: a
  ['a/s1.npy', [0.1, 0.8, 0]], // A: b ✗   B: c
  ['b/s2.npy', [0, 1, 0]], //     A: b ✓   B: c
  ['c/s3.npy', [0, 0, 1]], //     A: c ✓   B: b
  ['c/s4.npy', [1, 0, 0.5]], //   A: a ✗   B: a
];
for (const [file, values] of SAMPLES) writeFile(join(FOLDERS, file), npy(values));
writeFile(join(FOLDERS, 'c', 'notes.txt'), 'not a sample');

function check3(report: EvaluationReport): void {
  assert.equal(report.samples, 5);
  assert.deepStrictEqual(report.classes, ['a', 'b', 'c']);
  const [a, b] = report.models;
  assert.deepStrictEqual(a!.confusion, [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 1],
  ]);
  assert.equal(a!.top1, 3 / 5);
  assert.equal(a!.top5, null, 'three classes: no top-5');
  assert.deepStrictEqual(a!.perClass, { a: 0.5, b: 1, c: 0.5 });
  assert.equal(a!.agreementWithFirst, 1);
  assert.deepStrictEqual(b!.confusion, [
    [1, 0, 1],
    [0, 0, 1],
    [1, 1, 0],
  ]);
  assert.equal(b!.top1, 1 / 5);
  assert.equal(b!.agreementWithFirst, 2 / 5);
  assert.deepStrictEqual(b!.changed, [
    { file: join('a', 's1.npy'), first: 'b', this: 'c' },
    { file: join('b', 's2.npy'), first: 'b', this: 'c' },
    { file: join('c', 's3.npy'), first: 'c', this: 'b' },
  ]);
}

describe('evaluate on labeled data', () => {
  test('class folders: the confusion, top-1, per-class accuracy and changed samples computed by hand', async () => {
    const report = await evaluateJob({ paths: [A, B], data: FOLDERS, rounding: 'tflm' }, UNATTENDED);
    check3(report);
    assert.strictEqual(JOBS.evaluate, evaluateJob);
  });

  test('the CLI: the --json contract, and the text report', async () => {
    const json = await cli('evaluate', A, B, '--data', FOLDERS, '--json');
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out) as EvaluationReport;
    assert.deepStrictEqual(Object.keys(parsed).slice(0, 2), ['samples', 'classes']);
    assert.ok('models' in parsed);
    assert.deepStrictEqual(Object.keys(parsed.models[1]!).slice(0, 6), ['path', 'top1', 'top5', 'perClass', 'confusion', 'agreementWithFirst']);
    check3(parsed);
    const text = await cli('evaluate', A, B, '--data', FOLDERS);
    assert.equal(text.code, 0);
    assert.match(text.out, /^5 sample\(s\), 3 classes\n/);
    assert.match(text.out, /top-1 20\.0%, agrees with the first model on 40\.0%/);
    assert.match(text.out, /per class: a 50\.0%, b 100\.0%, c 50\.0%/);
    assert.match(text.out, /3 prediction\(s\) changed from the first model:\n {4}a.s1\.npy: b → c\n/);
    assert.match(text.out, /\n {2}c {8}1 {4}0 {4}1 {2}\(2\)\n/);
  });

  test('a CSV of file,label (with a header, quotes and paths relative to it) gives the same report', async () => {
    const csv = writeFile(join(root, 'labels.csv'), `file,label\n${SAMPLES.map(([f]) => `"folders/${f}",${f.split('/')[0]}`).join('\n')}\n`);
    const report = await evaluateJob({ paths: [A, B], data: csv, rounding: 'tflm' }, UNATTENDED);
    check3({ ...report, models: report.models.map((m) => ({ ...m, changed: m.changed.map((c) => ({ ...c, file: c.file.replace(/^folders./, '') })) })) });
  });

  test('top-5 with more than five classes; --labels gives the order; the model’s own labels when it carries them', async () => {
    const perm = [0, 1, 2, 3, 4, 5, 6];
    const model = writeFile(join(root, 'seven.tflite'), classifier(perm));
    const names = ['g', 'f', 'e', 'd', 'c', 'b', 'a']; // not sorted: the order must come from the labels
    const dir = join(root, 'seven');
    // Label index 0 ("g") scored 1st, 3rd, 7th: top-1 1/3, top-5 2/3.
    writeFile(join(dir, 'x0.npy'), npy([7, 6, 5, 4, 3, 2, 1]));
    writeFile(join(dir, 'x1.npy'), npy([5, 7, 6, 4, 3, 2, 1]));
    writeFile(join(dir, 'x2.npy'), npy([1, 7, 6, 5, 4, 3, 2]));
    const csv = writeFile(join(dir, 'set.csv'), 'x0.npy,g\nx1.npy,g\nx2.npy,g\n');
    const labels = writeFile(join(dir, 'labels.txt'), `${names.join('\n')}\n`);
    const report = await evaluateJob({ paths: [model], data: csv, labels, rounding: 'tflm' }, UNATTENDED);
    assert.deepStrictEqual(report.classes, names);
    assert.equal(report.models[0]!.top1, 1 / 3);
    assert.equal(report.models[0]!.top5, 2 / 3);
    assert.deepStrictEqual(report.models[0]!.perClass, { g: 1 / 3, f: null, e: null, d: null, c: null, b: null, a: null });

    // The same labels inside the model, as the TFLite metadata writer appends them (a zip).
    const withLabels = writeFile(join(dir, 'labelled.tflite'), Buffer.concat([classifier(perm), zipStored('labels.txt', names.join('\n'))]));
    assert.deepStrictEqual(modelLabels(Buffer.concat([classifier(perm), zipStored('labels.txt', names.join('\n'))])), names);
    const own = await evaluateJob({ paths: [withLabels], data: csv, rounding: 'tflm' }, UNATTENDED);
    assert.deepStrictEqual(own.classes, names);
    assert.equal(modelLabels(classifier(perm)), undefined);
  });

  test('not a classifier: per-output error statistics against the first model', async () => {
    const first = writeFile(join(root, 'raw1.tflite'), classifier([0, 1, 2], false));
    const second = writeFile(join(root, 'raw2.tflite'), classifier([0, 2, 1], false));
    const report = await evaluateJob({ paths: [first, second], data: FOLDERS, rounding: 'tflm' }, UNATTENDED);
    assert.equal(report.classifier, false);
    assert.equal(report.models[0]!.top1, null);
    assert.deepStrictEqual(report.models[0]!.outputs, []);
    // Errors: |x1 - x2| twice per sample: 0.8+0.8, 1+1, 1+1, 0+0.5+0.5 over 15 values, s0's 0.1 twice.
    const o = report.models[1]!.outputs[0]!;
    assert.ok(Math.abs(o.meanAbsError - (0.2 + 1.6 + 2 + 2 + 1) / 15) < 1e-6, String(o.meanAbsError));
    assert.ok(Math.abs(o.maxAbsError - 1) < 1e-6);
  });

  test('progress per sample and a stop between samples', async () => {
    const seen: number[] = [];
    await evaluateJob({ paths: [A], data: FOLDERS, rounding: 'tflm' }, { shouldStop: () => false, progress: (f) => seen.push(f) });
    assert.deepStrictEqual(seen, [0.2, 0.4, 0.6, 0.8, 1]);
    let calls = 0;
    await assert.rejects(evaluateJob({ paths: [A], data: FOLDERS, rounding: 'tflm' }, { shouldStop: () => calls > 1, progress: () => calls++ }), Cancelled);
  });

  test('on the pool: 1 thread and 2 give the same JSON report, classifier or not; --threads on the CLI', async () => {
    // Five samples are two chunks (evaluateTask.chunkSize 4), so 2 threads do split them.
    assert.ok(SAMPLES.length > evaluateTask.chunkSize);
    assert.ok(evaluateTask.name in BATCH_TASKS);
    const raw1 = writeFile(join(root, 'pool-raw1.tflite'), classifier([0, 1, 2], false));
    const raw2 = writeFile(join(root, 'pool-raw2.tflite'), classifier([2, 0, 1], false));
    for (const paths of [
      [A, B],
      [raw1, raw2],
    ]) {
      const one = await evaluateJob({ paths, data: FOLDERS, rounding: 'tflm', threads: 1 }, UNATTENDED);
      const two = await evaluateJob({ paths, data: FOLDERS, rounding: 'tflm', threads: 2 }, UNATTENDED);
      assert.equal(JSON.stringify(two), JSON.stringify(one));
    }
    const viaCli = await cli('evaluate', A, B, '--data', FOLDERS, '--threads', '2', '--json');
    assert.equal(viaCli.code, 0, viaCli.err);
    check3(JSON.parse(viaCli.out) as EvaluationReport);
    const bad = await cli('evaluate', A, '--data', FOLDERS, '--threads', '0');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--threads takes a whole number/);
  });

  test('tallies merge: any split of the samples gives the tally of all of them', () => {
    const r = prng(3);
    const outcomes: SampleOutcome[] = Array.from({ length: 40 }, (_, index) => ({
      index,
      file: `s${index}`,
      label: Math.floor(r() * 7),
      models: [0, 1].map(() => ({ kind: 'class' as const, ranking: topK(Array.from({ length: 7 }, r), 5) })),
    }));
    const whole = emptyTally(2, 7);
    for (const o of outcomes) addOutcome(whole, o);
    const left = emptyTally(2, 7);
    const right = emptyTally(2, 7);
    outcomes.forEach((o, i) => addOutcome(i % 3 === 0 ? left : right, o));
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    assert.deepStrictEqual(evaluationReport(mergeTallies(right, left), names, ['x', 'y']), evaluationReport(whole, names, ['x', 'y']));
    assert.deepStrictEqual(topK([1, 3, 3, 0, 2], 3), [1, 2, 4]);
  });
});

describe('evaluate on the shared visual wake words pair (float and int8)', { skip: SKIP_SHARED }, () => {
  const FLOAT = join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_float.tflite');
  const INT8 = join(MODELS_DIR, 'mlperf_tiny', 'vww', 'vww_96_int8.tflite');

  test('agreementWithFirst and the changed samples agree with each other, and swap when the models do', async () => {
    const dir = join(root, 'vww');
    const r = prng(1);
    // Smooth generated pictures (gradients and blobs): both classes get some, labels by alternation.
    // With this seed one of the eight lies close enough to the boundary for int8 to flip it.
    for (let i = 0; i < 8; i++) writeFile(join(dir, i % 2 === 0 ? 'non_person' : 'person', `img${i}.bmp`), bmp(96, 96, generatedPicture(r)));
    const t0 = Date.now();
    const forward = await evaluateJob({ paths: [FLOAT, INT8], data: dir, rounding: 'tflm', threads: 2 }, UNATTENDED);
    const backward = await evaluateJob({ paths: [INT8, FLOAT], data: dir, rounding: 'tflm' }, UNATTENDED);
    process.stdout.write(`# vww float+int8 on 8 images, twice: ${Date.now() - t0} ms\n`);
    const [f, q] = forward.models;
    assert.equal(forward.samples, 8);
    assert.deepStrictEqual(forward.classes, ['non_person', 'person']);
    assert.ok(q!.changedCount >= 1, 'a changed sample, or this test checks nothing');
    assert.equal(q!.agreementWithFirst, 1 - q!.changedCount / 8);
    assert.equal(q!.changed.length, q!.changedCount);
    assert.ok(Math.abs(q!.top1! - f!.top1!) <= q!.changedCount / 8 + 1e-12);
    assert.equal(f!.top5, null);
    for (const m of forward.models)
      assert.equal(
        m.confusion.flat().reduce((a, b) => a + b, 0),
        8,
      );
    assert.deepStrictEqual(
      backward.models[1]!.changed.map((c) => [c.file, c.this, c.first]),
      q!.changed.map((c) => [c.file, c.first, c.this]),
    );
    assert.equal(backward.models[1]!.agreementWithFirst, q!.agreementWithFirst);
    assert.deepStrictEqual(backward.models[0]!.confusion, q!.confusion);
    // Each changed sample's two predictions are what each model predicts alone.
    const alone = await evaluateJob({ paths: [INT8], data: dir, rounding: 'tflm' }, UNATTENDED);
    assert.deepStrictEqual(alone.models[0]!.confusion, q!.confusion);
    // The forward run was on 2 threads (two chunks of four): one thread gives the same report.
    const oneThread = await evaluateJob({ paths: [FLOAT, INT8], data: dir, rounding: 'tflm', threads: 1 }, UNATTENDED);
    assert.equal(JSON.stringify(oneThread), JSON.stringify(forward));
  });

  test('a stop mid-batch on 2 threads cancels the evaluation', async () => {
    const dir = join(root, 'vww');
    let samples = 0;
    const fractions: number[] = [];
    const ctx = {
      shouldStop: () => samples >= 2,
      progress: (f: number) => {
        samples++;
        fractions.push(f);
      },
    };
    await assert.rejects(evaluateJob({ paths: [FLOAT, INT8], data: dir, rounding: 'tflm', threads: 2 }, ctx), Cancelled);
    assert.ok(samples < 8, `${samples} samples ran after the stop`);
    assert.deepStrictEqual(
      fractions,
      fractions.map((_, i) => (i + 1) / 8),
    );
  });
});

/** 96×96 RGB: a gradient with a few bright discs, different for each call. */
function generatedPicture(r: () => number): Uint8Array {
  const w = 96;
  const pixels = new Uint8Array(w * w * 3);
  const discs = Array.from({ length: 3 }, () => [r() * w, r() * w, 8 + r() * 20, r() * 255] as const);
  const [gx, gy] = [r() * 2, r() * 2];
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let v = (gx * x + gy * y + c * 30) % 256;
        for (const [cx, cy, rad, level] of discs) if ((x - cx) ** 2 + (y - cy) ** 2 < rad * rad) v = level;
        pixels[(y * w + x) * 3 + c] = v;
      }
  return pixels;
}

/** A 24-bit BMP of RGB pixels (rows top to bottom). */
function bmp(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const row = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + row * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = 54 + (height - 1 - y) * row + x * 3;
      const p = (y * width + x) * 3;
      out[at] = rgb[p + 2]!;
      out[at + 1] = rgb[p + 1]!;
      out[at + 2] = rgb[p]!;
    }
  return out;
}

describe('evaluate: bad input is one line and exit 2', () => {
  const ABC = writeFile(join(root, 'abc.txt'), 'a\nb\nc\n');
  const cases: readonly (readonly [string, () => string[], RegExp])[] = [
    ['a missing folder', () => [A, '--data', join(root, 'nowhere')], /no such folder or file/],
    ['an empty set', () => [A, '--data', mkdirFresh('empty', ['x'])], /holds no samples/],
    [
      'a label not among the classes',
      () => [A, '--data', FOLDERS, '--labels', writeFile(join(root, 'two.txt'), 'a\nb\nz\n')],
      /label "c" .* not among the 3 classes/,
    ],
    [
      'classes that do not match the scores',
      () => [A, '--data', mkdirFresh('four', ['p', 'q', 'r', 's'])],
      /4 classes but the model scores 3: give the class names/,
    ],
    ['an unreadable sample', () => [A, '--data', writeFile(join(root, 'gone.csv'), 'missing.npy,a\n'), '--labels', ABC], /cannot read sample .*missing\.npy/],
    [
      'an input shape mismatch',
      () => [A, '--data', writeFile(join(root, 'bad', 'shape.csv'), `${writeFile(join(root, 'bad', 'w.npy'), npy([1, 2]))},a\n`), '--labels', ABC],
      /w\.npy .*expects float32\[1, 3\]/,
    ],
    ['a malformed CSV row', () => [A, '--data', writeFile(join(root, 'malformed.csv'), 'only-one-field\n')], /malformed\.csv:1: expected "file,label"/],
    ['no --data', () => [A], /evaluate needs --data/],
  ];
  for (const [what, argv, message] of cases) {
    test(what, async () => {
      const run = await cli('evaluate', ...argv());
      assert.equal(run.code, 2, run.out);
      assert.equal(run.err.trim().split('\n').length, 1, run.err);
      assert.match(run.err, message);
    });
  }
});

function mkdirFresh(name: string, classes: readonly string[]): string {
  const dir = join(root, name);
  for (const c of classes) {
    mkdirSync(join(dir, c), { recursive: true });
    if (name !== 'empty') writeFileSync(join(dir, c, 's.npy'), npy([1, 0, 0]));
  }
  return dir;
}

/** A zip archive with one stored (uncompressed) file: what the TFLite metadata writer appends. */
function zipStored(name: string, text: string): Uint8Array {
  const data = Buffer.from(text);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
