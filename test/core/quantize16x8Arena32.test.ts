/**
 * The arena of whole-model 16x8 corpus models on 32-bit TFLite Micro: the i386 build
 * (tflm_run32 under qemu-i386) and the Cortex-M4 firmware with the reference kernels (under
 * qemu-system-arm). Each model quantized as quantize16x8.test.ts does runs bit for bit with our
 * runtime, and our analysis gives TFLM's head and arena_used_bytes() to the byte (tflmProof.ts),
 * as it does on x86-64: the int64 biases, the 16x8 conv/FC scratch and the int16 LUT tables are
 * sized the same on a 32-bit ABI.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Graph } from '../../src/model/graph';
import { readModel } from '../../src/model/io';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { corpusModel, SKIP_SHARED } from '../helpers/corpus';
import { samples } from '../helpers/mixedPrecision';
import { emulatedRunner, SKIP_TFLM, type TflmEmulated } from '../helpers/tflm';
import { type ProofBuild, prove } from '../helpers/tflmProof';

/** Model, input range, and TFLM's head and arena_used_bytes() on i386 and on the Cortex-M4 (measured 2026-12-07). */
const MODELS: readonly { name: string; lo: number; hi: number; head: number; i386: number; arm32: number }[] = [
  { name: 'hello_world_float', lo: 0, hi: 2 * Math.PI, head: 64, i386: 1004, arm32: 964 },
  { name: 'ad01_fp32', lo: -1, hi: 1, head: 1536, i386: 16524, arm32: 16404 },
  { name: 'kws_ref_model_float32', lo: -1, hi: 1, head: 32000, i386: 40956, arm32: 40948 },
  { name: 'vww_96_float', lo: 0, hi: 1, head: 147456, i386: 176508, arm32: 176500 },
  { name: 'pretrainedResnet', lo: 0, hi: 1, head: 98304, i386: 105692, arm32: 105668 },
];

const BUILDS: readonly (Omit<ProofBuild, 'runner'> & { readonly name: TflmEmulated; readonly abi: 'i386' | 'arm32' })[] = [
  { name: 'i386', abi: 'i386', kernels: 'reference' },
  { name: 'cortexM4Reference', abi: 'arm32', kernels: 'reference' },
];

async function quantize16(float: Graph, lo: number, hi: number): Promise<Uint8Array> {
  const q = await quantizeModel(float, samples(float, 16, 1, lo, hi), {
    method: 'minmax',
    perChannelFullyConnected: true,
    activations: 'int16',
    heldOut: samples(float, 4, 2, lo, hi),
    randomCalibration: true,
  });
  return q.bytes;
}

const runners = BUILDS.map((b) => ({ ...b, ...emulatedRunner(b.name) }));
const skip = SKIP_SHARED || SKIP_TFLM || runners.find((r) => r.skip)?.skip || false;

describe('whole-model 16x8 corpus models on 32-bit TFLite Micro: bit-exact, arena exact', { skip }, () => {
  for (const c of MODELS) {
    test(c.name, async (t) => {
      const bytes = await quantize16(readModel(corpusModel(c.name)), c.lo, c.hi);
      for (const r of runners) {
        const p = prove(bytes, `${c.name} on ${r.name}`, { runner: r.path, abi: r.abi, kernels: r.kernels });
        assert.deepEqual([p.head, p.used], [c.head, c[r.abi]], `${c.name} on ${r.name}: the arena measured`);
        t.diagnostic(`${r.name}: head ${p.head}, arena_used_bytes ${p.used}`);
      }
    });
  }
});
