/**
 * A small labeled set and a classifier's float and int8 versions, written into a folder for the
 * VS Code tests of "Evaluate…". The float model scores class j with input j (FULLY_CONNECTED with
 * identity weights, then SOFTMAX), so its prediction is the input's argmax; the int8 version is
 * our quantizer's, calibrated on the set. Some samples put two classes a tenth of an input
 * quantum apart, the higher class winning in float: in int8 they tie and the lower class wins,
 * so predictions change between the two models, as they do for real near-ties.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/model/graphBuilder';
import { readModel, writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';
import { quantizeModel } from '../../src/quantize/quantizeModel';
import { writeNpy } from '../../src/runtime/inputs/npy';
import { prng } from '../../src/util/prng';

export const LABELED_CLASSES = ['bird', 'cat', 'dog', 'frog', 'horse'] as const;

export interface LabeledFixture {
  readonly floatModel: string;
  readonly int8Model: string;
  /** The folder of class folders. */
  readonly data: string;
  readonly samples: number;
}

function identityClassifier(k: number): Uint8Array {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const input = sg.tensor({ name: 'input', shape: [1, k], dtype: 'float32' });
  const weights = new Float32Array(k * k);
  for (let j = 0; j < k; j++) weights[j * k + j] = 1;
  const w = sg.tensor({ name: 'fc/w', shape: [k, k], dtype: 'float32', data: weights });
  const b = sg.tensor({ name: 'fc/b', shape: [k], dtype: 'float32', data: new Float32Array(k) });
  const logits = sg.tensor({ name: 'logits', shape: [1, k], dtype: 'float32' });
  const probs = sg.tensor({ name: 'probs', shape: [1, k], dtype: 'float32' });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [input, w, b], outputs: [logits], options: makeOptions('FullyConnectedOptions') })
    .op({ op: 'SOFTMAX', inputs: [logits], outputs: [probs], options: makeOptions('SoftmaxOptions', { beta: 1 }) })
    .io([input], [probs]);
  return writeModel(g.build());
}

export interface LabeledSetOptions {
  readonly stem?: string;
  /** Class names, in the model's output order (default LABELED_CLASSES). */
  readonly classes?: readonly string[];
  /** The data folder's name (default `data`). */
  readonly dataName?: string;
}

/** Writes `<stem>_float.tflite`, `<stem>_float_int8.tflite` and `data/<class>/*.npy` into `folder`. */
export async function writeLabeledSet(folder: string, options: LabeledSetOptions = {}): Promise<LabeledFixture> {
  const { stem = 'pets', classes = LABELED_CLASSES, dataName = 'data' } = options;
  const k = classes.length;
  const r = prng(13);
  const rows: { readonly label: number; readonly values: Float32Array }[] = [];
  for (let c = 0; c < k; c++) {
    for (let s = 0; s < 6; s++) {
      const values = Float32Array.from({ length: k }, () => 0.05 + 0.3 * r());
      // Mostly right: the labeled class scores highest; every sixth sample looks like the next class.
      values[s === 5 ? (c + 1) % k : c] = 0.7 + 0.25 * r();
      rows.push({ label: c, values });
    }
  }
  // Near-ties: the higher class a tenth of a quantum (1/255) above the lower one.
  for (let c = 1; c < k; c++) {
    const [low, high] = [c - 1, c];
    const values = Float32Array.from({ length: k }, () => 0.1);
    values[low] = 150 / 255;
    values[high] = 150 / 255 + 0.1 / 255;
    rows.push({ label: c, values });
  }
  // The range the int8 input is calibrated to: exactly [0, 1].
  rows.push({ label: 0, values: Float32Array.from({ length: k }, (_, j) => (j === 0 ? 1 : 0)) });

  const data = join(folder, dataName);
  rows.forEach((row, i) => {
    const dir = join(data, classes[row.label]!);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `sample_${String(i).padStart(2, '0')}.npy`), writeNpy({ dtype: 'float32', shape: [1, k], data: row.values }));
  });
  const floatBytes = identityClassifier(k);
  const calibration = rows.map((row) => [new Uint8Array(row.values.buffer.slice(0))]);
  const int8 = await quantizeModel(readModel(floatBytes), calibration, { method: 'minmax', heldOut: [] });
  const floatModel = join(folder, `${stem}_float.tflite`);
  const int8Model = join(folder, `${stem}_float_int8.tflite`);
  writeFileSync(floatModel, floatBytes);
  writeFileSync(int8Model, int8.bytes);
  return { floatModel, int8Model, data, samples: rows.length };
}
