/**
 * BATCH_MATMUL, as TFLM's batch_matmul.cc + batch_matmul_common.cc with reference_ops::BatchMatMul
 * (float32, and the FullyConnectedParams form for int8 and int16). out[..., i, j] =
 * Σ_k L[..., i, k] · R[..., k, j], where L is the LHS (transposed when adj_x) and R the RHS
 * (transposed when adj_y); the batch dimensions (all but the last two, up to rank 5) broadcast.
 * Both inputs and the output share one dtype (no hybrid). The integer paths subtract both zero
 * points, accumulate in int32 (int8) or int64 (int16), and requantize with the multiplier of
 * GetQuantizedConvolutionMultipler (the float32 product of the two input scales, widened, over
 * the output scale) and no fused activation: the clamp is the dtype's range. int16 needs zero
 * points of 0 and uses the 64-bit MultiplyByQuantizedMultiplier of the 16x8 kernels.
 *
 * TFLM transposes the RHS into a persistent copy (once when it is constant) and the LHS when
 * adj_x; here both are packed row-major along the accumulation axis, with the zero points
 * already subtracted, which gives the same sums in the same order.
 */
import { optionsOrDefault } from '../../../model/ops';
import { elementCount, input, output, scaleOf, unsupportedType, zeroPointOf } from '../../kernelUtil';
import { makeRequantize, type Requantize } from '../../quant';
import { multiplyByQuantizedMultiplier64, wideMultiplier, type WideMultiplier } from '../../quant64';
import type { Eval, Kernel, KernelContext, RuntimeTensor } from '../../types';
import { badModel } from './common';

interface Geometry {
  /** Output matrices, and for each the first element of its LHS and RHS matrix in the packed copies. */
  readonly lhsBase: Int32Array;
  readonly rhsBase: Int32Array;
  readonly rows: number;
  readonly cols: number;
  readonly depth: number;
}

type Numbers = Float32Array | Int8Array | Int16Array;

function shapeLabel(t: RuntimeTensor): string {
  return `[${t.shape.join(', ')}]`;
}

function geometry(ctx: KernelContext, lhs: RuntimeTensor, rhs: RuntimeTensor, y: RuntimeTensor, adjX: boolean, adjY: boolean): Geometry {
  const lr = lhs.shape.length;
  const rr = rhs.shape.length;
  if (lr < 2 || lr > 5 || rr < 2 || rr > 5) throw badModel(ctx, `needs inputs of rank 2 to 5, got ${shapeLabel(lhs)} and ${shapeLabel(rhs)}`);
  const rank = Math.max(lr, rr);
  const l = [...Array<number>(rank - lr).fill(1), ...lhs.shape];
  const r = [...Array<number>(rank - rr).fill(1), ...rhs.shape];
  const rows = adjX ? l[rank - 1]! : l[rank - 2]!;
  const depth = adjX ? l[rank - 2]! : l[rank - 1]!;
  const depthR = adjY ? r[rank - 1]! : r[rank - 2]!;
  const cols = adjY ? r[rank - 2]! : r[rank - 1]!;
  if (depth !== depthR) throw badModel(ctx, `multiplies ${shapeLabel(lhs)} by ${shapeLabel(rhs)} (adj_x ${adjX}, adj_y ${adjY}): ${depth} ≠ ${depthR}`);
  const batch: number[] = [];
  for (let d = 0; d < rank - 2; d++) {
    const a = l[d]!;
    const b = r[d]!;
    if (a !== b && a !== 1 && b !== 1) throw badModel(ctx, `cannot broadcast the batch dimensions of ${shapeLabel(lhs)} and ${shapeLabel(rhs)}`);
    batch.push(a === 1 ? b : a);
  }
  const count = batch.reduce((a, b) => a * b, 1);
  if (count * rows * cols !== elementCount(y.shape)) throw badModel(ctx, `has output ${shapeLabel(y)} for a product of [${[...batch, rows, cols].join(', ')}]`);
  const lhsBase = new Int32Array(count);
  const rhsBase = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    // Walk the output batch index from the last dimension; a dimension of 1 does not advance.
    let rest = n;
    let li = 0;
    let ri = 0;
    let lStride = 1;
    let rStride = 1;
    for (let d = rank - 3; d >= 0; d--) {
      const i = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      if (l[d]! !== 1) li += i * lStride;
      if (r[d]! !== 1) ri += i * rStride;
      lStride *= l[d]!;
      rStride *= r[d]!;
    }
    lhsBase[n] = li * rows * depth;
    rhsBase[n] = ri * cols * depth;
  }
  return { lhsBase, rhsBase, rows, cols, depth };
}

/**
 * Copies a stack of matrices so that each becomes [outer][depth] row-major, minus `offset`:
 * `transpose` when the source holds them as [depth][outer].
 */
function pack(src: Numbers, dst: Float64Array, outer: number, depth: number, transpose: boolean, offset: number): void {
  const size = outer * depth;
  const mats = size === 0 ? 0 : Math.floor(dst.length / size);
  for (let m = 0; m < mats; m++) {
    const base = m * size;
    if (!transpose) {
      for (let e = 0; e < size; e++) dst[base + e] = src[base + e]! - offset;
      continue;
    }
    for (let o = 0; o < outer; o++) for (let k = 0; k < depth; k++) dst[base + o * depth + k] = src[base + k * outer + o]! - offset;
  }
}

function prepare(ctx: KernelContext): Eval {
  const opts = optionsOrDefault(ctx.op, 'BatchMatMulOptions');
  const lhs = input(ctx, 0);
  const rhs = input(ctx, 1);
  const y = output(ctx);
  const dtype = lhs.dtype;
  if ((dtype !== 'float32' && dtype !== 'int8' && dtype !== 'int16') || rhs.dtype !== dtype || y.dtype !== dtype)
    throw unsupportedType(
      ctx,
      `${lhs.dtype} and ${rhs.dtype} inputs with a ${y.dtype} output (TFLite Micro takes float32, int8 or int16, the same for all three)`,
    );
  const g = geometry(ctx, lhs, rhs, y, opts.adjX, opts.adjY);
  const { lhsBase, rhsBase, rows, cols, depth } = g;
  // Packed: LHS as [rows][depth] and RHS as [cols][depth] per matrix.
  const l = new Float64Array(lhs.data.length);
  const r = new Float64Array(rhs.data.length);
  const src = { l: lhs.data as Numbers, r: rhs.data as Numbers };
  const dst = y.data as Numbers;
  const matrices = lhsBase.length;

  if (dtype === 'float32') {
    const out = dst as Float32Array;
    const packAll = (): void => {
      pack(src.l, l, rows, depth, opts.adjX, 0);
      if (!rhs.constant) pack(src.r, r, cols, depth, !opts.adjY, 0);
    };
    if (rhs.constant) pack(src.r, r, cols, depth, !opts.adjY, 0);
    return () => {
      packAll();
      let o = 0;
      for (let n = 0; n < matrices; n++) {
        const lb = lhsBase[n]!;
        const rb = rhsBase[n]!;
        for (let i = 0; i < rows; i++) {
          const li = lb + i * depth;
          for (let j = 0; j < cols; j++) {
            const rj = rb + j * depth;
            let total = 0;
            for (let k = 0; k < depth; k++) total = Math.fround(total + Math.fround(l[li + k]! * r[rj + k]!));
            out[o++] = total;
          }
        }
      }
    };
  }

  if (!lhs.info.quantization || !rhs.info.quantization || !y.info.quantization) throw badModel(ctx, `has ${dtype} tensors without quantization parameters`);
  const lhsZp = zeroPointOf(lhs);
  const rhsZp = zeroPointOf(rhs);
  const outZp = zeroPointOf(y);
  if (dtype === 'int16' && (lhsZp !== 0 || rhsZp !== 0 || outZp !== 0))
    throw badModel(ctx, `has int16 zero points ${lhsZp}, ${rhsZp} → ${outZp} (TFLite Micro needs 0 on every int16 tensor)`);
  const sL = Math.fround(scaleOf(lhs));
  const sR = Math.fround(scaleOf(rhs));
  const sOut = Math.fround(scaleOf(y));
  const real = Math.fround(sL * sR) / sOut;
  const [qmin, qmax] = dtype === 'int8' ? [-128, 127] : [-32768, 32767];
  let scale: (acc: number) => number;
  if (dtype === 'int8') {
    const requant: Requantize = makeRequantize({ real, inputScale: sL, weightScale: sR, outputScale: sOut }, ctx.rounding);
    scale = requant;
  } else {
    const m: WideMultiplier = wideMultiplier(real);
    if (m.shift >= 8) throw badModel(ctx, `has a requantization multiplier of ${real}, beyond the 2^7 TFLite's 16x8 kernels accept`);
    scale = (acc) => multiplyByQuantizedMultiplier64(acc, m);
  }
  const wrap32 = dtype === 'int8';
  if (rhs.constant) pack(src.r, r, cols, depth, !opts.adjY, rhsZp);
  return () => {
    pack(src.l, l, rows, depth, opts.adjX, lhsZp);
    if (!rhs.constant) pack(src.r, r, cols, depth, !opts.adjY, rhsZp);
    let o = 0;
    for (let n = 0; n < matrices; n++) {
      const lb = lhsBase[n]!;
      const rb = rhsBase[n]!;
      for (let i = 0; i < rows; i++) {
        const li = lb + i * depth;
        for (let j = 0; j < cols; j++) {
          const rj = rb + j * depth;
          let total = 0;
          for (let k = 0; k < depth; k++) total += l[li + k]! * r[rj + k]!;
          // int8 sums wrap as TFLM's int32 accumulator; int16 ones are int64, exact here below 2^53.
          const v = scale(wrap32 ? total | 0 : total) + outZp;
          dst[o++] = v < qmin ? qmin : v > qmax ? qmax : v;
        }
      }
    }
  };
}

export const batchMatmul: Kernel = { prepare };
