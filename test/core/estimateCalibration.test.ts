/**
 * The latency estimator against the measured MLPerf Tiny rows it was fitted on, and the shipped
 * coefficients against the procedure that produced them. Needs ../shared (skips otherwise).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel, type ModelAnalysis } from '../../src/analysis/analyzeModel';
import { runCalibration, BENCHMARK_MODELS, mlperfRows } from '../../src/estimate/calibration';
import { formatCalibrationReport } from '../../src/estimate/calibrationReport';
import { CALIBRATION } from '../../src/estimate/defaultCalibration';
import { estimateEnergy } from '../../src/estimate/energy';
import { boardTarget, calibrationTarget, coreTarget } from '../../src/estimate/estimateTarget';
import { estimateModel } from '../../src/estimate/latencyModel';
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
  test('the shipped constants are what the fit procedure produces from the shared CSV', () => {
    const csv = readFileSync(join(SHARED_DIR, 'mlperf_tiny_results.csv'), 'utf8');
    const names = [...Object.values(BENCHMARK_MODELS), 'person_detect', 'micro_speech_quantized'];
    const data = runCalibration({ csv, analyses: Object.fromEntries(names.map((n) => [n, analysis(n)])) });
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
    const c = CALIBRATION.constants;
    close(data.constants.efficiency['cmsis-nn'], c.efficiency['cmsis-nn'], 'efficiency.cmsis-nn');
    close(data.constants.efficiency.reference, c.efficiency.reference, 'efficiency.reference');
    close(data.constants.flashExposed, c.flashExposed, 'flashExposed');
    close(data.constants.operatorCycles, c.operatorCycles, 'operatorCycles');
    data.rows.forEach((r, i) => {
      close(r.predictedMs, CALIBRATION.rows[i]!.predictedMs, `fitted ${r.platform} ${r.benchmark}`);
      close(r.looMs!, CALIBRATION.rows[i]!.looMs!, `loo ${r.platform} ${r.benchmark}`);
    });
    data.heldOut.forEach((r, i) => close(r.predictedMs, CALIBRATION.heldOut[i]!.predictedMs, `held out ${r.platform} ${r.benchmark}`));
    assert.match(formatCalibrationReport(data), /Held out \(v1.0 CMSIS-NN rows, never fitted on\): n=8/);
  });

  test('fit on the earlier rounds (12 rows), held out: the v1.0 CMSIS-NN rows on M4F and M33 (8 rows); RX65N kept out', () => {
    assert.equal(CALIBRATION.rows.length, 12);
    assert.deepStrictEqual([...new Set(CALIBRATION.rows.map((r) => r.version))].sort(), ['v0.5', 'v0.7']);
    assert.deepStrictEqual([...new Set(CALIBRATION.rows.map((r) => r.platform))].sort(), ['ek-ra6m4', 'nucleo-l4r5zi', 'pcl-scepu02']);
    assert.equal(CALIBRATION.heldOut.length, 8);
    assert.deepStrictEqual([...new Set(CALIBRATION.heldOut.map((r) => r.version))], ['v1.0']);
    assert.deepStrictEqual([...new Set(CALIBRATION.heldOut.map((r) => r.core))].sort(), ['cortex-m33', 'cortex-m4f']);
    assert.ok(CALIBRATION.excludedRows.some((r) => r.includes('RX65N') && r.includes('RXv2')));
    assert.equal(CALIBRATION.loo.all.n, 12);
  });

  test('held-out MAPE, recomputed here from the CSV through the estimator: ≤ 13% per core (reported 12.1%), under the 30% bar', () => {
    const csv = readFileSync(join(SHARED_DIR, 'mlperf_tiny_results.csv'), 'utf8');
    const held = mlperfRows(csv).filter((r) => r.software_stack === 'microTVM + CMSIS-NN');
    assert.equal(held.length, 8);
    const byCore = new Map<string, number[]>();
    for (const r of held) {
      const id = r.system_id === 'microtvm_cmsis_nn/NRF5340-DK' ? 'microtvm-nrf5340' : 'microtvm-l4r5zi';
      const target = calibrationTarget(CALIBRATION, id);
      assert.equal(target.clockMHz, Number(r.clock_MHz));
      assert.equal(target.platformScale, 1, 'a held-out platform has no scale of its own');
      const est = estimateModel(analysis(BENCHMARK_MODELS[r.benchmark!]!), target);
      const measured = Number(r.latency_ms);
      byCore.set(r.core!, [...(byCore.get(r.core!) ?? []), (100 * Math.abs(est.total.ms - measured)) / measured]);
    }
    const mape = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    for (const [core, errs] of byCore) {
      assert.ok(mape(errs) <= 13, `${core}: held-out MAPE ${mape(errs).toFixed(1)}%`);
      assert.ok(Math.abs(mape(errs) - CALIBRATION.heldOutError.byCore[core === 'Cortex-M33' ? 'cortex-m33' : 'cortex-m4f']!.mape) < 1e-3);
    }
    assert.ok(CALIBRATION.heldOutError.all.mape <= 13);
    // Leave-one-out on the fit rows, as reported (the older v0.5 M4F stack fits worst).
    assert.ok(CALIBRATION.loo.byCore['cortex-m33']!.mape <= 18, `M33 LOO ${CALIBRATION.loo.byCore['cortex-m33']!.mape}`);
    assert.ok(CALIBRATION.loo.byCore['cortex-m4f']!.mape <= 44, `M4F LOO ${CALIBRATION.loo.byCore['cortex-m4f']!.mape}`);
    assert.ok(CALIBRATION.loo.byCore.rv32imc!.mape <= 27, `RV32 LOO ${CALIBRATION.loo.byCore.rv32imc!.mape}`);
    assert.ok(CALIBRATION.fit.all.rmsLog <= CALIBRATION.loo.all.rmsLog);
  });

  for (const row of CALIBRATION.rows) {
    test(`${row.benchmark} on ${row.platform}: measured ${row.measuredMs} ms inside the estimate's band`, () => {
      const target = calibrationTarget(CALIBRATION, row.platform);
      const est = estimateModel(analysis(row.model), target);
      // The estimator and the fit compute the same thing.
      assert.ok(Math.abs(est.total.ms / row.predictedMs - 1) < 1e-3, `estimator ${est.total.ms} vs fit ${row.predictedMs}`);
      assert.ok(
        est.total.bandMs.low <= row.measuredMs && row.measuredMs <= est.total.bandMs.high,
        `${row.measuredMs} not in [${est.total.bandMs.low}, ${est.total.bandMs.high}]`,
      );
      assert.equal(est.target.basis, 'calibrated');
      // A platform with its own scale (an older stack) is not what a board target gets.
      const board = CALIBRATION.platforms.find((p) => p.id === row.platform)?.scale === 1 ? BOARDS.find((b) => b.id === row.platform) : undefined;
      if (board) {
        const viaBoard = estimateModel(analysis(row.model), boardTarget(CALIBRATION, board.id, 'cmsis-nn'));
        assert.ok(Math.abs(viaBoard.total.ms / est.total.ms - 1) < 1e-9, 'board target at its max clock is the calibration platform');
      }
    });
  }

  // Two public MCXN947 (Cortex-M33) DWT counts are 2.7–3.2× faster than the kernel models allow
  // (1.6 cycles per MAC for person_detect); docs/estimator.md reports the disagreement.
  const DISAGREEING = new Set(['mcxn947-cmsis-person-detect', 'mcxn947-cmsis-micro-speech']);

  test('published measurements outside the fit: anchors reproduced, checks inside their band, outliers said why', () => {
    for (const p of CALIBRATION.published) {
      if (p.use === 'outlier') {
        assert.match(p.note, /not used/);
        continue;
      }
      const target =
        p.board && p.clockMHz === BOARDS.find((b) => b.id === p.board)?.maxClockMHz
          ? boardTarget(CALIBRATION, p.board, p.kernels)
          : p.board
            ? boardTarget(CALIBRATION, p.board, p.kernels, p.clockMHz)
            : coreTarget(CALIBRATION, p.core, p.clockMHz, p.kernels);
      const est = estimateModel(analysis(p.model), target);
      if (p.use === 'anchor') assert.ok(Math.abs(est.total.ms / p.measuredMs - 1) < 1e-5, `${p.id}: anchor reproduces ${p.measuredMs} ms, got ${est.total.ms}`);
      const inside = est.total.bandMs.low <= p.measuredMs && p.measuredMs <= est.total.bandMs.high;
      assert.equal(
        inside,
        !DISAGREEING.has(p.id),
        `${p.id}: ${p.measuredMs} ms vs [${est.total.bandMs.low}, ${est.total.bandMs.high}] (estimate ${est.total.ms})`,
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
      const measuredMw = row.measuredEnergyUj! / row.measuredMs;
      assert.ok(e.powerMw < measuredMw, `${row.platform} ${row.benchmark}: datasheet-based ${e.powerMw} mW should be below measured ${measuredMw}`);
    }
    for (const c of CALIBRATION.energy) assert.ok(c.ratio > 1.1 && c.ratio < 1.8, `${c.platform} ${c.benchmark} measured/datasheet power ${c.ratio}`);
  });
});
