// The 16x8 requantization refuses what TFLite Micro's build aborts on: an accumulator plus bias
// outside ±2^47 (TFLite's check in MultiplyByQuantizedMultiplier for int64, common.cc).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multiplyByQuantizedMultiplier64, multiplyByQuantizedMultiplierBig, wideMultiplier } from '../../src/runtime/quant64';
import { RuntimeError } from '../../src/runtime/types';

test('16x8 requantization: up to ±2^47 it computes, past it it refuses as TFLM does', () => {
  const m = wideMultiplier(2 ** -20);
  const edge = 2n ** 47n;
  assert.equal(multiplyByQuantizedMultiplierBig(edge - 1n, m), multiplyByQuantizedMultiplier64(2 ** 47 - 1, m));
  assert.equal(multiplyByQuantizedMultiplierBig(-edge, m), -(2 ** 27));
  assert.throws(
    () => multiplyByQuantizedMultiplierBig(edge, m),
    (e) => e instanceof RuntimeError && /±2\^47/.test(e.message),
  );
  assert.throws(() => multiplyByQuantizedMultiplier64(-(2 ** 47) - 1, m), RuntimeError);
});
