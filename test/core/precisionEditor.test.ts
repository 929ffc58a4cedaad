/**
 * The precision editor's pure parts: the undo/compare states (src/shared/precisionHistory.ts),
 * the Pareto scatter's geometry (src/shared/paretoChart.ts), and the validator of the panel's
 * precision messages (the webview is untrusted).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frontOf, paretoGeometry, type ChartBox } from '../../src/shared/paretoChart';
import {
  baselineOf,
  canUndo,
  currentState,
  HISTORY_LIMIT,
  normalizeChoices,
  pinState,
  precisionDeltas,
  precisionOutputName,
  pushState,
  startHistory,
  undoState,
  withLayer,
  type PrecisionState,
} from '../../src/shared/precisionHistory';
import { isFromWebview, type LayerPrecisionChoice, type PrecisionAssessment, type PrecisionPoint } from '../../src/shared/protocol';

function assessment(precision: readonly LayerPrecisionChoice[], over: Partial<PrecisionAssessment> = {}): PrecisionAssessment {
  return {
    precision,
    outputSqnrDb: 30,
    modelBytes: 1000,
    arenaBytes: 500,
    latencyMs: 10,
    fits: true,
    layers: [],
    timeline: [100, 500, 200],
    ...over,
  };
}

const state = (precision: readonly LayerPrecisionChoice[], over: Partial<PrecisionAssessment> = {}): PrecisionState => ({
  precision,
  assessment: assessment(precision, over),
});

test('withLayer keeps one override per layer, in layer order, and drops the ones that say int8', () => {
  let c = withLayer([], 4, 'int16');
  c = withLayer(c, 1, 'float');
  assert.deepEqual(c, [
    { layer: 1, precision: 'float' },
    { layer: 4, precision: 'int16' },
  ]);
  assert.deepEqual(withLayer(c, 4, 'float'), [
    { layer: 1, precision: 'float' },
    { layer: 4, precision: 'float' },
  ]);
  assert.deepEqual(withLayer(c, 1, 'int8'), [{ layer: 4, precision: 'int16' }]);
  assert.deepEqual(normalizeChoices([{ layer: 2, precision: 'int8' }]), []);
});

test('undo walks back the changes, never past the first state', () => {
  let h = startHistory(state([]));
  assert.equal(canUndo(h), false);
  assert.equal(baselineOf(h), undefined, 'nothing to compare the first state with');
  h = pushState(h, state([{ layer: 1, precision: 'int16' }], { outputSqnrDb: 35 }));
  h = pushState(
    h,
    state(
      [
        { layer: 1, precision: 'int16' },
        { layer: 2, precision: 'float' },
      ],
      { outputSqnrDb: 40 },
    ),
  );
  assert.equal(currentState(h).assessment.outputSqnrDb, 40);
  // Before/after: the state before the last change.
  assert.equal(baselineOf(h)?.state.assessment.outputSqnrDb, 35);
  assert.equal(baselineOf(h)?.pinned, false);
  h = undoState(h);
  assert.equal(currentState(h).assessment.outputSqnrDb, 35);
  h = undoState(undoState(h));
  assert.equal(h.states.length, 1);
  assert.equal(currentState(h).assessment.outputSqnrDb, 30);
});

test('measuring the assignment on screen again replaces it rather than adding an undo step', () => {
  let h = startHistory(state([]));
  h = pushState(h, state([{ layer: 3, precision: 'float' }], { outputSqnrDb: 33 }));
  h = pushState(h, state([{ layer: 3, precision: 'float' }], { outputSqnrDb: 34 }));
  assert.equal(h.states.length, 2);
  assert.equal(currentState(h).assessment.outputSqnrDb, 34);
});

test('a pinned state stays the baseline through later changes and undos, until unpinned', () => {
  let h = startHistory(state([], { outputSqnrDb: 20 }));
  h = pinState(h, true);
  h = pushState(h, state([{ layer: 0, precision: 'int16' }], { outputSqnrDb: 25 }));
  h = pushState(h, state([{ layer: 0, precision: 'float' }], { outputSqnrDb: 28 }));
  assert.deepEqual({ db: baselineOf(h)?.state.assessment.outputSqnrDb, pinned: baselineOf(h)?.pinned }, { db: 20, pinned: true });
  h = undoState(undoState(h));
  assert.equal(baselineOf(h)?.state.assessment.outputSqnrDb, 20, 'undoing past the pinned state keeps it');
  h = pushState(h, state([{ layer: 5, precision: 'int16' }], { outputSqnrDb: 22 }));
  h = pinState(h, false);
  assert.equal(baselineOf(h)?.pinned, false);
  assert.equal(baselineOf(h)?.state.assessment.outputSqnrDb, 20, 'unpinned: the state before');
});

test('the undo stack is bounded', () => {
  let h = startHistory(state([]));
  for (let i = 0; i < HISTORY_LIMIT + 10; i++) h = pushState(h, state([{ layer: i, precision: 'int16' }]));
  assert.equal(h.states.length, HISTORY_LIMIT);
  assert.deepEqual(currentState(h).precision, [{ layer: HISTORY_LIMIT + 9, precision: 'int16' }]);
});

test('deltas are now − base, accuracy in points, absent where a side lacks the figure', () => {
  const now: PrecisionPoint = {
    ...assessment([]),
    outputSqnrDb: 41.5,
    arenaBytes: 800,
    modelBytes: 1200,
    latencyMs: 12,
    accuracy: { top1: 0.91, floatTop1: 0.93, samples: 100 },
  };
  const base: PrecisionPoint = { ...assessment([]), accuracy: { top1: 0.85, floatTop1: 0.93, samples: 100 } };
  const d = precisionDeltas(now, base);
  assert.equal(d.outputSqnrDb, 11.5);
  assert.equal(d.arenaBytes, 300);
  assert.equal(d.modelBytes, 200);
  assert.equal(d.latencyMs, 2);
  assert.ok(Math.abs((d.accuracyPoints ?? Number.NaN) - 6) < 1e-9);
  const { latencyMs: _l, accuracy: _a, ...bare } = base;
  const d2 = precisionDeltas(now, bare);
  assert.equal('accuracyPoints' in d2, false);
  assert.equal('latencyMs' in d2, false);
});

test('"Save…" proposes <name>_int8.tflite for plain int8 and <name>_mixed.tflite otherwise', () => {
  assert.equal(precisionOutputName('/w/kws.tflite', []), '/w/kws_int8.tflite');
  assert.equal(precisionOutputName('/w/kws.tflite', [{ layer: 2, precision: 'int8' }]), '/w/kws_int8.tflite');
  assert.equal(precisionOutputName('/w/kws.TFLITE', [{ layer: 2, precision: 'int16' }]), '/w/kws_mixed.tflite');
});

const BOX: ChartBox = { width: 200, height: 100, left: 20, right: 0, top: 0, bottom: 20 };
const point = (arenaBytes: number, outputSqnrDb: number, extra: Partial<PrecisionPoint> = {}): PrecisionPoint => ({
  precision: [],
  outputSqnrDb,
  modelBytes: 1,
  arenaBytes,
  fits: true,
  ...extra,
});

test('the front holds the points no other beats on both axes; ties on one axis go to the better other', () => {
  const front = frontOf([
    { cost: 1, value: 10 },
    { cost: 2, value: 20 },
    { cost: 2, value: 15 }, // dominated by (2, 20)
    { cost: 3, value: 12 }, // dominated by (2, 20)
    { cost: 4, value: 30 },
  ]);
  assert.deepEqual([...front].sort(), [0, 1, 4]);
});

test('the scatter maps cost across and value up inside the box, the front as a staircase cheapest first', () => {
  const g = paretoGeometry([point(100, 20), point(300, 40), point(200, 25), point(250, 22)], 'arena', 'sqnr', BOX);
  assert.deepEqual(
    g.points.map((p) => [p.index, p.x, p.y, p.front]),
    [
      [0, 20, 80, true],
      [1, 200, 0, true],
      [2, 110, 60, true],
      [3, 155, 72, false],
    ],
  );
  assert.equal(g.frontPath, 'M 20.0 80.0 H 110.0 V 60.0 H 200.0 V 0.0');
  assert.deepEqual(g.cost, { min: 100, max: 300 });
  assert.equal(g.leftOut, 0);
});

test('the scatter leaves out what it cannot place, and centres a single point', () => {
  const g = paretoGeometry([point(100, 20, { latencyMs: 5 }), point(200, 30), point(300, Number.POSITIVE_INFINITY, { latencyMs: 7 })], 'latency', 'sqnr', BOX);
  assert.equal(g.leftOut, 2, 'no latency, and an infinite SQNR');
  assert.equal(g.points.length, 1);
  assert.deepEqual([g.points[0]?.x, g.points[0]?.y], [110, 40]);
  const acc = paretoGeometry([point(1, 1, { accuracy: { top1: 0.5, floatTop1: 0.6, samples: 10 } }), point(2, 1)], 'arena', 'accuracy', BOX);
  assert.equal(acc.points.length, 1, 'accuracy only where the labeled data gave one');
  assert.equal(acc.points[0]?.value, 50);
  assert.deepEqual(paretoGeometry([], 'arena', 'sqnr', BOX).frontPath, '');
});

test('the panel may send precision messages only in their exact shapes', () => {
  const good: unknown[] = [
    { type: 'openPrecision' },
    { type: 'undoPrecision' },
    { type: 'savePrecision' },
    { type: 'setPrecision', layer: 3, precision: 'int16' },
    { type: 'setPrecision', layer: 0, precision: 'float' },
    { type: 'comparePrecision', pin: true },
    { type: 'suggestPrecision', goal: { kind: 'sqnr', db: 35.5 } },
    { type: 'suggestPrecision', goal: { kind: 'accuracy', points: 1 } },
    { type: 'suggestPrecision', goal: { kind: 'fit' } },
    { type: 'applyPrecision', point: 7 },
  ];
  for (const m of good) assert.equal(isFromWebview(m), true, JSON.stringify(m));
  const bad: unknown[] = [
    { type: 'openPrecision', extra: 1 },
    { type: 'setPrecision', layer: 3, precision: 'int4' },
    { type: 'setPrecision', layer: -1, precision: 'int8' },
    { type: 'setPrecision', layer: 1.5, precision: 'int8' },
    { type: 'setPrecision', layer: '3', precision: 'int8' },
    { type: 'setPrecision', layer: 3 },
    { type: 'setPrecision', layer: 3, precision: 'int8', path: '/etc/passwd' },
    { type: 'comparePrecision', pin: 'yes' },
    { type: 'comparePrecision' },
    { type: 'suggestPrecision', goal: { kind: 'sqnr', db: Number.NaN } },
    { type: 'suggestPrecision', goal: { kind: 'sqnr', db: -3 } },
    { type: 'suggestPrecision', goal: { kind: 'sqnr', db: 1e9 } },
    { type: 'suggestPrecision', goal: { kind: 'accuracy', points: 101 } },
    { type: 'suggestPrecision', goal: { kind: 'fit', board: 'x' } },
    { type: 'suggestPrecision', goal: { kind: 'latency' } },
    { type: 'suggestPrecision', goal: null },
    { type: 'applyPrecision', point: -1 },
    { type: 'applyPrecision', point: '0' },
    { type: 'applyPrecision' },
  ];
  for (const m of bad) assert.equal(isFromWebview(m), false, JSON.stringify(m));
});
