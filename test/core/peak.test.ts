/**
 * One peak: the timeline's tallest column, the table's ◆ and the findings' layer are the same
 * layer, and the tallest column is the arena the verdict compares with the budget.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { timelinePeak } from '../../src/analysis/peak';
import { readModel } from '../../src/model/io';
import { checkFit, customTarget } from '../../src/targets/fit';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';

function analyze(name: string) {
  const bytes = corpusModel(name);
  return analyzeModel(readModel(bytes), bytes.length);
}

test('vww_96_float: the peak marker is the tallest column, and it is the arena the verdict compares', { skip: SKIP_SHARED }, () => {
  const a = analyze('vww_96_float');
  const peak = timelinePeak(a);
  const tallest = Math.max(...peak.columns.map((c) => c.bytes));
  assert.equal(peak.bytes, tallest);
  assert.equal(peak.columns.find((c) => c.layer.index === peak.layer)?.bytes, tallest);
  assert.equal(peak.bytes, a.arena.totalBytes);
  assert.equal(peak.layer, a.arena.peakLayer);
  // The finding names the same layer.
  const verdict = checkFit(a, customTarget(64 * 1024, 4 << 20), { sramBytes: 16 * 1024, flashBytes: 0 });
  const over = verdict.findings.find((f) => f.code === 'sram-over');
  assert.equal(over?.layer, peak.layer);
});

test('KWS on a 32 KB budget: a column stands above the line (SRAM less the reserve) exactly when the verdict says it does not fit', {
  skip: SKIP_SHARED,
}, () => {
  const a = analyze('kws_ref_model');
  const peak = timelinePeak(a);
  for (const sram of [24, 32, 38, 39, 64]) {
    const reserve = { sramBytes: 16 * 1024, flashBytes: 0 };
    const verdict = checkFit(a, customTarget(sram * 1024, 4 << 20), reserve);
    const line = sram * 1024 - reserve.sramBytes;
    assert.equal(peak.bytes > line, verdict.sramUsedBytes > verdict.target.sramBytes, `${sram} KB`);
  }
});

test('every shared model: timelinePeak agrees with arena.peakLayer and arena.totalBytes', { skip: SKIP_SHARED }, () => {
  for (const { name } of corpusModels()) {
    const a = analyze(name);
    const peak = timelinePeak(a);
    assert.equal(peak.layer, a.arena.peakLayer, name);
    assert.equal(peak.bytes, a.arena.totalBytes, name);
  }
});
