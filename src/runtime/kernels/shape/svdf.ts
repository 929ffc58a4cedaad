/**
 * SVDF (TFLM svdf.cc / svdf_common.cc). Inputs: x [batch, input], weights_feature
 * [filters, input], weights_time [filters, memory], optional bias [units], and the variable
 * activation state [batch, memory·filters]; units = filters / rank.
 *
 * Each invoke: the whole state buffer shifts left by one element (across filter rows too,
 * exactly as the C++ does), the feature matmul writes each filter's newest activation into
 * the last slot of its memory row, the time matmul dots every row with weights_time, the
 * rank filters of a unit are summed with the bias, then the activation.
 *
 * float32: float32 arithmetic in TFLM's order; the fused activation applies.
 * int8 (EvalIntegerSvdfReference<T>, T = int16 or int8 for both weights_time and state):
 * - feature: acc = Σ wf·(x − x_zp); state = clamp_T(MBQM(acc, s1) + state_zp), with
 *   s1 = (float)(s_x·s_wf / s_state) (the product and quotient in float32, as TFLM's Prepare
 *   computes them from float scales). The zero point is added before the clamp, as the
 *   current svdf_common.cc does.
 * - time: scratch = Σ wt·(state − state_zp) in int32.
 * - output: clamp_int8(MBQM(bias + Σ_rank scratch, s2) + y_zp), s2 = (float)(s_state·s_wt / s_y).
 *   The fused activation is NOT applied: TFLM's integer SVDF ignores it (its output range
 *   is only int8's).
 * MBQM is MultiplyByQuantizedMultiplier with double rounding (TFLM, and the TFLite builtin
 * tfjs-tflite runs: `tflm`, `xnnpack`), single rounding in `tflite` mode. TFLite itself only
 * runs int16 state with RELU (svdf.cc Prepare), and ignores the RELU in the integer path too.
 */
import { optionsOf, type ActivationFunction } from '../../../model/ops';
import { input, intRange, optionalInput, output, scaleOf, zeroPointOf } from '../../kernelUtil';
import { makeIntegerRequantize } from '../../quant';
import { RuntimeError, type Eval, type Kernel, type KernelContext, type RuntimeTensor } from '../../types';
import { badModel } from './common';

interface Dims {
  readonly batch: number;
  readonly inputSize: number;
  readonly filters: number;
  readonly units: number;
  readonly memory: number;
  readonly rank: number;
}

/** TFLM's ActivationValFloat for the activations SVDF accepts. */
export function floatActivation(ctx: KernelContext, act: ActivationFunction): (v: number) => number {
  switch (act) {
    case 'NONE':
      return (v) => v;
    case 'RELU':
      return (v) => (v < 0 ? 0 : v);
    case 'RELU_N1_TO_1':
      return (v) => (v > 1 ? 1 : v < -1 ? -1 : v);
    case 'RELU6':
      return (v) => (v < 0 ? 0 : v > 6 ? 6 : v);
    case 'TANH':
      return (v) => Math.fround(Math.tanh(v));
    case 'SIGN_BIT':
      return (v) => (Math.sign(v) === -1 || Object.is(v, -0) ? 1 : 0);
    default:
      throw new RuntimeError('unsupported-op', `${ctx.name} (layer ${ctx.opIndex}) has fused activation ${String(act)}`, ctx.opIndex);
  }
}

function floatEval(
  ctx: KernelContext,
  d: Dims,
  x: RuntimeTensor,
  wf: RuntimeTensor,
  wt: RuntimeTensor,
  bias: RuntimeTensor | undefined,
  state: RuntimeTensor,
  y: RuntimeTensor,
  act: (v: number) => number,
): Eval {
  for (const t of [wf, wt, state, ...(bias ? [bias] : [])])
    if (t.dtype !== 'float32') throw badModel(ctx, `float SVDF needs float32 ${t.info.name}, not ${t.dtype}`);
  const f = Math.fround;
  const xs = x.data as Float32Array;
  const wfs = wf.data as Float32Array;
  const wts = wt.data as Float32Array;
  const bs = bias?.data as Float32Array | undefined;
  const st = state.data as Float32Array;
  const ys = y.data as Float32Array;
  const { batch, inputSize, filters, units, memory, rank } = d;
  const scratch = new Float32Array(batch * filters);
  return () => {
    st.copyWithin(0, 1);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < filters; r++) {
        let acc = 0;
        const wo = r * inputSize;
        const xo = b * inputSize;
        for (let c = 0; c < inputSize; c++) acc = f(acc + f(wfs[wo + c]! * xs[xo + c]!));
        st[(b * filters + r) * memory + memory - 1] = acc;
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < filters; i++) {
        let acc = 0;
        const so = (b * filters + i) * memory;
        for (let j = 0; j < memory; j++) acc = f(acc + f(wts[i * memory + j]! * st[so + j]!));
        scratch[b * filters + i] = acc;
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let u = 0; u < units; u++) {
        let acc = bs ? bs[u]! : 0;
        for (let k = 0; k < rank; k++) acc = f(acc + scratch[b * filters + u * rank + k]!);
        ys[b * units + u] = act(acc);
      }
    }
  };
}

function integerEval(
  ctx: KernelContext,
  d: Dims,
  x: RuntimeTensor,
  wf: RuntimeTensor,
  wt: RuntimeTensor,
  bias: RuntimeTensor | undefined,
  state: RuntimeTensor,
  y: RuntimeTensor,
): Eval {
  if (wf.dtype !== 'int8') throw badModel(ctx, `int8 SVDF needs int8 weights_feature, not ${wf.dtype}`);
  if (state.dtype !== 'int8' && state.dtype !== 'int16') throw badModel(ctx, `the activation state must be int8 or int16, not ${state.dtype}`);
  if (wt.dtype !== state.dtype) throw badModel(ctx, `weights_time (${wt.dtype}) and the activation state (${state.dtype}) must share a type`);
  if (bias && bias.dtype !== 'int32') throw badModel(ctx, `the bias must be int32, not ${bias.dtype}`);
  if (y.dtype !== 'int8') throw badModel(ctx, `the output must be int8, not ${y.dtype}`);
  const f = Math.fround;
  const s1 = f(f(scaleOf(x) * scaleOf(wf)) / scaleOf(state));
  const s2 = f(f(scaleOf(state) * scaleOf(wt)) / scaleOf(y));
  const rounding = ctx.rounding;
  const requant1 = makeIntegerRequantize(s1, rounding);
  const requant2 = makeIntegerRequantize(s2, rounding);
  const xZp = zeroPointOf(x);
  const stZp = zeroPointOf(state);
  const yZp = zeroPointOf(y);
  const [stMin, stMax] = intRange(state.dtype);
  const xs = x.data as Int8Array;
  const wfs = wf.data as Int8Array;
  const wts = wt.data as Int16Array | Int8Array;
  const bs = bias?.data as Int32Array | undefined;
  const st = state.data as Int16Array | Int8Array;
  const ys = y.data as Int8Array;
  const { batch, inputSize, filters, units, memory, rank } = d;
  const scratch = new Int32Array(batch * filters);
  return () => {
    st.copyWithin(0, 1);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < filters; r++) {
        let acc = 0;
        const wo = r * inputSize;
        const xo = b * inputSize;
        for (let c = 0; c < inputSize; c++) acc = (acc + wfs[wo + c]! * (xs[xo + c]! - xZp)) | 0;
        const v = requant1(acc) + stZp;
        st[(b * filters + r) * memory + memory - 1] = v < stMin ? stMin : v > stMax ? stMax : v;
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < filters; i++) {
        let acc = 0;
        const so = (b * filters + i) * memory;
        for (let j = 0; j < memory; j++) acc = (acc + wts[i * memory + j]! * (st[so + j]! - stZp)) | 0;
        scratch[b * filters + i] = acc;
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let u = 0; u < units; u++) {
        let acc = bs ? bs[u]! : 0;
        for (let k = 0; k < rank; k++) acc = (acc + scratch[b * filters + u * rank + k]!) | 0;
        const v = requant2(acc) + yZp;
        ys[b * units + u] = v < -128 ? -128 : v > 127 ? 127 : v;
      }
    }
  };
}

export const SVDF: Kernel = {
  prepare(ctx) {
    const x = input(ctx, 0);
    const wf = input(ctx, 1);
    const wt = input(ctx, 2);
    const bias = optionalInput(ctx, 3);
    const state = input(ctx, 4);
    const y = output(ctx);
    const options = optionsOf(ctx.op, 'SVDFOptions');
    const rank = options?.rank ?? 0;
    if (x.shape.length !== 2 || wf.shape.length !== 2 || wt.shape.length !== 2) throw badModel(ctx, 'input, weights_feature and weights_time must be 2-D');
    const [batch, inputSize] = x.shape as [number, number];
    const filters = wf.shape[0]!;
    const memory = wt.shape[1]!;
    if (rank <= 0 || filters % rank !== 0) throw badModel(ctx, `rank ${rank} does not divide the ${filters} filters`);
    const units = filters / rank;
    if (wf.shape[1] !== inputSize || wt.shape[0] !== filters) throw badModel(ctx, 'weight shapes do not match the input');
    if (state.data.length !== batch * memory * filters)
      throw badModel(ctx, `the activation state has ${state.data.length} elements, not batch·memory·filters = ${batch * memory * filters}`);
    if (!state.info.isVariable) throw badModel(ctx, 'the activation state must be a variable tensor');
    if (y.data.length !== batch * units) throw badModel(ctx, `the output has ${y.data.length} elements, not batch·units = ${batch * units}`);
    if (bias && bias.data.length !== units) throw badModel(ctx, `the bias has ${bias.data.length} elements, not ${units}`);
    const d: Dims = { batch, inputSize, filters, units, memory, rank };
    if (x.dtype === 'float32') {
      if (y.dtype !== 'float32') throw badModel(ctx, `float SVDF needs a float32 output, not ${y.dtype}`);
      return floatEval(ctx, d, x, wf, wt, bias, state, y, floatActivation(ctx, options?.fusedActivationFunction ?? 'NONE'));
    }
    if (x.dtype === 'int8') return integerEval(ctx, d, x, wf, wt, bias, state, y);
    throw new RuntimeError('unsupported-type', `${ctx.name} (layer ${ctx.opIndex}) is not supported for ${x.dtype} input`, ctx.opIndex);
  },
};
