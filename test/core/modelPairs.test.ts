/** Compare offers a model's sibling both ways, including a bare-named int8 model beside its `_float32` original. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPair } from '../../src/runtime/modelPairs';

test('kws_ref_model (int8, bare name) finds kws_ref_model_float32, and back', () => {
  const dir = ['kws_ref_model.tflite', 'kws_ref_model_float32.tflite'];
  assert.deepStrictEqual(findPair('kws_ref_model.tflite', dir), { other: 'kws_ref_model_float32.tflite', fileIs: 'int8' });
  assert.deepStrictEqual(findPair('kws_ref_model_float32.tflite', dir), { other: 'kws_ref_model.tflite', fileIs: 'float' });
});

test('a bare float name still prefers its int8 sibling, and a lonely model has none', () => {
  assert.deepStrictEqual(findPair('net.tflite', ['net.tflite', 'net_int8.tflite']), { other: 'net_int8.tflite', fileIs: 'float' });
  assert.equal(findPair('net.tflite', ['net.tflite', 'other_float.tflite']), undefined);
});
