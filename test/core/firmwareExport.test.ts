/**
 * Export for firmware (src/firmware/export.ts, `tinyml-lens export`): the files' shape, and the
 * proof that they build and run. The proof compiles one tiny main.cc with the exported files of
 * several shared models against TFLM's headers and host library (../shared/tflm, x86-64,
 * reference kernels) with the system g++, and checks that AllocateTensors() succeeds with an
 * arena of exactly k<Name>TensorArenaSize bytes and fails with 16 bytes less than the planned
 * part (planned head + persistent tail), so the prediction is tight, not only large enough.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { cli } from '../helpers/cli';
import { pascalCase, symbolFromFileName, symbolProblem } from '../../src/firmware/cArray';
import { exportFirmware, type FirmwareExport } from '../../src/firmware/export';
import { readModel, writeModel } from '../../src/model/io';
import { corpusModel, corpusModels, SHARED_DIR, SKIP_SHARED } from '../helpers/corpus';
import { customOpModel, tinyInt8ConvNet } from '../helpers/fixtures';

const TFLM_DIR = join(SHARED_DIR, 'tflm');
const TFLM_LIB = join(TFLM_DIR, 'lib', 'x86_64', 'libtensorflow-microlite.a');

function exportOf(bytes: Uint8Array, name: string, abi: 'arm32' | 'x86_64' = 'x86_64'): FirmwareExport {
  const graph = readModel(bytes);
  const analysis = analyzeModel(graph, bytes.length, { abi, kernels: kernelLibrary('reference') });
  return exportFirmware({ bytes, graph, analysis, name });
}

function fileText(e: FirmwareExport, name: string): string {
  const f = e.files.find((x) => x.name === name);
  assert.ok(f, `${name} is exported`);
  return f.text;
}

describe('firmware export: the files', () => {
  const bytes = writeModel(tinyInt8ConvNet());

  test('four files named after the symbol, the same bytes on every run', () => {
    const a = exportOf(bytes, 'tiny_net');
    assert.deepEqual(
      a.files.map((f) => f.name),
      ['tiny_net_model_data.h', 'tiny_net_model_data.cc', 'tiny_net_op_resolver.h', 'tiny_net_arena.h'],
    );
    assert.deepEqual(exportOf(bytes, 'tiny_net').files, a.files);
  });

  test('the model array is aligned, const, extern in its header, and holds the bytes', () => {
    const e = exportOf(bytes, 'tiny_net');
    assert.match(fileText(e, 'tiny_net_model_data.h'), /extern const unsigned char tiny_net_model_data\[\];/);
    assert.match(fileText(e, 'tiny_net_model_data.h'), /extern const unsigned int tiny_net_model_data_len;/);
    const cc = fileText(e, 'tiny_net_model_data.cc');
    assert.match(cc, /#include "tiny_net_model_data.h"/);
    assert.match(cc, /alignas\(16\) const unsigned char tiny_net_model_data\[\] = \{/);
    assert.match(cc, new RegExp(`const unsigned int tiny_net_model_data_len = ${bytes.length};`));
    const literals = [...cc.matchAll(/0x([0-9a-f]{2})/g)].map((m) => Number.parseInt(m[1]!, 16));
    assert.deepEqual(Uint8Array.from(literals), bytes);
  });

  test('the resolver adds exactly the model ops, N exact, each result checked', () => {
    const e = exportOf(bytes, 'tiny_net');
    const h = fileText(e, 'tiny_net_op_resolver.h');
    const adds = [...h.matchAll(/if \(resolver\.(Add\w+)\(\) != kTfLiteOk\) return kTfLiteError;/g)].map((m) => m[1]);
    assert.equal(adds.length, e.ops.length);
    assert.ok(adds.length > 0);
    assert.match(h, new RegExp(`constexpr unsigned int kTinyNetOpCount = ${e.ops.length};`));
    assert.doesNotMatch(h, /&&/);
  });

  test('the arena header gives the breakdown, the TFLM commit and the constant', () => {
    const e = exportOf(bytes, 'tiny_net');
    const h = fileText(e, 'tiny_net_arena.h');
    assert.equal(e.arena.totalBytes, e.arena.plannedBytes + e.arena.persistentBytes + e.arena.marginBytes);
    assert.match(h, new RegExp(`constexpr size_t kTinyNetTensorArenaSize = ${e.arena.totalBytes};`));
    assert.match(h, /90b983c2/);
    assert.match(h, new RegExp(`planned \\(non-persistent head\\)\\s+${e.arena.plannedBytes} bytes`));
    assert.match(h, new RegExp(`margin\\s+${e.arena.marginBytes} bytes`));
  });

  test('a custom op is refused by name', () => {
    assert.throws(() => exportOf(writeModel(customOpModel()), 'vendor'), /MyVendorOp/);
  });

  test('symbols: C identifiers only, derived names are valid', () => {
    for (const bad of ['1net', 'my-net', 'int', '__x', '_Model', '']) assert.ok(symbolProblem(bad), bad);
    for (const good of ['net', 'hello_world_int8', '_net2']) assert.equal(symbolProblem(good), undefined, good);
    assert.equal(symbolFromFileName('hello-world.v2.tflite'), 'hello_world_v2');
    assert.equal(symbolFromFileName('1x.tflite'), 'model_1x');
    assert.equal(pascalCase('hello_world_int8'), 'HelloWorldInt8');
    assert.throws(() => exportOf(bytes, 'bad name'), /not a C identifier/);
  });
});

describe('tinyml-lens export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-export-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const model = join(dir, 'tiny-net.tflite');
  writeFileSync(model, writeModel(tinyInt8ConvNet()));

  test('writes the four files, then refuses to replace them without --force', async () => {
    const out = join(dir, 'fw');
    const first = await cli('export', model, '--out-dir', out, '--json');
    assert.equal(first.code, 0, first.err);
    const report = JSON.parse(first.out) as { schemaVersion: number; symbol: string; files: string[]; arena: { totalBytes: number } };
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.symbol, 'tiny_net');
    assert.equal(report.files.length, 4);
    for (const f of report.files) assert.ok(existsSync(f), f);
    const arena = readFileSync(join(out, 'tiny_net_arena.h'), 'utf8');
    writeFileSync(join(out, 'tiny_net_arena.h'), '// edited by hand\n');
    const again = await cli('export', model, '--out-dir', out);
    assert.equal(again.code, 2);
    assert.match(again.err, /tiny_net_model_data\.h already exists/);
    assert.equal(again.err.trim().split('\n').length, 1);
    assert.equal(readFileSync(join(out, 'tiny_net_arena.h'), 'utf8'), '// edited by hand\n', 'nothing replaced');
    const forced = await cli('export', model, '--out-dir', out, '--force');
    assert.equal(forced.code, 0, forced.err);
    assert.equal(readFileSync(join(out, 'tiny_net_arena.h'), 'utf8'), arena);
    assert.match(forced.out, /kTinyNetTensorArenaSize/);
  });

  test('all or nothing: one existing file, and none of the others is written', async () => {
    const out = join(dir, 'partial');
    const pre = await cli('export', model, '--out-dir', out, '--name', 'p');
    assert.equal(pre.code, 0, pre.err);
    rmSync(join(out, 'p_model_data.h'));
    rmSync(join(out, 'p_model_data.cc'));
    const r = await cli('export', model, '--out-dir', out, '--name', 'p');
    assert.equal(r.code, 2);
    assert.match(r.err, /p_op_resolver\.h already exists/);
    assert.ok(!existsSync(join(out, 'p_model_data.h')), 'the files committed before the clash are removed again');
  });

  test('bad input: one line, exit 2', async () => {
    for (const argv of [
      ['export', model],
      ['export', model, '--out-dir', dir, '--name', '9lives'],
      ['export', model, '--out-dir', dir, '--abi', 'riscv'],
      ['export', model, '--out-dir', dir, '--target', 'no-such-board'],
      ['export', join(dir, 'missing.tflite'), '--out-dir', dir],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });
});

// ── The proof on real TFLM ──────────────────────────────────────────────────────────────────

/** g++, installed through apt-get when missing and allowed (root or password-less sudo), as scripts/vscode/setup.mjs does. */
function ensureGxx(): string | false {
  const have = (): boolean => spawnSync('g++', ['--version'], { stdio: 'ignore' }).status === 0;
  if (have()) return false;
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!root && !sudo) return 'g++ is not installed and apt-get cannot run here (not root, no password-less sudo): apt-get install g++';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]): boolean =>
    (root
      ? spawnSync('apt-get', args, { stdio: 'ignore', env })
      : spawnSync('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { stdio: 'ignore' })
    ).status === 0;
  if (!apt(['update']) || !apt(['install', '-y', '--no-install-recommends', 'g++'])) return 'g++ is not installed and apt-get install g++ failed';
  return have() ? false : 'apt-get installed g++ but it does not run';
}

const SKIP_BUILD: string | false = SKIP_SHARED || (existsSync(TFLM_LIB) ? false : `TFLM host library not found at ${TFLM_LIB}`) || ensureGxx();

/** ad01_int8 and hello_world_int8 are the small models where the margin applies; the others where it does not. */
const PROOF_MODELS = ['hello_world_int8', 'ad01_int8', 'kws_ref_model', 'person_detect', 'vww_96_int8'];

function mainCc(exports: readonly FirmwareExport[]): string {
  const cases = exports.map((e, k) => {
    const p = pascalCase(e.symbol);
    return `  if (which == ${k}) {
    alignas(16) static uint8_t arena[${e.arenaConstant}];
    static ${p}OpResolver resolver;
    if (Register${p}Ops(resolver) != kTfLiteOk) { printf("register-failed\\n"); return 1; }
    size_t bytes = argc > 2 ? strtoul(argv[2], nullptr, 10) : sizeof(arena);
    if (bytes > sizeof(arena)) return 3;
    tflite::MicroInterpreter interpreter(tflite::GetModel(${e.symbol}_model_data), resolver, arena, bytes);
    if (interpreter.AllocateTensors() != kTfLiteOk) { printf("allocate-failed %zu\\n", bytes); return 0; }
    printf("ok %zu %zu\\n", bytes, interpreter.arena_used_bytes());
    return 0;
  }`;
  });
  return [
    '#include <cstdio>',
    '#include <cstdlib>',
    '#include <cstdint>',
    '#include "tensorflow/lite/micro/micro_interpreter.h"',
    ...exports.flatMap((e) => [`#include "${e.symbol}_arena.h"`, `#include "${e.symbol}_model_data.h"`, `#include "${e.symbol}_op_resolver.h"`]),
    '',
    'int main(int argc, char** argv) {',
    '  int which = atoi(argv[1]);',
    ...cases,
    '  return 2;',
    '}',
    '',
  ].join('\n');
}

describe('exported firmware on real TFLite Micro (x86-64 host build)', { skip: SKIP_BUILD }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-fw-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const present = new Set(corpusModels().map((m) => m.name));
  const names = PROOF_MODELS.filter((n) => present.has(n));
  const exports = names.map((name) => exportOf(corpusModel(name), name));
  const binary = join(dir, 'fw');

  test('builds with g++ against TFLM', () => {
    for (const e of exports) for (const f of e.files) writeFileSync(join(dir, f.name), f.text);
    writeFileSync(join(dir, 'main.cc'), mainCc(exports));
    const sources = ['main.cc', ...exports.map((e) => `${e.symbol}_model_data.cc`)];
    const r = spawnSync(
      'g++',
      ['-std=c++17', '-O0', '-DTF_LITE_STATIC_MEMORY', '-I', join(TFLM_DIR, 'include'), '-Wall', '-Werror=return-type', ...sources, TFLM_LIB, '-o', binary],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, `g++ failed:\n${r.stderr}`);
  });

  exports.forEach((e, k) => {
    test(e.symbol, (t) => {
      assert.ok(existsSync(binary), 'the build step failed');
      const run = (bytes?: number): string => {
        const r = spawnSync(binary, bytes === undefined ? [String(k)] : [String(k), String(bytes)], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim().split('\n').pop() ?? '';
      };
      const exact = run();
      const m = /^ok (\d+) (\d+)$/.exec(exact);
      assert.ok(m, `AllocateTensors() fails with the exported ${e.arena.totalBytes} bytes: ${exact}`);
      assert.equal(Number(m[1]), e.arena.totalBytes);
      const used = Number(m[2]);
      assert.equal(used, e.arena.plannedBytes + e.arena.persistentBytes, 'arena_used_bytes() is the planned part');
      const planned = e.arena.plannedBytes + e.arena.persistentBytes;
      assert.match(run(planned - 16), /^allocate-failed/, `AllocateTensors() succeeds with ${planned - 16} bytes: the prediction is not tight`);
      // Where the margin applies, it is needed: arena_used_bytes() alone is too small to allocate in.
      if (e.arena.marginBytes > 0) assert.match(run(planned), /^allocate-failed/, `AllocateTensors() succeeds with ${planned} bytes: the margin is not needed`);
      t.diagnostic(
        `exported ${e.arena.totalBytes} (planned ${e.arena.plannedBytes} + persistent ${e.arena.persistentBytes} + margin ${e.arena.marginBytes}), arena_used_bytes ${used}`,
      );
    });
  });
});
