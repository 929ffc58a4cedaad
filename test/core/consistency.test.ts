/**
 * Issue 10, "every number consistent": one peak, the budget the verdict compares, one default
 * reserve, short tensor names. Each test failed before the change it covers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel, type ModelAnalysis } from '../../src/analysis/analyzeModel';
import { arenaBarBytes } from '../../src/analysis/peak';
import { cli } from '../helpers/cli';
import { bandDigits, formatDaysRange, formatMsEstimate, formatPowerUw, formatSignificant } from '../../src/estimate/format';
import { COMMANDS_HELP } from '../../src/cli/usage';
import { readModel } from '../../src/model/io';
import { accumulate, emptySums, isClassifierOutput, outputAgreement, pooledCosine, pooledSqnrDb, sqnrDb, type CapturedRun } from '../../src/runtime/compare';
import { checkFit, customTarget, DEFAULT_RESERVE, DEFAULT_RESERVE_KB, findBoard } from '../../src/targets/fit';
import { readModelSettings, SETTINGS, type SettingsSource } from '../../src/vscode/configSchema';
import { shortName } from '../../src/util/shortName';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';

const KB = 1024;

const pathOf = (name: string): string => corpusModels().find((m) => m.name === name)!.path;

function analyze(name: string): ModelAnalysis {
  const bytes = corpusModel(name);
  return analyzeModel(readModel(bytes), bytes.length);
}

/** The starred row of the CLI table and the values of one of its columns. */
function table(out: string, column: string): { starred: number; values: string[] } {
  const lines = out.split('\n');
  const head = lines.findIndex((l) => l.startsWith('#  '));
  const headers = lines[head]!.trim().split(/\s{2,}/);
  const c = headers.indexOf(column);
  assert.ok(c >= 0, `column ${column} in ${headers.join('|')}`);
  const rows = lines.slice(head + 2, lines.indexOf('(* arena peak)')).map((l) => l.trim().split(/\s{2,}/));
  return { starred: rows.findIndex((r) => r[0]!.endsWith('*')), values: rows.map((r) => r[c]!) };
}

const bytesOf = (s: string): number => {
  const [n, unit] = s.split(' ');
  return Number(n) * (unit === 'MB' ? KB * KB : unit === 'KB' ? KB : 1);
};

describe('one arena peak', { skip: SKIP_SHARED }, () => {
  test('vww_96_float: the peak is the tallest bar, its height is the arena the verdict compares', () => {
    const a = analyze('vww_96_float');
    const main = a.layers.filter((l) => l.subgraph === 0);
    const bars = main.map((l) => arenaBarBytes(l, a.arena));
    const tallest = Math.max(...bars);
    const peak = a.arena.peak!;
    assert.equal(arenaBarBytes(main[peak.layer]!, a.arena), tallest);
    assert.equal(peak.bytes, tallest);
    assert.equal(peak.bytes, a.arena.totalBytes, 'the tallest bar is planned head + persistent');
    assert.equal(peak.plannedBytes, a.arena.nonPersistentBytes);
    assert.equal(a.arena.peakLayer, peak.layer);
    const verdict = checkFit(a, customTarget(256 * KB, 4 * KB * KB), DEFAULT_RESERVE);
    const finding = verdict.findings.find((f) => f.code === 'sram-over')!;
    assert.equal(finding.layer, peak.layer);
  });

  test('every corpus model: the peak is a tallest bar, and that bar is the arena', () => {
    for (const m of corpusModels()) {
      const a = analyze(m.name);
      if (!a.arena.peak) continue;
      const bars = a.layers.filter((l) => l.subgraph === 0).map((l) => arenaBarBytes(l, a.arena));
      assert.equal(a.arena.peak.bytes, Math.max(...bars), m.name);
      assert.equal(a.arena.peak.bytes, a.arena.totalBytes, m.name);
    }
  });

  test("CLI: the starred row has the table's highest arena, and the Peak line names that layer and the arena", async () => {
    const r = await cli('analyze', pathOf('vww_96_float'));
    const { starred, values } = table(r.out, 'arena top');
    const bytes = values.map(bytesOf);
    assert.equal(bytes[starred], Math.max(...bytes));
    const a = analyze('vww_96_float');
    const peakLine = r.out.split('\n').find((l) => l.startsWith('Peak'))!;
    assert.match(peakLine, new RegExp(`layer ${a.arena.peak!.layer} CONV_2D: .* = 314.3 KB`));
  });
});

describe('the budget the verdict compares', { skip: SKIP_SHARED }, () => {
  test('KWS on a 32 KB board: the tallest bar crosses the line at SRAM − reserve exactly when the verdict says it does not fit', () => {
    const a = analyze('kws_ref_model');
    const board = findBoard('arduino-nano-33-iot')!;
    assert.equal(board.sramBytes, 32 * KB);
    const v = checkFit(a, board, DEFAULT_RESERVE);
    assert.equal(v.fits, false);
    assert.equal(v.arena.budgetBytes, 16 * KB);
    assert.equal(v.arena.arenaBytes, a.arena.totalBytes);
    assert.equal(v.arena.persistentBytes, a.arena.persistentBytes);
    assert.ok(a.arena.peak!.bytes > v.arena.budgetBytes, 'the tallest bar is over the line');
    assert.equal(v.sramUsedBytes, v.arena.arenaBytes + v.arena.reservedBytes);
    // With room for it, the same bar is under the line and the verdict agrees.
    const roomy = checkFit(a, customTarget(64 * KB, 1024 * KB), DEFAULT_RESERVE);
    assert.equal(roomy.fits, true);
    assert.ok(a.arena.peak!.bytes <= roomy.arena.budgetBytes);
  });
});

describe('one default reserve', () => {
  const nothingSet: SettingsSource = { value: () => undefined, isSet: () => false };

  test('the CLI and the editor assume the same reserve, declared once', async () => {
    assert.deepStrictEqual(readModelSettings(nothingSet).reserve, DEFAULT_RESERVE);
    assert.equal(SETTINGS.reservedSramKB.default, DEFAULT_RESERVE_KB.sram);
    assert.equal(SETTINGS.reservedFlashKB.default, DEFAULT_RESERVE_KB.flash);
    const { tinyInt8ConvNet } = await import('../helpers/fixtures');
    const { writeModel } = await import('../../src/model/io');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'tinyml-lens-consistency-')), 'tiny.tflite');
    writeFileSync(path, writeModel(tinyInt8ConvNet()));
    const j = JSON.parse((await cli('analyze', path, '--target', 'arduino-nano-33-iot', '--json')).out);
    assert.equal(j.target.reservedSramBytes, DEFAULT_RESERVE.sramBytes);
    assert.equal(j.target.reservedFlashBytes, DEFAULT_RESERVE.flashBytes);
    const zero = JSON.parse((await cli('analyze', path, '--target', 'arduino-nano-33-iot', '--reserve-sram', '0', '--json')).out);
    assert.equal(zero.target.reservedSramBytes, 0);
  });
});

describe('short tensor names', () => {
  test("the last ';' part, its end kept behind an ellipsis when still too long", () => {
    assert.equal(shortName('model/activation/Relu;model/batch_normalization/FusedBatchNormV3;model/conv2d/Conv2D1'), 'model/activation/Relu…');
    assert.equal(shortName('input_1'), 'input_1');
    const long = `a/${'x'.repeat(100)}/Conv2D`;
    const s = shortName(long, 20);
    assert.equal(s.length, 20);
    assert.ok(s.startsWith('…') && s.endsWith('/Conv2D'));
    assert.equal(shortName(';;'), '…');
  });

  test('CLI: the Peak line is short; --json keeps the full names', { skip: SKIP_SHARED }, async () => {
    const text = await cli('analyze', pathOf('vww_96_float'));
    const peakLine = text.out.split('\n').find((l) => l.startsWith('Peak'))!;
    assert.ok(peakLine.length < 160, peakLine);
    assert.doesNotMatch(peakLine, /FusedBatchNorm|Relu;/);
    const j = JSON.parse((await cli('analyze', pathOf('vww_96_float'), '--json')).out);
    assert.ok(j.arena.peakTensors.some((n: string) => n.includes(';')));
  });
});

describe('a budget not given is not checked', { skip: SKIP_SHARED }, () => {
  test('--sram without --flash prints no Infinity', async () => {
    const r = await cli('analyze', pathOf('kws_ref_model'), '--sram', '256');
    assert.doesNotMatch(r.out, /Infinity/);
    assert.match(r.out, /flash not checked/);
    const f = await cli('analyze', pathOf('kws_ref_model'), '--flash', '1024');
    assert.doesNotMatch(f.out, /Infinity/);
    assert.match(f.out, /SRAM not checked/);
  });
});

describe('run: outputs by position', () => {
  test('output_<i>.bin and `index` are the output position; the tensor index has its own field', async () => {
    const { tinyInt8ConvNet } = await import('../helpers/fixtures');
    const { writeModel } = await import('../../src/model/io');
    const { existsSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-run-'));
    const graph = tinyInt8ConvNet();
    const path = join(dir, 'tiny.tflite');
    writeFileSync(path, writeModel(graph));
    writeFileSync(join(dir, 'in.bin'), new Uint8Array(64).fill(3));
    const tensorIndex = graph.subgraphs[0]!.outputs[0]!;
    assert.notEqual(tensorIndex, 0, 'the fixture must tell the two numbers apart');
    const r = await cli('run', path, '--input', join(dir, 'in.bin'), '--out-dir', join(dir, 'out'), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.outputs[0].index, 0);
    assert.equal(j.outputs[0].tensorIndex, tensorIndex);
    assert.equal(j.outputs[0].file, join(dir, 'out', 'output_0.bin'));
    assert.ok(existsSync(join(dir, 'out', 'output_0.bin')));
    assert.ok(!existsSync(join(dir, 'out', `output_${tensorIndex}.bin`)));
  });
});

describe('CLI usability', () => {
  test('<command> --help describes the command and each option', async () => {
    for (const c of COMMANDS_HELP) {
      const r = await cli(c.name, '--help');
      assert.equal(r.code, 0, c.name);
      assert.match(r.out, new RegExp(`^Usage: tinyml-lens ${c.name}`), c.name);
      assert.ok(r.out.includes(c.description), c.name);
      for (const o of c.options) assert.match(r.out, new RegExp(`--${o.name}\\b.*\\S`), `${c.name} --${o.name}`);
    }
    const analyze = (await cli('analyze', '--help')).out;
    assert.match(analyze, /--reserve-sram <KB>\s+SRAM the application needs besides the arena/);
    const overview = await cli('--help');
    for (const c of COMMANDS_HELP) assert.match(overview.out, new RegExp(`^  ${c.name}\\s+\\S`, 'm'));
  });

  test('an unknown option is called unknown, on one line', async () => {
    const r = await cli('analyze', 'model.tflite', '--frobnicate');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'tinyml-lens analyze: unknown option --frobnicate (see tinyml-lens analyze --help)\n');
    const v = await cli('analyze', 'model.tflite', '--frobnicate', 'x');
    assert.match(v.err, /unknown option --frobnicate/);
    const flag = await cli('targets', '--force');
    assert.match(flag.err, /unknown option --force/);
    // A known option without its value still says so.
    assert.match((await cli('analyze', 'model.tflite', '--target')).err, /--target needs a value/);
  });

  test('errors print one line, not the usage', async () => {
    for (const argv of [['analyze'], ['frobnicate'], ['compare', 'a.tflite'], ['quantize', 'a.tflite']]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
      assert.doesNotMatch(r.err, /Usage:/);
    }
  });
});

describe('SQNR, defined once: pooled over samples', () => {
  const run = (...outputs: number[][]): CapturedRun => ({ layers: [], outputs: outputs.map((o) => Float64Array.from(o)) });

  test('output agreement pools the sums over samples; it is no mean of per-sample dB', () => {
    // A loud sample with a small error and a quiet one with a relatively large error.
    const f = [run([10, -10, 10]), run([0.1, 0.1, -0.1])];
    const q = [run([10.01, -10, 10]), run([0.2, 0.1, -0.1])];
    const a = outputAgreement(f, q, false);
    const signal = 300 + 0.03;
    const noise = 0.01 ** 2 + 0.1 ** 2;
    assert.ok(Math.abs(a.sqnrDb - 10 * Math.log10(signal / noise)) < 1e-9);
    const perSample = (sqnrDb([10, -10, 10], [10.01, -10, 10]) + sqnrDb([0.1, 0.1, -0.1], [0.2, 0.1, -0.1])) / 2;
    assert.ok(Math.abs(a.sqnrDb - perSample) > 5, 'the old mean of per-sample dB was far from the pooled figure');
    const sums = emptySums();
    accumulate(sums, [10, -10, 10, 0.1, 0.1, -0.1], [10.01, -10, 10, 0.2, 0.1, -0.1]);
    assert.equal(a.sqnrDb, pooledSqnrDb(sums), 'the same number as one pooled run over all values');
    assert.ok(Math.abs(a.cosine - pooledCosine(sums)) < 1e-12);
    assert.equal(a.maxAbsError, sums.maxAbs);
  });

  test('top-1 agreement only for a classifier output', () => {
    const f = [run([0.1, 0.9]), run([0.8, 0.2])];
    const q = [run([0.2, 0.8]), run([0.4, 0.6])];
    assert.equal(outputAgreement(f, q, true).top1Agreement, 0.5);
    assert.ok(!('top1Agreement' in outputAgreement(f, q, false)));
  });

  test('the classifier rule: a SOFTMAX over one vector of scores', { skip: SKIP_SHARED }, () => {
    const graph = (name: string) => readModel(corpusModel(name));
    assert.equal(isClassifierOutput(graph('kws_ref_model_float32')), true);
    assert.equal(isClassifierOutput(graph('kws_ref_model')), true, 'through the int8 model too');
    assert.equal(isClassifierOutput(graph('vww_96_float')), true);
    assert.equal(isClassifierOutput(graph('ad01_fp32')), false, "an autoencoder's reconstruction is no class");
    assert.equal(isClassifierOutput(graph('hello_world_float')), false, 'one value');
  });

  test('compare: no top-1 agreement for a model without a classifier output', { skip: SKIP_SHARED }, async () => {
    const r = await cli('compare', pathOf('hello_world_float'), pathOf('hello_world_int8'), '--samples', '3');
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /top-1/);
    assert.doesNotMatch(r.out, /mean SQNR/);
    assert.match(r.out, /outputs over 3 random sample\(s\): SQNR -?[\d.]+ dB/);
    const j = JSON.parse((await cli('compare', pathOf('hello_world_float'), pathOf('hello_world_int8'), '--samples', '3', '--json')).out);
    assert.ok(!('top1Agreement' in j.agreement));
    assert.ok(!('meanSqnrDb' in j.agreement));
  });
});

describe('units and digits: one formatting module', () => {
  test('power in the unit that fits, ranges with their unit, no exponent notation', () => {
    assert.equal(formatPowerUw(3770), '3.77 mW');
    assert.equal(formatPowerUw(22.66), '22.7 µW');
    assert.equal(formatPowerUw(1.2e6), '1.20 W');
    assert.equal(formatDaysRange(8, 346), '8.0 days – 346 days');
    assert.equal(formatSignificant(3456, 2), '3500');
    assert.equal(formatSignificant(0.0012345, 2), '0.0012');
    assert.doesNotMatch(formatSignificant(1.234e9, 3), /e/);
  });

  test("an estimate's digits follow its band: two beside a ±20× band, three beside a narrow one", () => {
    assert.equal(bandDigits({ low: 171 / 20, high: 171 * 20 }), 2);
    assert.equal(bandDigits({ low: 150, high: 200 }), 3);
    assert.equal(formatMsEstimate(171.4, { low: 8.6, high: 3428 }), '170 ms');
    assert.equal(formatMsEstimate(171.4, { low: 150, high: 200 }), '171 ms');
    assert.equal(formatMsEstimate(0.04812, { low: 0.002, high: 0.9 }), '0.048 ms');
  });

  test('CLI estimate: per-layer milliseconds carry no more digits than their band allows', { skip: SKIP_SHARED }, async () => {
    // The reference kernels, as before CMSIS-NN became the Cortex-M default: their wide bands are what this checks.
    const argv = ['estimate', pathOf('kws_ref_model'), '--target', 'arduino-nano-33-ble-sense', '--kernels', 'reference'];
    const j = JSON.parse((await cli(...argv, '--json')).out);
    const text = (await cli(...argv)).out.split('\n');
    const head = text.findIndex((l) => l.startsWith('#  '));
    const col = text[head]!.indexOf('est. ms');
    j.layers.forEach((l: { latencyMs: number; latencyBandMs: { low: number; high: number } }, i: number) => {
      const cell = text[head + 1 + i]!.slice(col - 2, col + 7).trim();
      assert.equal(cell, formatSignificant(l.latencyMs, bandDigits(l.latencyBandMs)), text[head + 1 + i]);
      // Layers of only per-operator overhead (RESHAPE, SOFTMAX) now take ~0.03 ms: two digits are three decimals there.
      if (l.latencyMs >= 0.1) assert.doesNotMatch(cell, /^\d\.\d{3}$/);
    });
    const latency = text.find((l) => l.startsWith('Latency'))!;
    assert.ok(latency.includes(formatMsEstimate(j.latencyMs, j.latencyBandMs)), latency);
  });
});

describe('a cancelled quantization says so', { skip: SKIP_SHARED }, () => {
  test('the job: one message wherever it stops; the CLI: that sentence, exit 130, nothing written', async () => {
    const { quantizeJob, QUANTIZE_CANCELLED } = await import('../../src/jobs/quantize');
    const { quantizeCommand } = await import('../../src/cli/quantizeCommand');
    const { parseArgs } = await import('../../src/cli/args');
    const { Cancelled } = await import('../../src/errors');
    const { existsSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const model = pathOf('hello_world_float');
    for (const after of [0, 3, 40]) {
      let n = 0;
      await assert.rejects(
        quantizeJob({ modelPath: model, randomCalibration: true, samples: 20 }, { shouldStop: () => ++n > after, progress: () => undefined }),
        (e: unknown) => e instanceof Cancelled && e.message === QUANTIZE_CANCELLED,
        `stopped after ${after} checks`,
      );
    }
    const out = join(mkdtempSync(join(tmpdir(), 'tinyml-lens-cancel-')), 'm_int8.tflite');
    const err: string[] = [];
    let n = 0;
    const code = await quantizeCommand(
      parseArgs([model, '--random-calibration', '--samples', '20', '--out', out]),
      { out: () => undefined, err: (t) => err.push(t) },
      () => ++n > 3,
    );
    assert.equal(code, 130);
    assert.deepStrictEqual(err, ['tinyml-lens quantize: quantization was cancelled; nothing was written']);
    assert.ok(!existsSync(out));
  });
});

describe('the quantize headline', { skip: SKIP_SHARED }, () => {
  test("is the output layer's pooled SQNR, with no top-1 agreement for a model without a classifier output", async () => {
    const { quantizeCommand } = await import('../../src/cli/quantizeCommand');
    const { parseArgs } = await import('../../src/cli/args');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'tinyml-lens-headline-')), 'hw_int8.tflite');
    const lines: string[] = [];
    const code = await quantizeCommand(parseArgs([pathOf('hello_world_float'), '--random-calibration', '--samples', '16', '--out', out]), {
      out: (t) => lines.push(t),
      err: (t) => lines.push(t),
    });
    assert.equal(code, 0, lines.join('\n'));
    const text = lines.join('\n');
    assert.doesNotMatch(text, /top-1/);
    const report = JSON.parse(readFileSync(out.replace(/\.tflite$/, '.report.json'), 'utf8'));
    assert.equal(report.reportVersion, 2);
    const e = report.evaluation;
    assert.ok(!('top1Agreement' in e.output));
    const last = e.layers[e.layers.length - 1];
    assert.ok(Math.abs(e.output.sqnrDb - last.sqnrDb) < 1e-9, `headline ${e.output.sqnrDb} vs output row ${last.sqnrDb}`);
    assert.match(text, new RegExp(`output SQNR ${e.output.sqnrDb.toFixed(1)} dB`));
  });
});
