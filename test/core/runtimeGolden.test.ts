import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { goldenRuns } from '../helpers/golden';
import { readModel } from '../../src/model/io';

/** Float outputs: each value within 1e-5 of the golden one, relative to the output's largest magnitude. */
function assertFloatClose(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const a = new Float32Array(actual.slice().buffer);
  const e = new Float32Array(expected.slice().buffer);
  assert.equal(a.length, e.length, what);
  const scale = Math.max(1e-30, ...Array.from(e, Math.abs));
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) <= 1e-5 * scale, `${what}[${i}]: ${a[i]} vs ${e[i]}`);
}

describe('outputs equal a real TFLite Micro build (tflm rounding)', { skip: SKIP_SHARED }, () => {
  for (const run of goldenRuns()) {
    test(run.name, () => {
      const interpreter = new Interpreter(readModel(corpusModel(run.name)), { rounding: 'tflm' });
      run.inputs.forEach((bytes, i) => interpreter.setInputBytes(i, bytes));
      interpreter.invoke();
      assert.equal(interpreter.outputs.length, run.outputs.length);
      interpreter.outputs.forEach((out, i) => {
        const ours = tensorBytes(out);
        if (out.dtype === 'float32') assertFloatClose(ours, run.outputs[i]!, `output ${i}`);
        else assert.deepStrictEqual(ours, run.outputs[i], `output ${i} (${out.dtype}) differs from TFLM`);
      });
    });
  }
});
