/**
 * Runs a Graph's subgraph 0 with TFLite Micro's arithmetic. Creating an interpreter checks
 * that every op has a kernel (an op the runtime lacks fails here, naming the op and the
 * layer, before anything runs) and prepares each kernel once; `invoke` then only runs the
 * prepared loops.
 */
import { Cancelled } from '../errors';
import { elementCount, isConstant, type Graph, type Tensor } from '../model/graph';
import { opName } from '../model/ops';
import { KERNELS } from './kernels';
import type { Rounding } from './quant';
import { RuntimeError, type Eval, type KernelRegistry, type RuntimeTensor, type TensorArray } from './types';
import { offeredImage, preparedImagesInUse, recordImage, recordingImages } from './wasm/arenaImages';
import { WasmArena } from './wasm/simd';
import { byteView } from './kernelUtil';

export interface InterpreterOptions {
  readonly rounding?: Rounding;
  /** For tests and other runtimes: the kernels to use instead of the built-in ones. */
  readonly kernels?: KernelRegistry;
  /**
   * Run the WebAssembly SIMD loops of the int8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
   * ADD and SUB kernels where the platform has them (default true); false keeps every kernel on
   * its JavaScript loops. The results are identical, byte for byte, in every rounding mode.
   */
  readonly simd?: boolean;
  /**
   * Let the float32 SIMD kernels fuse multiply-adds where the platform has relaxed SIMD
   * (default true): faster, with sums that differ from TFLite's reference kernels in the last
   * bits. false keeps them on separate multiplies and adds, which equal the reference kernels.
   */
  readonly fma?: boolean;
}

export interface InvokeOptions {
  /** Called after each layer with its outputs; return nothing. */
  readonly onLayer?: (layer: number, outputs: readonly RuntimeTensor[]) => void;
  /** Checked between layers: true stops the run with Cancelled. */
  readonly shouldStop?: () => boolean;
  /** Values a kernel holds between its own steps (KernelContext.observeState): an LSTM's cell state after each step. */
  readonly onState?: (layer: number, tensor: RuntimeTensor, values: TensorArray) => void;
}

/** A typed array of the tensor's dtype over `bytes` (copied when misaligned for its element size). */
export function typedView(dtype: Tensor['dtype'], bytes: Uint8Array): TensorArray {
  const make = <T extends TensorArray>(ctor: { new (b: ArrayBufferLike, o: number, l: number): T; BYTES_PER_ELEMENT: number }): T => {
    const size = ctor.BYTES_PER_ELEMENT;
    const src = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
    return new ctor(src.buffer, src.byteOffset, Math.floor(src.byteLength / size));
  };
  switch (dtype) {
    case 'float32':
      return make(Float32Array);
    case 'float64':
      return make(Float64Array);
    case 'int8':
      return make(Int8Array);
    case 'uint8':
    case 'bool':
      return make(Uint8Array);
    case 'int16':
      return make(Int16Array);
    case 'float16':
    case 'uint16':
      return make(Uint16Array);
    case 'int32':
      return make(Int32Array);
    case 'uint32':
      return make(Uint32Array);
    case 'int64':
      return make(BigInt64Array);
    default:
      throw new RuntimeError('unsupported-type', `tensors of type ${dtype} are not supported by the runtime`);
  }
}

function allocate(dtype: Tensor['dtype'], n: number): TensorArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'float16':
    case 'uint16':
      return new Uint16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    default:
      throw new RuntimeError('unsupported-type', `tensors of type ${dtype} are not supported by the runtime`);
  }
}

/**
 * What a variable tensor without initial data holds after a reset: zeros, except int8
 * tensors, which TFLM (MicroInterpreterGraph::ResetVariableTensors) and TFLite
 * (ResetVariableTensor) fill with their zero point, the quantized 0.0.
 */
function resetValue(t: RuntimeTensor): TensorArray {
  const data = allocate(t.dtype, t.data.length);
  if (t.dtype === 'int8') (data as Int8Array).fill(t.info.quantization?.zeroPoint[0] ?? 0);
  return data;
}

export class Interpreter {
  readonly tensors: readonly RuntimeTensor[];
  readonly inputs: readonly RuntimeTensor[];
  readonly outputs: readonly RuntimeTensor[];
  private readonly evals: readonly Eval[];
  private readonly variables: readonly { readonly tensor: RuntimeTensor; readonly initial: TensorArray }[];
  private readonly wasm: WasmArena | undefined;
  /** The current invoke's InvokeOptions.onState, which the kernels' observeState calls. */
  private onState: InvokeOptions['onState'];

  constructor(
    readonly graph: Graph,
    options: InterpreterOptions = {},
  ) {
    const sg = graph.subgraphs[0];
    if (!sg) throw new RuntimeError('bad-model', 'the model has no subgraph to run');
    const kernels = options.kernels ?? KERNELS;
    const rounding = options.rounding ?? 'tflm';

    // Every op must have a kernel before any is prepared: one clear error for all of them.
    const missing = sg.operators.map((op, i) => ({ name: opName(graph, op), i })).filter(({ name }) => !kernels[name]);
    if (missing.length > 0) {
      const list = missing.map(({ name, i }) => `${name} (layer ${i})`).join(', ');
      throw new RuntimeError('unsupported-op', `the runtime has no kernel for ${list}`, missing[0]!.i);
    }

    this.tensors = sg.tensors.map((info, index) => {
      const constant = isConstant(graph, info);
      const data = constant ? typedView(info.dtype, graph.buffers[info.buffer]!.data) : allocate(info.dtype, elementCount(info.shape));
      return { index, info, dtype: info.dtype, shape: info.shape, data, constant };
    });
    this.variables = this.tensors
      .filter((t) => t.info.isVariable)
      .map((tensor) => ({ tensor, initial: tensor.constant ? tensor.data.slice() : resetValue(tensor) }));
    // Variables are written by their ops: give constant-initialized ones their own copy.
    this.tensors = this.tensors.map((t) => (t.info.isVariable && t.constant ? { ...t, data: t.data.slice(), constant: false } : t));
    this.inputs = sg.inputs.map((i) => this.tensors[i]!);
    this.outputs = sg.outputs.map((i) => this.tensors[i]!);

    const prepareAll = (wasm: WasmArena | undefined): readonly Eval[] => {
      const evals = sg.operators.map((op, opIndex) => {
        const name = opName(graph, op);
        return kernels[name]!.prepare({
          graph,
          subgraph: sg,
          op,
          opIndex,
          name,
          inputs: op.inputs.map((t) => (t < 0 ? undefined : this.tensors[t])),
          outputs: op.outputs.map((t) => this.tensors[t]!),
          rounding,
          ...(wasm ? { wasm } : {}),
          observeState: (tensor, values) => this.onState?.(opIndex, tensor, values),
        });
      });
      // The SIMD kernels' shared scratch memory, now that all of them have asked for theirs:
      // invoke never grows the WebAssembly memory.
      wasm?.scratch();
      return evals;
    };
    const arenaOptions = options.fma === false ? { fma: false } : {};
    // Another thread's interpreter of the same model may have packed the weights already (arenaImages.ts).
    const signature =
      options.simd === false || options.kernels || !preparedImagesInUse() ? undefined : preparedSignature(graph, rounding, options.fma !== false);
    const image = signature !== undefined ? offeredImage(signature) : undefined;
    let wasm = options.simd === false ? undefined : WasmArena.create(image ? { ...arenaOptions, image } : arenaOptions);
    let evals = prepareAll(wasm);
    if (image && wasm?.prefilled && wasm.used !== image.top) {
      wasm = WasmArena.create(arenaOptions);
      evals = prepareAll(wasm);
    }
    this.evals = evals;
    if (wasm && signature !== undefined && recordingImages()) recordImage({ signature, arena: wasm.image() });
    if (wasm) {
      // Tensors only SIMD kernels read stay in the WebAssembly memory (onLayer still sees them).
      const references = new Map<TensorArray, number>();
      for (const op of sg.operators) {
        for (const t of [...op.inputs, ...(op.intermediates ?? [])])
          if (t >= 0) references.set(this.tensors[t]!.data, (references.get(this.tensors[t]!.data) ?? 0) + 1);
      }
      const keep = new Set<TensorArray>([...this.outputs, ...this.tensors.filter((t) => t.info.isVariable)].map((t) => t.data));
      wasm.settle(references, keep);
    }
    this.wasm = wasm;
    this.resetState();
  }

  /** Clears the state that variable tensors (SVDF, LSTM) carry from one invoke to the next. */
  resetState(): void {
    for (const v of this.variables) (v.tensor.data as Uint8Array).set(v.initial as Uint8Array);
  }

  /** Copies raw little-endian bytes into input `i`, checking the size. */
  setInputBytes(i: number, bytes: Uint8Array): void {
    const t = this.inputs[i];
    if (!t) throw new RuntimeError('bad-input', `the model has ${this.inputs.length} inputs; there is no input ${i}`);
    const view = byteView(t);
    if (bytes.byteLength !== view.byteLength) {
      throw new RuntimeError(
        'bad-input',
        `input ${i} ("${t.info.name}") is ${t.dtype}[${t.shape.join(', ')}]: ${view.byteLength} bytes, but ${bytes.byteLength} bytes were given`,
      );
    }
    view.set(bytes);
  }

  /**
   * Runs every layer. Afterwards the model's outputs hold the results; other tensors are
   * current only inside onLayer (the float SIMD kernels may keep an intermediate tensor that
   * only they read in their WebAssembly memory).
   */
  invoke(options: InvokeOptions = {}): void {
    if (this.wasm) this.wasm.publishAll = options.onLayer !== undefined;
    this.onState = options.onState;
    try {
      for (let i = 0; i < this.evals.length; i++) {
        if (options.shouldStop?.()) throw new Cancelled('the run was cancelled');
        this.evals[i]!();
        if (options.onLayer) {
          const op = this.graph.subgraphs[0]!.operators[i]!;
          options.onLayer(
            i,
            op.outputs.map((t) => this.tensors[t]!),
          );
        }
      }
    } finally {
      this.onState = undefined;
    }
  }
}

/**
 * What must match for one interpreter's prepared arena to serve another: the model's shape
 * (operators, their tensors, the constant bytes' sizes) and the options that change packing.
 * The same code then allocates the same offsets; the interpreter still checks the end.
 */
function preparedSignature(graph: Graph, rounding: Rounding, fma: boolean): string {
  const sg = graph.subgraphs[0]!;
  const ops = sg.operators.map((op) => `${op.opcodeIndex}:${op.inputs.join(',')}>${op.outputs.join(',')}`).join(';');
  const tensors = sg.tensors.map((t) => `${t.dtype}${t.shape.join('x')}@${graph.buffers[t.buffer]?.data.length ?? 0}`).join(';');
  // A sample of the constant bytes: two models of one shape with other weights do not match.
  let h = 0x811c9dc5;
  for (const b of graph.buffers) {
    const d = b.data;
    for (let i = 0; i < d.length; i += 97) h = Math.imul(h ^ d[i]!, 0x01000193);
  }
  return `${rounding}|${fma}|${ops}|${tensors}|${h >>> 0}`;
}

/** The raw little-endian bytes of a tensor's data (a copy). */
export function tensorBytes(t: RuntimeTensor): Uint8Array {
  return byteView(t).slice();
}
