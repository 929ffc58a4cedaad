/**
 * The WebAssembly SIMD path of the int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels
 * (src/runtime/wasm/kernels.wat): the same arithmetic as their JavaScript loops, bit for bit,
 * in every rounding mode. Each `prepare…` here returns the layer's eval, or undefined when the
 * layer keeps the JavaScript path (no arena, weights that are not constant, requantization
 * constants that are not finite, or an arena that cannot grow).
 *
 * An eval copies the int8 input into the arena and widens it to int16 with the input offset
 * added, inside a zero border as wide as the farthest tap reaches: every output pixel then runs
 * the same loop, and a padded tap contributes (zp − zp) · w = 0, as TFLM's skipped taps do.
 * Then it accumulates int32 dot products from the bias, requantizes them, and copies the int8
 * output back.
 */
import type { ChannelRequantizer } from '../../quant';
import type { Eval } from '../../types';
import { align16, type WasmArena } from '../../wasm/simd';

/**
 * The smallest |acc| (as a uint32, at most 2^31) for which channel c's float64 form may be
 * inexact or, for a `zero` channel, nonzero: ceil(limit / m) for |acc|·m < limit. Quotients of
 * doubles round monotonically, so the computed ceiling never exceeds the true one.
 */
function exactBound(rq: ChannelRequantizer, c: number, zero: boolean): number {
  const m = rq.multiplier[c]!;
  const shift = rq.shift[c]!;
  if (m === 0) return 2 ** 31;
  if (m < 0) return 0;
  // Exact, and the rounded w (plus the zero point) is an int32: |w| < 2^31 − 2^10.
  const g = 1 / rq.unit[c]!;
  let limit = Math.min(2 ** 52 - 2 ** 31, (2 ** 31 - 2 ** 10) * g);
  if (zero) limit = rq.rounding === 'tflite' ? 2 ** (30 - shift) : 2 ** (30 - shift) - 2 ** 30;
  return Math.min(2 ** 31, Math.max(0, Math.ceil(limit / m)));
}

/** Requantization constants in the layout `requant` reads, and the bias the sums start from. */
export interface RequantPlan {
  readonly bias: number;
  readonly prm: number;
  readonly cp: number;
  readonly mode: number;
}

/**
 * Copies a requantizer's constants and the bias (zeros past `channels`, up to `biasChannels`)
 * into the arena; undefined when they are not finite (a degenerate scale), where the
 * JavaScript loop's NaN handling rules.
 *
 * The float64 form: requantizeChannels' fast path computes floor((p + A) / G) for p = acc·m,
 * the rule's addend A (tflm: 2^30 + 2^(e−1)·2^31, less 2^31 when p < −2^30; tflite: 2^(k−1))
 * and G = 2^(31+e) or 2^k, in doubles. `requant` takes the nearest integer to
 * w = (p + A)/G − 1/2 + 1/(2G) = acc · (m/G) + (2A − G + 1)/(2G) instead, which is the same
 * integer (w's fractional part lies strictly between −1/2 and 1/2, so there are no ties), is
 * exact while |p| < 2^52 − 2^31 (2A − G + 1 is 1 or ±2^31 + 1), and rounds with one addition
 * into the low 32 bits while |w| < 2^31 − 2^10. Each channel gets the bound on |acc| that
 * keeps both (requantizeChannels uses 2^21 for all, which is smaller for every tflm channel).
 * The channels whose k is too large for the form (tflm shifts below −21, tflite k > 52), which
 * requantizeChannels sends to the general functions, get mul = add = 0 and the bound below
 * which both rules give exactly 0: for tflm, RoundingDivideByPOT(v, e) = 0 iff |v| < 2^(e−1),
 * which |acc|·m < 2^(30+e) − 2^30 ensures; for tflite, |acc|·m < 2^(k−1).
 *
 * Sums at or beyond their channel's bound take an exact vector form of both rules (`$exact4`
 * in kernels.wat), or int64 in tflite layers with multipliers above 1 (left shifts); tflm layers
 * with such multipliers take int64 for every sum (mode 4).
 */
export function planRequant(
  arena: WasmArena,
  rq: ChannelRequantizer,
  channels: number,
  bias: Int32Array | null,
  biasChannels = channels,
  spread?: Float64Array,
): RequantPlan | undefined {
  const cp = Math.max(16, Math.ceil(channels / 16) * 16);
  let mode: number;
  if (rq.rounding === 'xnnpack') {
    for (let c = 0; c < channels; c++) if (!Number.isFinite(rq.scale[c]!)) return undefined;
    mode = 2;
  } else {
    for (let c = 0; c < channels; c++) {
      for (const v of [rq.addend[c]!, rq.addendNegative[c]!, rq.unit[c]!]) if (!Number.isFinite(v)) return undefined;
    }
    // Multipliers above 1 (left shifts) keep int64: for every lane in tflm, beyond the bounds in tflite.
    const leftShift = rq.shift.subarray(0, channels).some((v) => v > 0);
    mode = rq.rounding === 'tflite' ? (leftShift ? 1 : 0) : leftShift ? 4 : 0;
  }
  const biasAt = arena.alloc(Math.max(cp, biasChannels) * 4);
  const prm = arena.alloc(cp * 81);
  const { i32, f32, f64, i64 } = arena;
  if (bias) i32.set(bias.subarray(0, channels), biasAt >> 2);
  const f = prm >> 3;
  for (let c = 0; c < channels; c++) {
    const unit = rq.unit[c]!;
    const zero = rq.rounding === 'tflite' ? 31 - rq.shift[c]! > 52 : rq.shift[c]! < -21;
    const g = 1 / unit;
    f64[f + c] = zero ? 0 : rq.multiplier[c]! * unit;
    f64[f + cp + c] = zero ? 0 : ((2 * rq.addend[c]! - g + 1) * unit) / 2;
    f64[f + 2 * cp + c] = zero ? 0 : ((2 * rq.addendNegative[c]! - g + 1) * unit) / 2;
    f64[f + 3 * cp + c] = zero ? 0 : -1073741824 * unit;
    f32[(prm >> 2) + 8 * cp + c] = rq.scale[c]!;
    i32[(prm >> 2) + 9 * cp + c] = rq.multiplier[c]!;
    i32[(prm >> 2) + 10 * cp + c] = rq.shift[c]!;
    i32[(prm >> 2) + 11 * cp + c] = exactBound(rq, c, zero);
    // requant's exact fallback ($exact4): v = (acc·m + N) >> 31, then the nearest integer to
    // v·2^−j + c, with j = −shift for both rules (tflm's e; tflite's k − 31).
    const tflite = rq.rounding === 'tflite';
    const j = Math.max(0, -rq.shift[c]!);
    f64[f + 6 * cp + c] = 2 ** -j;
    f64[f + 7 * cp + c] = j > 0 ? 2 ** -(j + 1) : 0;
    i64[(prm >> 3) + 8 * cp + c] = tflite && j > 0 ? 0n : 1073741824n;
    i64[(prm >> 3) + 9 * cp + c] = tflite ? 0n : -9223372036854775808n;
  }
  // Route to $exact4 the groups of 4 channels with one whose sums always pass its bound: a
  // bias far from 0 (near-dead channels with tiny weight scales have huge ones), more than the
  // weights can move it. Only speed depends on this: both routes give every sum's exact result.
  if (mode === 0 && bias && spread) {
    for (let c = 0; c < channels; c++) {
      const bound = i32[(prm >> 2) + 11 * cp + c]! >>> 0;
      if (Math.abs(bias[c]!) - spread[c]! >= bound) i32[(prm >> 2) + 20 * cp + (c >> 2)] = 1;
    }
  }
  return { bias: biasAt, prm, cp, mode };
}

export interface WasmOutput {
  readonly requant: ChannelRequantizer;
  readonly bias: Int32Array | null;
  readonly zeroPoint: number;
  readonly min: number;
  readonly max: number;
}

export interface WasmConvParams {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  /** Input channels per group (the filter's depth). */
  readonly depth: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** OHWI int8 weights. */
  readonly weights: Int8Array;
  /** Added to every weight (−zero point of per-tensor FULLY_CONNECTED weights, else 0). */
  readonly weightOffset: number;
  readonly inputOffset: number;
}

/** What a window walk over an image needs to know of its geometry (int8 and float kernels alike). */
export interface WindowWalk {
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** Padded image geometry shared by conv and depthwise, int8 and float: the border as wide as the farthest tap reaches (negative padding taken as 0). */
export function paddedImage(p: WindowWalk): { top: number; bottom: number; left: number; right: number; hp: number; wp: number } {
  const top = Math.max(0, p.padTop);
  const left = Math.max(0, p.padLeft);
  const hp = Math.max(top + p.inH, (p.outH - 1) * p.strideH + (p.kH - 1) * p.dilationH + 1);
  const wp = Math.max(left + p.inW, (p.outW - 1) * p.strideW + (p.kW - 1) * p.dilationW + 1);
  return { top, bottom: hp - top - p.inH, left, right: wp - left - p.inW, hp, wp };
}

/**
 * CONV_2D (and FULLY_CONNECTED, as a 1×1 convolution over a 1×batches image) on int8 data.
 * Output channels go in blocks of 8 within a group; weights are packed per block, per segment
 * (a filter row when rows are contiguous in the input, else a tap), in quads of 4 values.
 */
export function prepareWasmConv(arena: WasmArena, p: WasmConvParams, o: WasmOutput, src: Int8Array, dst: Int8Array): Eval | undefined {
  return orJs(() => planConv(arena, p, o, src, dst));
}

/** undefined (the JavaScript loops) when the arena cannot grow for a layer's data. */
function orJs(plan: () => Eval | undefined): Eval | undefined {
  try {
    return plan();
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function planConv(arena: WasmArena, p: WasmConvParams, o: WasmOutput, src: Int8Array, dst: Int8Array): Eval | undefined {
  const { batches, inH, inW, inC, outH, outW, outC, kH, kW, depth } = p;
  const pixels = outH * outW;
  if (pixels === 0 || outC === 0 || depth === 0 || batches === 0) return undefined;
  const groups = inC / depth;
  const perGroup = outC / groups;
  const pad = paddedImage(p);
  const rowSpans = groups === 1 && p.dilationW === 1;
  const segments = rowSpans ? kH : kH * kW;
  const length = rowSpans ? kW * inC : depth;
  const quads = Math.ceil(length / 4);
  const starts: number[] = [];
  const counts: number[] = [];
  const groupOf: number[] = [];
  for (let g = 0; g < groups; g++) {
    for (let j = 0; j < perGroup; j += 8) {
      starts.push(g * perGroup + j);
      counts.push(Math.min(8, perGroup - j));
      groupOf.push(g);
    }
  }
  const blocks = starts.length;
  const pitch = align16((starts[blocks - 1]! + 8) * 4);
  // How far the inputs can move each sum from its bias: max |x + offset| · Σ |w + weight offset|.
  const maxX = Math.max(Math.abs(-128 + p.inputOffset), Math.abs(127 + p.inputOffset));
  const spread = new Float64Array(outC);
  const perFilter = kH * kW * depth;
  for (let oc = 0; oc < outC; oc++) {
    let sum = 0;
    for (let i = oc * perFilter; i < (oc + 1) * perFilter; i++) sum += Math.abs(p.weights[i]! + p.weightOffset);
    spread[oc] = sum * maxX;
  }
  const rq = planRequant(arena, o.requant, outC, o.bias, pitch / 4, spread);
  if (!rq) return undefined;

  const pix = arena.alloc(pixels * 4);
  const seg = arena.alloc(segments * 4);
  const blk = arena.alloc(blocks * 8);
  const blockBytes = segments * quads * 64;
  const w = arena.alloc(blocks * blockBytes);
  const rowBytes = pad.wp * inC * 2;
  // Already in place when the arena started from a prepared image (another thread packed it).
  if (!arena.prefilled) {
    const { i32, i16 } = arena;
    for (let oy = 0, k = pix >> 2; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, k++) i32[k] = oy * p.strideH * rowBytes + ox * p.strideW * inC * 2;
    }
    for (let fy = 0; fy < kH; fy++) {
      if (rowSpans) i32[(seg >> 2) + fy] = fy * p.dilationH * rowBytes;
      else for (let fx = 0; fx < kW; fx++) i32[(seg >> 2) + fy * kW + fx] = fy * p.dilationH * rowBytes + fx * p.dilationW * inC * 2;
    }
    for (let b = 0; b < blocks; b++) {
      i32[(blk >> 2) + 2 * b] = groupOf[b]! * depth * 2;
      i32[(blk >> 2) + 2 * b + 1] = starts[b]! * 4;
    }
    const wt = p.weights;
    const taps = kH * kW;
    for (let b = 0; b < blocks; b++) {
      for (let lane = 0; lane < counts[b]!; lane++) {
        const oc = starts[b]! + lane;
        for (let s = 0; s < segments; s++) {
          const base = ((w + b * blockBytes) >> 1) + s * quads * 32 + lane * 2;
          for (let k = 0; k < length; k++) {
            // Segment s, value k: the filter row s (taps kW · inC values) or the tap s (depth values).
            const wi = rowSpans ? (oc * taps + s * kW) * depth + k : (oc * taps + s) * depth + k;
            i16[base + (k >> 1) * 16 + (k & 1)] = wt[wi]! + p.weightOffset;
          }
        }
      }
    }
  }

  const inImage = inH * inW * inC;
  const outImage = pixels * outC;
  const padded = pad.hp * rowBytes;
  const inAt = 0;
  const padAt = align16(inAt + batches * inImage + 16);
  const accAt = align16(padAt + padded + 64);
  const outAt = align16(accAt + pixels * pitch + 64);
  arena.reserveScratch(outAt + batches * outImage + 64);
  const k = arena.kernels;
  const { zeroPoint, min, max } = o;
  const left = pad.left * inC * 2;
  const right = pad.right * inC * 2;
  const n = inW * inC;
  return () => {
    const base = arena.scratch();
    const i8 = arena.i8;
    i8.set(src.subarray(0, batches * inImage), base + inAt);
    for (let b = 0; b < batches; b++) {
      k.pad(base + inAt + b * inImage, inH, n, base + padAt, pad.top, pad.bottom, left, right, p.inputOffset, 1);
      k.conv(base + padAt, pix, pixels, seg, segments, quads, w, blk, blocks, rq.bias, base + accAt, pitch);
      k.requant(base + accAt, pitch, pixels, outC, rq.prm, rq.cp, base + outAt + b * outImage, rq.mode, zeroPoint, min, max);
    }
    dst.set(i8.subarray(base + outAt, base + outAt + batches * outImage));
  };
}

export interface WasmDepthwiseParams {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  /** Input channels and depth multiplier: output channel c·multiplier + m reads input channel c. */
  readonly inC: number;
  readonly multiplier: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** [1, kH, kW, inC · multiplier] int8 weights. */
  readonly weights: Int8Array;
  readonly inputOffset: number;
}

/**
 * DEPTHWISE_CONV_2D on int8 data, 8 channels at a time; a depth multiplier M repeats each input
 * channel M times as the input is widened, which makes it a multiplier-1 depthwise over the
 * output channels.
 */
export function prepareWasmDepthwise(arena: WasmArena, p: WasmDepthwiseParams, o: WasmOutput, src: Int8Array, dst: Int8Array): Eval | undefined {
  return orJs(() => planDepthwise(arena, p, o, src, dst));
}

function planDepthwise(arena: WasmArena, p: WasmDepthwiseParams, o: WasmOutput, src: Int8Array, dst: Int8Array): Eval | undefined {
  const { batches, inH, inW, inC, multiplier, outH, outW, kH, kW } = p;
  const C = inC * multiplier;
  const pixels = outH * outW;
  if (pixels === 0 || C === 0 || batches === 0) return undefined;
  const pad = paddedImage(p);
  const chunks = Math.ceil(C / 8);
  const maxX = Math.max(Math.abs(-128 + p.inputOffset), Math.abs(127 + p.inputOffset));
  const spread = new Float64Array(C);
  for (let t = 0; t < kH * kW; t++) for (let c = 0; c < C; c++) spread[c]! += Math.abs(p.weights[t * C + c]!) * maxX;
  const rq = planRequant(arena, o.requant, C, o.bias, chunks * 8, spread);
  if (!rq) return undefined;
  const taps = kH * kW;
  const pix = arena.alloc(pixels * 4);
  const tap = arena.alloc(taps * 4);
  const w = arena.alloc(taps * chunks * 16);
  const rowBytes = pad.wp * C * 2;
  // Already in place when the arena started from a prepared image (another thread packed it).
  if (!arena.prefilled) {
    const { i32, i16 } = arena;
    for (let oy = 0, k = pix >> 2; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, k++) i32[k] = oy * p.strideH * rowBytes + ox * p.strideW * C * 2;
    }
    for (let fy = 0; fy < kH; fy++) for (let fx = 0; fx < kW; fx++) i32[(tap >> 2) + fy * kW + fx] = fy * p.dilationH * rowBytes + fx * p.dilationW * C * 2;
    for (let t = 0; t < taps; t++) for (let c = 0; c < C; c++) i16[(w >> 1) + t * chunks * 8 + c] = p.weights[t * C + c]!;
  }
  const inImage = inH * inW * inC;
  const outImage = pixels * C;
  const pitch = chunks * 32;
  const inAt = 0;
  const padAt = align16(inAt + batches * inImage + 16);
  const accAt = align16(padAt + pad.hp * rowBytes + 64);
  const outAt = align16(accAt + pixels * pitch + 64);
  arena.reserveScratch(outAt + batches * outImage + 64);
  const k = arena.kernels;
  const { zeroPoint, min, max } = o;
  const left = pad.left * C * 2;
  const right = pad.right * C * 2;
  const n = inW * inC;
  return () => {
    const base = arena.scratch();
    const i8 = arena.i8;
    i8.set(src.subarray(0, batches * inImage), base + inAt);
    for (let b = 0; b < batches; b++) {
      k.pad(base + inAt + b * inImage, inH, n, base + padAt, pad.top, pad.bottom, left, right, p.inputOffset, multiplier);
      k.dw(base + padAt, pix, pixels, tap, taps, w, chunks, rq.bias, base + accAt);
      k.requant(base + accAt, pitch, pixels, C, rq.prm, rq.cp, base + outAt + b * outImage, rq.mode, zeroPoint, min, max);
    }
    dst.set(i8.subarray(base + outAt, base + outAt + batches * outImage));
  };
}
