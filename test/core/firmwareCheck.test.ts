import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { main } from '../../src/cli/main';
import { checkFirmware, renderFirmwareFinding, type FirmwareFinding, type FirmwareReport, type SourceFile } from '../../src/firmware/check';
import { tokenize } from '../../src/firmware/lexer';
import { evaluateCondition } from '../../src/firmware/condExpr';
import { guardText, scanFile } from '../../src/firmware/scan';
import { evaluateSize } from '../../src/firmware/sizeExpr';
import { FIRMWARE_TEMPLATES } from '../../src/findings/firmwareMessages';
import { placeholders } from '../../src/findings/messages';
import { MODELS_DIR, REPO_ROOT, SHARED_DIR, SKIP_SHARED } from '../helpers/corpus';

const EXAMPLES = join(SHARED_DIR, 'firmware', 'tflite-micro-examples');
const TFLM_MODELS = join(MODELS_DIR, 'tflm');

/** The model array as TFLM's generate_cc_arrays.py writes it: 16-byte aligned, const, with its length. */
function ccArray(symbol: string, bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 12) lines.push(`    ${[...bytes.subarray(i, i + 12)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
  return `#include <cstdint>\n\n#include "${symbol}.h"\n\nalignas(16) const unsigned char ${symbol}[] = {\n${lines.join('\n')}\n};\n\nconst unsigned int ${symbol}_size = ${bytes.length};\n`;
}

function ccHeader(symbol: string): string {
  return `#include <cstdint>\n\nextern const unsigned char ${symbol}[];\nextern const unsigned int ${symbol}_size;\n`;
}

interface Example {
  readonly name: string;
  /** Array symbol → .tflite under ../shared/models/tflm. */
  readonly models: Readonly<Record<string, string>>;
}

/** The examples whose models ../shared holds (dtln's and network_tester's are not there). */
const COVERED: readonly Example[] = [
  { name: 'person_detection', models: { g_person_detect_model_data: 'person_detection/person_detect.tflite' } },
  {
    name: 'hello_world',
    models: { g_hello_world_float_model_data: 'hello_world/hello_world_float.tflite', g_hello_world_int8_model_data: 'hello_world/hello_world_int8.tflite' },
  },
  { name: 'micro_speech', models: { g_micro_speech_quantized_model_data: 'micro_speech/micro_speech_quantized.tflite' } },
];

function exampleSources(ex: Example): SourceFile[] {
  const dir = join(EXAMPLES, ex.name);
  const sources: SourceFile[] = readdirSync(dir)
    .filter((f) => /\.(cc|h)$/.test(f))
    .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'latin1') }));
  for (const [symbol, model] of Object.entries(ex.models)) {
    const bytes = readFileSync(join(TFLM_MODELS, model));
    sources.push({ path: join(dir, `${symbol}.cc`), text: ccArray(symbol, bytes) }, { path: join(dir, `${symbol}.h`), text: ccHeader(symbol) });
  }
  return sources;
}

const OPTIONS = { kernels: kernelLibrary('reference'), abi: 'arm32' as const, modelFiles: [] };

function check(sources: readonly SourceFile[], options: Partial<Parameters<typeof checkFirmware>[1]> = {}): FirmwareReport {
  return checkFirmware(sources, { ...OPTIONS, ...options });
}

function serious(report: FirmwareReport): FirmwareFinding[] {
  return report.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
}

/** Replaces `from` (once, it must be there) in the file named `file`. */
function mutate(sources: readonly SourceFile[], file: string, from: string | RegExp, to: string): SourceFile[] {
  return sources.map((s) => {
    if (!s.path.endsWith(file)) return s;
    const text = s.text.replace(from, to);
    assert.notEqual(text, s.text, `mutation ${String(from)} did not apply to ${file}`);
    return { ...s, text };
  });
}

function lineOf(sources: readonly SourceFile[], file: string, needle: string): number {
  const text = sources.find((s) => s.path.endsWith(file))!.text;
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

function only(report: FirmwareReport, code: string): FirmwareFinding {
  const found = report.findings.filter((f) => f.code === code);
  assert.equal(found.length, 1, `${code}: ${JSON.stringify(report.findings.map((f) => [f.code, f.line]))}`);
  return found[0]!;
}

describe('firmware checker on TFLM examples', { skip: SKIP_SHARED || (!existsSync(EXAMPLES) && 'no ../shared/firmware') }, () => {
  for (const ex of COVERED) {
    test(`${ex.name}: no error or warning on the unmodified example`, () => {
      const report = check(exampleSources(ex));
      assert.deepStrictEqual(serious(report), []);
      assert.equal(report.models.length, Object.keys(ex.models).length);
      assert.ok(report.resolvers.length > 0);
      assert.ok(report.arenas.some((a) => a.requiredBytes !== null && a.bytes !== null && a.bytes >= a.requiredBytes));
    });
  }

  test('every example at once (network_tester with its embedded model, dtln and memory_footprint without theirs): no error or warning', () => {
    const others = ['dtln', 'memory_footprint', 'network_tester'].flatMap((name) =>
      readdirSync(join(EXAMPLES, name))
        .filter((f) => /\.(cc|h)$/.test(f))
        .map((f) => ({ path: join(EXAMPLES, name, f), text: readFileSync(join(EXAMPLES, name, f), 'latin1') })),
    );
    const report = check([...COVERED.flatMap(exampleSources), ...others]);
    assert.deepStrictEqual(serious(report), []);
    assert.ok(report.models.some((m) => m.symbol === 'network_model'));
  });

  const pd = () => exampleSources(COVERED[0]!);
  const MAIN = 'person_detection/main_functions.cc';
  const ARRAY = 'g_person_detect_model_data.cc';

  test('person_detection: the arena, resolver and model are found and tied', () => {
    const report = check(pd());
    const arena = report.arenas.find((a) => a.symbol === 'tensor_arena')!;
    assert.equal(arena.bytes, 136 * 1024);
    assert.equal(arena.line, lineOf(pd(), MAIN, 'static uint8_t tensor_arena'));
    assert.ok(arena.requiredBytes! > 50_000 && arena.requiredBytes! < 136 * 1024);
    assert.deepStrictEqual(
      report.resolvers.map((r) => [r.capacity, r.ops.length]),
      [[5, 5]],
    );
    assert.equal(report.models[0]!.symbol, 'g_person_detect_model_data');
  });

  test('arena too small: an error at the arena with the exact bytes', () => {
    const required = check(pd()).arenas[0]!.requiredBytes!;
    const sources = mutate(pd(), MAIN, 'kTensorArenaSize = 136 * 1024', `kTensorArenaSize = ${required} - 1`);
    const f = only(check(sources), 'arena-too-small');
    assert.equal(f.severity, 'error');
    assert.equal(f.line, lineOf(sources, MAIN, 'static uint8_t tensor_arena'));
    assert.equal(f.params.required, required);
    assert.match(renderFirmwareFinding(f), new RegExp(`\\(${required} bytes\\)`));
    assert.equal(
      check(mutate(pd(), MAIN, 'kTensorArenaSize = 136 * 1024', `kTensorArenaSize = ${required}`)).findings.filter((x) => x.code === 'arena-too-small').length,
      0,
    );
  });

  test('arena far too large: information with the bytes to give back', () => {
    const f = only(check(mutate(pd(), MAIN, '136 * 1024', '(1 << 20)')), 'arena-oversized');
    assert.equal(f.severity, 'info');
  });

  test('arena size not evaluable: said so, never guessed', () => {
    const report = check(mutate(pd(), MAIN, '136 * 1024', 'kSomethingElse * 2'));
    const f = only(report, 'arena-unknown');
    assert.match(String(f.params.reason), /kSomethingElse/);
    assert.equal(report.arenas[0]!.bytes, null);
  });

  test('an Add call removed: op-missing names the op and its first layer', () => {
    const sources = mutate(pd(), MAIN, /\s*micro_op_resolver\.AddReshape\(\);/, '');
    const f = only(check(sources), 'op-missing');
    assert.equal(f.params.op, 'RESHAPE');
    assert.equal(f.line, lineOf(sources, MAIN, 'MicroMutableOpResolver<5> micro_op_resolver'));
    assert.match(renderFirmwareFinding(f), /RESHAPE \(first at layer \d+\).*AddReshape\(\)/);
  });

  test('N too small: resolver-too-small, and unchecked Adds become warnings', () => {
    const sources = mutate(pd(), MAIN, 'MicroMutableOpResolver<5>', 'MicroMutableOpResolver<4>');
    const report = check(sources);
    const f = only(report, 'resolver-too-small');
    assert.equal(f.line, lineOf(sources, MAIN, 'MicroMutableOpResolver<4>'));
    assert.deepStrictEqual([f.params.capacity, f.params.adds], [4, 5]);
    assert.equal(report.findings.filter((x) => x.code === 'add-unchecked' && x.severity === 'warning').length, 5);
  });

  test('Add calls chained with &&: a warning on each', () => {
    const sources = mutate(pd(), MAIN, 'micro_op_resolver.AddReshape();', 'if (micro_op_resolver.AddReshape() && micro_op_resolver.AddSoftmax()) {}');
    const chained = check(sources).findings.filter((x) => x.code === 'add-unchecked' && x.params.chained === 'true');
    assert.deepStrictEqual(
      chained.map((x) => [x.params.method, x.line, x.severity]),
      [
        ['AddReshape', lineOf(sources, MAIN, 'if (micro_op_resolver.AddReshape()'), 'warning'],
        ['AddSoftmax', lineOf(sources, MAIN, 'if (micro_op_resolver.AddReshape()'), 'warning'],
      ],
    );
  });

  test('an op added the model never uses: a hint at the Add call', () => {
    const sources = mutate(pd(), MAIN, 'micro_op_resolver.AddReshape();', 'micro_op_resolver.AddReshape();\n  micro_op_resolver.AddTanh();');
    const f = check(sources).findings.find((x) => x.code === 'op-unused')!;
    assert.equal(f.severity, 'hint');
    assert.equal(f.line, lineOf(sources, MAIN, 'AddTanh'));
  });

  test('alignas removed: model-unaligned; const removed: model-not-const with its size', () => {
    const unaligned = only(check(mutate(pd(), ARRAY, 'alignas(16) ', '')), 'model-unaligned');
    assert.equal(unaligned.line, 5);
    assert.equal(unaligned.severity, 'warning');
    const notConst = only(check(mutate(pd(), ARRAY, 'const unsigned char', 'unsigned char')), 'model-not-const');
    assert.equal(notConst.params.bytes, readFileSync(join(TFLM_MODELS, 'person_detection/person_detect.tflite')).length);
  });

  test('a corrupted byte: model-invalid at the array', () => {
    // The root table offset (bytes 0..3) pointed past the end.
    const f = only(
      check(mutate(pd(), ARRAY, /\{\n {4}0x[0-9a-f]{2}, 0x[0-9a-f]{2}, 0x[0-9a-f]{2}, 0x[0-9a-f]{2},/, '{\n    0xff, 0xff, 0xff, 0x7f,')),
      'model-invalid',
    );
    assert.equal(f.severity, 'error');
    assert.equal(f.line, 5);
  });

  test('a stale array: model-stale against the workspace .tflite of the same name', () => {
    const bytes = readFileSync(join(TFLM_MODELS, 'person_detection/person_detect.tflite'));
    const other = Uint8Array.from(bytes);
    other[other.length - 1] = other[other.length - 1]! ^ 1;
    const fresh = check(pd(), { modelFiles: [{ path: 'person_detect.tflite', bytes }] });
    assert.equal(fresh.models[0]!.matches, 'person_detect.tflite');
    assert.equal(fresh.findings.filter((x) => x.code === 'model-stale').length, 0);
    const f = only(check(pd(), { modelFiles: [{ path: 'person_detect.tflite', bytes: other }] }), 'model-stale');
    assert.equal(f.line, 5);
  });

  test('CLI on a temp copy of person_detection: --json contract, exit codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwcheck-'));
    try {
      cpSync(join(EXAMPLES, 'person_detection'), dir, { recursive: true });
      const bytes = readFileSync(join(TFLM_MODELS, 'person_detection/person_detect.tflite'));
      writeFileSync(join(dir, 'person_detect_model_data.cc'), ccArray('g_person_detect_model_data', bytes));
      writeFileSync(join(dir, 'person_detect_model_data.h'), ccHeader('g_person_detect_model_data'));
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: () => {} };
      assert.equal(await main(['check-firmware', dir, '--json'], io), 0);
      const json = JSON.parse(out.join('\n')) as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(json), ['schemaVersion', 'models', 'arenas', 'resolvers', 'diagnostics']);
      assert.equal(json.schemaVersion, 1);
      assert.deepStrictEqual(Object.keys((json.models as object[])[0]!), ['symbol', 'file', 'line', 'bytes', 'matches']);
      assert.deepStrictEqual(Object.keys((json.arenas as object[])[0]!), ['symbol', 'file', 'line', 'bytes', 'requiredBytes']);
      assert.deepStrictEqual(Object.keys((json.resolvers as object[])[0]!), ['file', 'line', 'capacity', 'ops']);
      const main_ = join(dir, 'main_functions.cc');
      writeFileSync(main_, readFileSync(main_, 'latin1').replace('136 * 1024', '1024'));
      out.length = 0;
      assert.equal(await main(['check-firmware', dir, '--json'], io), 1);
      const diag = (JSON.parse(out.join('\n')) as { diagnostics: Record<string, unknown>[] }).diagnostics.find((d) => d.code === 'arena-too-small')!;
      assert.deepStrictEqual(Object.keys(diag), ['file', 'line', 'severity', 'code', 'message']);
      assert.equal(await main(['check-firmware', join(dir, 'missing')], io), 2);
      assert.equal(await main(['check-firmware', dir, '--kernels', 'nope'], io), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('preprocessor conditionals', { skip: SKIP_SHARED || (!existsSync(EXAMPLES) && 'no ../shared/firmware') }, () => {
  const pd = () => exampleSources(COVERED[0]!);
  const MAIN = 'person_detection/main_functions.cc';
  const ARRAY = 'g_person_detect_model_data.cc';
  const SIZE = 'constexpr int kTensorArenaSize = 136 * 1024;';

  test('two arena sizes under an #ifdef the sources do not settle: arena-unknown naming both, never a guess', () => {
    const sources = mutate(pd(), MAIN, SIZE, `#ifdef SMALL_ARENA\nconstexpr int kTensorArenaSize = 1024;\n#else\n${SIZE}\n#endif`);
    const report = check(sources);
    const f = only(report, 'arena-unknown');
    assert.match(
      String(f.params.reason),
      /kTensorArenaSize.*1024 \(line \d+, if defined\(SMALL_ARENA\)\) or 136 \* 1024 \(line \d+, if !defined\(SMALL_ARENA\)\)/,
    );
    assert.equal(report.arenas[0]!.bytes, null);
    assert.deepStrictEqual(serious(report), []);
  });

  test('a condition the sources settle (a #define here or in an included header) picks its branch', () => {
    const small = `#if defined(SMALL_ARENA) && SMALL_ARENA > 1\nconstexpr int kTensorArenaSize = 1024;\n#else\n${SIZE}\n#endif`;
    const here = mutate(pd(), MAIN, SIZE, `#define SMALL_ARENA 2\n${small}`);
    assert.equal(only(check(here), 'arena-too-small').params.bytes, 1024);
    const header = mutate(
      mutate(pd(), MAIN, SIZE, small),
      'model_settings.h',
      'constexpr int kNumCols = 96;',
      '#define SMALL_ARENA 2\nconstexpr int kNumCols = 96;',
    );
    assert.equal(only(check(header), 'arena-too-small').params.bytes, 1024);
    const off = mutate(pd(), MAIN, SIZE, `#define SMALL_ARENA 1\n${small}`);
    assert.deepStrictEqual(
      check(off).findings.filter((x) => x.code.startsWith('arena')),
      [],
    );
    assert.equal(check(off).arenas[0]!.bytes, 136 * 1024);
    const undefd = mutate(pd(), MAIN, SIZE, `#define SMALL_ARENA 2\n#undef SMALL_ARENA\n${small}`);
    assert.equal(check(undefd).arenas[0]!.bytes, 136 * 1024);
  });

  test('an arena declared in two unsettled branches: each checked, the finding says in which build', () => {
    const decl = 'alignas(16) static uint8_t tensor_arena[kTensorArenaSize];';
    const sources = mutate(pd(), MAIN, decl, `#if BOARD_RAM_KB < 64\nalignas(16) static uint8_t tensor_arena[32 * 1024];\n#else\n${decl}\n#endif`);
    const report = check(sources);
    assert.equal(report.arenas.length, 2);
    const f = only(report, 'arena-too-small');
    assert.equal(f.line, lineOf(sources, MAIN, 'tensor_arena[32 * 1024]'));
    assert.equal(f.params.condition, 'BOARD_RAM_KB<64');
    assert.match(renderFirmwareFinding(f), /in a build where BOARD_RAM_KB<64\)$/);
  });

  test('an Add call in a branch known false is not counted; only in an unsettled branch, missing (a warning) where it fails', () => {
    const add = 'micro_op_resolver.AddReshape();';
    const dead = mutate(pd(), MAIN, add, `#if 0\n  ${add}\n#endif`);
    assert.equal(only(check(dead), 'op-missing').params.op, 'RESHAPE');
    const elif = mutate(pd(), MAIN, add, `#if 0\n#elif 2 * 3 == 7 || !defined(__cplusplus) && 0\n  ${add}\n#else\n#endif`);
    assert.equal(only(check(elif), 'op-missing').params.op, 'RESHAPE');
    const maybe = mutate(pd(), MAIN, add, `#ifdef WITH_RESHAPE\n  ${add}\n#endif`);
    const f = only(check(maybe), 'op-missing');
    assert.deepStrictEqual([f.severity, f.params.op, f.params.condition], ['warning', 'RESHAPE', '!defined(WITH_RESHAPE)']);
    assert.match(renderFirmwareFinding(f), /never adds it: call AddReshape\(\) \(in a build where !defined\(WITH_RESHAPE\)\)$/);
    const both = mutate(pd(), MAIN, add, `#ifdef WITH_RESHAPE\n  ${add}\n#else\n  ${add}\n#endif`);
    assert.deepStrictEqual(serious(check(both)).length, 0, 'added in both branches: added in every build');
    const chain = mutate(pd(), MAIN, add, `#if MODE == 1\n  ${add}\n#elif MODE == 2\n  ${add}\n#else\n  ${add}\n#endif`);
    assert.deepStrictEqual(serious(check(chain)).length, 0, 'an #if/#elif/#else chain covers every build');
    const gap = mutate(pd(), MAIN, add, `#if MODE == 1\n  ${add}\n#elif MODE == 2\n  ${add}\n#endif`);
    assert.equal(only(check(gap), 'op-missing').params.condition, '!(MODE==1) && !(!(MODE==1) && MODE==2)');
  });

  test('resolvers declared in two unsettled branches: N checked per branch, the Add calls count for both', () => {
    const decl = 'static tflite::MicroMutableOpResolver<5> micro_op_resolver;';
    const sources = mutate(pd(), MAIN, decl, `#ifdef TINY\n  static tflite::MicroMutableOpResolver<4> micro_op_resolver;\n#else\n  ${decl}\n#endif`);
    const report = check(sources);
    assert.deepStrictEqual(
      report.resolvers.map((r) => [r.capacity, r.ops.length]),
      [
        [4, 5],
        [5, 5],
      ],
    );
    const f = only(report, 'resolver-too-small');
    assert.equal(f.line, lineOf(sources, MAIN, 'MicroMutableOpResolver<4>'));
    assert.equal(f.params.condition, 'defined(TINY)');
    assert.equal(report.findings.filter((x) => x.code === 'op-missing').length, 0);
  });

  test('the model array under #if: gone when known false, its findings tagged when unsettled', () => {
    const text = pd().find((s) => s.path.endsWith(ARRAY))!.text;
    const array = text.slice(text.indexOf('alignas(16)'), text.indexOf('};') + 2);
    assert.equal(check(mutate(pd(), ARRAY, array, `#if 0\n${array}\n#endif`)).models.length, 0);
    const both = mutate(pd(), ARRAY, array, `#ifdef MODEL_IN_FLASH\n${array}\n#else\n${array.replace('alignas(16) const ', 'alignas(16) ')}\n#endif`);
    const f = only(check(both), 'model-not-const');
    assert.equal(f.params.condition, '!defined(MODEL_IN_FLASH)');
    assert.equal(check(both).models.length, 1);
  });

  test('network_tester: the arena size follows the #ifdef that picks the model (5 KB without ETHOS_U), the Ethos-U resolver stays apart', () => {
    const dir = join(EXAMPLES, 'network_tester');
    const sources = readdirSync(dir).map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'latin1') }));
    const report = check(sources);
    assert.deepStrictEqual(
      report.arenas.map((a) => a.bytes),
      [5 * 1024],
    );
    assert.ok(report.arenas[0]!.requiredBytes! < 5 * 1024);
    assert.deepStrictEqual(
      report.findings.filter((x) => x.code.startsWith('arena') || x.code === 'op-missing'),
      [],
    );
    const scanned = scanFile('network_tester_test.cc', sources.find((s) => s.path.endsWith('.cc'))!.text);
    assert.deepStrictEqual(
      scanned.resolvers.map((r) => [r.type, r.guard]),
      [
        ['MicroMutableOpResolver<1>', [{ test: 'defined(ETHOS_U)', holds: true }]],
        ['MicroMutableOpResolver<5>', [{ test: 'defined(ETHOS_U)', holds: false }]],
      ],
    );
    assert.deepStrictEqual(scanned.interpreters[0]!.config, [{ test: 'defined(ETHOS_U)', holds: false }]);
  });
});

describe('preprocessor conditions', () => {
  const tokens = (text: string) => [...tokenize(text)];
  const macros = (defined: Record<string, string | null>) => (name: string) =>
    name in defined
      ? defined[name] === null
        ? { kind: 'undefined' as const }
        : { kind: 'defined' as const, tokens: tokens(defined[name]!) }
      : { kind: 'unknown' as const };

  test('integer expressions, defined(), and what an unknown macro leaves unknown', () => {
    const m = macros({ A: '4', B: null, C: '(A << 2) + 1' });
    const cases: [string, number | undefined][] = [
      ['defined(A) && A > 3', 1],
      ['defined A', 1],
      ['defined(B) || B', 0],
      ['C == 17 ? 7 : 8', 7],
      ['UNKNOWN', undefined],
      ['UNKNOWN && 0', 0],
      ['1 || defined(UNKNOWN)', 1],
      ['!defined(UNKNOWN)', undefined],
      ['F(1)', undefined],
      ['1 / 0', undefined],
      ['0x10 % 3 - ~0', 2],
      [`${'('.repeat(200)}1${')'.repeat(200)}`, undefined],
    ];
    for (const [text, value] of cases) assert.equal(evaluateCondition(tokens(text), m), value, text);
  });

  test('an include guard is taken; #else after an unsettled #if and nested groups carry their assumptions', () => {
    const scanned = scanFile(
      'g.h',
      '#ifndef G_H_\n#define G_H_\n#if MODE == 2\n#ifndef FAST\nuint8_t a_arena[1];\n#endif\n#elif MODE == 3\nuint8_t b_arena[2];\n#else\nuint8_t c_arena[3];\n#endif\n#endif\n',
    );
    assert.deepStrictEqual(
      scanned.arenas.map((a) => [a.symbol, guardText(a.guard)]),
      [
        ['a_arena', 'MODE==2 && !defined(FAST)'],
        ['b_arena', '!(MODE==2) && MODE==3'],
        ['c_arena', '!(MODE==2) && !(MODE==3)'],
      ],
    );
  });
});

describe('firmware scanner on hostile sources', () => {
  test('a source over 64 MB is left out with a note, not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwcheck-big-'));
    try {
      const big = join(dir, 'huge_model_data.cc');
      writeFileSync(big, '');
      truncateSync(big, 65 * 1024 * 1024); // sparse: nothing is written
      const out: string[] = [];
      assert.equal(await main(['check-firmware', dir], { out: (t) => out.push(t), err: () => {} }), 0);
      assert.ok(out.some((l) => l.includes('huge_model_data.cc: not scanned')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const bounded = (label: string, text: string, ms: number): void => {
    const t0 = Date.now();
    const report = checkFirmware([{ path: label, text }], OPTIONS);
    assert.ok(Date.now() - t0 < ms, `${label} took ${Date.now() - t0} ms`);
    assert.ok(Array.isArray(report.findings));
  };

  test('a 50 MB source scans in bounded time', () => {
    const line = 'int f(int a) { return a * 2 + g(a, "s", \'c\'); } // comment\n';
    bounded('big.cc', line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)), 60_000);
  });

  test('a generated huge array: its bytes are read, no crash', () => {
    const body = '0x01, '.repeat(4_000_000);
    const scanned = scanFile('huge.cc', `alignas(16) const unsigned char g_huge_model_data[] = {${body}};`);
    assert.equal(scanned.arrays[0]!.bytes.length, 4_000_000);
    bounded('huge.cc', `const unsigned char g_huge_model_data[] = {${body}};\ntflite::GetModel(g_huge_model_data);`, 30_000);
  });

  test('unterminated comments and strings end at the end of the file', () => {
    bounded('c.cc', 'uint8_t tensor_arena[1024]; /* never closed', 1000);
    bounded('s.cc', 'const char* s = "never closed', 1000);
    bounded('a.cc', 'const unsigned char g_x_model_data[] = {0x1c, 0x00,', 1000);
    assert.equal([...tokenize('a /* b')].length, 1);
    assert.equal(scanFile('c.cc', 'uint8_t tensor_arena[1024]; /* x').arenas.length, 1);
  });

  test('deeply nested macros: evaluation stops with a reason', () => {
    const defines = Array.from({ length: 5000 }, (_, i) => `#define K${i} (K${i + 1} + 1)`).join('\n');
    const scanned = scanFile('m.cc', `${defines}\n#define LOOP_A LOOP_B\n#define LOOP_B LOOP_A\nuint8_t tensor_arena[K0];\nuint8_t other_arena[LOOP_A];`);
    const lookup = (n: string) => scanned.constants.get(n);
    const deep = evaluateSize(scanned.arenas[0]!.sizeTokens, lookup);
    assert.equal(deep.ok, false);
    assert.equal(evaluateSize(scanned.arenas[1]!.sizeTokens, lookup).ok, false);
    bounded('m.cc', `${'('.repeat(100_000)}${')'.repeat(100_000)}`, 5000);
  });

  test('a 1 GB source named on the command line: one clear line, not read (a sparse file, nothing written)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwcheck-1g-'));
    try {
      const big = join(dir, 'g_huge_model_data.cc');
      writeFileSync(big, '');
      truncateSync(big, 1024 * 1024 * 1024);
      const out: string[] = [];
      const before = process.memoryUsage().rss;
      assert.equal(await main(['check-firmware', big], { out: (t) => out.push(t), err: () => {} }), 0);
      assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
      assert.deepStrictEqual(
        out.filter((l) => l.includes('g_huge_model_data.cc')),
        [`note: ${big}: not scanned, larger than 64 MB`],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('deeply nested #if, long #elif chains, huge and broken conditions: bounded, with a note', () => {
    const deep = `${'#if X\n'.repeat(20_000)}uint8_t tensor_arena[16];\n${'#endif\n'.repeat(20_000)}`;
    const t0 = Date.now();
    const scanned = scanFile('deep.cc', deep);
    assert.equal(scanned.arenas.length, 1);
    assert.ok(scanned.notes.some((n) => /nested deeper than 64/.test(n)));
    assert.ok(scanned.arenas[0]!.guard.length <= 64);
    const chain = `#if A0\n${Array.from({ length: 20_000 }, (_, i) => `#elif A${i + 1}\nuint8_t x${i}_arena[1];`).join('\n')}\n#endif\n`;
    const chained = scanFile('chain.cc', chain);
    assert.equal(chained.arenas.length, 20_000);
    assert.ok(chained.arenas.every((a) => a.guard.length <= 17));
    assert.ok(chained.notes.some((n) => /#elif chain longer than/.test(n)));
    const huge = scanFile('huge.cc', `#if ${'('.repeat(1_000_000)}1\nuint8_t tensor_arena[8];\n#endif\n`);
    assert.equal(huge.arenas.length, 1);
    const broken = scanFile('broken.cc', '#endif\n#else\n#elif 1\n#if 0\nuint8_t dead_arena[1];\n#else\nuint8_t live_arena[1];\n');
    assert.deepStrictEqual(
      broken.arenas.map((a) => a.symbol),
      ['live_arena'],
    );
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  });

  test('size expressions: literals, operators, constants and casts', () => {
    const scanned = scanFile('e.cc', '#define KB 1024\nconstexpr size_t kA = (size_t)2 << 10;\nconst int kB = 100 * KB + kA - 0x10;\nuint8_t my_arena[kB];');
    const v = evaluateSize(scanned.arenas[0]!.sizeTokens, (n) => scanned.constants.get(n));
    assert.deepStrictEqual(v, { ok: true, value: 100 * 1024 + 2048 - 16 });
  });
});

test('every firmware message has a Korean translation with the same placeholders', () => {
  const ko = JSON.parse(readFileSync(join(REPO_ROOT, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  for (const en of FIRMWARE_TEMPLATES) {
    const translated = ko[en];
    assert.ok(translated !== undefined, `no Korean for "${en}"`);
    assert.notEqual(translated, en);
    assert.deepStrictEqual(placeholders(translated), placeholders(en), en);
  }
});
