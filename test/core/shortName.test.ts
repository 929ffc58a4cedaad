/** The panel's short tensor names: converter names joined by ";" stay readable, nothing is lost silently. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortName } from '../../src/util/shortName';

test('a ";"-joined converter name is shortened to its first name, marked as cut', () => {
  const long = 'sequential/conv2d/Conv2D;sequential/conv2d/BiasAdd;sequential/batch_normalization/FusedBatchNormV3;sequential/activation/Relu';
  assert.equal(shortName(long), 'sequential/conv2d/Conv2D…');
  assert.equal(shortName('input_1'), 'input_1');
});

test('a single name longer than 40 characters keeps its tail', () => {
  const name = `model/${'block_'.repeat(20)}final/Relu6`;
  const short = shortName(name);
  assert.ok(short.length <= 40, short);
  assert.ok(short.startsWith('…') && short.endsWith('final/Relu6'), short);
});
