/**
 * Random precision assignments (from precisionChoices) over generated float chains
 * (test/helpers/randomModels.ts randomChain), proven on the real TFLite Micro as the corpus
 * models are in mixedPrecisionTflm.test.ts: TFLM allocates, our outputs equal TFLM's bit for
 * bit, the arena analysis equals TFLM's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readModel, writeModel } from '../../src/model/io';
import type { IoType } from '../../src/quantize/int8Graph';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { precisionChoices } from '../../src/quantize/support';
import { prng } from '../../src/util/prng';
import { randomChain } from '../helpers/randomModels';
import { SKIP_TFLM } from '../helpers/tflm';
import { assign, checkGraph, samples } from '../helpers/mixedPrecision';
import { prove } from '../helpers/tflmProof';

describe('random assignments over generated float chains on real TFLite Micro', { skip: SKIP_TFLM }, () => {
  test('80 chains, each with a random precision per layer', async (t) => {
    const t0 = performance.now();
    let mixed = 0;
    for (let k = 0; k < 80; k++) {
      const seed = 9100 + k;
      const chain = randomChain(seed, 'float32');
      const float = readModel(writeModel(chain.graph));
      const random = prng(seed * 31 + 7);
      const precision = assign(precisionChoices(float), (_rank, _n, can) => can[Math.floor(random() * can.length)]!);
      const io: IoType = random() < 0.25 ? 'float' : 'int8';
      const label = `chain seed ${seed} (${[...precision].map(([l, p]) => `${l}=${p}`).join(',')}, io ${io})`;
      const q = await quantizeModel(float, samples(float, 3, seed, -1, 1), { method: 'minmax', io, precision });
      checkGraph(q.graph, precision, label);
      prove(q.bytes, label);
      if (new Set(precision.values()).size > 1) mixed++;
    }
    t.diagnostic(`80 chains (${mixed} with more than one precision): bit-exact, arena exact; ${(performance.now() - t0).toFixed(0)} ms`);
    assert.ok(mixed >= 40, 'most assignments mix precisions');
  });
});
