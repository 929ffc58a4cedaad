import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EvaluationReport } from '../../src/evaluate/metrics';
import { type EvaluateView, isFromWebview } from '../../src/shared/protocol';
import { evaluatedSamplePath } from '../../src/vscode/evaluatedSample';

const report: EvaluationReport = {
  samples: 4,
  classes: ['cat', 'dog'],
  classifier: true,
  models: [
    {
      path: '/m/a_float.tflite',
      top1: 0.75,
      top5: null,
      perClass: { cat: 1, dog: 0.5 },
      confusion: [
        [2, 0],
        [1, 1],
      ],
      agreementWithFirst: 1,
      changed: [],
      changedCount: 0,
      outputs: [],
    },
    {
      path: '/m/a_float_int8.tflite',
      top1: 0.5,
      top5: null,
      perClass: { cat: 0.5, dog: 0.5 },
      confusion: [
        [1, 1],
        [1, 1],
      ],
      agreementWithFirst: 0.75,
      changed: [{ file: 'cat/c1.npy', first: 'cat', this: 'dog' }],
      changedCount: 1,
      outputs: [],
    },
  ],
};
const view: EvaluateView = { modelNames: ['a_float.tflite', 'a_float_int8.tflite'], dataName: 'data', root: '/data/set', report };

test('the panel may ask to evaluate and to open a sample by its path, nothing more', () => {
  assert.ok(isFromWebview({ type: 'evaluateModels' }));
  assert.ok(isFromWebview({ type: 'openSample', file: 'cat/c1.npy' }));
  for (const bad of [
    { type: 'evaluateModels', models: ['/etc/passwd'] },
    { type: 'openSample' },
    { type: 'openSample', file: '' },
    { type: 'openSample', file: 7 },
    { type: 'openSample', file: 'x'.repeat(5000) },
    { type: 'openSample', file: 'cat/c1.npy', root: '/' },
  ])
    assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
});

test('only a changed sample the shown report lists is opened, resolved against the data folder', () => {
  assert.equal(evaluatedSamplePath(view, 'cat/c1.npy'), join('/data/set', 'cat/c1.npy'));
  assert.equal(evaluatedSamplePath(view, '../../etc/passwd'), undefined);
  assert.equal(evaluatedSamplePath(view, '/etc/passwd'), undefined);
  assert.equal(evaluatedSamplePath(view, 'cat/c2.npy'), undefined);
  assert.equal(evaluatedSamplePath(undefined, 'cat/c1.npy'), undefined);
});
