/**
 * TFLM's op support at the signature level (src/analysis/opSupport): the table covers every
 * builtin TFLM has a kernel for, its verdicts reach the findings, and the real TFLite Micro
 * (../shared/tflm) agrees with it on generated single-op models over dtype combinations: a
 * layer we accept runs (AllocateTensors and the first Invoke succeed), a layer we refuse does
 * not. npm test runs a seeded sample of the cases (every op, accepted and refused); set
 * TINYML_OPSUPPORT_FULL=1 for all of them (about 1,450 runs, about 40 s).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EXIT_DOES_NOT_FIT, EXIT_FITS } from '../../src/cli/command';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { checkSignature, describeSignature, formatScale } from '../../src/analysis/opSupport/check';
import { OP_SIGNATURES, type OpSignatures } from '../../src/analysis/opSupport/signatures';
import { TFLM_BUILTINS } from '../../src/analysis/tflmOps';
import { renderFinding } from '../../src/findings/render';
import type { Graph } from '../../src/model/graph';
import { readModel, writeModel } from '../../src/model/io';
import { checkFit, customTarget } from '../../src/targets/fit';
import { prng } from '../../src/util/prng';
import { cli } from '../helpers/cli';
import { corpusModel, corpusModels, SKIP_SHARED } from '../helpers/corpus';
import { float16WeightsModel, hybridModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { constraintCases, type SignatureCase, signatureCases } from '../helpers/signatureModels';
import { emulatedRunner, runTflm, SKIP_TFLM, seededInputs } from '../helpers/tflm';
import type { KernelLibraryId } from '../../src/analysis/kernelLibrary';

const analyze = (g: Graph) => {
  const bytes = writeModel(g);
  return analyzeModel(readModel(bytes), bytes.length);
};
const roomy = customTarget(1 << 30, 1 << 30);

/** Our verdict on a single-op model: does TFLM's kernel take its types? */
function accepted(graph: Graph, library: KernelLibraryId = 'reference'): boolean {
  const sg = graph.subgraphs[0]!;
  return sg.operators.every((op) => checkSignature(graph, sg, op, library) === null);
}

/** Whether TFLM runs the model: AllocateTensors and the first Invoke succeed. */
function tflmRuns(graph: Graph, runner?: string): { runs: boolean; why: string } {
  const bytes = writeModel(graph);
  try {
    runTflm(bytes, seededInputs(readModel(bytes)), runner);
    return { runs: true, why: '' };
  } catch (e) {
    return { runs: false, why: (e as Error).message.replace(/\s+/g, ' ').slice(0, 160) };
  }
}

describe('the signature table', () => {
  test('every builtin TFLM has a kernel for has signatures, read from a kernel source', () => {
    const table = OP_SIGNATURES as Readonly<Record<string, OpSignatures>>;
    assert.deepEqual(
      [...TFLM_BUILTINS].filter((op) => table[op] === undefined),
      [],
    );
    for (const [op, rule] of Object.entries(table)) {
      assert.match(rule.source, /^[a-z0-9_]+\.cc$/, op);
      assert.ok(rule.accepts.length > 0, op);
    }
  });

  test('signatures read as types: inputs → outputs', () => {
    assert.equal(describeSignature({ inputs: [['int8'], ['int8', 'int4']], outputs: [['int8']] }), 'int8, int8/int4 → int8');
    assert.equal(describeSignature({ inputs: [null, ['float32']], outputs: [['float32']] }), 'float32 → float32');
    assert.equal(describeSignature({ inputs: [], outputs: [] }), 'any');
  });
});

describe('refused layers become errors naming the layer and what to do', () => {
  test('FLOAT16 weights behind DEQUANTIZE', () => {
    const a = analyze(float16WeightsModel());
    const dq = a.layers[0]!;
    assert.equal(dq.op, 'DEQUANTIZE');
    assert.equal(dq.tflmSupported, false);
    assert.equal(dq.tflmRefusal?.reason, 'float16');
    assert.equal(a.layers[1]!.tflmSupported, true, 'the float CONV_2D after it is fine');
    const v = checkFit(a, roomy);
    assert.equal(v.fits, false);
    assert.deepEqual(
      v.findings.map((f) => [f.code, f.severity, f.layer]),
      [['op-refused', 'error', 0]],
    );
    assert.equal(
      renderFinding(v.findings[0]!),
      'weights are FLOAT16 behind DEQUANTIZE (layer 0): TensorFlow Lite Micro cannot dequantize float16; convert the weights to float32 or quantize the model to int8',
    );
  });

  test('a hybrid FULLY_CONNECTED is refused as hybrid, once', () => {
    const a = analyze(hybridModel());
    assert.equal(a.layers[0]!.tflmRefusal?.reason, 'hybrid');
    const v = checkFit(a, roomy);
    assert.equal(v.fits, false);
    assert.deepEqual(
      v.findings.map((f) => [f.code, f.severity]),
      [['hybrid-op', 'error']],
    );
  });

  test('other combinations name the types and what the kernel takes', () => {
    const absInt32 = signatureCases().find((c) => c.op === 'ABS' && c.input === 'int32')!;
    const v = checkFit(analyze(absInt32.build()), roomy);
    assert.equal(
      renderFinding(v.findings[0]!),
      "ABS (layer 0) has the types int32 → int32, which TensorFlow Lite Micro's kernel refuses; it takes float32 → float32; int8 → int8; int16 → int16 (elementwise.cc): convert the layer to one of these",
    );
  });

  test('constraints beyond types: fixed output quantization, int16 zero points, same quantization, fused activations', () => {
    const render = (c: SignatureCase): string => {
      const v = checkFit(analyze(c.build()), roomy);
      assert.equal(v.fits, false, `${c.op} ${c.variant}`);
      return renderFinding(v.findings[0]!);
    };
    const variant = (op: string, input: string, name: string): SignatureCase =>
      constraintCases().find((c) => c.op === op && c.input === input && c.variant === name)!;
    assert.equal(
      render(variant('SOFTMAX', 'int8', 'another output quantization')),
      "SOFTMAX (layer 0): TensorFlow Lite Micro's kernel requires its output's scale and zero point to be 1/256, -128, not 0.037, 3 (softmax_common.cc); quantize the model again",
    );
    assert.equal(
      render(variant('MUL', 'int16', 'int16 zero point 5')),
      "MUL (layer 0): TensorFlow Lite Micro's kernel requires zero point 0 on int16 tensors, not 5 (mul_common.cc); quantize int16 symmetrically",
    );
    assert.equal(
      render(variant('MAX_POOL_2D', 'int8', 'another output quantization')),
      "MAX_POOL_2D (layer 0): TensorFlow Lite Micro's kernel requires its output's scale and zero point to equal its input's, 1/20, 0, not 0.037, 3 (pooling_common.cc); quantize the model again",
    );
    assert.equal(
      render(variant('CONCATENATION', 'float32', 'fused RELU')),
      "CONCATENATION (layer 0) has a fused RELU activation, which TensorFlow Lite Micro's kernel refuses (concatenation.cc): apply the activation as a layer of its own",
    );
    // The same changes where the kernel does not check are accepted.
    for (const c of [
      variant('ADD', 'int16', 'int16 zero point 5'),
      variant('TANH', 'int8', 'another output quantization'),
      variant('CONV_2D', 'int8', 'fused TANH'),
    ]) {
      assert.equal(checkFit(analyze(c.build()), roomy).fits, true, `${c.op} ${c.variant}`);
    }
    assert.deepEqual([1 / 256, 1 / 32768, 16 / 256, 0.037, 0.05].map(formatScale), ['1/256', '1/32768', '1/16', '0.037', '1/20']);
  });

  test('an int8 model is accepted throughout', () => {
    const a = analyze(tinyInt8ConvNet());
    assert.ok(a.layers.every((l) => l.tflmSupported && l.tflmRefusal === undefined));
  });
});

describe('tinyml-lens analyze follows the verdict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-opsupport-'));
  test('a FLOAT16 model exits 1 with a budget, its refusal in the JSON; 0 without a budget', async () => {
    const path = join(dir, 'fp16.tflite');
    writeFileSync(path, writeModel(float16WeightsModel()));
    const r = await cli('analyze', path, '--sram', '1024', '--flash', '1024', '--json');
    assert.equal(r.code, EXIT_DOES_NOT_FIT);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.layers[0].tflmRefusal, {
      reason: 'float16',
      got: 'float16 → float32',
      accepted: 'int8/uint8/int16 → float32',
      source: 'dequantize_common.cc',
    });
    assert.equal(j.layers[1].tflmRefusal, null);
    assert.deepEqual(
      j.target.diagnostics.map((d: { code: string; severity: string; layer: number }) => [d.code, d.severity, d.layer]),
      [['op-refused', 'error', 0]],
    );
    assert.equal((await cli('analyze', path)).code, EXIT_FITS);
  });
});

describe('the corpus', { skip: SKIP_SHARED }, () => {
  test('the hybrid kws_ref_model_float32 is refused on its int8-weight convolutions', () => {
    const bytes = corpusModel('kws_ref_model_float32');
    const a = analyzeModel(readModel(bytes), bytes.length);
    const refused = a.layers.filter((l) => l.tflmRefusal);
    assert.ok(refused.length > 0);
    assert.ok(refused.every((l) => l.tflmRefusal?.reason === 'hybrid' && !l.tflmSupported));
    const v = checkFit(a, roomy);
    assert.equal(v.fits, false);
    assert.ok(v.findings.some((f) => f.code === 'hybrid-op' && f.severity === 'error'));
  });

  test('every other corpus model (TFLM runs them all) is accepted', () => {
    for (const m of corpusModels().filter((c) => c.name !== 'kws_ref_model_float32')) {
      const bytes = corpusModel(m.name);
      const a = analyzeModel(readModel(bytes), bytes.length);
      assert.deepEqual(
        a.layers.filter((l) => l.tflmRefusal).map((l) => `${l.op} ${l.index}: ${l.tflmRefusal?.got}`),
        [],
        m.name,
      );
    }
  });
});

/**
 * The sample npm test runs: per op, one case we accept and one we refuse, picked by a seeded
 * draw; among the constraint variants, one refused case per op (or an accepted one).
 */
function sample(cases: readonly SignatureCase[], seed: number): SignatureCase[] {
  const random = prng(seed);
  const byOp = new Map<string, { yes: SignatureCase[]; no: SignatureCase[] }>();
  for (const c of cases) {
    const key = `${c.op}${c.variant === undefined ? '' : ' variant'}`;
    const entry = byOp.get(key) ?? { yes: [], no: [] };
    (accepted(c.build()) ? entry.yes : entry.no).push(c);
    byOp.set(key, entry);
  }
  const pick = (list: readonly SignatureCase[]): SignatureCase[] => (list.length === 0 ? [] : [list[Math.floor(random() * list.length)]!]);
  // Among the variants most are accepted: the refused one, where there is one, says more.
  return [...byOp.entries()].flatMap(([key, { yes, no }]) => (key.endsWith(' variant') ? pick(no.length > 0 ? no : yes) : [...pick(yes), ...pick(no)]));
}

describe('the real TFLite Micro agrees', { skip: SKIP_TFLM }, () => {
  // A 1 MiB arena instead of the runner's 64 MiB: these models need a few KB, and the runner
  // clears its arenas, which made each run 15 times slower (node runs each test file alone).
  process.env.TFLM_ARENA_SIZE = String(1 << 20);
  test('on single-op models over dtype combinations: accepted exactly when TFLM runs it', (t) => {
    const all = [...signatureCases(), ...constraintCases()];
    const cases = process.env.TINYML_OPSUPPORT_FULL ? all : sample(all, Number(process.env.TINYML_OPSUPPORT_SEED ?? 14));
    const disagreements: string[] = [];
    for (const c of cases) {
      const graph = c.build();
      const { runs, why } = tflmRuns(graph);
      const ours = accepted(graph);
      if (ours !== runs) {
        const types = [c.input, c.weights && `weights ${c.weights}`, c.output && `→ ${c.output}`, c.variant && `(${c.variant})`].filter(Boolean).join(' ');
        disagreements.push(`${c.op} ${types}: we ${ours ? 'accept' : 'refuse'}, TFLM ${runs ? 'runs it' : `refuses: ${why}`}`);
      }
    }
    t.diagnostic(`${cases.length - disagreements.length} of ${cases.length} cases agree (${all.length} in the full sweep)`);
    assert.deepEqual(disagreements, []);
  });

  test('a missing bias: DEPTHWISE_CONV_2D aborts TFLM and is refused, the other weighted ops take it', () => {
    const cases = constraintCases().filter((c) => c.variant === 'no bias' && (c.input === 'int8' || c.input === 'float32') && c.weights === c.input);
    const verdicts = cases.map((c) => {
      const graph = c.build();
      return `${c.op} ${c.input}: ours ${accepted(graph)}, TFLM ${tflmRuns(graph).runs}`;
    });
    assert.ok(
      verdicts.some((v) => v.startsWith('DEPTHWISE_CONV_2D int8: ours false, TFLM false')),
      verdicts.join('\n'),
    );
    assert.ok(
      verdicts.some((v) => v.startsWith('CONV_2D int8: ours true, TFLM true')),
      verdicts.join('\n'),
    );
    for (const v of verdicts) assert.match(v, /ours (true|false), TFLM \1/, v);
  });
});

const cmsisNn = emulatedRunner('i386CmsisNn');

describe('TFLM built with CMSIS-NN agrees too', { skip: SKIP_TFLM || cmsisNn.skip }, () => {
  process.env.TFLM_ARENA_SIZE = String(1 << 20);
  // Every case agrees with the CMSIS-NN build too (TINYML_OPSUPPORT_CMSIS_NN=1 runs them all,
  // about 15 minutes under qemu-i386); npm test runs the four where it differs from the
  // reference kernels, and the plain int16 models beside them.
  test('its int16 ADD, CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED want zero point 0', () => {
    const ops = ['ADD', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'];
    const chosen = process.env.TINYML_OPSUPPORT_CMSIS_NN
      ? [...signatureCases(), ...constraintCases()]
      : [
          ...signatureCases().filter((c) => ops.includes(c.op) && c.input === 'int16' && (c.weights === undefined || c.weights === 'int8')),
          ...constraintCases().filter((c) => ops.includes(c.op) && c.input === 'int16' && c.variant === 'int16 zero point 5'),
        ];
    const disagreements: string[] = [];
    for (const c of chosen) {
      const graph = c.build();
      if (!process.env.TINYML_OPSUPPORT_CMSIS_NN) assert.equal(accepted(graph), true, `the reference kernels take ${c.op} ${c.variant ?? ''}`);
      const { runs, why } = tflmRuns(graph, cmsisNn.path);
      if (accepted(graph, 'cmsis-nn') !== runs)
        disagreements.push(`${c.op} ${c.input} ${c.weights ?? ''} ${c.output ?? ''} ${c.variant ?? ''}: TFLM ${runs ? 'runs it' : why}`);
    }
    assert.deepEqual(disagreements, []);
  });
});
