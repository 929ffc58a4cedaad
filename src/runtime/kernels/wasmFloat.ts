/**
 * The WebAssembly SIMD path of the float32 kernels (src/runtime/wasm/floatKernels.wat): the one
 * place that decides which float32 layers leave their JavaScript loops. CONV_2D, FULLY_CONNECTED and
 * DEPTHWISE_CONV_2D (any depth multiplier) with constant weights, MAX_POOL_2D, AVERAGE_POOL_2D,
 * RELU / RELU6, and ADD / SUB / MUL of same-shaped tensors or with one operand
 * broadcast as a tile (scalar, per-channel vector), and TRANSPOSE_CONV with constant weights
 * qualify; LOGISTIC and TANH (libm's expf / tanhf in TFLite, which a SIMD kernel would not
 * match bit for bit) stay in JavaScript; each `prepare…` returns the layer's eval, or
 * undefined when the layer keeps the JavaScript path (no arena, a shape it does not take, or an
 * arena that cannot grow). The JavaScript loops stay the reference and the fallback.
 *
 * Weights are packed into the arena once, at prepare. An eval copies the input into the
 * arena's shared scratch region inside a zero border as wide as the farthest tap reaches (so
 * every output pixel runs the same loop), runs the kernel into the output tensor's own region
 * of the arena (WasmArena.residentOutput), and copies the output back unless every reader of
 * the tensor is a SIMD kernel reading that region (WasmArena.settle, publishes), which a layer
 * needing no border reads in place and one needing a border pads from.
 *
 * The kernels sum as TFLite's reference float kernels do (a float32 total from 0 in filter
 * order, then the bias, then the clamp), where the JavaScript loops sum in float64: without
 * fused multiply-adds the SIMD path equals the reference kernels bit for bit; with them (relaxed
 * SIMD, see simd.ts), each product loses its own rounding.
 */
import type { Eval } from '../types';
import { align16, SLACK, type WasmArena } from '../wasm/simd';
import { paddedImage, type WindowWalk } from './conv/wasmConv';

/** undefined (the JavaScript loops) when the arena cannot grow for a layer's data. */
function orJs(plan: () => Eval | undefined): Eval | undefined {
  try {
    return plan();
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Where an image [inH][inW][channels] sits in its zero-padded copy [hp][wp][channels]. */
interface Border {
  readonly top: number;
  readonly left: number;
  readonly hp: number;
  readonly wp: number;
}

/** The padded image's border; undefined for negative padding, which these kernels leave to the JS loops. */
function borderOf(g: WindowWalk): Border | undefined {
  if (g.padTop < 0 || g.padLeft < 0) return undefined;
  const { top, left, hp, wp } = paddedImage(g);
  return { top, left, hp, wp };
}

/**
 * Copies batch b of the source into the padded image at float index `at` of `f32`. The source
 * is `rows` (views of the tensor's array made once, at prepare: one per batch when there is no
 * border, else one per row) or, without rows, the image at float index `from` of `f32` itself.
 */
function padInto(
  f32: Float32Array,
  at: number,
  rows: readonly Float32Array[] | undefined,
  from: number,
  b: number,
  inH: number,
  inW: number,
  c: number,
  border: Border,
): void {
  const { top, left, hp, wp } = border;
  const n = inW * c;
  const image = from + b * inH * n;
  if (top === 0 && left === 0 && hp === inH && wp === inW) {
    if (rows) f32.set(rows[b]!, at);
    else f32.copyWithin(at, image, image + inH * n);
    return;
  }
  const pitch = wp * c;
  const end = at + hp * pitch;
  f32.fill(0, at, at + top * pitch + left * c);
  let d = at + top * pitch + left * c;
  for (let y = 0; y < inH; y++, d += pitch) {
    if (rows) f32.set(rows[b * inH + y]!, d);
    else f32.copyWithin(d, image + y * n, image + (y + 1) * n);
    // This row's right border and the next row's left one (none past the image).
    f32.fill(0, d + inW * c, Math.min(d + pitch, end));
  }
  f32.fill(0, d, end);
}

/**
 * Where an eval finds its input image: the producer's resident copy itself when it needs no
 * border; else the scratch, padded from the resident copy (`from`) or from the tensor's array.
 */
type ImageInput = { readonly resident: number } | { readonly from: number | undefined };

function imageInput(arena: WasmArena, src: Float32Array, inImage: number, border: Border, inH: number, inW: number): ImageInput {
  const whole = border.top === 0 && border.left === 0 && border.hp === inH && border.wp === inW;
  const resident = arena.residentInput(src);
  if (whole && resident !== undefined) return { resident };
  arena.reserveScratch(border.hp * border.wp * (inImage / (inH * inW || 1)) * 4 + SLACK);
  return { from: resident };
}

/** The byte offset of batch b's (padded) input image, copied in first where needed. */
function imageAt(
  arena: WasmArena,
  f32: Float32Array,
  input: ImageInput,
  rows: readonly Float32Array[],
  b: number,
  inImage: number,
  inH: number,
  inW: number,
  c: number,
  border: Border,
): number {
  if ('resident' in input) return input.resident + b * inImage * 4;
  const at = arena.scratch();
  padInto(f32, at >> 2, input.from === undefined ? rows : undefined, (input.from ?? 0) >> 2, b, inH, inW, c, border);
  return at;
}

/** The views padInto reads: one per batch without a border, else one per row. */
function sourceRows(src: Float32Array, batches: number, inH: number, inW: number, c: number, border: Border): Float32Array[] {
  const whole = border.top === 0 && border.left === 0 && border.hp === inH && border.wp === inW;
  const n = whole ? inH * inW * c : inW * c;
  const count = whole ? batches : batches * inH;
  return Array.from({ length: count }, (_, i) => src.subarray(i * n, (i + 1) * n));
}

export interface FloatConvParams extends WindowWalk {
  readonly batches: number;
  readonly inC: number;
  readonly outC: number;
  /** Input channels per group (the filter's depth). */
  readonly depth: number;
  /** OHWI float32 weights. */
  readonly weights: Float32Array;
  readonly bias: Float32Array | null;
  readonly min: number;
  readonly max: number;
}

/**
 * CONV_2D (and FULLY_CONNECTED, as a 1×1 convolution over a 1 × batches image) on float32:
 * output channels in blocks of 8 within a group, weights packed per block, per segment (a
 * filter row when rows are contiguous in the input, else a tap), per value.
 */
export function prepareWasmFloatConv(arena: WasmArena, p: FloatConvParams, src: Float32Array, dst: Float32Array): Eval | undefined {
  return orJs(() => planConv(arena, p, src, dst));
}

function planConv(arena: WasmArena, p: FloatConvParams, src: Float32Array, dst: Float32Array): Eval | undefined {
  const { batches, inH, inW, inC, outH, outW, outC, kH, kW, depth } = p;
  const pixels = outH * outW;
  if (pixels === 0 || outC === 0 || depth === 0 || batches === 0 || kH === 0 || kW === 0) return undefined;
  const groups = inC / depth;
  const perGroup = outC / groups;
  if (!Number.isInteger(groups) || !Number.isInteger(perGroup) || p.weights.length < outC * kH * kW * depth) return undefined;
  const border = borderOf(p);
  if (!border) return undefined;
  const rowSpans = groups === 1 && p.dilationW === 1;
  const segments = rowSpans ? kH : kH * kW;
  const len = rowSpans ? kW * inC : depth;
  const blocks = Math.ceil(perGroup / 8);
  const groupWeights = blocks * segments * len * 32;
  const pix = arena.alloc(pixels * 4);
  const seg = arena.alloc(segments * 4);
  const w = arena.alloc(groups * groupWeights);
  const bias = arena.alloc(groups * blocks * 32);
  const rowBytes = border.wp * inC * 4;
  // Already in place when the arena started from a prepared image (another thread packed it).
  if (!arena.prefilled) {
    const { i32, f32 } = arena;
    for (let oy = 0, k = pix >> 2; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, k++) i32[k] = oy * p.strideH * rowBytes + ox * p.strideW * inC * 4;
    }
    for (let fy = 0; fy < kH; fy++) {
      if (rowSpans) i32[(seg >> 2) + fy] = fy * p.dilationH * rowBytes;
      else for (let fx = 0; fx < kW; fx++) i32[(seg >> 2) + fy * kW + fx] = fy * p.dilationH * rowBytes + fx * p.dilationW * inC * 4;
    }
    const wt = p.weights;
    const perFilter = kH * kW * depth;
    for (let oc = 0; oc < outC; oc++) {
      const g = Math.floor(oc / perGroup);
      const j = oc - g * perGroup;
      const blockBase = ((w + g * groupWeights) >> 2) + (j >> 3) * segments * len * 8 + (j & 7);
      // Segment s, value k is OHWI index oc · perFilter + s · len + k in both layouts.
      for (let s = 0; s < segments; s++) {
        for (let k = 0; k < len; k++) f32[blockBase + (s * len + k) * 8] = wt[oc * perFilter + s * len + k]!;
      }
      if (p.bias) f32[(bias >> 2) + g * blocks * 8 + j] = p.bias[oc]!;
    }
  }
  const inImage = inH * inW * inC;
  const outImage = pixels * outC;
  // The last allocation before the input is claimed: a layer that falls back to JavaScript
  // (RangeError) must not count as a reader of its input's resident copy.
  const outAt = arena.residentOutput(dst);
  const input = imageInput(arena, src, inImage, border, inH, inW);
  const rows = sourceRows(src.subarray(0, batches * inImage), batches, inH, inW, inC, border);
  const k = arena.floatKernels;
  const { min, max } = p;
  return () => {
    const f32 = arena.f32;
    for (let b = 0; b < batches; b++) {
      const image = imageAt(arena, f32, input, rows, b, inImage, inH, inW, inC, border);
      const out = outAt + b * outImage * 4;
      for (let g = 0; g < groups; g++) {
        const x = image + g * depth * 4;
        k.fconv(x, pix, pixels, seg, segments, len, w + g * groupWeights, blocks, bias + g * blocks * 32, out + g * perGroup * 4, outC * 4, perGroup, min, max);
      }
    }
    if (arena.publishes(dst)) dst.set(f32.subarray(outAt >> 2, (outAt >> 2) + batches * outImage));
  };
}

export interface FloatDepthwiseParams extends WindowWalk {
  readonly batches: number;
  /** Output channels: input channels × the depth multiplier. */
  readonly channels: number;
  /** Output channels per input channel (1 when absent). */
  readonly multiplier?: number;
  /** [1, kH, kW, channels] float32 weights. */
  readonly weights: Float32Array;
  readonly bias: Float32Array | null;
  readonly min: number;
  readonly max: number;
}

/**
 * DEPTHWISE_CONV_2D on float32, 16 or 8 channels at a time, reading the image unpadded. With a
 * depth multiplier m above 1 each eval first copies the image into the scratch with every
 * input channel repeated m times, so that output channel c reads channel c there too.
 */
export function prepareWasmFloatDepthwise(arena: WasmArena, p: FloatDepthwiseParams, src: Float32Array, dst: Float32Array): Eval | undefined {
  return orJs(() => planDepthwise(arena, p, src, dst));
}

function planDepthwise(arena: WasmArena, p: FloatDepthwiseParams, src: Float32Array, dst: Float32Array): Eval | undefined {
  const { batches, inH, inW, channels: C, outH, outW, kH, kW } = p;
  const mult = p.multiplier ?? 1;
  const pixels = outH * outW;
  const taps = kH * kW;
  if (pixels === 0 || C === 0 || batches === 0 || taps === 0 || p.weights.length < taps * C || !(mult >= 1) || C % mult !== 0) return undefined;
  const pitch = Math.ceil(C / 8) * 32;
  // Per output pixel, per tap: the input pixel's byte offset, or −1 outside the image (an
  // indirection table instead of a padded copy of the image).
  const ind = arena.alloc(pixels * taps * 4);
  const w = arena.alloc(taps * pitch);
  const bias = arena.alloc(pitch);
  // Already in place when the arena started from a prepared image (another thread packed it).
  if (!arena.prefilled) {
    const { i32, f32 } = arena;
    let k = ind >> 2;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let fy = 0; fy < kH; fy++) {
          for (let fx = 0; fx < kW; fx++, k++) {
            const iy = oy * p.strideH - p.padTop + fy * p.dilationH;
            const ix = ox * p.strideW - p.padLeft + fx * p.dilationW;
            i32[k] = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? (iy * inW + ix) * C * 4 : -1;
          }
        }
      }
    }
    for (let t = 0; t < taps; t++) f32.set(p.weights.subarray(t * C, (t + 1) * C), (w + t * pitch) >> 2);
    if (p.bias) f32.set(p.bias.subarray(0, C), bias >> 2);
  }
  const inImage = inH * inW * C;
  const outImage = pixels * C;
  // The last allocation before the input is claimed: a layer that falls back to JavaScript
  // (RangeError) must not count as a reader of its input's resident copy.
  const outAt = arena.residentOutput(dst);
  const resident = mult === 1 ? arena.residentInput(src) : undefined;
  if (resident === undefined) arena.reserveScratch(batches * inImage * 4 + SLACK);
  const input = src.subarray(0, (batches * inImage) / mult);
  const k = arena.floatKernels;
  const { min, max } = p;
  return () => {
    const f32 = arena.f32;
    let image = resident;
    if (image === undefined) {
      image = arena.scratch();
      if (mult === 1) f32.set(input, image >> 2);
      else repeatChannels(f32, image >> 2, input, mult);
    }
    for (let b = 0; b < batches; b++) k.fdw(image + b * inImage * 4, ind, pixels, taps, w, pitch, C, bias, outAt + b * outImage * 4, min, max);
    if (arena.publishes(dst)) dst.set(f32.subarray(outAt >> 2, (outAt >> 2) + batches * outImage));
  };
}

/** Each value of `src` written `m` times in a row at float index `at` of `f32`. */
function repeatChannels(f32: Float32Array, at: number, src: Float32Array, m: number): void {
  for (let i = 0, o = at; i < src.length; i++) {
    const v = src[i]!;
    for (let j = 0; j < m; j++, o++) f32[o] = v;
  }
}

const BINARY_OPS = { add: 0, sub: 1, mul: 2 } as const;

/** Smaller tensors stay in JavaScript, where the copies in and out cost more than they save. */
const BINARY_FROM = 256;

/**
 * ADD, SUB or MUL of two float32 tensors clamped to [min, max]: of one shape (the output's), or
 * one of the output's shape and the other broadcast as a repeated tile (a scalar, a
 * per-channel vector, any shape equal to the output's last dimensions after leading 1s).
 * undefined for other broadcasts.
 */
export function prepareWasmFloatBinary(
  arena: WasmArena,
  op: keyof typeof BINARY_OPS,
  a: { readonly shape: readonly number[]; readonly data: Float32Array },
  b: { readonly shape: readonly number[]; readonly data: Float32Array },
  y: { readonly shape: readonly number[]; readonly data: Float32Array },
  min: number,
  max: number,
): Eval | undefined {
  const n = y.data.length;
  const same = (s: readonly number[]): boolean => s.length === y.shape.length && s.every((d, i) => d === y.shape[i]);
  if (n < BINARY_FROM) return undefined;
  if (a.data.length === n && b.data.length === n && same(a.shape) && same(b.shape))
    return orJs(() => planBinary(arena, BINARY_OPS[op], a.data, b.data, y.data, min, max));
  // TFLite's broadcasting kernels compute each value with the same single operation (a + b,
  // a − b, a · b; + and · commute bit for bit), so only which operand repeats matters.
  if (same(a.shape) && a.data.length === n && isTile(b.shape, y.shape))
    return orJs(() => planBroadcast(arena, BINARY_OPS[op], a.data, b.data, y.data, min, max));
  if (same(b.shape) && b.data.length === n && isTile(a.shape, y.shape))
    return orJs(() => planBroadcast(arena, op === 'sub' ? REVERSE_SUB : BINARY_OPS[op], b.data, a.data, y.data, min, max));
  return undefined;
}

/** fbcast's op code for v − x. */
const REVERSE_SUB = 3;

/** Whether `shape`, without its leading 1s, is the output shape's last dimensions. */
function isTile(shape: readonly number[], out: readonly number[]): boolean {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  const tail = shape.slice(i);
  if (tail.length > out.length) return false;
  const offset = out.length - tail.length;
  return tail.every((d, j) => d === out[offset + j]);
}

/** x (the output's shape) combined with the tile v repeated; v is copied in at each eval (it is small, and may change). */
function planBroadcast(arena: WasmArena, code: number, X: Float32Array, V: Float32Array, O: Float32Array, min: number, max: number): Eval {
  const n = O.length;
  const m = V.length;
  // A tile of 1, 2 or 4 values runs as whole vectors of 4 (rows of 4 over the flat data).
  const width = 4 % m === 0 ? 4 : m;
  const rows = Math.ceil(n / width);
  const tile = new Float32Array(width);
  const vAt = arena.alloc(align16(width * 4));
  const outAt = arena.residentOutput(O);
  const xAt = arena.residentInput(X);
  if (xAt === undefined) arena.reserveScratch(n * 4 + SLACK);
  const k = arena.floatKernels;
  return () => {
    const f32 = arena.f32;
    if (width === m) f32.set(V, vAt >> 2);
    else {
      for (let i = 0; i < width; i++) tile[i] = V[i % m]!;
      f32.set(tile, vAt >> 2);
    }
    let px = xAt;
    if (px === undefined) {
      px = arena.scratch();
      f32.set(X, px >> 2);
    }
    k.fbcast(px, vAt, outAt, rows, width, code, min, max);
    if (arena.publishes(O)) O.set(f32.subarray(outAt >> 2, (outAt >> 2) + n));
  };
}

/**
 * RELU and RELU6 on float32 (clamps to [min, max] with the reference's comparisons); undefined for small tensors, which stay in JavaScript.
 */
export function prepareWasmFloatClamp(arena: WasmArena, X: Float32Array, Y: Float32Array, min: number, max: number): Eval | undefined {
  const n = Y.length;
  if (n < BINARY_FROM || X.length !== n) return undefined;
  return orJs(() => {
    const outAt = arena.residentOutput(Y);
    const xAt = arena.residentInput(X);
    if (xAt === undefined) arena.reserveScratch(n * 4 + SLACK);
    const k = arena.floatKernels;
    return () => {
      const f32 = arena.f32;
      let px = xAt;
      if (px === undefined) {
        px = arena.scratch();
        f32.set(X, px >> 2);
      }
      k.fclamp(px, outAt, n, min, max);
      if (arena.publishes(Y)) Y.set(f32.subarray(outAt >> 2, (outAt >> 2) + n));
    };
  });
}

export interface FloatPoolParams {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly min: number;
  readonly max: number;
}

/**
 * MAX_POOL_2D ('max') or AVERAGE_POOL_2D ('average') on float32, 4 channels at a time, with
 * the window's taps from an indirection table as fdw reads them.
 */
export function prepareWasmFloatPool(arena: WasmArena, mode: 'max' | 'average', p: FloatPoolParams, src: Float32Array, dst: Float32Array): Eval | undefined {
  const { batches, inH, inW, channels: C, outH, outW, kH, kW } = p;
  const pixels = outH * outW;
  const taps = kH * kW;
  if (pixels === 0 || C === 0 || batches === 0 || taps === 0) return undefined;
  return orJs(() => {
    const ind = arena.alloc(pixels * taps * 4);
    const counts = arena.alloc(pixels * 4);
    // Already in place when the arena started from a prepared image (another thread packed it).
    if (!arena.prefilled) {
      const { i32, f32 } = arena;
      let t = ind >> 2;
      for (let oy = 0, q = counts >> 2; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++, q++) {
          let count = 0;
          for (let fy = 0; fy < kH; fy++) {
            for (let fx = 0; fx < kW; fx++, t++) {
              const iy = oy * p.strideH - p.padTop + fy;
              const ix = ox * p.strideW - p.padLeft + fx;
              const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
              i32[t] = inside ? (iy * inW + ix) * C * 4 : -1;
              if (inside) count++;
            }
          }
          f32[q] = count;
        }
      }
    }
    const inImage = inH * inW * C;
    const outImage = pixels * C;
    const outAt = arena.residentOutput(dst);
    const resident = arena.residentInput(src);
    if (resident === undefined) arena.reserveScratch(batches * inImage * 4 + SLACK);
    const input = src.subarray(0, batches * inImage);
    const k = arena.floatKernels;
    const code = mode === 'max' ? 0 : 1;
    const { min, max } = p;
    return () => {
      const f32 = arena.f32;
      let image = resident;
      if (image === undefined) {
        image = arena.scratch();
        f32.set(input, image >> 2);
      }
      for (let b = 0; b < batches; b++) k.fpool(image + b * inImage * 4, ind, pixels, taps, C, outAt + b * outImage * 4, code, counts, min, max);
      if (arena.publishes(dst)) dst.set(f32.subarray(outAt >> 2, (outAt >> 2) + batches * outImage));
    };
  });
}

function planBinary(arena: WasmArena, code: number, A: Float32Array, B: Float32Array, O: Float32Array, min: number, max: number): Eval {
  const n = O.length;
  // Inputs a SIMD kernel wrote are read where they are; the others are copied into the scratch.
  const outAt = arena.residentOutput(O);
  const aAt = arena.residentInput(A);
  const bAt = arena.residentInput(B);
  const bScratch = align16(n * 4 + SLACK);
  arena.reserveScratch(2 * bScratch);
  const k = arena.floatKernels;
  return () => {
    const f32 = arena.f32;
    let pa = aAt;
    let pb = bAt;
    if (pa === undefined || pb === undefined) {
      const base = arena.scratch();
      if (pa === undefined) {
        pa = base;
        f32.set(A, pa >> 2);
      }
      if (pb === undefined) {
        pb = base + bScratch;
        f32.set(B, pb >> 2);
      }
    }
    k.fbin(pa, pb, outAt, n, code, min, max);
    if (arena.publishes(O)) O.set(f32.subarray(outAt >> 2, (outAt >> 2) + n));
  };
}

export interface FloatTransposeConvParams {
  readonly batches: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** [outC, kH, kW, inC] float32 weights. */
  readonly weights: Float32Array;
  readonly bias: Float32Array | undefined;
  readonly min: number;
  readonly max: number;
}

/**
 * TRANSPOSE_CONV on float32: the reference kernel's scatter (ftconv) into sums padded to 4
 * output channels, then the bias and the clamp (fbias) into the output.
 */
export function prepareWasmFloatTransposeConv(arena: WasmArena, p: FloatTransposeConvParams, src: Float32Array, dst: Float32Array): Eval | undefined {
  const { batches, inH, inW, inC, outH, outW, outC, kH, kW } = p;
  const pixels = outH * outW;
  if (pixels === 0 || outC === 0 || inC === 0 || batches === 0 || kH === 0 || kW === 0 || p.weights.length < outC * kH * kW * inC) return undefined;
  return orJs(() => {
    const ocp = Math.ceil(outC / 4) * 4;
    const w = arena.alloc(kH * kW * inC * ocp * 4);
    const bias = arena.alloc(ocp * 4);
    const acc = arena.alloc(pixels * ocp * 4);
    {
      const f32 = arena.f32;
      // OHWI to [kH][kW][inC][ocp]: a tap's weights for every output channel side by side.
      for (let oc = 0; oc < outC; oc++) {
        for (let t = 0; t < kH * kW; t++) {
          for (let ic = 0; ic < inC; ic++) f32[(w >> 2) + (t * inC + ic) * ocp + oc] = p.weights[(oc * kH * kW + t) * inC + ic]!;
        }
      }
      if (p.bias) f32.set(p.bias.subarray(0, outC), bias >> 2);
    }
    const inImage = inH * inW * inC;
    const outImage = pixels * outC;
    const outAt = arena.residentOutput(dst);
    const resident = arena.residentInput(src);
    if (resident === undefined) arena.reserveScratch(batches * inImage * 4 + SLACK);
    const input = src.subarray(0, batches * inImage);
    const k = arena.floatKernels;
    const { strideH, strideW, padTop, padLeft, min, max } = p;
    return () => {
      const f32 = arena.f32;
      let image = resident;
      if (image === undefined) {
        image = arena.scratch();
        f32.set(input, image >> 2);
      }
      for (let b = 0; b < batches; b++) {
        k.ftconv(image + b * inImage * 4, inH, inW, inC, w, kH, kW, strideH, strideW, padTop, padLeft, acc, outH, outW, ocp);
        k.fbias(acc, pixels, ocp, bias, outAt + b * outImage * 4, outC, min, max);
      }
      if (arena.publishes(dst)) dst.set(f32.subarray(outAt >> 2, (outAt >> 2) + batches * outImage));
    };
  });
}
