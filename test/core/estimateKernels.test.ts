/**
 * The per-kernel cost models: each moves the way its loop structure says. Layers are built by
 * hand with the tensor shapes the kernels dispatch on (NHWC activations, OHWI / 1HWO filters).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LayerReport } from '../../src/analysis/analyzeModel';
import type { OpKind } from '../../src/analysis/layerCost';
import { windowOf } from '../../src/analysis/layerWindow';
import { DutyCycleError, dutyCycle } from '../../src/estimate/dutyCycle';
import { convGeometry } from '../../src/estimate/kernels/geometry';
import { computeCycles, layerKernel } from '../../src/estimate/kernels/layerKernel';
import { DSP_MAT_MULT_S8_S16, mixCycles } from '../../src/estimate/kernels/loops';
import { flashWaitStates } from '../../src/estimate/kernels/memory';
import { CORE_TIMINGS } from '../../src/estimate/kernels/timing';
import { cli } from '../helpers/cli';

function tensor(shape: number[]) {
  return { index: 0, name: 't', shape, dtype: 'int8' as const };
}

/** A CONV_2D / DEPTHWISE_CONV_2D layer from its shapes and stride (SAME padding); MACs as the analysis counts them. */
function conv(op: 'CONV_2D' | 'DEPTHWISE_CONV_2D', input: number[], filter: number[], output: number[], stride = 1): LayerReport {
  const [, ih, iw] = input as [number, number, number, number];
  const [, oh, ow, oc] = output as [number, number, number, number];
  const [fo, kh, kw, fi] = filter as [number, number, number, number];
  const window = windowOf({
    padding: 'SAME',
    strideH: stride,
    strideW: stride,
    dilationH: 1,
    dilationW: 1,
    inHeight: ih,
    inWidth: iw,
    filterHeight: kh,
    filterWidth: kw,
  });
  assert.deepStrictEqual([Math.ceil(ih / stride), Math.ceil(iw / stride)], [oh, ow], 'SAME output shape for the stride');
  const kind: OpKind = op === 'DEPTHWISE_CONV_2D' ? 'depthwise' : kh === 1 && kw === 1 ? 'pointwise' : 'conv';
  const macs = op === 'DEPTHWISE_CONV_2D' ? oh * ow * oc * kh * kw : oh * ow * fo * kh * kw * fi;
  return {
    index: 0,
    subgraph: 0,
    op,
    custom: false,
    kind,
    inputs: [tensor(input), tensor(filter)],
    outputs: [tensor(output)],
    weightBytes: filter.reduce((a, b) => a * b, 1),
    activationBytes: output.reduce((a, b) => a * b, 1),
    inputActivationBytes: input.reduce((a, b) => a * b, 1),
    macs,
    elementOps: 0,
    arenaLiveBytes: 0,
    arenaHighWaterBytes: 0,
    liveTensors: [],
    tflmSupported: true,
    float: false,
    hybrid: false,
    window,
  };
}

const M4 = CORE_TIMINGS['cortex-m4f'];
const perMac = (l: LayerReport, core: keyof typeof CORE_TIMINGS, lib: 'cmsis-nn' | 'reference' = 'cmsis-nn') =>
  computeCycles(layerKernel(l, lib, CORE_TIMINGS[core], true)) / l.macs!;

describe('kernel dispatch follows the libraries', () => {
  test("geometry: stride and SAME padding read from the layer's window", () => {
    const g = convGeometry(conv('CONV_2D', [1, 96, 96, 3], [8, 3, 3, 3], [1, 48, 48, 8], 2))!;
    assert.deepStrictEqual([g.strideH, g.strideW, g.padH, g.kH, g.inC, g.outC], [2, 2, 0, 3, 3, 8]);
    const same = convGeometry(conv('CONV_2D', [1, 10, 10, 4], [4, 3, 3, 4], [1, 10, 10, 4]))!;
    assert.deepStrictEqual([same.strideH, same.padH], [1, 1]);
  });

  test('CMSIS-NN convolution wrapper: 1×1 fast path, 1×N, im2col', () => {
    const k = (l: LayerReport) => layerKernel(l, 'cmsis-nn', M4, true).kernel;
    assert.match(k(conv('CONV_2D', [1, 12, 12, 32], [64, 1, 1, 32], [1, 12, 12, 64])), /arm_convolve_1x1_s8_fast \(dsp\)/);
    assert.match(k(conv('CONV_2D', [1, 12, 12, 32], [64, 1, 1, 32], [1, 6, 6, 64], 2)), /arm_convolve_s8 \(dsp, im2col\)/);
    assert.match(k(conv('CONV_2D', [1, 1, 40, 8], [16, 1, 3, 8], [1, 1, 40, 16])), /arm_convolve_1_x_n_s8/);
    assert.match(
      layerKernel(conv('CONV_2D', [1, 1, 40, 8], [16, 1, 3, 8], [1, 1, 40, 16]), 'cmsis-nn', CORE_TIMINGS['cortex-m55'], true).kernel,
      /1_x_n_s8 \(mve\)/,
    );
  });

  test('CMSIS-NN depthwise wrapper: 3×3 (not on Helium), opt, generic for a channel multiplier', () => {
    const dw3 = conv('DEPTHWISE_CONV_2D', [1, 24, 24, 32], [1, 3, 3, 32], [1, 24, 24, 32]);
    const dw5 = conv('DEPTHWISE_CONV_2D', [1, 24, 24, 32], [1, 5, 5, 32], [1, 24, 24, 32]);
    const mult2 = conv('DEPTHWISE_CONV_2D', [1, 24, 24, 16], [1, 3, 3, 32], [1, 24, 24, 32]);
    assert.match(layerKernel(dw3, 'cmsis-nn', M4, true).kernel, /arm_depthwise_conv_3x3_s8 \(dsp\)/);
    assert.match(layerKernel(dw3, 'cmsis-nn', CORE_TIMINGS['cortex-m55'], true).kernel, /arm_depthwise_conv_s8_opt \(mve\)/);
    assert.match(layerKernel(dw5, 'cmsis-nn', M4, true).kernel, /arm_depthwise_conv_s8_opt \(dsp\)/);
    assert.match(layerKernel(mult2, 'cmsis-nn', M4, true).kernel, /generic/);
  });
});

describe('kernel costs move the way their loops say', () => {
  const pointwise = conv('CONV_2D', [1, 12, 12, 64], [64, 1, 1, 64], [1, 12, 12, 64]);
  // Same MACs through im2col: a 1×1 with stride 2 on a 2× larger input.
  const strided = conv('CONV_2D', [1, 24, 24, 64], [64, 1, 1, 64], [1, 12, 12, 64], 2);
  const conv3 = conv('CONV_2D', [1, 12, 12, 32], [64, 3, 3, 32], [1, 12, 12, 64]);

  test('the 1×1 fast path is cheaper than im2col for the same MACs', () => {
    assert.equal(pointwise.macs, strided.macs);
    for (const core of ['cortex-m0plus', 'cortex-m4f', 'cortex-m33', 'cortex-m55'] as const) assert.ok(perMac(pointwise, core) < perMac(strided, core), core);
  });

  test('DSP is cheaper than plain C, Helium cheaper than DSP, per MAC', () => {
    for (const l of [pointwise, conv3, conv('DEPTHWISE_CONV_2D', [1, 24, 24, 32], [1, 3, 3, 32], [1, 24, 24, 32])]) {
      assert.ok(perMac(l, 'cortex-m4f') < perMac(l, 'cortex-m3'), `${l.kind}: DSP vs C`);
      assert.ok(perMac(l, 'cortex-m55') < perMac(l, 'cortex-m33'), `${l.kind}: MVE vs DSP`);
    }
  });

  test('SMLAD retires two MACs: the DSP conv loop costs under 2 cycles per MAC, plain C over 2', () => {
    const dsp = mixCycles(DSP_MAT_MULT_S8_S16.mix, M4) / DSP_MAT_MULT_S8_S16.per;
    assert.ok(dsp > 1 && dsp < 2, `DSP ${dsp}`);
    assert.ok(perMac(conv3, 'cortex-m3') > 2);
    assert.throws(() => mixCycles(DSP_MAT_MULT_S8_S16.mix, CORE_TIMINGS['cortex-m0plus']), /DSP/);
  });

  test('depthwise costs more per MAC than a dense convolution; reference kernels cost more than CMSIS-NN', () => {
    const dw = conv('DEPTHWISE_CONV_2D', [1, 24, 24, 32], [1, 3, 3, 32], [1, 24, 24, 32]);
    assert.ok(perMac(dw, 'cortex-m4f') > perMac(conv3, 'cortex-m4f'));
    for (const l of [pointwise, conv3, dw]) assert.ok(perMac(l, 'cortex-m4f', 'reference') > 3 * perMac(l, 'cortex-m4f'), l.kind);
    // Reference depthwise pays the bounds test and index arithmetic per MAC: its dearest loop.
    assert.ok(perMac(dw, 'cortex-m4f', 'reference') > perMac(conv3, 'cortex-m4f', 'reference'));
  });

  test('weights are re-read per group of columns: fewer flash reads on Helium (4 columns) than on DSP (2)', () => {
    const w = (core: 'cortex-m4f' | 'cortex-m55') => layerKernel(conv3, 'cmsis-nn', CORE_TIMINGS[core], true).weightWords;
    assert.ok(Math.abs(w('cortex-m4f') / w('cortex-m55') - 2) < 1e-9);
  });

  test('flash wait states: the reference manuals where tabulated, the generic access time elsewhere', () => {
    assert.equal(flashWaitStates(120, 'nucleo-l4r5zi'), 5);
    assert.equal(flashWaitStates(216, 'stm32f746-disco'), 7);
    assert.equal(flashWaitStates(16), 0);
    assert.ok(flashWaitStates(480) > flashWaitStates(200));
  });
});

describe('presentation', () => {
  test('an inference slower than its period is said so, not as a busy share above 100%', () => {
    assert.throws(
      () =>
        dutyCycle({
          sleepMicroAmps: 1,
          sleepVolts: 3,
          events: [{ name: 'inference', perHour: 3600, energyUj: 1, activeMs: 7400 }],
          battery: { mAh: 100, volts: 3 },
        }),
      (e: unknown) => e instanceof DutyCycleError && /one inference takes 7\.4 s but 3600 per hour leave only 1\.0 s/.test(e.message) && !/%/.test(e.message),
    );
  });

  test('a MicroProfiler log overrides an extrapolated, wide estimate: basis profile, narrow band', async () => {
    const { writeModel, readModel } = await import('../../src/model/io');
    const { analyzeModel } = await import('../../src/analysis/analyzeModel');
    const { tinyInt8ConvNet } = await import('../helpers/fixtures');
    const { CALIBRATION } = await import('../../src/estimate/defaultCalibration');
    const { coreTarget } = await import('../../src/estimate/estimateTarget');
    const { estimateModel } = await import('../../src/estimate/latencyModel');
    const { calibrateFromProfile } = await import('../../src/estimate/profileCalibration');
    const { matchProfile, parseProfilerLog } = await import('../../src/estimate/profilerLog');
    const bytes = writeModel(tinyInt8ConvNet());
    const a = analyzeModel(readModel(bytes), bytes.length);
    const target = coreTarget(CALIBRATION, 'cortex-m55', 100, 'cmsis-nn');
    const before = estimateModel(a, target);
    assert.ok(before.total.wide && before.total.widthReason?.code === 'extrapolated');
    // The board runs every layer 3× the estimate.
    const log = ['"Event","Tag","Ticks"', ...before.layers.map((l, i) => `${i},${l.op},${Math.round(3 * l.cycles)}`)].join('\n');
    const parsed = parseProfilerLog(log);
    const cal = calibrateFromProfile(a, target, parsed, matchProfile(a, parsed));
    const after = estimateModel(a, cal.target);
    assert.equal(after.target.basis, 'profile');
    assert.ok(!after.total.wide, `band ×${after.total.band.high / after.total.band.low}`);
    assert.ok(Math.abs(after.total.ms / (3 * before.total.ms) - 1) < 0.1);
  });

  test('CLI: a band wider than ×2 leads with the range and the reason, not a headline figure', async () => {
    const { writeModel } = await import('../../src/model/io');
    const { tinyInt8ConvNet } = await import('../helpers/fixtures');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'kernels-')), 'tiny.tflite');
    writeFileSync(path, writeModel(tinyInt8ConvNet()));
    const wide = await cli('estimate', path, '--core', 'cortex-m55', '--mhz', '400', '--kernels', 'cmsis-nn');
    assert.equal(wide.code, 0, wide.err);
    assert.match(
      wide.out,
      /^Latency {2}between \S+ \S+ and \S+ \S+ per inference — an estimate; expected range ×\d+\.\d wide because: no measured row for Arm Cortex-M55/m,
    );
    assert.match(wide.out, /basis: extrapolated/);
  });
});
