/**
 * Mixed-precision test helpers: seeded calibration samples, precision assignments built from
 * precisionChoices, and the graph's own properties (the TFLM proof is in tflmProof.ts).
 */
import assert from 'node:assert/strict';
import type { Graph } from '../../src/model/graph';
import { opName } from '../../src/model/ops';
import type { LayerPrecision } from '../../src/quantize/int8Graph';
import { prng } from '../../src/util/prng';

/** Seeded float samples in [lo, hi] for every input of the float graph. */
export function samples(graph: Graph, count: number, seed: number, lo: number, hi: number): Uint8Array[][] {
  const random = prng(seed);
  const sg = graph.subgraphs[0]!;
  return Array.from({ length: count }, () =>
    sg.inputs.map((i) => {
      const n = sg.tensors[i]!.shape.reduce((a, b) => a * Math.max(1, b), 1);
      return new Uint8Array(Float32Array.from({ length: n }, () => lo + (hi - lo) * random()).buffer);
    }),
  );
}

type Choices = readonly (readonly LayerPrecision[])[];

/**
 * An assignment: every layer that has choices gets one, `pick` deciding among the layers the
 * quantizer takes (those offering int8); the others get their only choice (float). `pick`
 * receives the layer's rank among the quantizable layers, their count, the layer's choices and
 * its index; a precision the layer cannot take becomes int8.
 */
export function assign(
  choices: Choices,
  pick: (rank: number, count: number, can: readonly LayerPrecision[], layer: number) => LayerPrecision,
): Map<number, LayerPrecision> {
  const quantizable = choices.flatMap((c, layer) => (c.includes('int8') ? [layer] : []));
  const map = new Map<number, LayerPrecision>();
  choices.forEach((c, layer) => {
    if (c.length === 0) return;
    const rank = quantizable.indexOf(layer);
    const p = rank < 0 ? c[0]! : pick(rank, quantizable.length, c, layer);
    map.set(layer, c.includes(p) ? p : 'int8');
  });
  return map;
}

/** The properties of the graph itself: int16 tensors symmetric, int16 layers with int64 biases. */
export function checkGraph(m: Graph, precision: ReadonlyMap<number, LayerPrecision>, label: string): void {
  const sg = m.subgraphs[0]!;
  for (const x of sg.tensors)
    if (x.dtype === 'int16')
      assert.ok(
        x.quantization?.zeroPoint.every((z) => z === 0),
        `${label}: ${x.name} zero point 0`,
      );
  for (const o of sg.operators) {
    const name = opName(m, o);
    if (name !== 'CONV_2D' && name !== 'DEPTHWISE_CONV_2D' && name !== 'FULLY_CONNECTED') continue;
    const input = sg.tensors[o.inputs[0]!]!.dtype;
    const bias = o.inputs[2] !== undefined && o.inputs[2] >= 0 ? sg.tensors[o.inputs[2]]!.dtype : undefined;
    if (input === 'int16') assert.equal(bias ?? 'int64', 'int64', `${label}: ${name} 16x8 bias`);
    if (input === 'int8') assert.equal(bias ?? 'int32', 'int32', `${label}: ${name} int8 bias`);
  }
  const asked = new Set(precision.values());
  for (const want of ['int16', 'float'] as const) {
    if (!asked.has(want)) continue;
    const dtype = want === 'int16' ? 'int16' : 'float32';
    assert.ok(
      sg.operators.some((o) => opName(m, o) !== 'DEQUANTIZE' && sg.tensors[o.outputs[0]!]?.dtype === dtype),
      `${label}: some layer writes ${dtype}`,
    );
  }
}
