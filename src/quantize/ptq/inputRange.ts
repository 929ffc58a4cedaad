/**
 * The input range check: `.npy` and raw `.bin` calibration data are used as they are (images
 * are normalized, arrays never), so data in the wrong units (pixels 0–255 for a model trained on
 * [0, 1]) calibrates without complaint and gives a useless model. The range each input took in
 * calibration is reported, and compared with what the model expects when that is known: the
 * input quantization of an int8 sibling (the official converter output beside a float model
 * covers the range the model's authors calibrated on).
 */
import type { QuantizeNotice } from '../../findings/notice';
import type { Graph } from '../../model/graph';
import type { TensorStats } from '../ranges';

/** What one input is expected to hold, and who says so. */
export interface InputExpectation {
  readonly min: number;
  readonly max: number;
  /** Where the expectation comes from (a file name). */
  readonly from: string;
}

/** The range an int8/int16 input can represent, per input of `reference` (undefined where it is not quantized). */
export function expectationFromQuantized(reference: Graph, from: string): (InputExpectation | undefined)[] {
  const sg = reference.subgraphs[0]!;
  return sg.inputs.map((i) => {
    const t = sg.tensors[i]!;
    const q = t.quantization;
    const scale = q?.scale[0];
    if (!q || scale === undefined || (t.dtype !== 'int8' && t.dtype !== 'int16' && t.dtype !== 'uint8')) return undefined;
    const zp = q.zeroPoint[0] ?? 0;
    const [lo, hi] = t.dtype === 'int8' ? [-128, 127] : t.dtype === 'uint8' ? [0, 255] : [-32768, 32767];
    return { min: scale * (lo - zp), max: scale * (hi - zp), from };
  });
}

/** An input's calibrated range. */
export interface InputRange {
  readonly input: string;
  readonly min: number;
  readonly max: number;
}

/** Each input's calibrated range: name, min, max. */
export function inputRanges(graph: Graph, stats: readonly ReadonlyMap<number, TensorStats>[]): InputRange[] {
  const sg = graph.subgraphs[0]!;
  return sg.inputs.map((i) => {
    let min = Infinity;
    let max = -Infinity;
    for (const m of stats) {
      const s = m.get(i);
      if (s && s.min < min) min = s.min;
      if (s && s.max > max) max = s.max;
    }
    return { input: sg.tensors[i]!.name, min, max };
  });
}

/**
 * A warning for each input whose calibrated range looks inconsistent with the expectation: its
 * span more than 4× or less than a quarter of the expected span, or more than half of it
 * outside the expected range. Loose on purpose: real data rarely fill a range exactly.
 */
export function inputRangeWarnings(ranges: readonly InputRange[], expected: readonly (InputExpectation | undefined)[] | undefined): QuantizeNotice[] {
  const out: QuantizeNotice[] = [];
  ranges.forEach((r, i) => {
    const e = expected?.[i];
    if (!e || !Number.isFinite(r.min) || !Number.isFinite(r.max)) return;
    const span = r.max - r.min;
    const want = e.max - e.min;
    if (!(want > 0)) return;
    const outside = Math.max(0, r.max - e.max) + Math.max(0, e.min - r.min);
    if (span > 4 * want || span < want / 4 || outside > want / 2) {
      const round = (x: number): number => Number(x.toPrecision(3));
      out.push({
        code: 'input-range',
        params: { input: r.input, min: round(r.min), max: round(r.max), expectedMin: round(e.min), expectedMax: round(e.max), from: e.from },
      });
    }
  });
  return out;
}
