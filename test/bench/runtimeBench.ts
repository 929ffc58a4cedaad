/**
 * Inference speed of our runtime against tfjs-tflite (TFLite in WASM with XNNPACK, one
 * thread) on the same models in the same process: median time per inference and the ratio
 * (ours / theirs). The oracle rejects person_detect (depthwise weights quantized along
 * dimension 3), so that one is ours only. When some op of a model has no kernel yet, the bench
 * times the longest prefix of layers that does (and says so); the oracle still runs the whole
 * model, whose remaining layers (reshape, softmax) cost next to nothing. Float models also
 * time our JavaScript loops (`simd: false`, fewer runs), the reference the SIMD path replaces;
 * mobilenet_v2_224 is built by test/helpers/mobileNetV2.ts. kws_ref_model_float32 is a hybrid
 * model (float activations, int8 weights): TFLite Micro refuses it; our runtime runs it as
 * TFLite's builtin hybrid kernels do (kernels/conv/hybrid.ts), so its ratio is against those.
 */
import type { Graph } from '../../src/model/graph';
import { Interpreter } from '../../src/runtime/interpreter';
import { KERNELS } from '../../src/runtime/kernels';
import { corpusModel, HAVE_SHARED, MODELS_DIR } from '../helpers/corpus';
import { oracleModel } from '../oracles/tfjsTflite';
import { readModel } from '../../src/model/io';
import { opName } from '../../src/model/ops';
import { writeModel } from '../../src/model/io';
import { mobileNetV2Like } from '../helpers/mobileNetV2';

const MODELS = [
  'vww_96_int8',
  'kws_ref_model',
  'pretrainedResnet_quant',
  'person_detect',
  'ad01_int8',
  'vww_96_float',
  'pretrainedResnet',
  'ad01_fp32',
  'kws_ref_model_float32',
  'mobilenet_v2_224',
] as const;
const NO_ORACLE = new Set(['person_detect']);

/** The graph cut after its longest prefix of layers that have kernels; undefined if none is cut. */
function runnablePrefix(graph: Graph): { graph: Graph; layers: number; of: number } | undefined {
  const sg = graph.subgraphs[0]!;
  const first = sg.operators.findIndex((op) => !KERNELS[opName(graph, op)]);
  if (first < 0) return undefined;
  const ops = sg.operators.slice(0, first);
  const cut: Graph = {
    ...graph,
    subgraphs: [{ ...sg, operators: ops, outputs: ops.length > 0 ? ops[ops.length - 1]!.outputs : sg.inputs }, ...graph.subgraphs.slice(1)],
  };
  return { graph: cut, layers: first, of: sg.operators.length };
}

/** Median and minimum of `runs` timings after `warmup` untimed calls, in milliseconds. */
function timings(fn: () => unknown, runs: number, warmup: number): { median: number; min: number } {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]! };
}

function deterministicBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Input i's bytes: float inputs in [-1, 1), not random bit patterns. */
function benchInput(byteLength: number, float: boolean, i: number): Uint8Array {
  const b = deterministicBytes(byteLength, 17 + i);
  if (!float) return b;
  const f = new Float32Array(b.byteLength / 4);
  for (let k = 0; k < f.length; k++) f[k] = b[k * 4]! / 128 - 1;
  return new Uint8Array(f.buffer);
}

export async function runtimeBench(): Promise<void> {
  if (!HAVE_SHARED) {
    console.log(`runtime bench: skipped, no shared models at ${MODELS_DIR}`);
    return;
  }
  console.log('\n## Inference, ms per invoke, median (min): our runtime (tflm rounding) vs tfjs-tflite (WASM, XNNPACK, 1 thread)');
  console.log(`${'model'.padEnd(24)} ${'ours'.padStart(16)} ${'tfjs-tflite'.padStart(16)} ${'ratio'.padStart(13)} ${'ours, JS loops'.padStart(18)}  note`);
  for (const name of MODELS) {
    const bytes = name === 'mobilenet_v2_224' ? writeModel(mobileNetV2Like()) : corpusModel(name);
    const full = readModel(bytes);
    const prefix = runnablePrefix(full);
    const graph = prefix?.graph ?? full;
    let note = prefix
      ? `our time covers layers 0–${prefix.layers - 1} of ${prefix.of} (no kernel yet for ${opName(full, full.subgraphs[0]!.operators[prefix.layers]!)})`
      : '';
    let interpreter: Interpreter | undefined;
    try {
      interpreter = new Interpreter(graph, { rounding: 'tflm' });
    } catch (e) {
      note = `ours: ${e instanceof Error ? e.message : String(e)}`;
    }
    const inputs = (interpreter?.inputs ?? []).map((t, i) => benchInput(t.data.byteLength, t.dtype === 'float32', i));
    const runs = 40;
    let ours: { median: number; min: number } | undefined;
    let js: { median: number; min: number } | undefined;
    if (interpreter) {
      const it = interpreter;
      inputs.forEach((b, i) => it.setInputBytes(i, b));
      ours = timings(() => it.invoke(), runs, 8);
      if (it.inputs.some((t) => t.dtype === 'float32')) {
        const plain = new Interpreter(graph, { rounding: 'tflm', simd: false });
        inputs.forEach((b, i) => plain.setInputBytes(i, b));
        js = timings(() => plain.invoke(), 5, 1);
      }
    }
    let theirs: { median: number; min: number } | undefined;
    if (!NO_ORACLE.has(name)) {
      const oracle = await oracleModel(bytes);
      const oracleInputs = interpreter ? inputs : oracle.inputs.map((t, i) => benchInput(t.data().byteLength, t.dataType === 'float32', i));
      theirs = timings(() => oracle.run(oracleInputs), runs, 8);
    }
    const cell = (t: { median: number; min: number } | undefined, none: string): string => (t ? `${t.median.toFixed(3)} (${t.min.toFixed(3)})` : none);
    const ratio = ours && theirs ? `${(ours.median / theirs.median).toFixed(2)} (${(ours.min / theirs.min).toFixed(2)})` : '-';
    console.log(
      `${name.padEnd(24)} ${cell(ours, '-').padStart(16)} ${cell(theirs, '(rejects)').padStart(16)} ${ratio.padStart(13)} ${cell(js, '').padStart(18)}  ${note}`,
    );
  }
}
