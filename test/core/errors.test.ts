/** src/errors.ts: every error thrown maps to a stable code; Cancelled is the one cancellation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/cli/args';
import { Cancelled, errorCode, LensError } from '../../src/errors';
import { EstimateError } from '../../src/estimate/estimateTarget';
import { FileExistsError } from '../../src/io/atomicWrite';
import { ModelFormatError } from '../../src/model/errors';
import { QuantizeError } from '../../src/quantize/errors';
import { InputError } from '../../src/runtime/inputs/inputError';
import { RuntimeError } from '../../src/runtime/types';

describe('error codes', () => {
  test('every error class carries its code; Node file errors keep their errno name', () => {
    assert.equal(errorCode(new ModelFormatError('truncated', 'short', 12)), 'truncated');
    assert.equal(errorCode(new RuntimeError('unsupported-op', 'no kernel', 3)), 'unsupported-op');
    assert.equal(errorCode(new QuantizeError('unsupported-ops', 'no int8 path')), 'unsupported-ops');
    assert.equal(errorCode(new InputError('wrong size')), 'bad-input');
    assert.equal(errorCode(new EstimateError('unknown core')), 'bad-estimate');
    assert.equal(errorCode(new FileExistsError('/x.tflite')), 'file-exists');
    assert.equal(errorCode(new UsageError('no model')), 'usage');
    assert.equal(errorCode(new Cancelled()), 'cancelled');
    assert.equal(errorCode(Object.assign(new Error('EACCES: permission denied'), { errno: -13, code: 'EACCES' })), 'EACCES');
    assert.equal(errorCode(Object.assign(new Error('odd'), { errno: -22, code: 'EINVAL' })), 'io-error');
    assert.equal(errorCode(new TypeError('a bug')), 'internal');
    assert.equal(errorCode('thrown text'), 'internal');
    for (const e of [new ModelFormatError('truncated', 'x'), new InputError('x'), new Cancelled()]) assert.ok(e instanceof LensError);
  });

  test('cancellation is one class: a Cancelled is no QuantizeError, and an Error saying "cancelled" is no Cancelled', () => {
    assert.ok(!(new Cancelled() instanceof QuantizeError));
    assert.ok(!(new Error('cancelled') instanceof Cancelled));
    assert.equal(errorCode(new Error('cancelled')), 'internal');
  });
});
