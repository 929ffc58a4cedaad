/**
 * The analysis', estimator's and quantizer's notices are data, like findings: one English
 * template per code, the sentence the CLI, the JSON and the report have always printed, and
 * a Korean rendering through the same l10n bundle as VS Code uses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { planArena } from '../../src/analysis/arenaPlan';
import { jsonReport } from '../../src/cli/jsonReport';
import { CALIBRATION } from '../../src/estimate/defaultCalibration';
import { coreTarget } from '../../src/estimate/estimateTarget';
import { estimateModel } from '../../src/estimate/latencyModel';
import { matchProfile, parseProfilerLog } from '../../src/estimate/profilerLog';
import { NOTICE_MESSAGES } from '../../src/findings/messages';
import type { NoticeCode, NoticeOf, QuantizedKind } from '../../src/findings/notice';
import { fillTemplate, plainText, type FindingSurface } from '../../src/findings/render';
import { englishNotices, renderNotice } from '../../src/findings/renderNotice';
import { readModel, writeModel } from '../../src/model/io';
import { toSource } from '../../src/quantize/calibrate';
import { tryEvaluate } from '../../src/quantize/evaluate';
import { REPO_ROOT } from '../helpers/corpus';
import { chainModel, customOpModel } from '../helpers/fixtures';

const ko = JSON.parse(readFileSync(join(REPO_ROOT, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
/** What vscode.l10n.t does under a Korean VS Code, without VS Code; plain-text escaping as in the Problems panel. */
const KOREAN: FindingSurface = { localize: (template, args) => fillTemplate(ko[template] ?? template, args), escape: plainText };

/** One example of every code with the sentence the code printed before notices were data. */
const EXAMPLES: { readonly [C in NoticeCode]: readonly [NoticeOf<C>, string] } = {
  'offline-plan-not-words': [
    { code: 'offline-plan-not-words', params: { bytes: 10 } },
    'OfflineMemoryAllocation metadata is 10 bytes, not a list of int32 words; planning online',
  ],
  'offline-plan-count': [
    { code: 'offline-plan-count', params: { offsets: 2, tensors: 5 } },
    'OfflineMemoryAllocation lists 2 offsets but the model has 5 tensors; TFLM would refuse it. Planning online',
  ],
  'offline-plan-negative': [
    { code: 'offline-plan-negative', params: { tensor: 3, offset: -16 } },
    'OfflineMemoryAllocation gives tensor 3 the offset -16, outside the arena (only -1, "plan at runtime", may be negative)',
  ],
  'offline-plan-misaligned': [
    { code: 'offline-plan-misaligned', params: { name: 'a', subgraph: 0, tensor: 1, offset: 8, alignment: 16 } },
    'OfflineMemoryAllocation gives "a" (subgraph 0, tensor 1) the offset 8, not a multiple of 16: its data would be misaligned',
  ],
  'offline-plan-overlap': [
    { code: 'offline-plan-overlap', params: { nameA: 'input', subgraphA: 0, tensorA: 0, offsetA: 0, nameB: 'a', subgraphB: 0, tensorB: 1, offsetB: 0 } },
    'OfflineMemoryAllocation puts "input" (subgraph 0, tensor 0) at 0 and "a" (subgraph 0, tensor 1) at 0: they share bytes while both are alive, so TFLM would let one overwrite the other',
  ],
  'offline-plan-more': [{ code: 'offline-plan-more', params: { count: 2 } }, 'OfflineMemoryAllocation has 2 more such problems'],
  'persistent-unverified': [
    { code: 'persistent-unverified', params: { ops: ['LSTM', 'SVDF'], errorBytes: 64 } },
    'persistent bytes assume kernel data for LSTM, SVDF (±64 bytes)',
  ],
  'kernels-reference-core': [
    { code: 'kernels-reference-core', params: { core: 'xtensa-lx6' } },
    "TFLM's reference kernels: CMSIS-NN is written for Arm Cortex-M cores, and xtensa-lx6 is not one",
  ],
  'cost-unknown': [{ code: 'cost-unknown', params: { ops: ['MyVendorOp'] } }, 'cost of MyVendorOp unknown: only their invocation overhead is counted'],
  'subgraphs-per-call': [
    { code: 'subgraphs-per-call', params: {} },
    'layers of subgraphs other than 0 are listed per call and left out of the total (how often control flow calls them is not known statically)',
  ],
  'float-layers': [
    { code: 'float-layers', params: { layers: 3, softFloat: { factor: 8, core: 'Cortex-M0+' } } },
    "3 float layer(s) run TFLM's reference float kernels in software floating point (×8, no FPU on Cortex-M0+); float costs are extrapolated from the int8 calibration",
  ],
  'hybrid-layers': [{ code: 'hybrid-layers', params: {} }, 'hybrid (dynamic-range) layers: TFLM refuses them; the estimate assumes they ran'],
  extrapolated: [
    { code: 'extrapolated', params: { core: 'Cortex-M55', kernels: 'cmsis-nn', derivation: 'M4F ×0.8' } },
    'no measured row for Cortex-M55 with cmsis-nn kernels: extrapolated (M4F ×0.8), wider band',
  ],
  'other-board': [{ code: 'other-board', params: {} }, "core calibrated on another board: band widened for this board's memory system"],
  'estimate-needs-board': [{ code: 'estimate-needs-board', params: {} }, 'latency is estimated for boards, not for custom budgets'],
  'energy-bare-core': [{ code: 'energy-bare-core', params: {} }, 'no board power facts for a bare core (use --target <board>)'],
  'energy-placeholder': [{ code: 'energy-placeholder', params: { board: 'Corstone-300' } }, 'the power figures of Corstone-300 are placeholders'],
  'profile-negative-ticks': [{ code: 'profile-negative-ticks', params: { events: 2 } }, '2 event(s) with negative ticks (timer wrapped?) ignored'],
  'profile-per-tag-only': [
    { code: 'profile-per-tag-only', params: {} },
    'only per-tag totals found (LogTicksPerTagCsv): layers cannot be matched one by one; use MicroProfiler::Log or LogCsv',
  ],
  'profile-truncated': [{ code: 'profile-truncated', params: { runs: 4 } }, 'log too long to align in full: only the first 4 invocation(s) are used'],
  'profile-wrong-model': [{ code: 'profile-wrong-model', params: {} }, 'no profiler event names an op of this model: is it the right model?'],
  'profile-empty': [{ code: 'profile-empty', params: {} }, 'no profiler events found'],
  'profile-unmatched': [
    { code: 'profile-unmatched', params: { layers: 2, ops: ['RESHAPE', 'SOFTMAX'] } },
    '2 layer(s) have no profiler event (RESHAPE, SOFTMAX)',
  ],
  'profile-median': [{ code: 'profile-median', params: { runs: 3 } }, '3 invocations in the log: per-layer ticks are the median over them'],
  'profile-ticks-as-cycles': [
    { code: 'profile-ticks-as-cycles', params: { clockMHz: 80 } },
    "profiler ticks taken as CPU cycles at 80 MHz (TFLM's Cortex-M timer counts cycles when DWT is enabled); pass ticks per ms if your timer differs",
  ],
  'samples-short': [
    { code: 'samples-short', params: { asked: 50, available: 12, heldOut: 2 } },
    '50 calibration samples were asked for; the data holds 12, 2 of them held out',
  ],
  'no-held-out': [{ code: 'no-held-out', params: {} }, 'no held-out samples: the report has no per-layer error (give more calibration files)'],
  'non-finite': [
    { code: 'non-finite', params: { tensor: 'conv/Relu', values: 7 } },
    'tensor "conv/Relu" had 7 non-finite value(s) during calibration; they were ignored',
  ],
  'random-calibration': [
    { code: 'random-calibration', params: {} },
    'calibrated on random data: the ranges do not reflect real inputs, so the int8 model may be far less accurate than one calibrated on real samples',
  ],
  'few-samples': [
    { code: 'few-samples', params: { samples: 3 } },
    'only 3 calibration sample(s): ranges from so few samples may miss values real inputs reach',
  ],
  'auto-unmeasured': [
    { code: 'auto-unmeasured', params: { reason: null, kept: 'minmax' } },
    'auto ranges: no candidate could be measured (no candidates); kept minmax',
  ],
  'auto-in-sample': [
    { code: 'auto-in-sample', params: { samples: 2 } },
    'auto ranges: with only 2 calibration sample(s) none could be kept apart, so the candidates were compared on the calibration samples themselves',
  ],
  'not-evaluated': [
    { code: 'not-evaluated', params: { why: { code: 'evaluation-refused', params: { error: 'no kernel' } } } },
    'not evaluated: our runtime cannot run the int8 model: no kernel',
  ],
  'evaluation-no-held-out': [{ code: 'evaluation-no-held-out', params: {} }, 'no held-out samples were given'],
  'evaluation-refused': [
    { code: 'evaluation-refused', params: { error: 'no kernel for MyVendorOp' } },
    'our runtime cannot run the int8 model: no kernel for MyVendorOp',
  ],
  'energy-formula': [
    { code: 'energy-formula', params: { microAmpsPerMHz: 112, clockMHz: 80, volts: 3.3, source: 'datasheet', overheadUj: 0 } },
    '112 µA/MHz × 80 MHz × 3.3 V (datasheet) × estimated latency',
  ],
  'profile-fitted': [
    { code: 'profile-fitted', params: { model: 'kws.tflite', layers: 13, ticks: { source: 'printed-ms', ticksPerMs: 80012.345 } } },
    'fitted to a MicroProfiler log of kws.tflite on this board (13 layers; ticks at 80012.3 per ms from the printed ms)',
  ],
  'dequantize-folded': [{ code: 'dequantize-folded', params: { ops: 4 } }, '4 DEQUANTIZE op(s) of constant weights folded into float32 constants'],
  'hybrid-dequantized': [
    { code: 'hybrid-dequantized', params: { tensors: 5 } },
    '5 int8 weight tensor(s) of a hybrid (dynamic-range) model dequantized to float32',
  ],
  'weights-reused': [{ code: 'weights-reused', params: { tensors: 5 } }, '5 int8 weight tensor(s) of the hybrid source reused exactly (no second rounding)'],
  'comparison-float': [
    { code: 'comparison-float', params: { count: 2, layers: [3, 7] } },
    "2 comparison layer(s) kept in float (layer 3, 7): an int8 input's range is wider than about 255, so its scale would be 1 or more, which TFLite Micro's int8 comparison aborts on",
  ],
  'bias-widened': [
    { code: 'bias-widened', params: { channels: 3, layers: 1 } },
    "weight scales widened on 3 channel(s) of 1 layer(s) so their bias fits int32 (the converter's bias-scale check)",
  ],
  'weights-per-tensor': [
    { code: 'weights-per-tensor', params: { layers: 2 } },
    "FULLY_CONNECTED weights per tensor in 2 int16 layer(s), not per channel as asked: the target's CMSIS-NN kernel refuses per-channel weights with an int16 input",
  ],
  'evaluation-on-calibration': [
    { code: 'evaluation-on-calibration', params: { samples: 20 } },
    "no evaluation data was given: the report's figures are measured on 20 of the calibration samples, which the model was fitted to, so they look better than on new data; give evaluation data for an honest measure",
  ],
  'input-range': [
    { code: 'input-range', params: { input: 'x', min: 0, max: 255, expectedMin: 0, expectedMax: 1, from: 'm_int8.tflite' } },
    'calibration input "x" spans [0, 255], but the model expects about [0, 1] (m_int8.tflite); .npy and raw files are used as they are, never normalized',
  ],
  'bias-corrected': [
    { code: 'bias-corrected', params: { layers: 4, samples: 32 } },
    'bias correction: int32 biases of 4 layer(s) moved by the mean error of their output channels on 32 calibration samples',
  ],
  'weights-rounded': [
    { code: 'weights-rounded', params: { layers: 3, weights: 120, samples: 32 } },
    'data-driven rounding: 120 weight(s) of 3 layer(s) rounded the other way than to nearest, to lower the layer output error on 32 calibration samples',
  ],
};

describe('notices in English', () => {
  for (const [notice, english] of Object.values(EXAMPLES)) {
    test(notice.code, () => assert.equal(renderNotice(notice), english));
  }

  test('the variants: a core with an FPU, a skipped candidate with its reason', () => {
    assert.equal(
      renderNotice({ code: 'float-layers', params: { layers: 1, softFloat: null } }),
      "1 float layer(s) run TFLM's reference float kernels; float costs are extrapolated from the int8 calibration",
    );
    assert.equal(
      renderNotice({ code: 'auto-unmeasured', params: { reason: 'our runtime cannot run it: x', kept: 'mse' } }),
      'auto ranges: no candidate could be measured (our runtime cannot run it: x); kept mse',
    );
  });

  test('a refused evaluation names the kind of model quantized (int8 when a stored code has none)', () => {
    const refused = (kind?: QuantizedKind) => renderNotice({ code: 'evaluation-refused', params: { error: 'e', ...(kind ? { kind } : {}) } });
    assert.equal(refused(), 'our runtime cannot run the int8 model: e');
    assert.equal(refused('int8'), 'our runtime cannot run the int8 model: e');
    assert.equal(refused('16x8'), 'our runtime cannot run the 16x8 model: e');
    assert.equal(refused('mixed'), 'our runtime cannot run the mixed-precision model: e');
    assert.equal(
      renderNotice({ code: 'evaluation-refused', params: { error: 'e', kind: 'mixed' } }, KOREAN),
      '내장 런타임이 혼합 정밀도 모델을 실행할 수 없습니다: e',
    );
  });

  test('the energy overhead and the other tick sources', () => {
    assert.equal(
      renderNotice({ code: 'energy-formula', params: { microAmpsPerMHz: 50, clockMHz: 64, volts: 1.8, source: 'estimate', overheadUj: 12 } }),
      '50 µA/MHz × 64 MHz × 1.8 V (estimate) × estimated latency + 12 µJ overhead',
    );
    assert.equal(
      renderNotice({ code: 'profile-fitted', params: { model: null, layers: 2, ticks: { source: 'cpu-cycles' } } }),
      'fitted to a MicroProfiler log of a model on this board (2 layers; ticks taken as CPU cycles)',
    );
    assert.equal(
      renderNotice({ code: 'profile-fitted', params: { model: 'm', layers: 2, ticks: { source: 'given', ticksPerMs: 1000 } } }),
      'fitted to a MicroProfiler log of m on this board (2 layers; ticks at 1000 per ms (given))',
    );
  });

  test('a name from the model cannot smuggle a terminal escape or a line break into the text', () => {
    const text = renderNotice({ code: 'non-finite', params: { tensor: 'a\u001b[2Jb\nc\u202e', values: 1 } });
    assert.equal(text, 'tensor "a\\u001b[2Jb\\u000ac\\u202e" had 1 non-finite value(s) during calibration; they were ignored');
    const ops = renderNotice({ code: 'cost-unknown', params: { ops: ['X\r', 'Y'] } }, KOREAN);
    assert.match(ops, /^X\\u000d, Y/);
  });
});

describe('notices in Korean', () => {
  for (const [notice, english] of Object.values(EXAMPLES)) {
    test(notice.code, () => {
      const korean = renderNotice(notice, KOREAN);
      assert.notEqual(korean, english);
      assert.match(korean, /[가-힣]/);
      // Every placeholder filled, and the numbers and names of the English sentence kept.
      assert.doesNotMatch(korean, /\{\w+\}/);
      for (const token of english.match(/\d+|Cortex-M\w+\+?|[A-Z][A-Z_]{3,}|MyVendorOp|conv\/Relu|minmax/g) ?? [])
        assert.ok(korean.includes(token), `${token} in ${korean}`);
    });
  }
});

describe('the producers give codes beside their English sentences', () => {
  test('an evaluation our runtime refuses, with the kind it was given', async () => {
    const g = customOpModel();
    const input = new Uint8Array(new Float32Array(10).buffer);
    const ev = await tryEvaluate(g, g, toSource([[input]]), 'tflm', {}, '16x8');
    assert.ok('skipped' in ev);
    assert.equal(ev.skippedCode.code, 'evaluation-refused');
    assert.match(ev.skipped, /^our runtime cannot run the 16x8 model: /);
  });

  test('the arena plan', () => {
    const plan = planArena(chainModel([0, 4096]));
    assert.deepStrictEqual(plan.warningCodes, [{ code: 'offline-plan-count', params: { offsets: 2, tensors: 5 } }]);
    assert.deepStrictEqual(plan.warnings, englishNotices(plan.warningCodes));
  });

  test('the analysis and its JSON: warnings stay strings, warningCodes beside them', () => {
    const bytes = writeModel(chainModel([0, 4096]));
    const a = analyzeModel(readModel(bytes), bytes.length);
    const json = jsonReport(a, undefined);
    assert.deepStrictEqual(json.warnings, englishNotices(json.warningCodes));
    assert.equal(json.warningCodes[0]?.code, 'offline-plan-count');
    assert.equal(typeof json.warnings[0], 'string');
  });

  test('the estimate and the profiler log', () => {
    const bytes = writeModel(customOpModel());
    const a = analyzeModel(readModel(bytes), bytes.length);
    const est = estimateModel(a, coreTarget(CALIBRATION, 'cortex-m55', 100, 'cmsis-nn'));
    assert.deepStrictEqual(
      est.warningCodes.map((w) => w.code),
      ['cost-unknown', 'float-layers', 'extrapolated'],
    );
    assert.deepStrictEqual(est.warnings, englishNotices(est.warningCodes));
    const parsed = parseProfilerLog('nothing to see');
    const m = matchProfile(a, parsed);
    assert.deepStrictEqual(m.warningCodes, [{ code: 'profile-empty', params: {} }]);
    assert.deepStrictEqual(m.warnings, ['no profiler events found']);
  });
});

test('the catalog has one template per code, and every example above is one of them', () => {
  assert.deepStrictEqual(Object.keys(NOTICE_MESSAGES).sort(), Object.keys(EXAMPLES).sort());
});
