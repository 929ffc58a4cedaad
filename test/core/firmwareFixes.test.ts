import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { kernelLibrary } from '../../src/analysis/kernelLibrary';
import { checkFirmware, type FirmwareFinding, type FirmwareReport, type SourceFile } from '../../src/firmware/check';
import { type FirmwareFix, firmwareFixes, positionOf } from '../../src/firmware/fixes';
import { writeModel } from '../../src/model/io';
import { MODELS_DIR, SHARED_DIR, SKIP_SHARED } from '../helpers/corpus';
import { chainModel } from '../helpers/fixtures';

const EXAMPLES = join(SHARED_DIR, 'firmware', 'tflite-micro-examples');
const OPTIONS = { kernels: kernelLibrary('reference'), abi: 'arm32' as const, modelFiles: [] };

function ccArray(symbol: string, bytes: Uint8Array, head = 'alignas(16) const unsigned char'): string {
  return `#include "${symbol}.h"\n\n${head} ${symbol}[] = {\n  ${[...bytes].join(', ')}\n};\n`;
}

/** person_detection as its build makes it: the sources plus the model array from ../shared/models. */
function personDetection(): SourceFile[] {
  const dir = join(EXAMPLES, 'person_detection');
  const symbol = 'g_person_detect_model_data';
  const bytes = readFileSync(join(MODELS_DIR, 'tflm', 'person_detection', 'person_detect.tflite'));
  return [
    ...readdirSync(dir)
      .filter((f) => /\.(cc|h)$/.test(f))
      .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'latin1') })),
    { path: join(dir, `${symbol}.cc`), text: ccArray(symbol, bytes) },
    { path: join(dir, `${symbol}.h`), text: `extern const unsigned char ${symbol}[];\n` },
  ];
}

function mutate(sources: readonly SourceFile[], file: string, from: string | RegExp, to: string): SourceFile[] {
  return sources.map((s) => {
    if (!s.path.endsWith(file)) return s;
    const text = s.text.replace(from, to);
    assert.notEqual(text, s.text, `mutation ${String(from)} did not apply to ${file}`);
    return { ...s, text };
  });
}

const check = (sources: readonly SourceFile[]): FirmwareReport => checkFirmware(sources, OPTIONS);

/** Applies a fix's edits, checking that each edit's positions match its offsets. */
function apply(sources: readonly SourceFile[], fix: FirmwareFix): SourceFile[] {
  return sources.map((s) => {
    const edits = fix.edits.filter((e) => e.file === s.path).sort((a, b) => b.start - a.start);
    let text = s.text;
    for (const e of edits) {
      assert.deepEqual(positionOf(s.text, e.start), e.from);
      assert.deepEqual(positionOf(s.text, e.end), e.to);
      text = text.slice(0, e.start) + e.newText + text.slice(e.end);
    }
    return { ...s, text };
  });
}

function only(report: FirmwareReport, code: string): FirmwareFinding {
  const found = report.findings.filter((f) => f.code === code);
  assert.equal(found.length, 1, `${code}: ${JSON.stringify(report.findings.map((f) => [f.code, f.line]))}`);
  return found[0]!;
}

function fixOf(report: FirmwareReport, sources: readonly SourceFile[], code: string): FirmwareFix {
  const finding = only(report, code);
  const symbol = report.details.arenaModels[report.arenas.findIndex((a) => a.file === finding.file && a.line === finding.line)];
  const bytes = report.details.models.find((m) => m.symbol === symbol)?.arena.totalBytes;
  const [fix] = firmwareFixes(finding, report.findings, sources, bytes);
  assert.ok(fix, `no fix for ${code}`);
  return fix;
}

const serious = (r: FirmwareReport): string[] => r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.code);
const textOf = (sources: readonly SourceFile[], file: string): string => sources.find((s) => s.path.endsWith(file))!.text;

describe('firmware quick fixes on person_detection', { skip: SKIP_SHARED || (!existsSync(EXAMPLES) && 'no ../shared/firmware') }, () => {
  test('a too-small arena: the constant behind it becomes the exported size, and the error is gone', () => {
    const sources = mutate(personDetection(), 'main_functions.cc', 'kTensorArenaSize = 136 * 1024;', 'kTensorArenaSize = 36 * 1024;');
    const report = check(sources);
    const fix = fixOf(report, sources, 'arena-too-small');
    assert.equal(fix.kind, 'set-arena');
    const facts = report.details.models.find((m) => m.symbol === 'g_person_detect_model_data')!;
    assert.equal(fix.params.bytes, facts.arena.totalBytes);
    assert.equal(fix.edits.length, 1);
    const fixed = apply(sources, fix);
    assert.match(textOf(fixed, 'main_functions.cc'), new RegExp(`constexpr int kTensorArenaSize = ${facts.arena.totalBytes};`));
    assert.deepEqual(serious(check(fixed)), []);
  });

  test('a missing op: an Add in the file’s own style after the last one; N raised when it is full', () => {
    const sources = mutate(personDetection(), 'main_functions.cc', /\n\s*micro_op_resolver\.AddReshape\(\);/, '');
    const report = check(sources);
    const fix = fixOf(report, sources, 'op-missing');
    assert.equal(fix.kind, 'add-ops');
    assert.equal(fix.edits.length, 1, 'N = 5 has room for the fifth op');
    const fixed = apply(sources, fix);
    assert.match(
      textOf(fixed, 'main_functions.cc'),
      /micro_op_resolver\.AddSoftmax\(tflite::Register_SOFTMAX_INT8\(\)\);\n {2}micro_op_resolver\.AddReshape\(\);\n/,
    );
    assert.deepEqual(serious(check(fixed)), []);

    const full = mutate(
      mutate(personDetection(), 'main_functions.cc', /\n\s*micro_op_resolver\.AddReshape\(\);/, ''),
      'main_functions.cc',
      'MicroMutableOpResolver<5>',
      'MicroMutableOpResolver<4>',
    );
    const again = fixOf(check(full), full, 'op-missing');
    assert.equal(again.edits.length, 2);
    const refixed = apply(full, again);
    assert.match(textOf(refixed, 'main_functions.cc'), /MicroMutableOpResolver<5> micro_op_resolver;/);
    assert.deepEqual(serious(check(refixed)), []);
  });

  test('an unaligned, non-const model array: alignas(16) and const, each clearing its warning', () => {
    const sources = mutate(personDetection(), 'g_person_detect_model_data.cc', 'alignas(16) const unsigned char', 'unsigned char');
    const report = check(sources);
    const aligned = apply(sources, fixOf(report, sources, 'model-unaligned'));
    assert.deepEqual(serious(check(aligned)), ['model-not-const']);
    const constant = apply(aligned, fixOf(check(aligned), aligned, 'model-not-const'));
    // Its header's extern declaration is in sight: plain `const` keeps the external linkage.
    assert.match(textOf(constant, 'g_person_detect_model_data.cc'), /^alignas\(16\) const unsigned char g_person_detect_model_data\[\] = \{/m);
    assert.deepEqual(serious(check(constant)), []);
  });
});

describe('firmware quick fixes on small sources', () => {
  const model = writeModel(chainModel());
  const array = (head: string): string => `${head} g_model[] = {\n  ${[...model].join(', ')}\n};\n`;

  test('an xxd-style array in C++ without an extern in sight becomes `extern const`, and an extern elsewhere `const`', () => {
    const sources: SourceFile[] = [
      { path: '/fw/model.cc', text: array('unsigned char') },
      { path: '/fw/main.cc', text: 'extern unsigned char g_model[];\nvoid setup() { auto* m = tflite::GetModel(g_model); }\n' },
    ];
    const report = check(sources);
    const fixed = apply(sources, fixOf(report, sources, 'model-not-const'));
    assert.match(textOf(fixed, 'model.cc'), /^extern const unsigned char g_model\[\] = \{/);
    assert.match(textOf(fixed, 'main.cc'), /^extern const unsigned char g_model\[\];/);
    assert.ok(!check(fixed).findings.some((f) => f.code === 'model-not-const'));
  });

  test('a C file gets the GCC attribute, which the checker reads as aligned', () => {
    const sources: SourceFile[] = [{ path: '/fw/model.c', text: `/* model */\nstatic const\n${array('  unsigned char').trimStart()}` }];
    const fixed = apply(sources, fixOf(check(sources), sources, 'model-unaligned'));
    assert.match(textOf(fixed, 'model.c'), /^\/\* model \*\/\n__attribute__\(\(aligned\(16\)\)\) static const\nunsigned char g_model/);
    assert.ok(!check(fixed).findings.some((f) => f.code === 'model-unaligned'));
  });

  test('N behind an alias and a #define is set where it is defined; an arena literal in a macro keeps its parentheses', () => {
    const main = [
      '#define NUM_OPS 1 // ops',
      '#define ARENA_SIZE (100)',
      'using Resolver = tflite::MicroMutableOpResolver<NUM_OPS>;',
      'alignas(16) static uint8_t tensor_arena[ARENA_SIZE];',
      'void setup() {',
      '  static Resolver resolver;',
      '  if (resolver.AddFullyConnected() != kTfLiteOk) {',
      '    return;',
      '  }',
      '  resolver.AddRelu();',
      '  static tflite::MicroInterpreter interpreter(tflite::GetModel(g_model), resolver, tensor_arena, ARENA_SIZE);',
      '}',
      '',
    ].join('\n');
    const sources: SourceFile[] = [
      { path: '/fw/model.cc', text: array('alignas(16) const unsigned char') },
      { path: '/fw/main.cc', text: main },
    ];
    const report = check(sources);
    const capacity = fixOf(report, sources, 'resolver-too-small');
    assert.equal(capacity.kind, 'set-capacity');
    const withN = apply(sources, capacity);
    assert.match(textOf(withN, 'main.cc'), /^#define NUM_OPS 2 \/\/ ops$/m);
    const arena = fixOf(report, sources, 'arena-too-small');
    const withArena = apply(withN, arena);
    assert.match(textOf(withArena, 'main.cc'), new RegExp(`^#define ARENA_SIZE \\(${arena.params.bytes}\\)$`, 'm'));
    assert.ok(!check(withArena).findings.some((f) => f.code === 'resolver-too-small' || f.code === 'arena-too-small'));
  });

  test('no Add to follow: no add-ops fix (where a statement may go is unknown)', () => {
    const sources: SourceFile[] = [
      { path: '/fw/model.cc', text: array('alignas(16) const unsigned char') },
      {
        path: '/fw/main.cc',
        text: 'static tflite::MicroMutableOpResolver<3> resolver;\nvoid setup() { tflite::MicroInterpreter i(tflite::GetModel(g_model), resolver, a, 10); }\n',
      },
    ];
    const report = check(sources);
    const missing = report.findings.find((f) => f.code === 'op-missing');
    assert.ok(missing);
    assert.deepEqual(firmwareFixes(missing, report.findings, sources), []);
  });
});
