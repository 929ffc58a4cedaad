import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UNATTENDED } from '../../src/jobs/context';
import { evaluateJob } from '../../src/jobs/evaluate';
import { LABELED_CLASSES, writeLabeledSet } from '../helpers/labeledSet';

const root = mkdtempSync(join(tmpdir(), 'labeled-set-'));
after(() => rmSync(root, { recursive: true, force: true }));

// The VS Code tests of "Evaluate…" click a changed prediction: the fixture must have some.
test('the labeled fixture: the int8 version changes some predictions of the float one', async () => {
  const set = await writeLabeledSet(root);
  const report = await evaluateJob({ paths: [set.floatModel, set.int8Model], data: set.data, rounding: 'tflm', threads: 1 }, UNATTENDED);
  assert.equal(report.samples, set.samples);
  assert.deepEqual(report.classes, [...LABELED_CLASSES]);
  const [f, q] = report.models;
  assert.ok(f!.top1! > 0.7 && f!.top1! < 1, `float top-1 ${f!.top1}`);
  assert.ok(q!.changedCount >= 2, `changed ${q!.changedCount}`);
  assert.ok(
    q!.changed.every((c) => c.file.endsWith('.npy') && !c.file.startsWith('/')),
    JSON.stringify(q!.changed),
  );
});
