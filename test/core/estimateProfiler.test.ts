/**
 * TFLM MicroProfiler logs written here in the exact formats of micro_profiler.cc, parsed,
 * matched to a model's layers, and used to calibrate a board.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel, type ModelAnalysis } from '../../src/analysis/analyzeModel';
import { CALIBRATION } from '../../src/estimate/defaultCalibration';
import { coreTarget, EstimateError, type EstimateTarget } from '../../src/estimate/estimateTarget';
import { PROFILE_GROUPS, type ProfileGroup } from '../../src/estimate/layerGroups';
import { estimateModel } from '../../src/estimate/latencyModel';
import { calibrateFromProfile } from '../../src/estimate/profileCalibration';
import { matchProfile, parseProfilerLog } from '../../src/estimate/profilerLog';
import { chainModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { readModel, writeModel } from '../../src/model/io';

function analyze(bytes: Uint8Array): ModelAnalysis {
  return analyzeModel(readModel(bytes), bytes.length);
}

const TINY = analyze(writeModel(tinyInt8ConvNet()));
const OPS = TINY.layers.map((l) => l.op);

/** MicroProfiler::Log(): `MicroPrintf("%s took %" PRIu32 " ticks (%d ms).", tag, ticks, TicksToMs(ticks))`. */
function logLines(ticks: readonly number[], ticksPerMs: number, ops = OPS): string[] {
  return ops.map((op, i) => `${op} took ${ticks[i]} ticks (${Math.floor(ticks[i]! / ticksPerMs)} ms).`);
}

describe('MicroProfiler log parsing', () => {
  test('Log() lines, with setup events and an ESP-IDF prefix', () => {
    const text = [
      'I (312) main: tflite::MicroInterpreter::AllocateTensors took 363531 ticks (2 ms).',
      ...logLines([120000, 90000, 5000, 300, 2000, 700], 160000).map((l) => `I (1234) tflm: ${l}`),
    ].join('\n');
    const p = parseProfilerLog(text);
    assert.equal(p.events.length, 7);
    assert.deepStrictEqual(
      p.events.slice(1).map((e) => e.tag),
      OPS,
    );
    assert.equal(p.events[1]!.ticks, 120000);
    assert.equal(p.events[0]!.tag, 'tflite::MicroInterpreter::AllocateTensors');
    assert.ok(p.events.every((e) => e.format === 'log'));
  });

  test('ticks per ms from the printed (truncated) ms', () => {
    // 160 000 ticks per ms: 363 531 → 2 ms, 120 000 → 0 ms. Bounds from the 2-ms event: (121 177, 181 765].
    const p = parseProfilerLog(['X took 363531 ticks (2 ms).', 'Y took 1600000 ticks (10 ms).', 'Z took 1759999 ticks (10 ms).'].join('\n'));
    assert.ok(p.ticksPerMs);
    assert.ok(p.ticksPerMs.low <= 160000 && 160000 <= p.ticksPerMs.high);
    assert.ok(Math.abs(p.ticksPerMs.value / 160000 - 1) < 0.06);
  });

  test('LogCsv(): current header, the older header with an ms column, and per-tag totals', () => {
    const current = ['"Event","Tag","Ticks"', '0,CONV_2D,1234', '1,DEPTHWISE_CONV_2D,567', '2,AVERAGE_POOL_2D,89'].join('\n');
    const p = parseProfilerLog(current);
    assert.deepStrictEqual(
      p.events.map((e) => [e.tag, e.ticks, e.format]),
      [
        ['CONV_2D', 1234, 'csv'],
        ['DEPTHWISE_CONV_2D', 567, 'csv'],
        ['AVERAGE_POOL_2D', 89, 'csv'],
      ],
    );
    const older = parseProfilerLog(['"Event","Tag","Ticks","ms"', '0,CONV_2D,480000,4', '1,SOFTMAX,120,0'].join('\r\n'));
    assert.deepStrictEqual(
      older.events.map((e) => [e.tag, e.ticks, e.ms]),
      [
        ['CONV_2D', 480000, 4],
        ['SOFTMAX', 120, 0],
      ],
    );
    const tags = parseProfilerLog(
      ['"Unique Tag","Total ticks across all events with that tag."', 'CONV_2D, 1001689', 'RESHAPE, 797', '"total number of ticks", 1002486'].join('\n'),
    );
    assert.deepStrictEqual(tags.perTag, [
      { tag: 'CONV_2D', ticks: 1001689 },
      { tag: 'RESHAPE', ticks: 797 },
    ]);
    assert.equal(tags.events.length, 0);
    assert.ok(tags.warnings.some((w) => /per-tag/.test(w)));
  });

  test('rows that look like CSV outside a CSV block are not events', () => {
    assert.equal(parseProfilerLog('0,CONV_2D,1234\n').events.length, 0);
  });
});

describe('matching events to layers', () => {
  test('by order and op name, skipping foreign events and tolerating a missing one', () => {
    const lines = logLines([100, 200, 30, 4, 50, 6], 1e9);
    lines.splice(3, 1); // no RESHAPE event
    const p = parseProfilerLog(['tflite::GetModel took 4 ticks (0 ms).', ...lines].join('\n'));
    const m = matchProfile(TINY, p);
    assert.equal(m.ignoredEvents, 1);
    assert.deepStrictEqual(
      m.layers.map((l) => [l.index, l.op, l.ticks]),
      [
        [0, 'CONV_2D', 100],
        [1, 'DEPTHWISE_CONV_2D', 200],
        [2, 'AVERAGE_POOL_2D', 30],
        [4, 'FULLY_CONNECTED', 50],
        [5, 'SOFTMAX', 6],
      ],
    );
    assert.deepStrictEqual(m.unmatchedLayers, [{ index: 3, op: 'RESHAPE' }]);
    assert.ok(m.warnings.some((w) => /RESHAPE/.test(w)));
  });

  test('several invocations in one log: the median per layer', () => {
    const text = [...logLines([100, 200, 30, 4, 50, 6], 1e9), ...logLines([110, 180, 30, 4, 52, 6], 1e9), ...logLines([90, 900, 31, 5, 51, 7], 1e9)].join('\n');
    const m = matchProfile(TINY, parseProfilerLog(text));
    assert.equal(m.runs, 3);
    assert.deepStrictEqual(
      m.layers.map((l) => l.ticks),
      [100, 200, 30, 4, 51, 6],
    );
    assert.ok(m.layers.every((l) => l.runs === 3));
  });

  test('a log of another model matches nothing', () => {
    const m = matchProfile(analyze(writeModel(chainModel())), parseProfilerLog(logLines([1, 2, 3, 4, 5, 6], 1e9).join('\n')));
    assert.equal(m.layers.length, 0);
    assert.ok(m.warnings.some((w) => /right model/.test(w)));
  });
});

describe('calibrating a board from its profile', () => {
  const base = coreTarget(CALIBRATION, 'cortex-m4f', 100, 'cmsis-nn');
  // A "real" board whose conv runs 2× and depthwise 0.5× the calibrated estimate, everything else 1.3×.
  const truthFactor = (g: ProfileGroup): number => (g === 'conv' ? 2 : g === 'depthwise' ? 0.5 : 1.3);
  const truth: EstimateTarget = {
    ...base,
    multipliers: Object.fromEntries(PROFILE_GROUPS.map((g) => [g, truthFactor(g)])) as Record<ProfileGroup, number>,
  };
  // The tiny fixture's layers with 500× the MACs, so that arithmetic dominates the overheads.
  const PROFILED: ModelAnalysis = { ...TINY, layers: TINY.layers.map((l) => ({ ...l, macs: l.macs === null ? null : l.macs * 500 })) };
  const measured = estimateModel(PROFILED, truth).layers.map((l) => Math.round(l.cycles));
  const text = ['"Event","Tag","Ticks"', ...OPS.map((op, i) => `${i},${op},${measured[i]}`)].join('\n');
  const parsed = parseProfilerLog(text);
  const cal = calibrateFromProfile(PROFILED, base, parsed, matchProfile(PROFILED, parsed));

  test('measured next to estimated per layer; ticks taken as cycles at the target clock', () => {
    assert.equal(cal.tickSource, 'cpu-cycles');
    assert.equal(cal.rows.length, OPS.length);
    cal.rows.forEach((r, i) => {
      assert.equal(r.measuredTicks, measured[i]);
      assert.ok(Math.abs(r.measuredMs! - measured[i]! / 100_000) < 1e-12);
    });
    // The uncalibrated estimate is off per layer the way the board differs.
    const conv = cal.rows[0]!;
    const dw = cal.rows[1]!;
    assert.ok(conv.measuredMs! / conv.estimatedMs > 1.8 && dw.measuredMs! / dw.estimatedMs < 0.6);
  });

  test('the fitted coefficients reproduce the log and carry over to another model on the board', () => {
    assert.ok(Math.abs(cal.fittedMs / cal.measuredMs - 1) < 0.05, `fitted ${cal.fittedMs} vs measured ${cal.measuredMs}`);
    assert.ok(cal.multipliers.conv > cal.multipliers.depthwise * 2, 'conv and depthwise moved apart');
    // Another model: same kinds of layers in other proportions.
    const other: ModelAnalysis = {
      ...TINY,
      layers: TINY.layers.map((l) => ({
        ...l,
        macs: l.macs === null ? null : l.macs * (l.kind === 'depthwise' ? 2000 : 300),
        activationBytes: l.activationBytes * 2,
      })),
    };
    const want = estimateModel(other, truth).total.ms;
    const got = estimateModel(other, cal.target);
    assert.equal(got.target.basis, 'profile');
    assert.ok(Math.abs(got.total.ms / want - 1) < 0.15, `other model: ${got.total.ms} vs true ${want}`);
  });

  test('given ticks per ms override the cycle assumption', () => {
    const c = calibrateFromProfile(PROFILED, base, parsed, matchProfile(PROFILED, parsed), { ticksPerMs: 1000 });
    assert.equal(c.tickSource, 'given');
    assert.ok(Math.abs(c.rows[0]!.measuredMs! - measured[0]! / 1000) < 1e-12);
    assert.throws(() => calibrateFromProfile(PROFILED, base, parsed, matchProfile(PROFILED, parseProfilerLog('')), {}), EstimateError);
  });
});
