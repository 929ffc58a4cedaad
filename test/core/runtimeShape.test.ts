/**
 * Data-movement kernels (RESHAPE, SQUEEZE, CONCATENATION, PAD, PADV2, TRANSPOSE,
 * STRIDED_SLICE, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR) against tfjs-tflite: hundreds of
 * random single-op models per op, float32 within 1e-5 of the output's largest magnitude and
 * int8 bit for bit. Ops whose result cannot depend on the rounding mode are checked in all
 * three modes; int8 RESIZE_BILINEAR is the oracle's XNNPACK arithmetic only in `xnnpack`
 * mode, so `tflm` and `tflite` are checked against the TFLM formula by hand-made cases below.
 * The TFLM-specific semantics (int8 concatenation never requantizes, STRIDED_SLICE ignores
 * ellipsis/new_axis/offset) are pinned down by small hand-made cases too.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DType } from '../../src/model/dtype';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant, type TensorData } from '../../src/model/graphBuilder';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { stridedSliceOutputShape } from '../../src/runtime/kernels/shape/stridedSlice';
import type { Rounding } from '../../src/runtime/quant';
import { RuntimeError } from '../../src/runtime/types';
import { prng } from '../../src/util/prng';
import { oracleModel } from '../oracles/tfjsTflite';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions, type BuiltinName, type OpOptions } from '../../src/model/ops';

const ALL_MODES: readonly Rounding[] = ['tflm', 'tflite', 'xnnpack'];

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const randomShape = (r: Rand, rank: number, max = 4): number[] => Array.from({ length: rank }, () => int(r, 1, max));

/** A quantization for int8 activations (shared by input and output: these ops keep it). */
function activationQuant(r: Rand): ReturnType<typeof quant> {
  return quant(0.005 + r() * 0.2, int(r, -128, 127));
}

function randomInput(r: Rand, dtype: DType, n: number): Uint8Array {
  const data = dtype === 'float32' ? Float32Array.from({ length: n }, () => r() * 2 - 1) : Int8Array.from({ length: n }, () => int(r, -128, 127));
  return new Uint8Array(data.buffer);
}

interface Case {
  readonly name: string;
  readonly graph: Graph;
  readonly inputs: readonly Uint8Array[];
  readonly dtype: DType;
  /** Modes whose result must equal the oracle's. */
  readonly modes: readonly Rounding[];
}

/** One op with one data input (and constant side inputs built by `extra`). */
function singleOp(opts: {
  op: BuiltinName;
  dtype: DType;
  inShape: readonly number[];
  outShape: readonly number[];
  q?: ReturnType<typeof quant>;
  options?: OpOptions;
  constants?: readonly { readonly shape: readonly number[]; readonly dtype: DType; readonly data: TensorData; readonly q?: ReturnType<typeof quant> }[];
  version?: number;
}): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph();
  const x = sg.tensor({ name: 'x', shape: opts.inShape, dtype: opts.dtype, ...(opts.q ? { quantization: opts.q } : {}) });
  const side = (opts.constants ?? []).map((c, i) =>
    sg.tensor({ name: `c${i}`, shape: c.shape, dtype: c.dtype, data: c.data, ...(c.q ? { quantization: c.q } : {}) }),
  );
  const y = sg.tensor({ name: 'y', shape: opts.outShape, dtype: opts.dtype, ...(opts.q ? { quantization: opts.q } : {}) });
  sg.op({
    op: opts.op,
    inputs: [x, ...side],
    outputs: [y],
    ...(opts.options ? { options: opts.options } : {}),
    ...(opts.version ? { version: opts.version } : {}),
  }).io([x], [y]);
  return g.build();
}

function runOurs(graph: Graph, inputs: readonly Uint8Array[], rounding: Rounding): Uint8Array {
  const it = new Interpreter(readModel(writeModel(graph)), { rounding });
  inputs.forEach((b, i) => it.setInputBytes(i, b));
  it.invoke();
  return tensorBytes(it.outputs[0]!);
}

function differs(dtype: DType, ours: Uint8Array, want: Uint8Array): string | undefined {
  if (ours.length !== want.length) return `${ours.length} bytes vs the oracle's ${want.length}`;
  if (dtype !== 'float32') {
    for (let i = 0; i < ours.length; i++) if (ours[i] !== want[i]) return `byte ${i}: ${ours[i]} vs ${want[i]}`;
    return undefined;
  }
  const a = new Float32Array(ours.slice().buffer);
  const e = new Float32Array(want.slice().buffer);
  let scale = 1e-30;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < e.length; i++) if (!(Math.abs(a[i]! - e[i]!) <= 1e-5 * scale)) return `[${i}]: ${a[i]} vs ${e[i]}`;
  return undefined;
}

/** Loads every case into the oracle, runs it and our interpreter; returns the mismatches. */
async function check(cases: readonly Case[]): Promise<{ compared: number; failures: string[] }> {
  const failures: string[] = [];
  let compared = 0;
  for (const c of cases) {
    const oracle = await oracleModel(writeModel(c.graph));
    const want = oracle.run(c.inputs)[0]!;
    for (const mode of c.modes) {
      compared++;
      let problem: string | undefined;
      try {
        problem = differs(c.dtype, runOurs(c.graph, c.inputs, mode), want);
      } catch (e) {
        problem = `threw ${(e as Error).message}`;
      }
      if (problem) failures.push(`${c.name} [${mode}]: ${problem}`);
    }
  }
  return { compared, failures };
}

async function expectAllMatch(cases: readonly Case[], minCases: number): Promise<void> {
  assert.ok(cases.length >= minCases, `only ${cases.length} cases were generated`);
  const { compared, failures } = await check(cases);
  assert.deepEqual(failures.slice(0, 8), [], `${failures.length} of ${compared} comparisons differ`);
}

const DTYPES: readonly DType[] = ['float32', 'int8'];
const N = 300;

function reshapeCases(): Case[] {
  const r = prng(101);
  return Array.from({ length: N }, (_, k) => {
    const dtype = DTYPES[k % 2]!;
    const inShape = randomShape(r, int(r, 1, 4), 5);
    // The output: the same elements under a random re-factoring.
    let rest = count(inShape);
    const outShape: number[] = [];
    const rank = int(r, 1, 4);
    for (let d = 0; d < rank - 1; d++) {
      const divisors = Array.from({ length: rest }, (_, i) => i + 1).filter((v) => rest % v === 0);
      const v = pick(r, divisors);
      outShape.push(v);
      rest /= v;
    }
    outShape.push(rest);
    const shapeData = [...outShape];
    if (r() < 0.3) shapeData[int(r, 0, rank - 1)] = -1;
    const useTensor = r() < 0.7;
    const graph = singleOp({
      op: 'RESHAPE',
      dtype,
      inShape,
      outShape,
      q: activationQuant(r),
      options: makeOptions('ReshapeOptions', { newShape: useTensor ? [] : outShape }),
      constants: useTensor ? [{ shape: [rank], dtype: 'int32', data: Int32Array.from(shapeData) }] : [],
    });
    return { name: `reshape ${dtype} [${inShape}] → [${shapeData}]`, graph, inputs: [randomInput(r, dtype, count(inShape))], dtype, modes: ALL_MODES };
  });
}

function squeezeCases(): Case[] {
  const r = prng(102);
  return Array.from({ length: N }, (_, k) => {
    const dtype = DTYPES[k % 2]!;
    const rank = int(r, 1, 5);
    const inShape = Array.from({ length: rank }, () => (r() < 0.45 ? 1 : int(r, 2, 4)));
    if (!inShape.includes(1)) inShape[int(r, 0, rank - 1)] = 1;
    const ones = inShape.flatMap((d, i) => (d === 1 ? [i] : []));
    const dims = r() < 0.3 ? [] : ones.filter(() => r() < 0.6);
    const squeezed = dims.length === 0 ? ones : dims;
    const outShape = inShape.filter((_, i) => !squeezed.includes(i));
    const options = makeOptions('SqueezeOptions', { squeezeDims: dims.map((d) => (r() < 0.3 ? d - rank : d)) });
    const graph = singleOp({ op: 'SQUEEZE', dtype, inShape, outShape, q: activationQuant(r), options });
    return {
      name: `squeeze ${dtype} [${inShape}] dims [${options.squeezeDims}]`,
      graph,
      inputs: [randomInput(r, dtype, count(inShape))],
      dtype,
      modes: ALL_MODES,
    };
  });
}

function concatenationCases(): Case[] {
  const r = prng(103);
  return Array.from({ length: N }, (_, k) => {
    const dtype = DTYPES[k % 2]!;
    const rank = int(r, 1, 4);
    const base = randomShape(r, rank);
    const axis = int(r, 0, rank - 1);
    const n = int(r, 1, 4);
    const shapes = Array.from({ length: n }, () => base.map((d, i) => (i === axis ? int(r, 1, 4) : d)));
    const outShape = base.map((d, i) => (i === axis ? shapes.reduce((s, sh) => s + sh[axis]!, 0) : d));
    const q = dtype === 'int8' ? activationQuant(r) : undefined;
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const xs = shapes.map((shape, i) => sg.tensor({ name: `x${i}`, shape, dtype, ...(q ? { quantization: q } : {}) }));
    const y = sg.tensor({ name: 'y', shape: outShape, dtype, ...(q ? { quantization: q } : {}) });
    const axisValue = r() < 0.3 ? axis - rank : axis;
    sg.op({
      op: 'CONCATENATION',
      inputs: xs,
      outputs: [y],
      options: makeOptions('ConcatenationOptions', { axis: axisValue, fusedActivationFunction: 'NONE' }),
      version: dtype === 'int8' ? 2 : 1,
    }).io(xs, [y]);
    return {
      name: `concat ${dtype} ${shapes.map((s) => `[${s}]`).join(' + ')} axis ${axisValue}`,
      graph: g.build(),
      inputs: shapes.map((s) => randomInput(r, dtype, count(s))),
      dtype,
      modes: ALL_MODES,
    };
  });
}

function padCases(v2: boolean): Case[] {
  const r = prng(v2 ? 105 : 104);
  return Array.from({ length: N }, (_, k) => {
    const dtype = DTYPES[k % 2]!;
    const rank = int(r, 1, 4);
    const inShape = randomShape(r, rank);
    const paddings = Array.from({ length: rank * 2 }, () => (r() < 0.3 ? 0 : int(r, 0, 3)));
    const outShape = inShape.map((d, i) => d + paddings[2 * i]! + paddings[2 * i + 1]!);
    const q = dtype === 'int8' ? activationQuant(r) : undefined;
    const constants: { shape: number[]; dtype: DType; data: TensorData; q?: ReturnType<typeof quant> }[] = [
      { shape: [rank, 2], dtype: 'int32', data: Int32Array.from(paddings) },
    ];
    if (v2)
      constants.push({
        shape: [],
        dtype,
        data: dtype === 'float32' ? Float32Array.from([r() * 4 - 2]) : Int8Array.from([int(r, -128, 127)]),
        ...(q ? { q } : {}),
      });
    const graph = singleOp({
      op: v2 ? 'PADV2' : 'PAD',
      dtype,
      inShape,
      outShape,
      ...(q ? { q } : {}),
      options: v2 ? makeOptions('PadV2Options') : makeOptions('PadOptions'),
      constants,
      version: dtype === 'int8' ? 2 : 1,
    });
    return {
      name: `${v2 ? 'padv2' : 'pad'} ${dtype} [${inShape}] by [${paddings}]`,
      graph,
      inputs: [randomInput(r, dtype, count(inShape))],
      dtype,
      modes: ALL_MODES,
    };
  });
}

function transposeCases(): Case[] {
  const r = prng(106);
  return Array.from({ length: N }, (_, k) => {
    const dtype = DTYPES[k % 2]!;
    const rank = int(r, 1, 5);
    const inShape = randomShape(r, rank);
    const perm = Array.from({ length: rank }, (_, i) => i);
    for (let i = rank - 1; i > 0; i--) {
      const j = int(r, 0, i);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const outShape = perm.map((p) => inShape[p]!);
    const graph = singleOp({
      op: 'TRANSPOSE',
      dtype,
      inShape,
      outShape,
      q: activationQuant(r),
      options: makeOptions('TransposeOptions'),
      constants: [{ shape: [rank], dtype: 'int32', data: Int32Array.from(perm) }],
      version: 2,
    });
    return { name: `transpose ${dtype} [${inShape}] perm [${perm}]`, graph, inputs: [randomInput(r, dtype, count(inShape))], dtype, modes: ALL_MODES };
  });
}

function stridedSliceCases(): Case[] {
  const r = prng(107);
  const cases: Case[] = [];
  while (cases.length < N + 40) {
    const k = cases.length;
    const dtype = DTYPES[k % 2]!;
    const rank = int(r, 1, 4);
    const inShape = randomShape(r, rank, 5);
    // A third of the cases use the ellipsis or new axes, which only TFLite honours. (The
    // oracle's TFLite predates `offset`, STRIDED_SLICE version 7: see the hand-made case.)
    const fancy = k % 3 === 2;
    let ellipsisMask = 0;
    let newAxisMask = 0;
    const offset = false;
    let n = rank;
    if (fancy) {
      if (r() < 0.5 && rank >= 2) {
        n = int(r, 1, rank - 1) + 1; // one entry stands for the ellipsis
        ellipsisMask = 1 << int(r, 0, n - 1);
      } else {
        n = rank + 1;
        newAxisMask = 1 << int(r, 0, n - 1);
      }
    }
    const begin: number[] = [];
    const end: number[] = [];
    const strides: number[] = [];
    let beginMask = 0;
    let endMask = 0;
    let shrinkMask = 0;
    let axis = 0;
    for (let i = 0; i < n; i++) {
      if ((ellipsisMask | newAxisMask) & (1 << i)) {
        begin.push(0);
        end.push(int(r, 0, 2));
        strides.push(1);
        if ((ellipsisMask & (1 << i)) !== 0) axis += rank - (n - 1);
        continue;
      }
      const size = inShape[axis++]!;
      if (r() < 0.2) {
        // Shrink: a valid index and a positive stride (a shrunk axis with a negative stride
        // writes nothing in TFLite and TFLM alike: StridedSliceEndForAxis gives start + 1).
        shrinkMask |= 1 << i;
        begin.push(int(r, -size, size - 1));
        end.push(int(r, -size - 2, size + 2));
        strides.push(int(r, 1, 3));
        continue;
      }
      begin.push(int(r, -size - 2, size + 2));
      end.push(int(r, -size - 2, size + 2));
      strides.push(pick(r, [-3, -2, -1, 1, 1, 2, 3]));
      if (r() < 0.2) beginMask |= 1 << i;
      if (r() < 0.2) endMask |= 1 << i;
    }
    const options = makeOptions('StridedSliceOptions', { beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask: shrinkMask, offset });
    let outShape: number[];
    try {
      outShape = stridedSliceOutputShape(inShape, begin, end, strides, options, 'tflite');
    } catch {
      continue;
    }
    if (outShape.some((d) => d === 0) || outShape.length === 0) continue;
    const graph = singleOp({
      op: 'STRIDED_SLICE',
      dtype,
      inShape,
      outShape,
      q: activationQuant(r),
      options,
      constants: [begin, end, strides].map((v) => ({ shape: [n], dtype: 'int32' as DType, data: Int32Array.from(v) })),
      version: 4,
    });
    const masks = `b${beginMask} e${endMask} s${shrinkMask} el${ellipsisMask} na${newAxisMask}`;
    cases.push({
      name: `strided_slice ${dtype} [${inShape}] [${begin}]:[${end}]:[${strides}] ${masks}`,
      graph,
      inputs: [randomInput(r, dtype, count(inShape))],
      dtype,
      modes: fancy ? ['tflite', 'xnnpack'] : ALL_MODES,
    });
  }
  return cases;
}

function resizeCases(bilinear: boolean): Case[] {
  const r = prng(bilinear ? 108 : 109);
  return Array.from({ length: N }, (_, k) => {
    const dtype = DTYPES[k % 2]!;
    const [b, h, w, c] = [int(r, 1, 2), int(r, 1, 6), int(r, 1, 6), int(r, 1, 4)];
    const [oh, ow] = [int(r, 1, 11), int(r, 1, 11)];
    const mode = int(r, 0, 2); // legacy, align_corners, half_pixel_centers
    const align = mode === 1;
    const half = mode === 2;
    const options = bilinear
      ? makeOptions('ResizeBilinearOptions', { alignCorners: align, halfPixelCenters: half })
      : makeOptions('ResizeNearestNeighborOptions', { alignCorners: align, halfPixelCenters: half });
    const graph = singleOp({
      op: bilinear ? 'RESIZE_BILINEAR' : 'RESIZE_NEAREST_NEIGHBOR',
      dtype,
      inShape: [b, h, w, c],
      outShape: [b, oh, ow, c],
      q: activationQuant(r),
      options,
      constants: [{ shape: [2], dtype: 'int32', data: Int32Array.from([oh, ow]) }],
      version: 3,
    });
    const modes: readonly Rounding[] = bilinear && dtype === 'int8' ? ['xnnpack'] : ALL_MODES;
    return {
      name: `${bilinear ? 'bilinear' : 'nearest'} ${dtype} [${b},${h},${w},${c}] → ${oh}×${ow} ${['legacy', 'align', 'half'][mode]}`,
      graph,
      inputs: [randomInput(r, dtype, b * h * w * c)],
      dtype,
      modes,
    };
  });
}

describe('shape kernels equal tfjs-tflite on random single-op models', () => {
  test('RESHAPE', () => expectAllMatch(reshapeCases(), N));
  test('SQUEEZE', () => expectAllMatch(squeezeCases(), N));
  test('CONCATENATION', () => expectAllMatch(concatenationCases(), N));
  test('PAD', () => expectAllMatch(padCases(false), N));
  test('PADV2', () => expectAllMatch(padCases(true), N));
  test('TRANSPOSE', () => expectAllMatch(transposeCases(), N));
  test('STRIDED_SLICE (masks, negative strides; ellipsis and new axes in TFLite modes)', () => expectAllMatch(stridedSliceCases(), N));
  test('RESIZE_BILINEAR (int8: xnnpack mode)', () => expectAllMatch(resizeCases(true), N));
  test('RESIZE_NEAREST_NEIGHBOR', () => expectAllMatch(resizeCases(false), N));
});

/** Runs a built graph in one mode with int8 input values; returns the int8 output. */
function runInt8(graph: Graph, input: readonly number[], rounding: Rounding): number[] {
  return Array.from(new Int8Array(runOurs(graph, [new Uint8Array(Int8Array.from(input).buffer)], rounding).buffer));
}

describe('TFLM-specific semantics', () => {
  test('int8 CONCATENATION copies bytes even when input scales differ (TFLM never requantizes)', () => {
    const g = new GraphBuilder();
    const sg = g.subgraph();
    const a = sg.tensor({ name: 'a', shape: [1, 2], dtype: 'int8', quantization: quant(0.5, 3) });
    const b = sg.tensor({ name: 'b', shape: [1, 2], dtype: 'int8', quantization: quant(0.1, -7) });
    const y = sg.tensor({ name: 'y', shape: [1, 4], dtype: 'int8', quantization: quant(0.25, 0) });
    sg.op({ op: 'CONCATENATION', inputs: [a, b], outputs: [y], options: makeOptions('ConcatenationOptions', { axis: 1 }) }).io([a, b], [y]);
    const it = new Interpreter(g.build(), { rounding: 'tflm' });
    it.setInputBytes(0, new Uint8Array(Int8Array.from([10, -20]).buffer));
    it.setInputBytes(1, new Uint8Array(Int8Array.from([100, -128]).buffer));
    it.invoke();
    assert.deepEqual(Array.from(it.outputs[0]!.data as Int8Array), [10, -20, 100, -128]);
  });

  test('int8 PAD fills with the output zero point; PADV2 with its constant', () => {
    const q = quant(0.1, -5);
    const pad = singleOp({
      op: 'PAD',
      dtype: 'int8',
      inShape: [2],
      outShape: [4],
      q,
      constants: [{ shape: [1, 2], dtype: 'int32', data: Int32Array.from([1, 1]) }],
    });
    assert.deepEqual(runInt8(pad, [7, 8], 'tflm'), [-5, 7, 8, -5]);
    const padv2 = singleOp({
      op: 'PADV2',
      dtype: 'int8',
      inShape: [2],
      outShape: [3],
      q,
      constants: [
        { shape: [1, 2], dtype: 'int32', data: Int32Array.from([0, 1]) },
        { shape: [], dtype: 'int8', data: Int8Array.from([42]), q },
      ],
    });
    assert.deepEqual(runInt8(padv2, [7, 8], 'tflm'), [7, 8, 42]);
  });

  test('int8 RESIZE_BILINEAR: TFLM rounds half away from zero, TFLite half up', () => {
    // 1×1×2×1 → 1×1×4×1, legacy mode: scale10 = 512, x = 0, 512, 1024→clamped, 1536.
    // Column 1 sits halfway between -3 and -2: the sum is -2.5·2^20, so TFLM gives -3
    // (away from zero) where single rounding gives (-2.5·2^20 + 2^19) >> 20 = -2.
    const graph = singleOp({
      op: 'RESIZE_BILINEAR',
      dtype: 'int8',
      inShape: [1, 1, 2, 1],
      outShape: [1, 1, 4, 1],
      q: quant(0.1, 0),
      options: makeOptions('ResizeBilinearOptions', { alignCorners: false, halfPixelCenters: false }),
      constants: [{ shape: [2], dtype: 'int32', data: Int32Array.from([1, 4]) }],
    });
    assert.deepEqual(runInt8(graph, [-3, -2], 'tflm'), [-3, -3, -2, -2]);
    assert.deepEqual(runInt8(graph, [-3, -2], 'tflite'), [-3, -2, -2, -2]);
    assert.deepEqual(runInt8(graph, [3, 2], 'tflm'), [3, 3, 2, 2]);
    assert.deepEqual(runInt8(graph, [3, 2], 'tflite'), [3, 3, 2, 2]);
  });

  test('STRIDED_SLICE: TFLM ignores new_axis_mask and refuses a model that needs it; TFLite honours it', () => {
    const options = makeOptions('StridedSliceOptions', { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 1, shrinkAxisMask: 0, offset: false });
    const begin = [0, 0];
    const end = [1, 3];
    const strides = [1, 1];
    const outShape = stridedSliceOutputShape([3], begin, end, strides, options, 'tflite');
    assert.deepEqual(outShape, [1, 3]);
    const graph = singleOp({
      op: 'STRIDED_SLICE',
      dtype: 'int8',
      inShape: [3],
      outShape,
      q: quant(0.1, 0),
      options,
      constants: [begin, end, strides].map((v) => ({ shape: [2], dtype: 'int32' as DType, data: Int32Array.from(v) })),
    });
    assert.deepEqual(runInt8(graph, [4, 5, 6], 'tflite'), [4, 5, 6]);
    assert.throws(
      () => runInt8(graph, [4, 5, 6], 'tflm'),
      (e) => e instanceof RuntimeError && e.code === 'unsupported-op',
    );
  });

  test('STRIDED_SLICE offset (TFLite only): end counts from begin', () => {
    const options = makeOptions('StridedSliceOptions', { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: true });
    const outShape = stridedSliceOutputShape([6], [1], [3], [1], options, 'tflite');
    assert.deepEqual(outShape, [3]);
    const graph = singleOp({
      op: 'STRIDED_SLICE',
      dtype: 'int8',
      inShape: [6],
      outShape,
      q: quant(0.1, 0),
      options,
      constants: [[1], [3], [1]].map((v) => ({ shape: [1], dtype: 'int32' as DType, data: Int32Array.from(v) })),
      version: 7,
    });
    assert.deepEqual(runInt8(graph, [0, 1, 2, 3, 4, 5], 'tflite'), [1, 2, 3]);
    // TFLM never sets params.offset: it computes [2] and refuses the [3] output.
    assert.throws(
      () => runInt8(graph, [0, 1, 2, 3, 4, 5], 'tflm'),
      (e) => e instanceof RuntimeError && e.code === 'unsupported-op',
    );
  });

  test('RESIZE_NEAREST_NEIGHBOR rounds half away from zero with align_corners (float32 index math)', () => {
    // in 3 → out 5 with align_corners: scale 0.5; x = 0, 0.5, 1, 1.5, 2 → round → 0, 1, 1, 2, 2.
    const graph = singleOp({
      op: 'RESIZE_NEAREST_NEIGHBOR',
      dtype: 'int8',
      inShape: [1, 1, 3, 1],
      outShape: [1, 1, 5, 1],
      q: quant(0.1, 0),
      options: makeOptions('ResizeNearestNeighborOptions', { alignCorners: true, halfPixelCenters: false }),
      constants: [{ shape: [2], dtype: 'int32', data: Int32Array.from([1, 5]) }],
    });
    assert.deepEqual(runInt8(graph, [10, 20, 30], 'tflm'), [10, 20, 20, 30, 30]);
  });
});
