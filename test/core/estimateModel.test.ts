/**
 * The latency model's arithmetic and its monotonic behaviour on synthetic analyses: more MACs,
 * more bytes or a slower clock never make a model faster, on any core with any library.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel, type LayerReport, type ModelAnalysis } from '../../src/analysis/analyzeModel';
import type { OpKind } from '../../src/analysis/layerCost';
import { coreProfiles, ESTIMATE_CORES } from '../../src/estimate/coreProfiles';
import { CALIBRATION } from '../../src/estimate/defaultCalibration';
import { boardTarget, coreTarget, EstimateError, type EstimateTarget } from '../../src/estimate/estimateTarget';
import { estimateModel } from '../../src/estimate/latencyModel';
import { computeCycles, layerKernel } from '../../src/estimate/kernels/layerKernel';
import { CORE_TIMINGS } from '../../src/estimate/kernels/timing';
import { BOARDS } from '../../src/targets/boards';
import { customOpModel, prng, tinyInt8ConvNet } from '../helpers/fixtures';
import { readModel, writeModel } from '../../src/model/io';

function analyze(bytes: Uint8Array): ModelAnalysis {
  return analyzeModel(readModel(bytes), bytes.length);
}

const BASE = analyze(writeModel(tinyInt8ConvNet()));

function layer(op: string, kind: OpKind, macs: number | null, extra: Partial<LayerReport> = {}): LayerReport {
  return {
    index: 0,
    subgraph: 0,
    op,
    custom: false,
    kind,
    inputs: [],
    outputs: [],
    weightBytes: 0,
    activationBytes: 0,
    inputActivationBytes: 0,
    macs,
    elementOps: 0,
    arenaLiveBytes: 0,
    arenaHighWaterBytes: 0,
    liveTensors: [],
    tflmSupported: true,
    float: false,
    hybrid: false,
    ...extra,
  };
}

function synthetic(layers: readonly LayerReport[]): ModelAnalysis {
  return { ...BASE, layers: layers.map((l, i) => ({ ...l, index: i })) };
}

const SPECS: readonly [string, OpKind][] = [
  ['CONV_2D', 'conv'],
  ['CONV_2D', 'pointwise'],
  ['DEPTHWISE_CONV_2D', 'depthwise'],
  ['FULLY_CONNECTED', 'fully-connected'],
  ['TRANSPOSE_CONV', 'transpose-conv'],
  ['ADD', 'elementwise'],
  ['MEAN', 'elementwise'],
  ['RESHAPE', 'data-movement'],
];

function randomModel(rand: () => number, float = false): ModelAnalysis {
  return synthetic(
    Array.from({ length: 3 + Math.floor(rand() * 8) }, () => {
      const [op, kind] = SPECS[Math.floor(rand() * SPECS.length)]!;
      const mac = kind !== 'elementwise' && kind !== 'data-movement';
      return layer(op, kind, mac ? Math.floor(rand() * 2e6) : 0, {
        elementOps: mac ? 0 : Math.floor(rand() * 5e4),
        weightBytes: Math.floor(rand() * 5e4),
        activationBytes: Math.floor(rand() * 5e4),
        inputActivationBytes: Math.floor(rand() * 5e4),
        float: float && rand() < 0.5,
      });
    }),
  );
}

/** Every core with every library that applies to it, and every board. */
function allTargets(mhz = 100): EstimateTarget[] {
  const out: EstimateTarget[] = [];
  for (const core of ESTIMATE_CORES) {
    out.push(coreTarget(CALIBRATION, core, mhz, 'reference'));
    if (coreProfiles(CALIBRATION)[core].cmsisNn) out.push(coreTarget(CALIBRATION, core, mhz, 'cmsis-nn'));
  }
  for (const b of BOARDS) {
    for (const k of ['reference', 'cmsis-nn'] as const) {
      try {
        out.push(boardTarget(CALIBRATION, b.id, k));
      } catch (e) {
        assert.ok(e instanceof EstimateError);
      }
    }
  }
  return out;
}

describe('latency model arithmetic', () => {
  const t = coreTarget(CALIBRATION, 'cortex-m33', 200, 'cmsis-nn');

  test('ms = cycles / clock; shares sum to 1; the band brackets the total', () => {
    const est = estimateModel(BASE, t);
    assert.equal(est.kind, 'estimate');
    assert.equal(est.layers.length, BASE.layers.length);
    assert.ok(Math.abs(est.total.ms - est.total.cycles / 200_000) < 1e-9);
    for (const l of est.layers) assert.ok(Math.abs(l.ms - l.cycles / 200_000) < 1e-12);
    assert.ok(Math.abs(est.layers.reduce((s, l) => s + l.share, 0) - 1) < 1e-9);
    assert.ok(est.total.bandMs.low < est.total.ms && est.total.ms < est.total.bandMs.high);
    for (const l of est.layers) assert.ok(l.bandMs.low <= l.ms && l.ms <= l.bandMs.high);
  });

  test('each layer is its kernel model: a pure 1 M-MAC conv costs its MAC loop × efficiency + flash waits + one operator', () => {
    const l = layer('CONV_2D', 'conv', 1_000_000);
    const a = synthetic([l]);
    const ref = coreTarget(CALIBRATION, 'cortex-m33', 100, 'cmsis-nn');
    const k = layerKernel(l, 'cmsis-nn', CORE_TIMINGS['cortex-m33'], true);
    const c = CALIBRATION.constants;
    const expected = computeCycles(k) * c.efficiency['cmsis-nn'] + k.weightWords * ref.waitStates * c.flashExposed + c.operatorCycles;
    assert.ok(Math.abs(estimateModel(a, ref).total.cycles - expected) < 1e-6);
  });

  test('CMSIS-NN routes only the ops it overrides; the rest and float layers run reference kernels', () => {
    const est = estimateModel(
      synthetic([layer('CONV_2D', 'conv', 1000), layer('RESHAPE', 'data-movement', 0), layer('FULLY_CONNECTED', 'fully-connected', 1000, { float: true })]),
      t,
    );
    assert.deepStrictEqual(
      est.layers.map((l) => l.library),
      ['cmsis-nn', 'reference', 'reference'],
    );
  });

  test('unknown-cost ops, float layers and extrapolated cores are said so', () => {
    const custom = analyze(writeModel(customOpModel()));
    assert.ok(estimateModel(custom, t).warnings.some((w) => /MyVendorOp.*unknown/.test(w)));
    const m55 = estimateModel(BASE, coreTarget(CALIBRATION, 'cortex-m55', 100, 'cmsis-nn'));
    assert.equal(m55.target.basis, 'extrapolated');
    assert.ok(m55.warnings.some((w) => /extrapolated/.test(w)));
  });

  test('extrapolated cores carry wider bands than the calibrated ones', () => {
    const band = (core: string, k: 'reference' | 'cmsis-nn') => {
      const b = estimateModel(BASE, coreTarget(CALIBRATION, core, 100, k)).total.band;
      return b.high / b.low;
    };
    for (const core of ['cortex-m7', 'cortex-m55', 'cortex-m85', 'cortex-m0plus']) assert.ok(band(core, 'cmsis-nn') > band('cortex-m33', 'cmsis-nn'), core);
    assert.ok(band('cortex-m4f', 'reference') > band('rv32imc', 'reference'));
  });

  test('unknown core, unknown board, CMSIS-NN off Arm: clear errors listing what is known', () => {
    assert.throws(
      () => coreTarget(CALIBRATION, 'cortex-m99', 100, 'reference'),
      (e: unknown) => e instanceof EstimateError && /Known cores: cortex-m0plus, .*rv32imc/.test(e.message),
    );
    assert.throws(
      () => boardTarget(CALIBRATION, 'nano-99', 'reference'),
      (e: unknown) => e instanceof EstimateError && /Known targets: arduino-nano-33-ble-sense/.test(e.message),
    );
    assert.throws(
      () => coreTarget(CALIBRATION, 'xtensa-lx7', 240, 'cmsis-nn'),
      (e: unknown) => e instanceof EstimateError && /only on Arm Cortex-M/.test(e.message),
    );
    assert.throws(() => coreTarget(CALIBRATION, 'cortex-m4f', 0, 'reference'), EstimateError);
  });
});

describe('monotonic: more work or a slower clock is never faster', () => {
  const targets = allTargets();

  test('more MACs in any one layer never lowers the total, on any target', () => {
    const rand = prng(6);
    for (let trial = 0; trial < 20; trial++) {
      const a = randomModel(rand, trial % 2 === 1);
      for (const target of targets) {
        const base = estimateModel(a, target).total.cycles;
        a.layers.forEach((l, i) => {
          if (l.macs === null || l.macs === 0) return;
          const more = synthetic(a.layers.map((x, j) => (j === i ? { ...x, macs: x.macs! * (1 + rand()) + 1 } : x)));
          assert.ok(estimateModel(more, target).total.cycles > base, `${target.id} ${target.kernels}: more MACs in layer ${i} (${l.kind}) got faster`);
        });
      }
    }
  });

  test('more weight bytes, activation bytes or element ops never lower the total ', () => {
    const rand = prng(7);
    const a = randomModel(rand);
    for (const target of targets) {
      const base = estimateModel(a, target).total.cycles;
      for (const key of ['weightBytes', 'activationBytes', 'inputActivationBytes', 'elementOps'] as const) {
        const more = synthetic(a.layers.map((x) => ({ ...x, [key]: (x[key] ?? 0) + 1000 })));
        // The kernel models price loops, not these counters, on MAC layers: never lower, not always higher.
        assert.ok(estimateModel(more, target).total.cycles >= base, `${target.id}: more ${key} got faster`);
      }
    }
  });

  test('a slower clock never makes it faster (ms strictly decreasing in MHz; cycles never fewer at a higher clock: more flash wait states)', () => {
    const a = randomModel(prng(8));
    for (const core of ESTIMATE_CORES) {
      for (const k of ['reference', 'cmsis-nn'] as const) {
        if (k === 'cmsis-nn' && !coreProfiles(CALIBRATION)[core].cmsisNn) continue;
        let last = Number.POSITIVE_INFINITY;
        let cycles = 0;
        for (const mhz of [16, 48, 64, 100, 120, 200, 480]) {
          const e = estimateModel(a, coreTarget(CALIBRATION, core, mhz, k));
          assert.ok(e.total.ms < last, `${core} ${k} at ${mhz} MHz`);
          assert.ok(e.total.cycles >= cycles * (1 - 1e-9), `${core} ${k} at ${mhz} MHz: fewer cycles at a higher clock`);
          cycles = e.total.cycles;
          last = e.total.ms;
        }
      }
    }
  });

  test('a board at a lower clock than its maximum is slower', () => {
    for (const b of BOARDS) {
      const fast = estimateModel(BASE, boardTarget(CALIBRATION, b.id, 'reference'));
      const slow = estimateModel(BASE, boardTarget(CALIBRATION, b.id, 'reference', b.maxClockMHz / 2));
      assert.ok(slow.total.ms > fast.total.ms, b.id);
    }
  });
});
