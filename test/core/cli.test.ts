import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/cli/args';
import { EXIT_BAD_INPUT, EXIT_DOES_NOT_FIT, EXIT_FITS } from '../../src/cli/command';
import { reportFailure } from '../../src/cli/failure';
import { cli } from '../helpers/cli';
import { Cancelled } from '../../src/errors';
import { FileExistsError } from '../../src/io/atomicWrite';
import { corpusModels, REPO_ROOT, SKIP_SHARED } from '../helpers/corpus';
import { customOpModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { writeModel } from '../../src/model/io';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-cli-'));
const modelPath = join(dir, 'tiny.tflite');
writeFileSync(modelPath, writeModel(tinyInt8ConvNet()));

describe('tinyml-lens analyze', () => {
  test('--json follows the contract', async () => {
    const r = await cli('analyze', modelPath, '--target', 'arduino-nano-33-ble-sense', '--json');
    assert.equal(r.code, EXIT_FITS);
    const j = JSON.parse(r.out);
    assert.deepStrictEqual(Object.keys(j.model).sort(), ['bytes', 'format', 'kind', 'path', 'subgraphs']);
    assert.equal(j.model.format, 'tflite');
    assert.equal(j.layers.length, 6);
    for (const key of ['index', 'op', 'inputs', 'outputs', 'weightBytes', 'activationBytes', 'macs', 'arenaLiveBytes']) assert.ok(key in j.layers[0], key);
    assert.deepStrictEqual(Object.keys(j.layers[0].inputs[0]).sort(), ['dtype', 'name', 'shape']);
    for (const key of ['macs', 'weightBytes', 'modelBytes']) assert.equal(typeof j.totals[key], 'number');
    for (const key of ['nonPersistentBytes', 'persistentBytes', 'totalBytes', 'peakLayer']) assert.ok(key in j.arena, key);
    assert.equal(j.arena.totalBytes, j.arena.nonPersistentBytes + j.arena.persistentBytes);
    assert.equal(j.target.id, 'arduino-nano-33-ble-sense');
    assert.equal(j.target.sramBytes, 256 * 1024);
    assert.equal(j.target.fits, true);
    assert.deepStrictEqual(j.target.diagnostics, []);
  });

  test('exit 1 when the model does not fit, with the diagnostic in the JSON', async () => {
    const r = await cli('analyze', modelPath, '--sram', '1', '--flash', '1024', '--json');
    assert.equal(r.code, EXIT_DOES_NOT_FIT);
    const j = JSON.parse(r.out);
    assert.equal(j.target.fits, false);
    assert.equal(j.target.diagnostics[0].severity, 'error');
    assert.match(j.target.diagnostics[0].message, /exceeds 1 KB SRAM/);
  });

  test('exit 0 with no budget; the table marks the peak row', async () => {
    const r = await cli('analyze', modelPath);
    assert.equal(r.code, EXIT_FITS);
    assert.match(r.out, /^1\*\s+DEPTHWISE_CONV_2D/m);
    assert.match(r.out, /MACs\s+4,620/);
  });

  test('exit 2 on bad input: a missing file, a broken model, an unknown target', async () => {
    assert.equal((await cli('analyze', join(dir, 'nope.tflite'))).code, EXIT_BAD_INPUT);
    const broken = join(dir, 'broken.tflite');
    writeFileSync(broken, writeModel(tinyInt8ConvNet()).subarray(0, 100));
    const b = await cli('analyze', broken);
    assert.equal(b.code, EXIT_BAD_INPUT);
    assert.match(b.err, /at byte \d+/);
    const t = await cli('analyze', modelPath, '--target', 'nano-99');
    assert.equal(t.code, EXIT_BAD_INPUT);
    assert.match(t.err, /unknown target "nano-99". Known targets: .*arduino-nano-33-ble-sense/);
    assert.equal((await cli('analyze', modelPath, '--sram')).code, EXIT_BAD_INPUT);
    assert.equal((await cli('frobnicate')).code, EXIT_BAD_INPUT);
  });

  test('custom ops appear as cost unknown', async () => {
    const p = join(dir, 'custom.tflite');
    writeFileSync(p, writeModel(customOpModel()));
    const r = await cli('analyze', p);
    assert.match(r.out, /MyVendorOp.*unknown/);
    assert.match(r.out, /cost unknown: MyVendorOp/);
  });

  test('as a real process: exit codes reach the shell', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'out/src/cli/main.js'), ...args], { encoding: 'utf8' });
    assert.equal(run('analyze', modelPath, '--sram', '1').status, EXIT_DOES_NOT_FIT);
    assert.equal(run('analyze', modelPath).status, EXIT_FITS);
    assert.equal(run('analyze', join(dir, 'nope.tflite')).status, EXIT_BAD_INPUT);
  });

  test('every shared model analyzes and fits its MLPerf reference board or says why not', { skip: SKIP_SHARED }, async () => {
    for (const m of corpusModels()) {
      const r = await cli('analyze', m.path, '--target', 'nucleo-l4r5zi', '--json');
      const j = JSON.parse(r.out);
      assert.equal(r.code, j.target.fits ? EXIT_FITS : EXIT_DOES_NOT_FIT, m.name);
    }
  });
});

test('tinyml-lens examples writes the example models, which analyze as designed', async () => {
  const out = join(dir, 'examples');
  assert.equal((await cli('examples', out)).code, EXIT_FITS);
  const kws = JSON.parse((await cli('analyze', join(out, 'kws_ds_cnn_int8.tflite'), '--target', 'arduino-nano-33-ble-sense', '--json')).out);
  // Same architecture as the MLPerf Tiny KWS reference: same MACs and the same arena.
  assert.equal(kws.totals.macs, 2_656_768);
  assert.equal(kws.target.fits, true);
  const cam = await cli('analyze', join(out, 'camera_trap_mobilenet_int8.tflite'), '--target', 'arduino-nano-33-ble-sense', '--json');
  assert.equal(cam.code, EXIT_DOES_NOT_FIT);
  assert.deepStrictEqual(
    JSON.parse(cam.out).target.diagnostics.map((d: { code: string }) => d.code),
    ['sram-over', 'flash-near'],
  );
});

describe('the CLI maps error codes to exit codes in one place', () => {
  const capture = () => {
    const err: string[] = [];
    return { io: { out: () => undefined, err: (t: string) => err.push(t) }, err };
  };

  // Issue 10 changed this test's claim on purpose: a usage error is one line pointing at the help, no longer the whole usage.
  test('bad input exits 2; a usage error is one line pointing at the help; an existing file names --force; a bug is rethrown', () => {
    const usage = capture();
    assert.equal(reportFailure(new UsageError('analyze needs a model file'), usage.io, 'analyze'), EXIT_BAD_INPUT);
    assert.equal(usage.err.join('\n'), 'tinyml-lens analyze: analyze needs a model file (see tinyml-lens analyze --help)');
    const denied = capture();
    assert.equal(reportFailure(Object.assign(new Error('EACCES: permission denied'), { errno: -13, code: 'EACCES' }), denied.io), EXIT_BAD_INPUT);
    assert.doesNotMatch(denied.err.join('\n'), /Usage:/);
    const exists = capture();
    assert.equal(reportFailure(new FileExistsError('/m_int8.tflite'), exists.io), EXIT_BAD_INPUT);
    assert.match(exists.err.join('\n'), /already exists.*--force/);
    assert.throws(() => reportFailure(new TypeError('a bug'), capture().io), TypeError);
    assert.throws(() => reportFailure(new Cancelled(), capture().io), Cancelled);
  });
});
