/**
 * The latency estimator against the measured MLPerf Tiny rows it was fitted on, and the shipped
 * coefficients against the procedure that produced them. Needs ../shared (skips otherwise).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel, type ModelAnalysis } from '../../src/analysis/analyzeModel';
import { runCalibration, BENCHMARK_MODELS } from '../../src/estimate/calibration';
import { formatCalibrationReport } from '../../src/estimate/calibrationReport';
import { CALIBRATION } from '../../src/estimate/defaultCalibration';
import { estimateEnergy } from '../../src/estimate/energy';
import { boardTarget, calibrationTarget, coreTarget } from '../../src/estimate/estimateTarget';
import { estimateModel } from '../../src/estimate/latencyModel';
import type { Term } from '../../src/estimate/features';
import { BOARDS } from '../../src/targets/boards';
import { corpusModel, SHARED_DIR, SKIP_SHARED } from '../helpers/corpus';
import { readModel } from '../../src/model/io';

const cache = new Map<string, ModelAnalysis>();
function analysis(name: string): ModelAnalysis {
  let a = cache.get(name);
  if (!a) {
    const bytes = corpusModel(name);
    a = analyzeModel(readModel(bytes), bytes.length);
    cache.set(name, a);
  }
  return a;
}

describe('estimator on the calibration rows', { skip: SKIP_SHARED }, () => {
  test('the shipped coefficients are what the fit procedure produces from the shared CSV', () => {
    const csv = readFileSync(join(SHARED_DIR, 'mlperf_tiny_results.csv'), 'utf8');
    const names = [...Object.values(BENCHMARK_MODELS), 'person_detect', 'micro_speech_quantized'];
    const data = runCalibration({ csv, analyses: Object.fromEntries(names.map((n) => [n, analysis(n)])) });
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
    for (const lib of ['reference', 'cmsis-nn'] as const)
      for (const [k, v] of Object.entries(data.libraries[lib])) close(v, CALIBRATION.libraries[lib][k as Term], `${lib}.${k}`);
    data.rows.forEach((r, i) => {
      close(r.fittedMs, CALIBRATION.rows[i]!.fittedMs, `fitted ${r.platform} ${r.benchmark}`);
      close(r.looMs, CALIBRATION.rows[i]!.looMs, `loo ${r.platform} ${r.benchmark}`);
    });
    assert.match(formatCalibrationReport(data), /Leave-one-out, all 12 rows: n=12/);
  });

  test('12 rows: TFLM reference on RISC-V, CMSIS-NN on the L4R5 (M4F) and RA6M4 (M33); RX65N kept out', () => {
    assert.equal(CALIBRATION.rows.length, 12);
    assert.deepStrictEqual([...new Set(CALIBRATION.rows.map((r) => r.platform))].sort(), ['ek-ra6m4', 'nucleo-l4r5zi', 'pcl-scepu02']);
    assert.ok(CALIBRATION.excludedRows.some((r) => r.includes('RX65N') && r.includes('modified')));
    assert.equal(CALIBRATION.loo.all.n, 12);
  });

  test('leave-one-out error as reported: within ×/÷1.6 for every row, rms below 0.25 (ln)', () => {
    for (const r of CALIBRATION.rows)
      assert.ok(Math.abs(Math.log(r.looMs / r.measuredMs)) < Math.log(1.6), `${r.platform} ${r.benchmark}: LOO ${r.looMs} vs ${r.measuredMs}`);
    assert.ok(CALIBRATION.loo.all.rmsLog < 0.25, `LOO rms ${CALIBRATION.loo.all.rmsLog}`);
    assert.ok(CALIBRATION.fit.all.rmsLog <= CALIBRATION.loo.all.rmsLog);
  });

  for (const row of CALIBRATION.rows) {
    test(`${row.benchmark} on ${row.platform}: measured ${row.measuredMs} ms inside the estimate's band`, () => {
      const target = calibrationTarget(CALIBRATION, row.platform);
      const est = estimateModel(analysis(row.model), target);
      // The estimator and the fit compute the same thing.
      assert.ok(Math.abs(est.total.ms / row.fittedMs - 1) < 1e-3, `estimator ${est.total.ms} vs fit ${row.fittedMs}`);
      assert.ok(
        est.total.bandMs.low <= row.measuredMs && row.measuredMs <= est.total.bandMs.high,
        `${row.measuredMs} not in [${est.total.bandMs.low}, ${est.total.bandMs.high}]`,
      );
      assert.equal(est.target.basis, 'calibrated');
      const board = BOARDS.find((b) => b.id === row.platform);
      if (board) {
        const viaBoard = estimateModel(analysis(row.model), boardTarget(CALIBRATION, board.id, 'cmsis-nn'));
        assert.ok(Math.abs(viaBoard.total.ms / est.total.ms - 1) < 1e-9, 'board target at its max clock is the calibration platform');
      }
    });
  }

  test('published measurements outside the fit: the anchors are reproduced, every check lies inside its band', () => {
    for (const p of CALIBRATION.published) {
      const target =
        p.board && p.clockMHz === BOARDS.find((b) => b.id === p.board)?.maxClockMHz
          ? boardTarget(CALIBRATION, p.board, p.kernels)
          : p.board
            ? boardTarget(CALIBRATION, p.board, p.kernels, p.clockMHz)
            : coreTarget(CALIBRATION, p.core, p.clockMHz, p.kernels);
      const est = estimateModel(analysis(p.model), target);
      if (p.use === 'anchor' && (p.board || p.core !== 'rv32imc'))
        assert.ok(Math.abs(est.total.ms / p.measuredMs - 1) < 1e-5, `${p.id}: anchor reproduces ${p.measuredMs} ms, got ${est.total.ms}`);
      assert.ok(
        est.total.bandMs.low <= p.measuredMs && p.measuredMs <= est.total.bandMs.high,
        `${p.id}: ${p.measuredMs} ms not in [${est.total.bandMs.low}, ${est.total.bandMs.high}] (estimate ${est.total.ms})`,
      );
    }
  });

  test('energy per inference against the measured energy rows (ST reference at 1.8 V, RA6M4 at 3.0 V)', () => {
    const rows = CALIBRATION.rows.filter((r) => r.measuredEnergyUj !== undefined);
    assert.equal(rows.length, 8);
    for (const row of rows) {
      const target = calibrationTarget(CALIBRATION, row.platform);
      const est = estimateModel(analysis(row.model), target);
      const e = estimateEnergy({ ms: est.total.ms, band: est.total.band }, target.power!, target.clockMHz, { volts: row.supplyVolts! })!;
      assert.ok(
        e.bandUj.low <= row.measuredEnergyUj! && row.measuredEnergyUj! <= e.bandUj.high,
        `${row.platform} ${row.benchmark}: ${row.measuredEnergyUj} µJ not in [${e.bandUj.low}, ${e.bandUj.high}]`,
      );
      // Honest about the bias: the datasheet run current underestimates inference power.
      assert.ok(e.uj < row.measuredEnergyUj!, `${row.platform} ${row.benchmark}: datasheet-based ${e.uj} µJ should be below measured ${row.measuredEnergyUj}`);
    }
    for (const c of CALIBRATION.energy) assert.ok(c.ratio > 1.1 && c.ratio < 1.8, `${c.platform} ${c.benchmark} measured/datasheet power ${c.ratio}`);
  });
});
