// The emulated TFLite Micro runners (i386 under qemu-i386, Cortex-M firmware under
// qemu-system-arm) are oracles for other tests; this checks they run here and agree with the
// native build where the README says they must: int8 outputs are identical on every kernel path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readModel } from '../../src/model/io';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { emulatedRunner, runTflm, SKIP_TFLM, seededInputs, TFLM_EMULATED, type TflmEmulated } from '../helpers/tflm';

for (const name of Object.keys(TFLM_EMULATED) as TflmEmulated[]) {
  const { path, skip } = emulatedRunner(name);
  test(`${TFLM_EMULATED[name].runner} runs hello_world_int8 like the native runner`, { skip: SKIP_SHARED || SKIP_TFLM || skip }, () => {
    const bytes = corpusModel('hello_world_int8');
    const inputs = seededInputs(readModel(bytes), 3);
    const native = runTflm(bytes, inputs);
    const emulated = runTflm(bytes, inputs, path);
    assert.equal(emulated.kernels, TFLM_EMULATED[name].kernels);
    assert.deepEqual(emulated.outputs, native.outputs);
    // Same planned head on every 32-bit build: the tensors are the same, only struct sizes differ.
    assert.equal(emulated.head, native.head);
  });
}
