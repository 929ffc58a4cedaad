import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { BOARDS } from '../../src/targets/boards';
import { checkFit, customTarget, findBoard, formatBytes } from '../../src/targets/fit';
import type { Graph } from '../../src/model/graph';
import { renderFinding } from '../../src/findings/render';
import { customOpModel, hybridModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { readModel, writeModel } from '../../src/model/io';

function analyze(graph: Graph) {
  const bytes = writeModel(graph);
  return analyzeModel(readModel(bytes), bytes.length);
}

describe('the board table', () => {
  test('at least 15 boards, unique ids, sane facts', () => {
    assert.ok(BOARDS.length >= 15);
    assert.equal(new Set(BOARDS.map((b) => b.id)).size, BOARDS.length);
    for (const b of BOARDS) {
      assert.ok(b.sramBytes >= 16 * 1024 && b.sramBytes <= 8 * 1024 * 1024, b.id);
      assert.ok(b.contiguousSramBytes <= b.sramBytes, b.id);
      assert.ok(b.maxClockMHz >= 16 && b.maxClockMHz <= 1000, b.id);
      assert.ok(b.sources.length > 0, b.id);
    }
  });

  test('the boards the issue names are there with their datasheet memory', () => {
    const kb = (id: string) => findBoard(id)!.sramBytes / 1024;
    assert.equal(kb('arduino-nano-33-ble-sense'), 256);
    assert.equal(kb('rpi-pico'), 264);
    assert.equal(kb('nucleo-l4r5zi'), 640);
    assert.equal(findBoard('stm32f746-disco')!.flashBytes, 1024 * 1024);
    for (const id of ['rpi-pico2', 'esp32-s3', 'stm32h743', 'sparkfun-edge', 'nrf5340-dk', 'ek-ra6m4', 'portenta-h7', 'corstone-300', 'stm32n6'])
      assert.ok(findBoard(id), id);
  });
});

describe('fit verdict', () => {
  const a = analyze(tinyInt8ConvNet());
  const arena = a.arena.totalBytes;

  test('fits with room to spare: no findings', () => {
    const v = checkFit(a, customTarget(arena * 4, 1024 * 1024));
    assert.equal(v.fits, true);
    assert.deepStrictEqual(v.findings, []);
  });

  test('over the SRAM budget: an error naming the arena, the reserve, the board and the peak layer', () => {
    const v = checkFit(a, { ...customTarget(arena + 100, 1024 * 1024), name: 'Tiny Board' }, { sramBytes: 1024, flashBytes: 0 });
    assert.equal(v.fits, false);
    const f = v.findings.find((x) => x.code === 'sram-over')!;
    assert.equal(f.severity, 'error');
    assert.equal(f.layer, a.arena.peakLayer);
    assert.equal(
      renderFinding(f),
      `Tensor arena ${formatBytes(arena)} + 1 KB reserved exceeds ${formatBytes(arena + 100)} SRAM on Tiny Board; peak at layer 1 DEPTHWISE_CONV_2D`,
    );
  });

  test('at 90% of a budget: a warning, and it still fits', () => {
    const v = checkFit(a, customTarget(Math.ceil(arena / 0.95), 1024 * 1024));
    assert.equal(v.fits, true);
    assert.deepStrictEqual(
      v.findings.map((f) => [f.code, f.severity]),
      [['sram-near', 'warning']],
    );
  });

  test('flash: the model file against the budget, with the reserve', () => {
    const over = checkFit(a, customTarget(1 << 20, a.totals.modelBytes + 10), { sramBytes: 0, flashBytes: 64 });
    assert.equal(over.fits, false);
    assert.equal(over.findings[0]!.code, 'flash-over');
    assert.equal(over.findings[0]!.layer, null);
  });

  test('an arena larger than the biggest contiguous SRAM block does not fit', () => {
    const board = findBoard('stm32h743')!;
    const big = { ...a, arena: { ...a.arena, totalBytes: 600 * 1024 } };
    const v = checkFit(big, board);
    assert.equal(v.fits, false);
    assert.ok(v.findings.some((f) => f.code === 'sram-not-contiguous'));
  });

  test('ops TFLM has no kernel for, hybrid ops and float ops in int8 models are flagged on their layer', () => {
    const custom = checkFit(analyze(customOpModel()), customTarget(1 << 20, 1 << 20));
    assert.deepStrictEqual(
      custom.findings.map((f) => [f.code, f.layer]),
      [['op-unsupported', 0]],
    );
    const hybrid = checkFit(analyze(hybridModel()), customTarget(1 << 20, 1 << 20));
    assert.deepStrictEqual(
      hybrid.findings.map((f) => [f.code, f.layer]),
      [['hybrid-op', 0]],
    );
    // An int8 model with one float op in the middle.
    const mixed = { ...a, kind: 'int8' as const, layers: a.layers.map((l, i) => (i === 2 ? { ...l, float: true } : l)) };
    const v = checkFit(mixed, customTarget(1 << 20, 1 << 20));
    assert.deepStrictEqual(
      v.findings.map((f) => [f.code, f.layer]),
      [['float-in-int8', 2]],
    );
  });
});

test('byte formatting uses binary kilobytes', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(319898), '312.4 KB');
  assert.equal(formatBytes(256 * 1024), '256 KB');
  assert.equal(formatBytes(2 * 1024 * 1024), '2 MB');
});
