/**
 * The fast paths of int8 ADD, SUB and MUL against their per-element computation (which the
 * oracle tests check): without WebAssembly SIMD, outputs of 4096 elements or more come from a
 * table of every input byte pair (elementwise/binary.ts, int8TableEval); with it, same-shaped
 * ADD and SUB run the `add8` kernel. A large op must give the same bytes either way as the same
 * op cut into slices small enough to compute each element, in every rounding mode, with and
 * without broadcasting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import type { Graph } from '../../src/model/graph';
import { Interpreter, tensorBytes } from '../../src/runtime/interpreter';
import { ROUNDINGS, type Rounding } from '../../src/runtime/quant';
import { prng } from '../../src/util/prng';
import { makeOptions, type ActivationFunction, type BuiltinName } from '../../src/model/ops';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const logUniform = (r: Rand, lo: number, hi: number): number => Math.fround(lo * (hi / lo) ** r());

interface Quant {
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
  readonly y: readonly [number, number];
  readonly act: ActivationFunction;
}

function model(op: BuiltinName, q: Quant, aShape: readonly number[], bShape: readonly number[], yShape: readonly number[]): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const a = sg.tensor({ name: 'a', shape: aShape, dtype: 'int8', quantization: quant(q.a[0], q.a[1]) });
  const b = sg.tensor({ name: 'b', shape: bShape, dtype: 'int8', quantization: quant(q.b[0], q.b[1]) });
  const y = sg.tensor({ name: 'y', shape: yShape, dtype: 'int8', quantization: quant(q.y[0], q.y[1]) });
  const options =
    op === 'ADD'
      ? makeOptions('AddOptions', { fusedActivationFunction: q.act })
      : op === 'SUB'
        ? makeOptions('SubOptions', { fusedActivationFunction: q.act })
        : makeOptions('MulOptions', { fusedActivationFunction: q.act });
  sg.op({ op, inputs: [a, b], outputs: [y], options, version: 2 }).io([a, b], [y]);
  return g.build();
}

function run(graph: Graph, a: Int8Array, b: Int8Array, rounding: Rounding, simd: boolean): Uint8Array {
  const it = new Interpreter(graph, { rounding, simd });
  it.setInputBytes(0, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  it.setInputBytes(1, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  it.invoke();
  return tensorBytes(it.outputs[0]!);
}

test('int8 ADD, SUB and MUL from their tables and SIMD kernel equal the per-element computation', () => {
  const r = prng(2024);
  const rows = 64;
  const cols = 128; // 8192 outputs: the table; slices of 16 rows: 2048, computed per element.
  for (const op of ['ADD', 'SUB', 'MUL'] as const) {
    for (let trial = 0; trial < 8; trial++) {
      // Scale ratios up to 2^10 apart: some beyond what XNNPACK takes (its ADD then falls back).
      const scale = (): number => logUniform(r, trial < 4 ? 0.005 : 0.0005, trial < 4 ? 0.5 : 1);
      const q: Quant = {
        a: [scale(), int(r, -128, 127)],
        b: [scale(), int(r, -128, 127)],
        y: [scale() * (op === 'MUL' ? 4 : 1), int(r, -128, 127)],
        act: (['NONE', 'RELU', 'RELU6'] as const)[trial % 3]!,
      };
      const broadcast = trial % 2 === 1;
      const bCols = broadcast ? [1, cols] : [rows, cols];
      const a = Int8Array.from({ length: rows * cols }, () => int(r, -128, 127));
      const b = Int8Array.from({ length: bCols[0]! * cols }, () => int(r, -128, 127));
      for (const rounding of ROUNDINGS) {
        const graph = model(op, q, [rows, cols], bCols, [rows, cols]);
        const table = run(graph, a, b, rounding, false);
        assert.deepStrictEqual(run(graph, a, b, rounding, true), table, `${op} trial ${trial} ${rounding}: SIMD`);
        const slice = 16;
        for (let s = 0; s < rows; s += slice) {
          const part = run(
            model(op, q, [slice, cols], broadcast ? bCols : [slice, cols], [slice, cols]),
            a.subarray(s * cols, (s + slice) * cols),
            broadcast ? b : b.subarray(s * cols, (s + slice) * cols),
            rounding,
            false,
          );
          assert.deepStrictEqual(table.subarray(s * cols, (s + slice) * cols), part, `${op} trial ${trial} ${rounding} rows ${s}..${s + slice}`);
        }
      }
    }
  }
});
