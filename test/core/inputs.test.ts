import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, normalize, resizeToTensor } from '../../src/runtime/inputs/image';
import { InputError } from '../../src/runtime/inputs/inputError';
import { fromReal, inputBytes, type InputTensorSpec } from '../../src/runtime/inputs/loadInput';
import { parseNpy, writeNpy } from '../../src/runtime/inputs/npy';
import { parseWav } from '../../src/runtime/inputs/wav';
import { quant } from '../../src/model/graphBuilder';
import { MODELS_DIR, SKIP_SHARED } from '../helpers/corpus';

const int8Input: InputTensorSpec = { name: 'input', dtype: 'int8', shape: [1, 4, 2, 1], quantization: quant(0.5, 10) };

describe('.npy', () => {
  test('round trip of every supported dtype', () => {
    for (const data of [
      Float32Array.of(1.5, -2),
      Float64Array.of(0.25),
      Int8Array.of(-128, 127),
      Uint8Array.of(0, 255),
      Int16Array.of(-300, 300),
      Int32Array.of(1 << 30),
    ]) {
      const dtype = (
        { Float32Array: 'float32', Float64Array: 'float64', Int8Array: 'int8', Uint8Array: 'uint8', Int16Array: 'int16', Int32Array: 'int32' } as const
      )[data.constructor.name as 'Int8Array'];
      const back = parseNpy(writeNpy({ dtype, shape: [data.length], data }), 'x.npy');
      assert.equal(back.dtype, dtype);
      assert.deepStrictEqual([...back.data], [...data]);
    }
  });

  test("float values are quantized with the input tensor's scale and zero point", () => {
    const npy = writeNpy({ dtype: 'float32', shape: [8], data: Float32Array.of(0, 0.25, 0.75, -1, 100, -100, 1, -0.25) });
    const bytes = inputBytes('x.npy', npy, int8Input);
    // q = round_half_away(v / 0.5) + 10, clamped to int8.
    assert.deepStrictEqual([...new Int8Array(bytes.buffer)], [10, 11, 12, 8, 127, -128, 12, 9]);
  });

  test('a size or type mismatch says what the model expects', () => {
    const wrongSize = writeNpy({ dtype: 'float32', shape: [3], data: new Float32Array(3) });
    assert.throws(
      () => inputBytes('a.npy', wrongSize, int8Input),
      (e: unknown) => e instanceof InputError && /a\.npy is float32\[3\] \(3 values\); input "input" expects int8\[1, 4, 2, 1\] \(8 values\)/.test(e.message),
    );
    const wrongType = writeNpy({ dtype: 'int16', shape: [8], data: new Int16Array(8) });
    assert.throws(() => inputBytes('b.npy', wrongType, int8Input), /holds int16 values/);
    assert.throws(() => inputBytes('c.bin', new Uint8Array(7), int8Input), /c\.bin is 7 bytes; input "input" expects .* = 8 bytes of raw int8/);
    assert.throws(() => parseNpy(Uint8Array.of(1, 2, 3), 'bad.npy'), /not a \.npy file/);
  });

  test("raw .bin files are the tensor's bytes", () => {
    const raw = Uint8Array.from({ length: 8 }, (_, i) => i);
    assert.deepStrictEqual(inputBytes('x.bin', raw, int8Input), raw);
  });
});

describe('images', () => {
  test('PNG and JPEG decode through their npm decoders, resize and normalize', () => {
    const png = new PNG({ width: 4, height: 2 });
    for (let i = 0; i < 8; i++) png.data.set([i * 30, 0, 255 - i * 30, 255], i * 4);
    const decoded = decodeImage(new Uint8Array(PNG.sync.write(png)), 'a.png');
    assert.equal(decoded.width, 4);
    assert.equal(decoded.data[4], 30);
    const rgb = resizeToTensor(decoded, 2, 4, 3);
    assert.deepStrictEqual([...rgb.subarray(0, 6)], [0, 0, 255, 30, 0, 225]);
    const gray = normalize(resizeToTensor(decoded, 1, 1, 1), 1, { kind: 'signed' });
    assert.ok(gray[0]! > -1 && gray[0]! < 1);
    const jpg = jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(8 * 8 * 4, 200) }, 95);
    const back = decodeImage(new Uint8Array(jpg.data), 'b.jpg');
    assert.ok(Math.abs(back.data[0]! - 200) <= 2);
  });

  test('a wrong image gives a clear error', () => {
    assert.throws(() => decodeImage(Uint8Array.of(1, 2, 3), 'x.png'), InputError);
    assert.throws(() => inputBytes('x.png', new Uint8Array(10), { name: 'audio', dtype: 'int16', shape: [1, 16000] }), /not an image/);
  });

  test("person_detect's BMP becomes its int8 input: pixel − 128", { skip: SKIP_SHARED }, () => {
    const file = join(MODELS_DIR, 'tflm/person_detection/testdata/person.bmp');
    const bmp = new Uint8Array(readFileSync(file));
    const img = decodeImage(bmp, 'person.bmp');
    assert.deepStrictEqual([img.width, img.height], [96, 96]);
    const spec: InputTensorSpec = { name: 'input', dtype: 'int8', shape: [1, 96, 96, 1], quantization: quant(1 / 255, -128) };
    const q = new Int8Array(inputBytes('person.bmp', bmp, spec).buffer);
    // 8-bit gray palette, rows stored bottom-up: the top-left pixel is the last row's first byte.
    const top = bmp[1078 + 95 * 96]!;
    assert.equal(q[0], top - 128);
  });
});

describe('.wav', () => {
  test('16-bit PCM samples fill int16 or float inputs; other sizes are refused', { skip: SKIP_SHARED }, () => {
    const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, 'tflm/micro_speech/testdata/yes_1000ms.wav')));
    const pcm = parseWav(bytes, 'yes.wav');
    assert.deepStrictEqual([pcm.sampleRate, pcm.channels, pcm.samples.length], [16000, 1, 16000]);
    const asInt16 = new Int16Array(inputBytes('yes.wav', bytes, { name: 'audio', dtype: 'int16', shape: [1, 16000] }).buffer);
    assert.deepStrictEqual(asInt16.subarray(0, 100), pcm.samples.subarray(0, 100));
    const asFloat = new Float32Array(inputBytes('yes.wav', bytes, { name: 'audio', dtype: 'float32', shape: [16000] }).buffer);
    assert.equal(asFloat[5], pcm.samples[5]! / 32768);
    assert.throws(
      () => inputBytes('yes.wav', bytes, { name: 'audio', dtype: 'int16', shape: [1, 8000] }),
      /16000 samples \(16000 Hz\); input "audio" expects int16\[1, 8000\]/,
    );
  });

  test('not a wav file', () => assert.throws(() => parseWav(new Uint8Array(20), 'x.wav'), /not a RIFF\/WAVE file/));
});

test('real values for an unquantized int8 input are refused', () => {
  assert.throws(() => fromReal([1, 2], { name: 'x', dtype: 'int8', shape: [2] }, 'file'), /without quantization parameters/);
});

test('float/int8 siblings are found by the names converters give them', async () => {
  const { findPair } = await import('../../src/runtime/modelPairs');
  const dir = [
    'vww_96_float.tflite',
    'vww_96_int8.tflite',
    'pretrainedResnet.tflite',
    'pretrainedResnet_quant.tflite',
    'ad01_fp32.tflite',
    'ad01_int8.tflite',
    'kws_ref_model.tflite',
    'kws_ref_model_float32.tflite',
    'lonely.tflite',
  ];
  assert.deepStrictEqual(findPair('vww_96_int8.tflite', dir), { other: 'vww_96_float.tflite', fileIs: 'int8' });
  assert.deepStrictEqual(findPair('vww_96_float.tflite', dir), { other: 'vww_96_int8.tflite', fileIs: 'float' });
  assert.deepStrictEqual(findPair('pretrainedResnet.tflite', dir), { other: 'pretrainedResnet_quant.tflite', fileIs: 'float' });
  assert.deepStrictEqual(findPair('pretrainedResnet_quant.tflite', dir), { other: 'pretrainedResnet.tflite', fileIs: 'int8' });
  assert.deepStrictEqual(findPair('ad01_int8.tflite', dir), { other: 'ad01_fp32.tflite', fileIs: 'int8' });
  assert.deepStrictEqual(findPair('kws_ref_model_float32.tflite', dir), { other: 'kws_ref_model.tflite', fileIs: 'float' });
  assert.equal(findPair('lonely.tflite', dir), undefined);
});
