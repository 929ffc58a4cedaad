/**
 * Prepared arena images (src/runtime/wasm/arenaImages.ts), which pool threads start from
 * instead of packing the weights again: an interpreter built from another's image has the same
 * memory once prepared and the same outputs; the image is really used (zeroed, it changes the
 * outputs); an image of another model is refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readModel } from '../../src/model/io';
import { Interpreter } from '../../src/runtime/interpreter';
import { type PreparedImage, recordPreparedImages, withPreparedImages } from '../../src/runtime/wasm/arenaImages';
import { wasmSimdAvailable } from '../../src/runtime/wasm/simd';
import { SKIP_SHARED, corpusModel } from '../helpers/corpus';
import { seededInputs } from '../helpers/tflm';

function outputs(it: Interpreter, inputs: readonly Uint8Array[]): Uint8Array[] {
  inputs.forEach((b, i) => it.setInputBytes(i, b));
  it.invoke();
  return it.outputs.map((t) => new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)));
}

async function build(name: string, images?: readonly PreparedImage[]): Promise<{ it: Interpreter; images: PreparedImage[] }> {
  const make = () => new Interpreter(readModel(corpusModel(name)), { rounding: 'tflm' });
  const r = await recordPreparedImages(() => (images ? withPreparedImages(images, make) : make()));
  return { it: r.value, images: r.images };
}

describe('prepared arena images', { skip: SKIP_SHARED || !wasmSimdAvailable() }, () => {
  // Float conv, depthwise, pools and fully connected; int8 conv and depthwise.
  for (const name of ['vww_96_float', 'kws_ref_model']) {
    test(`${name}: built from an image, the same memory and the same outputs; a zeroed image changes them`, async () => {
      const a = await build(name);
      assert.equal(a.images.length, 1);
      const inputs = seededInputs(a.it.graph);
      const expected = outputs(a.it, inputs);
      const b = await build(name, a.images);
      assert.deepEqual(b.images[0]!.arena.bytes, a.images[0]!.arena.bytes);
      assert.deepEqual(outputs(b.it, inputs), expected);
      // Zero everything the kernels packed (weights, and offset tables, which then stay in bounds).
      const changed = a.images[0]!.arena.bytes.slice().fill(0, 1024);
      const poisoned: PreparedImage[] = [{ ...a.images[0]!, arena: { ...a.images[0]!.arena, bytes: changed } }];
      const c = await build(name, poisoned);
      assert.notDeepEqual(outputs(c.it, inputs), expected);
    });
  }

  test('an image of another model is not used', async () => {
    const vww = await build('vww_96_float');
    const kws = await build('kws_ref_model', vww.images);
    const plain = await build('kws_ref_model');
    assert.deepEqual(kws.images[0]!.arena.bytes, plain.images[0]!.arena.bytes);
  });
});
