/**
 * The quality bar: on the same held-out inputs, the output SQNR of our int8 model against
 * the float model is at least that of the official int8 model, for each float model of
 * ../shared, with the configuration QUALITY_CONFIG names (and the default min/max where that
 * is the configuration). Both int8 models run in our runtime with TFLM's rounding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKIP_SHARED } from '../helpers/corpus';
import { QUALITY_CASES, QUALITY_CONFIG, qualityRow } from './quantizeData';

describe('our int8 models are at least as good as the official ones', { skip: SKIP_SHARED }, () => {
  for (const c of QUALITY_CASES) {
    const chosen = QUALITY_CONFIG[c.name]!;
    test(`${c.name} (${chosen.config})`, async (t) => {
      const data = c.data();
      if ('skip' in data) return t.skip(data.skip);
      const row = await qualityRow(c, chosen.config, chosen.options, data);
      t.diagnostic(`${c.name}: ours ${row.oursDb.toFixed(2)} dB, official ${row.officialDb.toFixed(2)} dB, top-1 agreement ${row.oursTop1} vs ${row.officialTop1}`);
      assert.ok(row.oursDb >= row.officialDb, `${c.name}: ours ${row.oursDb.toFixed(2)} dB < official ${row.officialDb.toFixed(2)} dB`);
      assert.ok(row.oursTop1 >= row.officialTop1 || c.name === 'hello_world', `${c.name}: top-1 agreement ${row.oursTop1} < ${row.officialTop1}`);
    });
  }
});
