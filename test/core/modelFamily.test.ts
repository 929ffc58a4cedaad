import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluationCandidates, modelVersion } from '../../src/evaluate/modelFamily';

test('a model name gives its family stem and the kind its outermost suffix names', () => {
  assert.deepEqual(modelVersion('vww_96_float.tflite'), { stem: 'vww_96', kind: 'float' });
  assert.deepEqual(modelVersion('tiny_float_int8.tflite'), { stem: 'tiny', kind: 'int8' });
  assert.deepEqual(modelVersion('tiny_float_16x8.tflite'), { stem: 'tiny', kind: 'int16' });
  assert.deepEqual(modelVersion('pretrainedResnet_quant.tflite'), { stem: 'pretrainedresnet', kind: 'int8' });
  assert.deepEqual(modelVersion('kws_ref_model.tflite'), { stem: 'kws_ref_model', kind: 'bare' });
  // A suffix alone is a name, not a version of nothing.
  assert.deepEqual(modelVersion('_int8.tflite'), { stem: '_int8', kind: 'bare' });
});

test('the family comes first, float before int8, 16x8 and mixed; other models follow unselected', () => {
  const names = [
    'notes.txt',
    'tiny_float_mixed.tflite',
    'other.tflite',
    'tiny_float_int8.tflite',
    'tiny_float.tflite',
    'tiny_float_16x8.tflite',
    'tiny_float_int8.report.json',
  ];
  assert.deepEqual(evaluationCandidates('tiny_float_int8.tflite', names), [
    { name: 'tiny_float.tflite', sibling: true },
    { name: 'tiny_float_int8.tflite', sibling: true },
    { name: 'tiny_float_16x8.tflite', sibling: true },
    { name: 'tiny_float_mixed.tflite', sibling: true },
    { name: 'other.tflite', sibling: false },
  ]);
  // The converter's names: the bare float model before its _quant sibling, the _float32 one before the bare int8 one.
  assert.deepEqual(
    evaluationCandidates('pretrainedResnet_quant.tflite', ['pretrainedResnet.tflite', 'pretrainedResnet_quant.tflite']).map((c) => c.name),
    ['pretrainedResnet.tflite', 'pretrainedResnet_quant.tflite'],
  );
  assert.deepEqual(
    evaluationCandidates('kws_ref_model.tflite', ['kws_ref_model.tflite', 'kws_ref_model_float32.tflite']).map((c) => c.name),
    ['kws_ref_model_float32.tflite', 'kws_ref_model.tflite'],
  );
  // A model alone in its folder is still a candidate.
  assert.deepEqual(evaluationCandidates('m.tflite', []), [{ name: 'm.tflite', sibling: true }]);
});
