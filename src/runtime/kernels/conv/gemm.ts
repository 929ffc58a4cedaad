/**
 * The multiply-accumulate core shared by CONV_2D and FULLY_CONNECTED: for one output pixel,
 * the dot products of the valid input taps with every output channel's weights; the semantics
 * around it (padding, offsets, bias, requantization, activation) stay in the kernels. With
 * WebAssembly SIMD, int8 layers with constant weights run wasmConv.ts instead (the same
 * results); these loops serve float32, non-constant weights, and platforms without it.
 *
 * Weights are repacked once at prepare time into blocks of output channels, laid out
 * [block][tap][inputChannel][4] as doubles, so that one input value feeds four accumulators,
 * and so that the taps of one filter row are contiguous like the input pixels they meet: a
 * pixel's work is a few contiguous spans (one per filter row when there is no grouping or
 * horizontal dilation). For int8, each double can hold two channels' weights
 * (w_even + w_odd · 2^26): one multiply then advances two integer dot products at once, and
 * both are recovered exactly at the end as long as each stays below 2^25 in magnitude
 * (checked per layer from the weights and the input range; otherwise one channel per double).
 * Every partial sum is an integer below 2^53, so double arithmetic is exact and the result
 * equals TFLM's int32 sum.
 *
 * The loops are module-level functions over plain state objects (not per-layer closures) so
 * that V8 optimizes them once for every layer.
 */

const PAIR = 67108864; // 2^26
const HALF_PAIR = 33554432; // 2^25

export interface PackedWeights {
  readonly data: Float64Array;
  readonly pairs: boolean;
  readonly blocks: number;
  /** First output channel of each block, its channel count, and its group. */
  readonly blockStart: Int32Array;
  readonly blockCount: Int32Array;
  readonly blockGroup: Int32Array;
  /** Taps (filter height × width) and input channels per group. */
  readonly taps: number;
  readonly depth: number;
}

export interface PackOptions {
  readonly outChannels: number;
  readonly taps: number;
  readonly depth: number;
  readonly groups: number;
  /** Added to every weight (−zero point of per-tensor FULLY_CONNECTED weights, else 0). */
  readonly weightOffset: number;
  /** Largest |input value| the loops will see, to allow two channels per double; 0 disables it. */
  readonly maxAbsInput: number;
}

/** `w` is OHWI: w[((oc · taps) + tap) · depth + ic]. */
export function packWeights(w: ArrayLike<number>, o: PackOptions): PackedWeights {
  const { outChannels, taps, depth, groups, weightOffset } = o;
  const perGroup = outChannels / groups;
  const k = taps * depth;
  let pairs = o.maxAbsInput > 0;
  for (let oc = 0; oc < outChannels && pairs; oc++) {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.abs(w[oc * k + i]! + weightOffset);
    if (sum * o.maxAbsInput >= HALF_PAIR) pairs = false;
  }
  const width = pairs ? 8 : 4;
  const starts: number[] = [];
  const counts: number[] = [];
  const groupsOf: number[] = [];
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < perGroup; c += width) {
      starts.push(g * perGroup + c);
      counts.push(Math.min(width, perGroup - c));
      groupsOf.push(g);
    }
  }
  const blocks = starts.length;
  const packed = {
    data: new Float64Array(blocks * k * 4),
    pairs,
    blocks,
    blockStart: Int32Array.from(starts),
    blockCount: Int32Array.from(counts),
    blockGroup: Int32Array.from(groupsOf),
    taps,
    depth,
  };
  repackWeights(packed, w, weightOffset);
  return packed;
}

/**
 * Writes `w` into an existing packing (same shapes). Kernels call it at every invoke when the
 * weights are not constant (TFLM reads them at eval time); such packings hold one channel per
 * double, since the weights' range is not known in advance.
 */
export function repackWeights(pw: PackedWeights, w: ArrayLike<number>, weightOffset: number): void {
  const k = pw.taps * pw.depth;
  const width = pw.pairs ? 8 : 4;
  const data = pw.data;
  data.fill(0);
  for (let b = 0; b < pw.blocks; b++) {
    const count = pw.blockCount[b]!;
    for (let lane = 0; lane < width && lane < count; lane++) {
      const row = (pw.blockStart[b]! + lane) * k;
      const slot = pw.pairs ? lane >> 1 : lane;
      const factor = pw.pairs && (lane & 1) === 1 ? PAIR : 1;
      for (let i = 0; i < k; i++) data[(b * k + i) * 4 + slot]! += (w[row + i]! + weightOffset) * factor;
    }
  }
}

/**
 * One pixel's work: `n` contiguous spans, span j pairing x[spanX[j] + group·depth …] with the
 * packed weights from tap-channel index spanW[j], spanLen[j] values long.
 */
export interface Spans {
  readonly x: Int32Array;
  readonly w: Int32Array;
  readonly len: Int32Array;
  n: number;
}

export function newSpans(max: number): Spans {
  return { x: new Int32Array(max), w: new Int32Array(max), len: new Int32Array(max), n: 0 };
}

/** Float path: acc[oc] = Σ over the spans of x · w[oc]. */
export function accumulateSpans(pw: PackedWeights, x: Float64Array, spans: Spans, acc: Float64Array): void {
  const d = pw.data;
  const depth = pw.depth;
  const blockSize = pw.taps * depth * 4;
  const n = spans.n;
  const sx = spans.x;
  const sw = spans.w;
  const sl = spans.len;
  for (let b = 0; b < pw.blocks; b++) {
    const groupOffset = pw.blockGroup[b]! * depth;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    const base = b * blockSize;
    for (let j = 0; j < n; j++) {
      let wi = base + sw[j]! * 4;
      let xi = sx[j]! + groupOffset;
      const end = xi + sl[j]!;
      for (; xi < end; xi++, wi += 4) {
        const v = x[xi]!;
        a0 += v * d[wi]!;
        a1 += v * d[wi + 1]!;
        a2 += v * d[wi + 2]!;
        a3 += v * d[wi + 3]!;
      }
    }
    const start = pw.blockStart[b]!;
    const count = pw.blockCount[b]!;
    acc[start] = a0;
    if (count > 1) acc[start + 1] = a1;
    if (count > 2) acc[start + 2] = a2;
    if (count > 3) acc[start + 3] = a3;
  }
}

/**
 * int8 path: acc[oc] = bias[oc] + Σ over the spans of (x + input offset) · w[oc], wrapped to
 * int32 as TFLM's accumulator (the sums themselves are exact).
 */
export function accumulateSpansInt(pw: PackedWeights, x: Float64Array, spans: Spans, bias: Int32Array | null, acc: Int32Array): void {
  const d = pw.data;
  const depth = pw.depth;
  const blockSize = pw.taps * depth * 4;
  const n = spans.n;
  const sx = spans.x;
  const sw = spans.w;
  const sl = spans.len;
  const pairs = pw.pairs;
  for (let b = 0; b < pw.blocks; b++) {
    const groupOffset = pw.blockGroup[b]! * depth;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    const base = b * blockSize;
    for (let j = 0; j < n; j++) {
      let wi = base + sw[j]! * 4;
      let xi = sx[j]! + groupOffset;
      const end = xi + sl[j]!;
      for (; xi < end; xi++, wi += 4) {
        const v = x[xi]!;
        a0 += v * d[wi]!;
        a1 += v * d[wi + 1]!;
        a2 += v * d[wi + 2]!;
        a3 += v * d[wi + 3]!;
      }
    }
    const start = pw.blockStart[b]!;
    const count = pw.blockCount[b]!;
    if (pairs) {
      // Unpack two channels per sum; lanes past `count` are zero weights and unused.
      const h0 = Math.floor((a0 + HALF_PAIR) / PAIR);
      const h1 = Math.floor((a1 + HALF_PAIR) / PAIR);
      const h2 = Math.floor((a2 + HALF_PAIR) / PAIR);
      const h3 = Math.floor((a3 + HALF_PAIR) / PAIR);
      const v0 = a0 - h0 * PAIR;
      const v1 = a1 - h1 * PAIR;
      const v2 = a2 - h2 * PAIR;
      const v3 = a3 - h3 * PAIR;
      if (count === 8 && bias) {
        acc[start] = (v0 + bias[start]!) | 0;
        acc[start + 1] = (h0 + bias[start + 1]!) | 0;
        acc[start + 2] = (v1 + bias[start + 2]!) | 0;
        acc[start + 3] = (h1 + bias[start + 3]!) | 0;
        acc[start + 4] = (v2 + bias[start + 4]!) | 0;
        acc[start + 5] = (h2 + bias[start + 5]!) | 0;
        acc[start + 6] = (v3 + bias[start + 6]!) | 0;
        acc[start + 7] = (h3 + bias[start + 7]!) | 0;
      } else {
        for (let k = 0; k < count; k++) {
          const v = k === 0 ? v0 : k === 1 ? h0 : k === 2 ? v1 : k === 3 ? h1 : k === 4 ? v2 : k === 5 ? h2 : k === 6 ? v3 : h3;
          acc[start + k] = (v + (bias ? bias[start + k]! : 0)) | 0;
        }
      }
    } else {
      for (let k = 0; k < count; k++) {
        const v = k === 0 ? a0 : k === 1 ? a1 : k === 2 ? a2 : a3;
        acc[start + k] = (v + (bias ? bias[start + k]! : 0)) | 0;
      }
    }
  }
}
