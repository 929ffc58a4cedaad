/**
 * How far float32 outputs are from an oracle's: the largest |ours − theirs| over the oracle
 * output's largest magnitude (at least 1e-30), NaN counting as infinitely far. One definition for
 * the tests that hold a kernel to a relative tolerance.
 */
import assert from 'node:assert/strict';

export function relativeError(ours: Float32Array, theirs: Float32Array): number {
  assert.equal(ours.length, theirs.length);
  let scale = 1e-30;
  for (const v of theirs) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i]! - theirs[i]!);
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst / scale;
}

/** The same for raw little-endian float32 bytes, as runners and `tensorBytes` give them. */
export function relativeErrorOfBytes(ours: Uint8Array, theirs: Uint8Array): number {
  return relativeError(new Float32Array(ours.slice().buffer), new Float32Array(theirs.slice().buffer));
}
