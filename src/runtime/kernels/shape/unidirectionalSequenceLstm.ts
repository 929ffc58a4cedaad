/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM as TFLM's current kernel (unidirectional_sequence_lstm.cc,
 * lstm_eval_common.cc, lstm_eval.h/.cc): the standard LSTM only. All eight gate weight
 * matrices and four biases are required; peephole (9–11), projection (16–17) and layer
 * norm (20–23) inputs must be absent, as LstmTensors::ValidateTensorStatus demands.
 *
 * Per step, for each gate g in forget, input, cell, output:
 *   g = act(FC(x_t; W_g, b_g) + FC(h; R_g))   (sigmoid; tanh for the cell gate, the only
 *                                              activation TFLM accepts)
 *   c = f·c + i·g_cell (then clipped to ±cell_clip when cell_clip > 0), h = tanh(c)·o,
 * and h is copied to the output row. time_major inputs are [T, B, I], else [B, T, I].
 *
 * Integer: int8 weights, int16 cell state, and either int8 activations with int32 biases
 * (EvalLstm<int8, int8, int16, int32>) or int16 activations with int64 biases (the 16x8
 * EvalLstm<int16, int8, int16, int64>). TFLM's integer LSTM takes no scale from the
 * intermediate tensors: the gate pre-activations are int16 in a fixed Q3.12 (scale 2^-12), the
 * gate outputs Q0.15 (2^-15), and every multiplier comes from the input, weight, hidden-state
 * and cell-state scales (PrepareGateParametersInteger, CreateGateParams, CreateInterGateMulParams):
 * - gate FCs (reference_integer_ops::FullyConnected → int16, clamp to int16):
 *   x: Σ w·(x − x_zp) + b, multiplier s_x·s_W / 2^-12; h: Σ w·(h − h_zp), s_h·s_R / 2^-12
 *   (GetQuantizedConvolutionMultipler: the scales' product in float32, then divided in
 *   double); the two are added with int16 saturation. int8: the sum is int32 and
 *   requantized with the 32-bit MultiplyByQuantizedMultiplier; 16x8: the sum is int64 (the
 *   bias type is the accumulator type, the recurrent FC's too, though it has no bias) and
 *   requantized with the 64-bit one (quant64.ts: Q15 multiplier, one rounding);
 * - sigmoid/tanh: the int16 LUT kernels (Logistic(0, 0, …) and Tanh(-12 → shift 0));
 * - c = sat16(MulElementwise(f, c; 2^-15·s_c/s_c) + MulElementwise(i, g; 2^-15·2^-15/s_c)),
 *   clipped to ±(int16)(cell_clip / s_c) when cell_clip > 0;
 * - h = clamp(MulElementwise(tanh(c), o; 2^-15·2^-15/s_h) + h_zp) to int8 or int16, where tanh
 *   reads c with Tanh(cell_state_scale_power = round(log2 s_c)): left shift 15 + p − 3 (a
 *   negative shift becomes multiplier 3 and a right shift).
 * The output tensor's own quantization is not used: the output is the hidden state's bytes.
 * Requantization rounds twice as TFLM does, once in `tflite` mode (see makeIntegerRequantize);
 * the int8 design is TFLM's in every mode: TFLite's own int8 LSTM is a different algorithm
 * (gemmlowp sigmoid/tanh, intermediate-tensor scales) that agrees only to ±1. Both integer
 * paths are bit-exact with TFLM's reference kernels (test/core/lstmTflm.test.ts).
 *
 * float32: the same steps in float32, with sigmoid = 1/(1+e^-x) (e^x below -9, 1 above
 * 16.619…) and tanh, as reference_ops::Logistic and Tanh.
 */
import { optionsOf } from '../../../model/ops';
import { optionalInput, output, zeroPointOf } from '../../kernelUtil';
import { logisticInt16, makeIntegerRequantize, roundHalfAway, tanhInt16 } from '../../quant';
import { multiplyByQuantizedMultiplier64, multiplyByQuantizedMultiplierBig, wideMultiplier } from '../../quant64';
import { RuntimeError, type Eval, type Kernel, type KernelContext, type RuntimeTensor } from '../../types';
import { badModel } from './common';

const INPUT = 0;
const INPUT_WEIGHTS = [2, 1, 3, 4] as const; // forget, input, cell, output (TFLM's order)
const RECURRENT_WEIGHTS = [6, 5, 7, 8] as const;
const BIASES = [13, 12, 14, 15] as const;
const HIDDEN_STATE = 18;
const CELL_STATE = 19;
const ABSENT = [9, 10, 11, 16, 17, 20, 21, 22, 23];

const FORGET = 0;
const IN = 1;
const CELL = 2;
const OUT = 3;

interface Sizes {
  readonly batch: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly state: number;
  readonly timeMajor: boolean;
}

interface Tensors {
  readonly x: RuntimeTensor;
  readonly w: readonly RuntimeTensor[];
  readonly r: readonly RuntimeTensor[];
  readonly b: readonly RuntimeTensor[];
  readonly h: RuntimeTensor;
  readonly c: RuntimeTensor;
  readonly y: RuntimeTensor;
}

function required(ctx: KernelContext, slot: number, what: string): RuntimeTensor {
  const t = optionalInput(ctx, slot);
  if (!t)
    throw new RuntimeError(
      'unsupported-op',
      `${ctx.name} (layer ${ctx.opIndex}) has no ${what} (input ${slot}); TFLite Micro only runs the standard LSTM (no CIFG)`,
      ctx.opIndex,
    );
  return t;
}

/** Offsets of step (b, t) in the input and output/state rows. */
function rowOf(s: Sizes, b: number, t: number): number {
  return s.timeMajor ? t * s.batch + b : b * s.steps + t;
}

const f = Math.fround;

function sigmoidFloat(v: number): number {
  if (v > 16.619047164916992) return 1;
  if (v < -9) return f(Math.exp(v));
  return f(1 / f(1 + f(Math.exp(-v))));
}

function tanhFloat(v: number): number {
  return f(Math.tanh(v));
}

function floatEval(ctx: KernelContext, s: Sizes, t: Tensors, clip: number): Eval {
  for (const m of [t.h, t.c, t.y, ...t.w, ...t.r, ...t.b])
    if (m.dtype !== 'float32') throw badModel(ctx, `a float LSTM needs float32 ${m.info.name}, not ${m.dtype}`);
  const x = t.x.data as Float32Array;
  const w = t.w.map((m) => m.data as Float32Array);
  const r = t.r.map((m) => m.data as Float32Array);
  const bias = t.b.map((m) => m.data as Float32Array);
  const h = t.h.data as Float32Array;
  const c = t.c.data as Float32Array;
  const y = t.y.data as Float32Array;
  const { inputSize: I, state: S } = s;
  const gates = [0, 1, 2, 3].map(() => new Float32Array(S));
  const acts = [sigmoidFloat, sigmoidFloat, tanhFloat, sigmoidFloat];
  const observe = ctx.observeState;
  return () => {
    for (let b = 0; b < s.batch; b++) {
      const hs = b * S; // this batch's hidden and cell state
      for (let step = 0; step < s.steps; step++) {
        const row = rowOf(s, b, step);
        const xo = row * I;
        for (let g = 0; g < 4; g++) {
          const wg = w[g]!;
          const rg = r[g]!;
          const bg = bias[g]!;
          const out = gates[g]!;
          const act = acts[g]!;
          for (let j = 0; j < S; j++) {
            let acc = 0;
            for (let k = 0; k < I; k++) acc = f(acc + f(x[xo + k]! * wg[j * I + k]!));
            const fromInput = f(acc + bg[j]!);
            let rec = 0;
            for (let k = 0; k < S; k++) rec = f(rec + f(h[hs + k]! * rg[j * S + k]!));
            out[j] = act(f(fromInput + rec));
          }
        }
        const fg = gates[FORGET]!;
        const ig = gates[IN]!;
        const cg = gates[CELL]!;
        const og = gates[OUT]!;
        for (let j = 0; j < S; j++) {
          let cell = f(f(fg[j]! * c[hs + j]!) + f(ig[j]! * cg[j]!));
          if (clip > 0) cell = cell > clip ? clip : cell < -clip ? -clip : cell;
          c[hs + j] = cell;
        }
        // Calibration sees the cell state of every step, not only the last (the output rows hold every hidden state).
        observe?.(t.c, c.subarray(hs, hs + S));
        const yo = row * S;
        for (let j = 0; j < S; j++) {
          const hidden = f(tanhFloat(c[hs + j]!) * og[j]!);
          h[hs + j] = hidden;
          y[yo + j] = hidden;
        }
      }
    }
  };
}

/** A per-tensor scale; TFLM's integer LSTM passes per-tensor FullyConnected params only. */
function perTensorScale(ctx: KernelContext, m: RuntimeTensor): number {
  const q = m.info.quantization;
  if (!q || q.scale.length === 0) throw badModel(ctx, `${m.info.name} has no quantization`);
  if (q.scale.length > 1)
    throw new RuntimeError(
      'unsupported-op',
      `${ctx.name} (layer ${ctx.opIndex}): per-channel weights (${m.info.name}) are not supported by TFLite Micro's integer LSTM`,
      ctx.opIndex,
    );
  return q.scale[0]!;
}

/** What the activation type changes: TFLM's EvalLstm<int8_t, int8_t, int16_t, int32_t> or <int16_t, int8_t, int16_t, int64_t>. */
type Activation = 'int8' | 'int16';

/** |bias| below this converts to a double exactly, with room for the accumulator. */
const EXACT_BIAS = 2 ** 50;

/**
 * A gate's FC into Q3.12 from an exact accumulator (without bias): the int32 path wraps it and
 * requantizes with TFLM's 32-bit MultiplyByQuantizedMultiplier; the int64 path adds the int64
 * bias and takes the 64-bit one (quant64.ts). Both clamp to int16, the FC's activation range.
 */
type GateFc = (acc: number, j: number) => number;

function sat16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

function gateFc(ctx: KernelContext, act: Activation, real: number, bias: RuntimeTensor | undefined): GateFc {
  if (act === 'int8') {
    const req = makeIntegerRequantize(real, ctx.rounding);
    if (!bias) return (acc) => sat16(req(acc | 0));
    const b = bias.data as Int32Array;
    return (acc, j) => sat16(req((acc + b[j]!) | 0));
  }
  const m = wideMultiplier(real);
  // TFLite's 64-bit MultiplyByQuantizedMultiplier takes shifts below 8 only (TFLM asserts).
  if (m.shift >= 8) throw badModel(ctx, `has a gate requantization multiplier of ${real}, beyond the 2^7 TFLite's 64-bit requantization accepts`);
  if (!bias) return (acc) => sat16(multiplyByQuantizedMultiplier64(acc, m));
  const big = bias.data as BigInt64Array;
  if (big.every((v) => v > -EXACT_BIAS && v < EXACT_BIAS)) {
    const b = Float64Array.from(big, Number);
    return (acc, j) => sat16(multiplyByQuantizedMultiplier64(acc + b[j]!, m));
  }
  return (acc, j) => sat16(multiplyByQuantizedMultiplierBig(BigInt(acc) + big[j]!, m));
}

function integerEval(ctx: KernelContext, s: Sizes, t: Tensors, cellClip: number, act: Activation): Eval {
  const biasType = act === 'int8' ? 'int32' : 'int64';
  for (const m of [...t.w, ...t.r]) if (m.dtype !== 'int8') throw badModel(ctx, `${act} LSTM weights must be int8, not ${m.dtype} (${m.info.name})`);
  for (const m of t.b) if (m.dtype !== biasType) throw badModel(ctx, `${act} LSTM biases must be ${biasType}, not ${m.dtype} (${m.info.name})`);
  if (t.h.dtype !== act || t.y.dtype !== act) throw badModel(ctx, `the hidden state and the output must be ${act} like the input`);
  if (t.c.dtype !== 'int16') throw badModel(ctx, `the cell state must be int16, not ${t.c.dtype}`);
  const rounding = ctx.rounding;
  const GATE_SCALE = 2 ** -12;
  const Q15 = 2 ** -15;
  const sx = perTensorScale(ctx, t.x);
  const sh = perTensorScale(ctx, t.h);
  const sc = perTensorScale(ctx, t.c);
  const xZp = zeroPointOf(t.x);
  const hZp = zeroPointOf(t.h);
  // GetQuantizedConvolutionMultipler: the float32 product of the scales, widened, over the output's.
  const fcMultiplier = (sIn: number, m: RuntimeTensor): number => f(sIn * perTensorScale(ctx, m)) / GATE_SCALE;
  const fromInput: GateFc[] = t.w.map((m, g) => gateFc(ctx, act, fcMultiplier(sx, m), t.b[g]));
  const fromHidden: GateFc[] = t.r.map((m) => gateFc(ctx, act, fcMultiplier(sh, m), undefined));
  const inWz = t.w.map((m) => zeroPointOf(m));
  const recWz = t.r.map((m) => zeroPointOf(m));
  const forgetCellReq = makeIntegerRequantize((Q15 * sc) / sc, rounding);
  const inputCellReq = makeIntegerRequantize((Q15 * Q15) / sc, rounding);
  const hiddenReq = makeIntegerRequantize((Q15 * Q15) / sh, rounding);
  const [hMin, hMax] = act === 'int8' ? [-128, 127] : [-32768, 32767];
  // CheckedLog2: round(log2(scale)) in float; Tanh(power) then shifts by 15 + power − 3.
  const power = roundHalfAway(f(f(Math.log(sc)) * f(1 / f(Math.log(2)))));
  let cellTanhShift = 15 + power - 3;
  let cellTanhMultiplier = 0;
  if (cellTanhShift < 0) {
    cellTanhShift = -cellTanhShift;
    cellTanhMultiplier = 3;
  }
  const clip = cellClip > 0 ? Math.trunc(Math.min(Math.max(cellClip / sc, -32768), 32767)) : 0;

  const x = t.x.data as Int8Array | Int16Array;
  const w = t.w.map((m) => m.data as Int8Array);
  const r = t.r.map((m) => m.data as Int8Array);
  const h = t.h.data as Int8Array | Int16Array;
  const c = t.c.data as Int16Array;
  const y = t.y.data as Int8Array | Int16Array;
  const { inputSize: I, state: S } = s;
  const gates = [0, 1, 2, 3].map(() => new Int16Array(S));
  return () => {
    for (let b = 0; b < s.batch; b++) {
      const hs = b * S;
      for (let step = 0; step < s.steps; step++) {
        const row = rowOf(s, b, step);
        const xo = row * I;
        for (let g = 0; g < 4; g++) {
          const wg = w[g]!;
          const rg = r[g]!;
          const wz = inWz[g]!;
          const rz = recWz[g]!;
          const finishInput = fromInput[g]!;
          const finishHidden = fromHidden[g]!;
          const out = gates[g]!;
          for (let j = 0; j < S; j++) {
            // Exact sums (|product| < 2^24): the int32 path wraps once at the end, as per term.
            let acc = 0;
            for (let k = 0; k < I; k++) acc += (wg[j * I + k]! - wz) * (x[xo + k]! - xZp);
            let rec = 0;
            for (let k = 0; k < S; k++) rec += (rg[j * S + k]! - rz) * (h[hs + k]! - hZp);
            const pre = sat16(finishInput(acc, j) + finishHidden(rec, j));
            out[j] = g === CELL ? tanhInt16(pre, 0, 0) : logisticInt16(pre, 0, 0);
          }
        }
        const fg = gates[FORGET]!;
        const ig = gates[IN]!;
        const cg = gates[CELL]!;
        const og = gates[OUT]!;
        for (let j = 0; j < S; j++) {
          const kept = sat16(forgetCellReq(fg[j]! * c[hs + j]!));
          const added = sat16(inputCellReq(ig[j]! * cg[j]!));
          let cell = sat16(kept + added);
          if (cellClip > 0) cell = cell > clip ? clip : cell < -clip ? -clip : cell;
          c[hs + j] = cell;
        }
        const yo = row * S;
        for (let j = 0; j < S; j++) {
          const th = tanhInt16(c[hs + j]!, cellTanhMultiplier, cellTanhShift);
          const v = hiddenReq(th * og[j]!) + hZp;
          const hidden = v > hMax ? hMax : v < hMin ? hMin : v;
          h[hs + j] = hidden;
          y[yo + j] = hidden;
        }
      }
    }
  };
}

export const UNIDIRECTIONAL_SEQUENCE_LSTM: Kernel = {
  prepare(ctx) {
    for (const slot of ABSENT) {
      if (optionalInput(ctx, slot))
        throw new RuntimeError(
          'unsupported-op',
          `${ctx.name} (layer ${ctx.opIndex}) has input ${slot} (peephole, projection or layer norm); TFLite Micro only runs the standard LSTM`,
          ctx.opIndex,
        );
    }
    const x = required(ctx, INPUT, 'input');
    const tensors: Tensors = {
      x,
      w: INPUT_WEIGHTS.map((i) => required(ctx, i, 'input weights')),
      r: RECURRENT_WEIGHTS.map((i) => required(ctx, i, 'recurrent weights')),
      b: BIASES.map((i) => required(ctx, i, 'gate bias')),
      h: required(ctx, HIDDEN_STATE, 'hidden (output) state'),
      c: required(ctx, CELL_STATE, 'cell state'),
      y: output(ctx),
    };
    if (!tensors.h.info.isVariable || !tensors.c.info.isVariable) throw badModel(ctx, 'the hidden and cell states must be variable tensors');
    const o = optionsOf(ctx.op, 'UnidirectionalSequenceLSTMOptions');
    const timeMajor = o?.timeMajor ?? false;
    if (x.shape.length !== 3) throw badModel(ctx, `the input must be 3-D, not [${x.shape.join(', ')}]`);
    const state = tensors.h.shape[tensors.h.shape.length - 1]!;
    const sizes: Sizes = {
      batch: timeMajor ? x.shape[1]! : x.shape[0]!,
      steps: timeMajor ? x.shape[0]! : x.shape[1]!,
      inputSize: x.shape[2]!,
      state,
      timeMajor,
    };
    for (const m of tensors.w)
      if (m.shape[0] !== state || m.shape[1] !== sizes.inputSize)
        throw badModel(ctx, `${m.info.name} is [${m.shape.join(', ')}], not [${state}, ${sizes.inputSize}]`);
    for (const m of tensors.r)
      if (m.shape[0] !== state || m.shape[1] !== state) throw badModel(ctx, `${m.info.name} is [${m.shape.join(', ')}], not [${state}, ${state}]`);
    for (const m of tensors.b) if (m.data.length !== state) throw badModel(ctx, `${m.info.name} has ${m.data.length} elements, not ${state}`);
    if (tensors.h.data.length !== sizes.batch * state || tensors.c.data.length !== sizes.batch * state)
      throw badModel(ctx, 'the state tensors do not hold batch × state values');
    if (tensors.y.data.length !== sizes.batch * sizes.steps * state)
      throw badModel(ctx, `the output has ${tensors.y.data.length} elements, not ${sizes.batch * sizes.steps * state}`);
    const cellClip = o?.cellClip ?? 0;
    if (cellClip < 0) throw badModel(ctx, 'cell_clip is negative');
    // TFLM's CalculateLstmGate only knows sigmoid and tanh, and the schema's activation
    // codes have no sigmoid: anything but TANH hits its TFLITE_ASSERT_FALSE.
    const act = o?.fusedActivationFunction ?? 'NONE';
    if (act !== 'TANH') {
      throw new RuntimeError('unsupported-op', `${ctx.name} (layer ${ctx.opIndex}) has cell activation ${act}; TFLite Micro supports only TANH`, ctx.opIndex);
    }
    switch (x.dtype) {
      case 'float32':
        return floatEval(ctx, sizes, tensors, f(cellClip));
      case 'int8':
      case 'int16':
        return integerEval(ctx, sizes, tensors, cellClip, x.dtype);
      default:
        throw new RuntimeError('unsupported-type', `${ctx.name} (layer ${ctx.opIndex}) is not supported for ${x.dtype} input`, ctx.opIndex);
    }
  },
};
