/**
 * The precision job's calibration memory is bounded by bytes: the estimate follows the sample
 * arrays a calibration keeps, the least recently used entries go first, and an entry larger
 * than the whole budget is not kept.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CALIBRATION_CACHE_BYTES, CalibrationCache, statisticsBytes } from '../../src/jobs/calibrationCache';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { prng } from '../../src/util/prng';

function model() {
  const r = prng(1);
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 256], dtype: 'float32' });
  const y = sg.tensor({ name: 'y', shape: [1, 8], dtype: 'float32' });
  const w = sg.tensor({ name: 'w', shape: [8, 256], dtype: 'float32', data: Float32Array.from({ length: 2048 }, () => r() - 0.5) });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [x, w], outputs: [y] });
  sg.io([x], [y]);
  return g.build();
}

const samples = (count: number) => {
  const r = prng(2);
  return Array.from({ length: count }, () => [new Uint8Array(Float32Array.from({ length: 256 }, () => r()).buffer)]);
};

describe('the calibration cache', () => {
  test('a calibration is estimated by the samples it keeps: more samples, more bytes, at least their size', async () => {
    const sizes: number[] = [];
    for (const n of [8, 32]) {
      const q = await quantizeModel(model(), samples(n), { method: 'minmax' });
      const s = q.statistics;
      const sampleBytes = [...s.evaluationSamples, ...s.fitInputs].reduce((a, sample) => a + sample.reduce((b, i) => b + i.byteLength, 0), 0);
      assert.ok(s.evaluationSamples.length > 0);
      const bytes = statisticsBytes(s);
      // The samples (1 KB each) and the 2 KB of int8 weights, plus headers: within a few KB of that.
      assert.ok(bytes >= sampleBytes + 2048, `${bytes} vs ${sampleBytes} of samples`);
      assert.ok(bytes < sampleBytes + 2048 + 64 * 1024, `${bytes}`);
      sizes.push(bytes);
    }
    assert.ok(sizes[1]! > sizes[0]!, sizes.join(' < '));
    assert.equal(CALIBRATION_CACHE_BYTES, 256 * 1024 * 1024);
  });

  test('least recently used out first, by bytes not by count; an entry over the whole budget is not kept', () => {
    const cache = new CalibrationCache<{ bytes: number }>(1000, (v) => v.bytes);
    cache.set('a', { bytes: 400 });
    cache.set('b', { bytes: 400 });
    assert.ok(cache.get('a'));
    cache.set('c', { bytes: 400 });
    assert.deepEqual(cache.keys, ['a', 'c'], 'b, the least recently used, went');
    assert.equal(cache.bytes, 800);
    for (const k of ['d', 'e', 'f', 'g', 'h']) cache.set(k, { bytes: 10 });
    assert.deepEqual(cache.keys, ['a', 'c', 'd', 'e', 'f', 'g', 'h'], 'many small ones fit beside them');
    cache.set('huge', { bytes: 1001 });
    assert.equal(cache.get('huge'), undefined);
    assert.equal(cache.bytes, 850);
    cache.set('big', { bytes: 900 });
    assert.deepEqual(cache.keys, ['d', 'e', 'f', 'g', 'h', 'big']);
    assert.equal(cache.bytes, 950);
    cache.clear();
    assert.equal(cache.bytes, 0);
  });

  test('an entry that grew while in use is measured again when taken, and older ones make room', () => {
    const cache = new CalibrationCache<{ bytes: number }>(1000, (v) => v.bytes);
    const grows = { bytes: 300 };
    cache.set('old', { bytes: 500 });
    cache.set('grows', grows);
    grows.bytes = 600;
    assert.equal(cache.get('grows'), grows);
    assert.deepEqual(cache.keys, ['grows']);
    assert.equal(cache.bytes, 600);
  });
});
