/**
 * Findings are data; their sentences come from one table of templates, rendered per surface.
 * The English rendering is the sentence the CLI and JSON have always printed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { jsonReport } from '../../src/cli/jsonReport';
import { CALIBRATION } from '../../src/estimate/defaultCalibration';
import { boardTarget } from '../../src/estimate/estimateTarget';
import { formatMs, formatMsWithBand } from '../../src/estimate/format';
import { latencyFinding } from '../../src/estimate/latencyBudget';
import { estimateModel } from '../../src/estimate/latencyModel';
import type { FitFinding } from '../../src/findings/finding';
import { fillTemplate, renderFinding, type FindingSurface } from '../../src/findings/render';
import { readModel, writeModel } from '../../src/model/io';
import { checkFit, customTarget } from '../../src/targets/fit';
import { REPO_ROOT } from '../helpers/corpus';
import { tinyInt8ConvNet } from '../helpers/fixtures';

const KB = 1024;
const peak = { index: 3, op: 'CONV_2D' };
const ko = JSON.parse(readFileSync(join(REPO_ROOT, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
/** What vscode.l10n.t does under a Korean VS Code, without VS Code. */
const KOREAN: FindingSurface = { localize: (template, args) => fillTemplate(ko[template] ?? template, args), escape: (s) => s };

describe('finding messages in English', () => {
  const cases: readonly (readonly [FitFinding, string])[] = [
    [
      {
        code: 'sram-over',
        severity: 'error',
        layer: 3,
        subgraph: 0,
        params: { arenaBytes: 300 * KB, reservedBytes: 16 * KB, sramBytes: 256 * KB, target: 'Nano', peak },
      },
      'Tensor arena 300 KB + 16 KB reserved exceeds 256 KB SRAM on Nano; peak at layer 3 CONV_2D',
    ],
    [
      {
        code: 'sram-near',
        severity: 'warning',
        layer: null,
        subgraph: 0,
        params: { arenaBytes: 235 * KB, reservedBytes: 0, usedBytes: 235 * KB, sramBytes: 256 * KB, target: 'Nano', peak: null },
      },
      'Tensor arena 235 KB uses 92% of 256 KB SRAM on Nano',
    ],
    [
      {
        code: 'sram-not-contiguous',
        severity: 'error',
        layer: 3,
        subgraph: 0,
        params: { arenaBytes: 200 * KB, contiguousBytes: 128 * KB, target: 'H7', peak },
      },
      'Tensor arena 200 KB is larger than the biggest contiguous SRAM block (128 KB) on H7; the arena cannot span banks; peak at layer 3 CONV_2D',
    ],
    [
      {
        code: 'flash-over',
        severity: 'error',
        layer: null,
        subgraph: 0,
        params: { modelBytes: 2 * KB * KB, reservedBytes: 64 * KB, flashBytes: 1024 * KB, target: 'Nano' },
      },
      'Model 2 MB + 64 KB reserved exceeds 1 MB flash on Nano',
    ],
    [
      {
        code: 'flash-near',
        severity: 'warning',
        layer: null,
        subgraph: 0,
        params: { modelBytes: 950 * KB, reservedBytes: 0, usedBytes: 950 * KB, flashBytes: 1024 * KB, target: 'Nano' },
      },
      'Model 950 KB uses 93% of 1 MB flash on Nano',
    ],
    [{ code: 'op-unsupported', severity: 'warning', layer: 0, subgraph: 0, params: { op: 'MyOp' } }, 'MyOp (layer 0) has no TensorFlow Lite Micro kernel'],
    [
      { code: 'op-unsupported', severity: 'warning', layer: 2, subgraph: 1, params: { op: 'MyOp' } },
      'MyOp (layer 2 of subgraph 1) has no TensorFlow Lite Micro kernel',
    ],
    [
      { code: 'hybrid-op', severity: 'error', layer: 1, subgraph: 0, params: { op: 'FULLY_CONNECTED' } },
      'FULLY_CONNECTED (layer 1) has int8 weights under float activations (dynamic-range quantization); TFLite Micro refuses hybrid models: quantize fully to int8',
    ],
    [
      { code: 'float-in-int8', severity: 'warning', layer: 2, subgraph: 0, params: { op: 'LOGISTIC' } },
      'LOGISTIC (layer 2) computes in float inside an int8 model: slow on an MCU without an FPU, and it costs 4 bytes per value',
    ],
    [
      {
        code: 'latency-over',
        severity: 'warning',
        layer: 3,
        subgraph: 0,
        params: { ms: 171, bandMs: { low: 56.7, high: 271 }, budgetMs: 100, target: 'Nano @ 64 MHz', slowest: { ...peak, ms: 42 } },
      },
      'Estimated latency 171 ms (expected 56.7 ms – 271 ms) exceeds the 100 ms real-time budget on Nano @ 64 MHz; slowest layer 3 CONV_2D (42.0 ms)',
    ],
  ];
  for (const [finding, english] of cases) {
    test(`${finding.code}${finding.subgraph > 0 ? ' in a subgraph' : ''}`, () => assert.equal(renderFinding(finding), english));
  }

  test('the latency finding reads as it did when the core built the sentence', () => {
    const bytes = writeModel(tinyInt8ConvNet());
    const estimate = estimateModel(analyzeModel(readModel(bytes), bytes.length), boardTarget(CALIBRATION, 'arduino-nano-33-ble-sense', 'reference'));
    const f = latencyFinding(estimate, estimate.total.ms / 2)!;
    const slowest = estimate.layers.reduce((a, b) => (b.ms > a.ms ? b : a));
    assert.equal(
      renderFinding(f),
      `Estimated latency ${formatMsWithBand(estimate.total.ms, estimate.total.bandMs)} exceeds the ${estimate.total.ms / 2} ms real-time budget on ${estimate.target.name}; slowest layer ${slowest.index} ${slowest.op} (${formatMs(slowest.ms)})`,
    );
    assert.equal(latencyFinding(estimate, estimate.total.ms * 2), undefined);
  });
});

describe('finding messages per surface', () => {
  const over: FitFinding = {
    code: 'sram-over',
    severity: 'error',
    layer: 3,
    subgraph: 0,
    params: { arenaBytes: 300 * KB, reservedBytes: 16 * KB, sramBytes: 256 * KB, target: 'Arduino Nano 33 BLE Sense', peak },
  };

  test('Korean, with the same numbers and op names', () => {
    assert.equal(
      renderFinding(over, KOREAN),
      '텐서 아레나(300 KB + 예약 16 KB)가 Arduino Nano 33 BLE Sense의 SRAM 용량(256 KB)을 초과합니다; 최대 사용 지점: 레이어 3 CONV_2D',
    );
    const late: FitFinding = {
      code: 'latency-over',
      severity: 'warning',
      layer: 3,
      subgraph: 0,
      params: { ms: 171, bandMs: { low: 56.7, high: 271 }, budgetMs: 100, target: 'Nano', slowest: { ...peak, ms: 42 } },
    };
    assert.equal(
      renderFinding(late, KOREAN),
      '추정 지연 시간(171 ms, 예상 범위 56.7 ms – 271 ms)이 Nano의 실시간 예산 100 ms를 초과합니다; 가장 느린 레이어: 3 CONV_2D (42.0 ms)',
    );
  });

  test('a model-controlled op name cannot break the text: controls and bidi overrides are escaped', () => {
    const evil: FitFinding = { code: 'op-unsupported', severity: 'warning', layer: 0, subgraph: 0, params: { op: 'Op\u001b[2J\nerror: fake\u202e' } };
    assert.equal(renderFinding(evil), 'Op\\u001b[2J\\u000aerror: fake\\u202e (layer 0) has no TensorFlow Lite Micro kernel');
  });

  test('a placeholder inside a value is not filled again', () => {
    const f: FitFinding = { code: 'op-unsupported', severity: 'warning', layer: 0, subgraph: 0, params: { op: '{layer}' } };
    assert.equal(renderFinding(f), '{layer} (layer 0) has no TensorFlow Lite Micro kernel');
  });

  test('JSON diagnostics keep the English message and add the parameters', () => {
    const bytes = writeModel(tinyInt8ConvNet());
    const analysis = analyzeModel(readModel(bytes), bytes.length);
    const verdict = checkFit(analysis, customTarget(1024, 1024 * 1024));
    const [d] = jsonReport(analysis, verdict).target!.diagnostics;
    assert.equal(d!.code, 'sram-over');
    assert.equal(d!.message, renderFinding(verdict.findings[0]!));
    // Parameters are numbers, formatted by each renderer, never pre-formatted strings.
    const peakLayer = analysis.layers.find((l) => l.index === analysis.arena.peakLayer)!;
    assert.deepStrictEqual(d!.params, {
      arenaBytes: analysis.arena.totalBytes,
      reservedBytes: 0,
      sramBytes: 1024,
      target: 'custom budget',
      peak: { index: peakLayer.index, op: peakLayer.op },
    });
  });
});
