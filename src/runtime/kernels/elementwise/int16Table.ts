/**
 * TFLite's 513-entry int16 tables (LUTPopulateInt16<float> and LUTLookup(int16) in
 * kernels/internal/common.h): 512 samples of a function over the input range, each nudged by
 * half the error a linear interpolation would make at its midpoint, read back with the high 9
 * bits as the index and the low 7 bits interpolating to the next entry. Every step is float32,
 * as the C++ computes it.
 */
import { roundHalfAway } from '../../quant';

const f = Math.fround;

function clamp16(v: number): number {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/** The table of `transform` (float32 → float32) between the given int16 input and output quantizations. */
export function int16Table(
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  transform: (x: number) => number,
): Int16Array {
  const fn = (x: number): number => f(transform(f(x)));
  const inMin = f(f(inputScale) * f(-32768 - inputZeroPoint));
  const inMax = f(f(inputScale) * f(32767 - inputZeroPoint));
  const outMin = f(f(outputScale) * f(-32768 - outputZeroPoint));
  const outMax = f(f(outputScale) * f(32767 - outputZeroPoint));
  const steps = 512;
  const step = f(f(inMax - inMin) / steps);
  const halfStep = f(step / 2);
  const inv = f(65536 / f(outMax - outMin));
  const lut = new Int16Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    const at = f(inMin + f(i * step));
    const val = fn(at);
    const mid = fn(f(at + halfStep));
    const next = fn(f(inMin + f((i + 1) * step)));
    const sample = roundHalfAway(f(val * inv));
    const interpolated = roundHalfAway(f(f(f(next * inv) + sample) / 2));
    const midValue = roundHalfAway(f(mid * inv));
    const bias = roundHalfAway(f(f(interpolated - midValue) / 2));
    lut[i] = clamp16(sample - bias);
  }
  lut[steps] = clamp16(roundHalfAway(f(fn(inMax) * inv)));
  return lut;
}

/** LUTLookup for an int16 value. */
export function int16Lookup(lut: Int16Array, value: number): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index]!;
  const slope = lut[index + 1]! - base;
  return ((base + ((slope * offset + 64) >> 7)) << 16) >> 16;
}
