/** The one CSV tokenizer (src/util/csv.ts) of the calibration table and the labels files. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvLineFields, parseCsv } from '../../src/util/csv';

describe('CSV', () => {
  test('quotes group commas and line breaks; a doubled quote is one quote', () => {
    assert.deepStrictEqual(parseCsv('a,"b,c"\r\n"say ""hi""","two\nlines"\n'), [
      ['a', 'b,c'],
      ['say "hi"', 'two\nlines'],
    ]);
  });

  test('CR, LF and CR LF end records; blank records are dropped; fields keep their spaces', () => {
    assert.deepStrictEqual(parseCsv('x, y\r\rz\n,\n\nw'), [['x', ' y'], ['z'], ['w']]);
    assert.deepStrictEqual(parseCsv(''), []);
  });

  test('one line: line breaks are characters, an empty line is one empty field', () => {
    assert.deepStrictEqual(csvLineFields('a.wav,"cat, big"\rdog'), ['a.wav', 'cat, big\rdog']);
    assert.deepStrictEqual(csvLineFields(''), ['']);
    assert.deepStrictEqual(csvLineFields(','), ['', '']);
  });
});
