/**
 * A structure-aware corpus of hostile inputs for the CLI: models built with our own writer
 * (graphBuilder + writeModel) that are well-formed flatbuffers but wrong in what they say
 * (an op with too few inputs, a stride of 0, a scale of NaN, a pool filter of 2^31 − 1, an IF
 * chain that doubles at every level, 20,000 operators), raw files that only look like models,
 * and auxiliary inputs (npy, wav, png, bin, profiler logs, calibration folders) whose headers
 * lie, plus folders, FIFOs and /dev/zero where a file is expected. Each case is a command line
 * and what the CLI must answer: exit 2 and one line, quickly, without writing anything.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../../src/model/dtype';
import type { Graph } from '../../src/model/graph';
import { GraphBuilder, quant } from '../../src/model/graphBuilder';
import { writeModel } from '../../src/model/io';
import { makeOptions } from '../../src/model/ops';

export interface HostileCase {
  readonly name: string;
  /** The issue item it comes from (issue 10, "Hostile input"). */
  readonly item: number;
  /** Arguments of `tinyml-lens`, with paths inside the corpus folder. */
  readonly argv: readonly string[];
  /** What stderr's one line must say. */
  readonly says: RegExp;
  /** Why the case cannot run here (no FIFOs on Windows…), or undefined. */
  readonly skip?: string;
}

/** A float FULLY_CONNECTED model, input [1, 16] → [1, 4]: small enough to run and quantize quickly. */
export function floatFcModel(inputShape: readonly number[] = [1, 16]): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: inputShape, dtype: 'float32' });
  const w = sg.tensor({ name: 'w', shape: [4, 16], dtype: 'float32', data: Float32Array.from({ length: 64 }, (_, i) => ((i % 7) - 3) / 8) });
  const y = sg.tensor({ name: 'y', shape: [1, 4], dtype: 'float32' });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [x, w, -1], outputs: [y], options: makeOptions('FullyConnectedOptions') }).io([x], [y]);
  return g.build();
}

interface ConvVariant {
  readonly inputs?: 'one';
  readonly stride?: number;
  readonly dilation?: number;
  readonly outputScale?: number;
}

/** An int8 CONV_2D, 1×8×8×1 → 1×8×8×2, bent by `v`. */
export function int8Conv(v: ConvVariant = {}): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 8, 8, 1], dtype: 'int8', quantization: quant(0.02, 0) });
  const w = sg.tensor({
    name: 'w',
    shape: [2, 3, 3, 1],
    dtype: 'int8',
    data: Int8Array.from({ length: 18 }, (_, i) => i - 9),
    quantization: quant([0.01, 0.01]),
  });
  const y = sg.tensor({
    name: 'y',
    shape: [1, 8, 8, 2],
    dtype: 'int8',
    quantization: { scale: [v.outputScale ?? 0.05], zeroPoint: [0], quantizedDimension: 0 },
  });
  const s = v.stride ?? 1;
  const d = v.dilation ?? 1;
  sg.op({
    op: 'CONV_2D',
    inputs: v.inputs === 'one' ? [x] : [x, w],
    outputs: [y],
    options: makeOptions('Conv2DOptions', { padding: 'SAME', strideH: s, strideW: s, dilationHFactor: d, dilationWFactor: d }),
  }).io([x], [y]);
  return g.build();
}

/** FULLY_CONNECTED whose weights [4, 5] cannot take an input of 16 values. */
function mismatchedFc(): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 16], dtype: 'float32' });
  const w = sg.tensor({ name: 'w', shape: [4, 5], dtype: 'float32', data: new Float32Array(20) });
  const y = sg.tensor({ name: 'y', shape: [1, 4], dtype: 'float32' });
  sg.op({ op: 'FULLY_CONNECTED', inputs: [x, w], outputs: [y], options: makeOptions('FullyConnectedOptions') }).io([x], [y]);
  return g.build();
}

/** A 488-byte-class model: MAX_POOL_2D with a 2^31 − 1 filter over a small input. */
export function hugePoolFilter(): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 4, 4, 1], dtype: 'float32' });
  const y = sg.tensor({ name: 'y', shape: [1, 4, 4, 1], dtype: 'float32' });
  const big = 0x7fffffff;
  sg.op({
    op: 'MAX_POOL_2D',
    inputs: [x],
    outputs: [y],
    options: makeOptions('Pool2DOptions', { padding: 'SAME', strideH: 1, strideW: 1, filterHeight: big, filterWidth: big }),
  }).io([x], [y]);
  return g.build();
}

/** An activation of `elements` float32 values between input and output: allocating it is the attack. */
export function hugeActivation(shape: readonly number[]): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const x = sg.tensor({ name: 'x', shape: [1, 4], dtype: 'float32' });
  const big = sg.tensor({ name: 'big', shape, dtype: 'float32' });
  sg.op({ op: 'RELU', inputs: [x], outputs: [big] }).io([x], [big]);
  return g.build();
}

/** Subgraph k (1 ≤ k < depth) holds an IF whose both branches are subgraph k + 1: 2^depth visits if walked naively. */
export function doublingIfChain(depth: number): Graph {
  const g = new GraphBuilder();
  const subgraphs = Array.from({ length: depth + 1 }, (_, k) => g.subgraph(k === 0 ? 'main' : `level${k}`));
  subgraphs.forEach((sg, k) => {
    const flag = sg.tensor({ name: `flag${k}`, shape: [1], dtype: 'bool' });
    const x = sg.tensor({ name: `x${k}`, shape: [1, 8], dtype: 'float32' });
    const y = sg.tensor({ name: `y${k}`, shape: [1, 8], dtype: 'float32' });
    if (k < depth) {
      sg.op({ op: 'IF', inputs: [flag, x], outputs: [y], options: makeOptions('IfOptions', { thenSubgraphIndex: k + 1, elseSubgraphIndex: k + 1 }) });
      sg.io([flag, x], [y]);
    } else {
      sg.op({ op: 'RELU', inputs: [x], outputs: [y] }).io([x], [y]);
    }
  });
  return g.build();
}

/** A chain of `n` RELU/TANH ops. */
export function longChain(n: number, dtype: DType = 'float32'): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  let prev = sg.tensor({ name: 't0', shape: [1, 8], dtype });
  const first = prev;
  for (let i = 1; i <= n; i++) {
    const next = sg.tensor({ name: `t${i}`, shape: [1, 8], dtype });
    sg.op({ op: i % 2 === 0 ? 'RELU' : 'TANH', inputs: [prev], outputs: [next] });
    prev = next;
  }
  sg.io([first], [prev]);
  return g.build();
}

function noInputs(): Graph {
  const g = new GraphBuilder();
  const sg = g.subgraph('main');
  const c = sg.tensor({ name: 'c', shape: [1, 4], dtype: 'float32', data: new Float32Array(4) });
  const y = sg.tensor({ name: 'y', shape: [1, 4], dtype: 'float32' });
  sg.op({ op: 'RELU', inputs: [c], outputs: [y] }).io([], [y]);
  return g.build();
}

function noSubgraphs(): Uint8Array {
  return writeModel(new GraphBuilder().build());
}

function npyHeader(header: string, major = 1): Uint8Array {
  const text = new TextEncoder().encode(`${header}\n`);
  const start = major === 1 ? 10 : 12;
  const out = new Uint8Array(start + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, start);
  return out;
}

/** A RIFF/WAVE file with the given fmt chunk body and 16 bytes of data. */
function wav(fmt: Uint8Array): Uint8Array {
  const data = new Uint8Array(16);
  const size = 4 + 8 + fmt.length + 8 + data.length;
  const out = new Uint8Array(8 + size);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RIFF'), 0);
  v.setUint32(4, size, true);
  out.set(new TextEncoder().encode('WAVEfmt '), 8);
  v.setUint32(16, fmt.length, true);
  out.set(fmt, 20);
  const d = 20 + fmt.length;
  out.set(new TextEncoder().encode('data'), d);
  v.setUint32(d + 4, data.length, true);
  return out;
}

function pcmFormat(channels: number): Uint8Array {
  const f = new Uint8Array(16);
  const v = new DataView(f.buffer);
  v.setUint16(0, 1, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, 16000, true);
  v.setUint16(14, 16, true);
  return f;
}

/** The PNG signature and an IHDR claiming width × height: the header alone. */
function pngHeader(width: number, height: number): Uint8Array {
  const out = new Uint8Array(33);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(out.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  out.set([8, 6, 0, 0, 0], 24);
  return out;
}

function canMkfifo(): boolean {
  return process.platform !== 'win32';
}

/** Writes the corpus into `dir` and returns its cases. */
export function buildHostileCorpus(dir: string): HostileCase[] {
  const p = (name: string): string => join(dir, name);
  const model = (name: string, g: Graph): string => {
    writeFileSync(p(name), writeModel(g));
    return p(name);
  };
  const raw = (name: string, bytes: Uint8Array): string => {
    writeFileSync(p(name), bytes);
    return p(name);
  };
  const fifo = (name: string): string => {
    if (canMkfifo()) execFileSync('mkfifo', [p(name)]);
    return p(name);
  };
  const noFifo = canMkfifo() ? undefined : 'no FIFOs on this platform';
  const folder = (name: string): string => {
    mkdirSync(p(name), { recursive: true });
    return p(name);
  };

  const fc = model('float_fc.tflite', floatFcModel());
  const fc1d = model('float_fc_flat.tflite', floatFcModel([16]));
  const int8 = model('int8_conv.tflite', int8Conv());
  const notAFile = /is a folder|is a pipe|is a character device|not a regular file|neither a file nor a folder/;
  const cases: HostileCase[] = [
    // 7: files that are not models, and models TFLM's Prepare would refuse.
    {
      name: '8-byte \\0\\0\\0\\0TFL3',
      item: 7,
      argv: ['analyze', raw('tiny.tflite', Uint8Array.from([0, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]))],
      says: /no subgraphs|outside|truncated/,
    },
    { name: '1 MB of zeros', item: 7, argv: ['analyze', raw('zeros.tflite', new Uint8Array(1 << 20))], says: /not a TFLite model/ },
    { name: 'a model without subgraphs, written by our writer', item: 7, argv: ['analyze', raw('no_subgraphs.tflite', noSubgraphs())], says: /no subgraphs/ },
    {
      name: 'CONV_2D with one input',
      item: 7,
      argv: ['analyze', model('conv_one_input.tflite', int8Conv({ inputs: 'one' }))],
      says: /layer 0 \(CONV_2D\) has 1 input/,
    },
    {
      name: 'CONV_2D with stride 0',
      item: 7,
      argv: ['analyze', model('conv_stride0.tflite', int8Conv({ stride: 0 }))],
      says: /layer 0 \(CONV_2D\) has stride height 0/,
    },
    {
      name: 'CONV_2D with dilation 0',
      item: 7,
      argv: ['analyze', model('conv_dilation0.tflite', int8Conv({ dilation: 0 }))],
      says: /layer 0 \(CONV_2D\) has dilation height 0/,
    },
    {
      name: 'output scale 0',
      item: 7,
      argv: ['analyze', model('scale0.tflite', int8Conv({ outputScale: 0 }))],
      says: /tensor 2 \("y"\) has quantization scale 0/,
    },
    { name: 'output scale NaN', item: 7, argv: ['analyze', model('scaleNaN.tflite', int8Conv({ outputScale: Number.NaN }))], says: /scale NaN/ },
    { name: 'output scale negative', item: 7, argv: ['analyze', model('scaleNeg.tflite', int8Conv({ outputScale: -0.5 }))], says: /scale -0\.5/ },
    {
      name: 'FULLY_CONNECTED weights that do not fit the input',
      item: 7,
      argv: ['analyze', model('fc_mismatch.tflite', mismatchedFc())],
      says: /layer 0 \(FULLY_CONNECTED\) has weights \[4, 5\]/,
    },
    // 4: sizes checked before allocating; files that are not regular files.
    {
      name: 'tensor near 2^31 elements, run',
      item: 4,
      argv: ['run', model('huge_tensor.tflite', hugeActivation([1, 46340, 46340])), '--out-dir', p('out_huge')],
      says: /GB of tensors|limit/,
    },
    {
      name: 'tensor near 2^31 elements, quantize',
      item: 4,
      argv: ['quantize', p('huge_tensor.tflite'), '--random-calibration', '--out', p('never6.tflite')],
      says: /GB of tensors/,
    },
    { name: 'a folder as the model', item: 4, argv: ['analyze', folder('model_dir.tflite')], says: notAFile },
    {
      name: '/dev/zero as the model',
      item: 4,
      argv: ['analyze', '/dev/zero'],
      says: notAFile,
      ...(process.platform === 'win32' ? { skip: 'no /dev/zero' } : {}),
    },
    { name: 'a FIFO as the model', item: 4, argv: ['analyze', fifo('model.fifo')], says: notAFile, ...(noFifo ? { skip: noFifo } : {}) },
    {
      name: 'a FIFO as the input',
      item: 4,
      argv: ['run', fc, '--input', fifo('input.fifo'), '--out-dir', p('out_fifo')],
      says: notAFile,
      ...(noFifo ? { skip: noFifo } : {}),
    },
    {
      name: '/dev/zero as the input',
      item: 4,
      argv: ['run', fc, '--input', '/dev/zero', '--out-dir', p('out_zero')],
      says: notAFile,
      ...(process.platform === 'win32' ? { skip: 'no /dev/zero' } : {}),
    },
    {
      name: 'a FIFO as the profile',
      item: 4,
      argv: ['estimate', int8, '--target', 'esp32-s3', '--profile', fifo('profile.fifo')],
      says: notAFile,
      ...(noFifo ? { skip: noFifo } : {}),
    },
    { name: 'a folder as the profile', item: 4, argv: ['estimate', int8, '--target', 'esp32-s3', '--profile', folder('profile_dir')], says: notAFile },
    {
      name: 'npy header claiming (30000000, 490)',
      item: 4,
      argv: [
        'run',
        fc1d,
        '--input',
        raw('huge_claim.npy', npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (30000000, 490), }")),
        '--out-dir',
        p('out_npy'),
      ],
      says: /too short|expects/,
    },
    {
      name: 'npy header claiming (30000000, 490), as calibration',
      item: 4,
      argv: [
        'quantize',
        fc1d,
        '--calibration',
        raw(`${folder('calib_claim')}/huge_claim.npy`.slice(dir.length + 1), npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (30000000, 16), }")),
        '--out',
        p('never1.tflite'),
      ],
      says: /too short|expects/,
    },
    {
      name: '20000×20000 PNG',
      item: 4,
      argv: ['run', model('image_in.tflite', hugeActivation([1, 4])), '--input', raw('huge.png', pngHeader(20000, 20000)), '--out-dir', p('out_png')],
      says: /megapixels|not an image/,
    },
    {
      name: 'a FIFO inside the calibration folder',
      item: 4,
      argv: ['quantize', fc, '--calibration', folder('calib_fifo'), '--out', p('never2.tflite')],
      says: /no calibration files/,
      ...(noFifo ? { skip: noFifo } : {}),
    },
    // 5: counts bounded with a clear error.
    { name: 'compare --samples 100000000', item: 5, argv: ['compare', fc, fc, '--samples', '100000000'], says: /100000000 samples asked for/ },
    {
      name: 'quantize --samples 1e8',
      item: 5,
      argv: ['quantize', fc, '--random-calibration', '--samples', '1e8', '--out', p('never3.tflite')],
      says: /100000000 calibration samples asked for/,
    },
    // 6: what used to escape as a stack trace.
    { name: 'a folder as --input', item: 6, argv: ['run', fc, '--input', folder('input_dir'), '--out-dir', p('out_dir_in')], says: notAFile },
    {
      name: '/dev/null as calibration',
      item: 6,
      argv: ['quantize', fc, '--calibration', '/dev/null', '--out', p('never4.tflite')],
      says: notAFile,
      ...(process.platform === 'win32' ? { skip: 'no /dev/null' } : {}),
    },
    {
      name: '--out-dir that is a file',
      item: 6,
      argv: ['run', fc, '--input', raw('ok.bin', new Uint8Array(64)), '--out-dir', raw('a_file', new Uint8Array(1))],
      says: /is a file, not a folder/,
    },
    {
      name: 'a wav with 0 channels',
      item: 6,
      argv: ['run', fc1d, '--input', raw('zero_channels.wav', wav(pcmFormat(0))), '--out-dir', p('out_wav0')],
      says: /0 channels/,
    },
    {
      name: 'a wav with a short fmt chunk',
      item: 6,
      argv: ['run', fc1d, '--input', raw('short_fmt.wav', wav(new Uint8Array([1, 0, 1, 0]))), '--out-dir', p('out_wavs')],
      says: /format chunk is 4 bytes/,
    },
    {
      name: 'a 10-byte npy v2',
      item: 6,
      argv: ['run', fc1d, '--input', raw('short_v2.npy', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0])), '--out-dir', p('out_npy2')],
      says: /header runs past the end/,
    },
    { name: 'a model with no inputs, run', item: 6, argv: ['run', model('no_inputs.tflite', noInputs()), '--out-dir', p('out_noin')], says: /no inputs/ },
    {
      name: 'a model with no inputs, quantize',
      item: 6,
      argv: ['quantize', p('no_inputs.tflite'), '--random-calibration', '--out', p('never5.tflite')],
      says: /no inputs/,
    },
  ];
  // The FIFO inside a calibration folder is made after the folder.
  if (canMkfifo()) execFileSync('mkfifo', [join(p('calib_fifo'), 'sample.npy')]);
  return cases;
}
