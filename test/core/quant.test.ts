import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  makeRequantize,
  multiplyByQuantizedMultiplierSingle,
  multiplyByQuantizedMultiplierTflm,
  quantizeMultiplier,
  roundHalfEven,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../src/runtime/quant';
import { prng } from '../../src/util/prng';

// Reference implementations in BigInt, written from the C++ definitions, to check the fast ones.
const I32_MAX = 2147483647n;
function srdhmRef(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates, like C++
}
function rdbpotRef(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const remainder = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (remainder > threshold ? 1n : 0n));
}
function singleRef(x: number, m: number, shift: number): number {
  const total = BigInt(31 - shift);
  const r = (BigInt(x) * BigInt(m) + (1n << (total - 1n))) >> total;
  return Number(r > I32_MAX ? I32_MAX : r < -I32_MAX - 1n ? -I32_MAX - 1n : r);
}

describe('fixed-point arithmetic, against BigInt references', () => {
  const rand = prng(42);
  const int32 = (): number => Math.floor(rand() * 4294967296) - 2147483648;

  test('SaturatingRoundingDoublingHighMul on 200,000 random and edge pairs', () => {
    const edges = [0, 1, -1, 2147483647, -2147483648, 1073741824, -1073741824, 65535, 65536, -65537];
    for (const a of edges) for (const b of edges) assert.equal(saturatingRoundingDoublingHighMul(a, b), srdhmRef(a, b), `${a}·${b}`);
    for (let i = 0; i < 200_000; i++) {
      const a = int32();
      const b = int32();
      assert.equal(saturatingRoundingDoublingHighMul(a, b), srdhmRef(a, b), `${a}·${b}`);
    }
  });

  test('RoundingDivideByPOT', () => {
    for (let i = 0; i < 50_000; i++) {
      const x = int32();
      const e = Math.floor(rand() * 31);
      assert.equal(roundingDivideByPOT(x, e), rdbpotRef(x, e));
    }
  });

  test('single and double rounding agree with their definitions, and differ from each other sometimes', () => {
    let differ = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = Math.floor((rand() * 2 - 1) * 2 ** 24);
      const real = 2 ** (-20 * rand()) * (0.5 + rand() / 2);
      const { multiplier, shift } = quantizeMultiplier(real);
      assert.equal(multiplyByQuantizedMultiplierSingle(x, multiplier, shift), singleRef(x, multiplier, shift));
      const left = shift > 0 ? shift : 0;
      const double = rdbpotRef(srdhmRef(x * 2 ** left, multiplier), shift > 0 ? 0 : -shift);
      assert.equal(multiplyByQuantizedMultiplierTflm(x, multiplier, shift), double);
      if (double !== singleRef(x, multiplier, shift)) differ++;
    }
    // Double rounding differs by ±1 from single rounding on a small share of values.
    assert.ok(differ > 0 && differ < 5000, `${differ}`);
  });

  test('QuantizeMultiplier is frexp with a Q31 mantissa', () => {
    assert.deepStrictEqual(quantizeMultiplier(0.5), { multiplier: 1073741824, shift: 0 });
    assert.deepStrictEqual(quantizeMultiplier(0.25), { multiplier: 1073741824, shift: -1 });
    assert.deepStrictEqual(quantizeMultiplier(1), { multiplier: 1073741824, shift: 1 });
    assert.deepStrictEqual(quantizeMultiplier(0), { multiplier: 0, shift: 0 });
    for (let i = 0; i < 10_000; i++) {
      const real = 2 ** (35 * rand() - 31);
      const { multiplier, shift } = quantizeMultiplier(real);
      assert.ok(multiplier >= 2 ** 30 && multiplier < 2 ** 31, `${real}`);
      assert.ok(Math.abs((multiplier / 2 ** 31) * 2 ** shift - real) <= real * 2 ** -31);
    }
  });

  test('round half to even', () => {
    assert.deepStrictEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6].map(roundHalfEven), [0, 2, 2, -0, -2, 2, -3]);
  });

  test('the three requantization modes', () => {
    const spec = { real: 0.0123, inputScale: 0.05, weightScale: 0.246, outputScale: 1 };
    const tflm = makeRequantize(spec, 'tflm');
    const tflite = makeRequantize(spec, 'tflite');
    const xnn = makeRequantize(spec, 'xnnpack');
    for (const acc of [0, 1, -1, 40, -41, 1000, 123456, -98765]) {
      for (const f of [tflm, tflite, xnn]) assert.ok(Math.abs(f(acc) - acc * 0.0123) <= 1, `${acc}`);
    }
  });
});
