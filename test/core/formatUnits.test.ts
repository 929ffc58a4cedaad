/** Units in the panel: average power read "3.77e+3 µW" (toPrecision on a number of µW). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPowerUw } from '../../src/estimate/format';

test('average power reads in a unit that suits it, never in exponent notation', () => {
  assert.equal(formatPowerUw(3770), '3.77 mW');
  assert.equal(formatPowerUw(412.3), '412 µW');
  assert.equal(formatPowerUw(2.5e6), '2.50 W');
  for (const v of [0.5, 999, 999.7, 1000, 12345, 9.99e5, 999.8e3, 4e7]) assert.ok(!/e[+-]/.test(formatPowerUw(v)), formatPowerUw(v));
});
