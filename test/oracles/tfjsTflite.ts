/**
 * @tensorflow/tfjs-tflite (TFLite compiled to WASM) as an oracle in plain Node. Its loader
 * expects a web worker, so it gets the few globals it looks for: `self`, `location`,
 * `importScripts` and a `fetch` that serves its own .wasm from node_modules. Removing
 * SharedArrayBuffer makes it pick the single-threaded SIMD build.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vm from 'node:vm';

export type OracleArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array;

interface OracleTensor {
  data(): OracleArray;
  name: string;
  shape: string;
  dataType: string;
}
interface ModelRunner {
  getInputs(): OracleTensor[];
  getOutputs(): OracleTensor[];
  infer(): boolean;
}
interface TFLiteModelLike {
  modelRunner: ModelRunner;
}
interface TfliteModule {
  loadTFLiteModel(model: ArrayBuffer, options: { numThreads: number }): Promise<TFLiteModelLike>;
  setWasmPath(path: string): void;
}

let loaded: Promise<TfliteModule> | undefined;

function installShims(wasmDir: string): void {
  const g = globalThis as unknown as Record<string, unknown>;
  g.self = globalThis;
  g.location = { href: `file://${wasmDir}/`, origin: '' };
  g.importScripts = (...urls: string[]): void => {
    for (const url of urls) {
      const path = url.startsWith('file://') ? url.slice('file://'.length) : join(wasmDir, url.split('/').pop()!);
      vm.runInThisContext(readFileSync(path, 'utf8'), { filename: path });
    }
  };
  const realFetch = globalThis.fetch;
  g.fetch = async (input: unknown, init?: unknown): Promise<Response> => {
    const url = String(input);
    if (url.startsWith('file://') || url.startsWith('/') || !/^[a-z]+:/.test(url)) {
      const path = url.startsWith('file://') ? url.slice('file://'.length) : url.startsWith('/') ? url : join(wasmDir, url);
      return new Response(readFileSync(path), { headers: { 'content-type': 'application/wasm' } });
    }
    return realFetch(input as string, init as RequestInit);
  };
  delete g.SharedArrayBuffer;
}

export function loadOracle(): Promise<TfliteModule> {
  loaded ??= (async () => {
    const pkgMain = require.resolve('@tensorflow/tfjs-tflite');
    const wasmDir = join(dirname(pkgMain), '..', 'wasm');
    installShims(wasmDir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-cpu');
    const tflite = require('@tensorflow/tfjs-tflite') as TfliteModule;
    // The loader resolves its script against `location`, which points into wasmDir.
    tflite.setWasmPath('');
    return tflite;
  })();
  return loaded;
}

/**
 * A model loaded in the oracle. There is no dispose: after running an SVDF model,
 * tfjs-tflite 0.0.1-alpha.10's WASM heap is corrupted and its destructors and any later
 * load crash ("memory access out of bounds"). Load what a test needs first, run SVDF
 * models last, and let the process end.
 */
export interface OracleModel {
  readonly inputs: OracleTensor[];
  run(inputs: readonly Uint8Array[]): Uint8Array[];
}

/** Loads a model into the oracle. Inputs and outputs are raw little-endian bytes. */
export async function oracleModel(bytes: Uint8Array): Promise<OracleModel> {
  const tflite = await loadOracle();
  // A copy into a fresh ArrayBuffer: a Node Buffer's .buffer can be a shared pool.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const model = await tflite.loadTFLiteModel(copy.buffer, { numThreads: 1 });
  const runner = model.modelRunner;
  return {
    inputs: runner.getInputs(),
    run(inputs) {
      runner.getInputs().forEach((t, i) => {
        const view = t.data();
        const src = inputs[i]!;
        new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(src.subarray(0, view.byteLength));
      });
      if (!runner.infer()) throw new Error('oracle inference failed');
      return runner.getOutputs().map((t) => {
        const view = t.data();
        return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
      });
    },
  };
}
