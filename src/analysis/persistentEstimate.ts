/**
 * The persistent ("tail") part of TFLite Micro's arena, simulated allocation by allocation
 * in the order MicroInterpreter::AllocateTensors makes them. The tail grows down from a
 * 16-aligned arena end and every allocation is aligned down, so the padding of each
 * 16-aligned allocation depends on everything before it: simulating the order is what
 * makes the total exact rather than close.
 */
import type { Graph } from '../model/graph';
import { opName } from '../model/ops';
import { ABI_SIZES, builtinParamsLayout } from './abiLayout';
import { ARENA_ALIGNMENT } from './memoryPlanner';
import { tflmTensorBytes } from './arenaPlan';
import { TFLM_KERNELS, UNKNOWN_KERNEL, UNVERIFIED_KERNEL_ERROR_BYTES, type Abi, type KernelTable } from './tflmKernels';

export type TailCategory =
  | 'allocator'
  | 'TfLiteEvalTensor'
  | 'NodeAndRegistration'
  | 'builtinParams'
  | 'opData'
  | 'prepareBuffers'
  | 'scratchHandles'
  | 'variableBuffers'
  | 'ioTensors';

export interface TailItem {
  readonly category: TailCategory;
  readonly requested: number;
  readonly used: number;
  readonly count: number;
}

export interface PersistentEstimate {
  readonly abi: Abi;
  readonly bytes: number;
  readonly breakdown: readonly TailItem[];
  /** ± bytes: ops whose kernel data is assumed, not read from TFLM and checked. */
  readonly errorBytes: number;
  /** Operators (by name) whose kernel data is assumed. */
  readonly unverifiedOps: readonly string[];
}

class Tail {
  private tail = 0;
  private readonly items = new Map<TailCategory, { requested: number; used: number; count: number }>();

  alloc(category: TailCategory, size: number, align: number, count = 1): void {
    const next = Math.floor((this.tail - size) / align) * align;
    const item = this.items.get(category) ?? { requested: 0, used: 0, count: 0 };
    item.requested += size;
    item.used += this.tail - next;
    item.count += count;
    this.items.set(category, item);
    this.tail = next;
  }

  get used(): number {
    return -this.tail;
  }

  breakdown(): TailItem[] {
    return [...this.items].map(([category, v]) => ({ category, ...v }));
  }
}

export interface PersistentOptions {
  readonly abi: Abi;
  /** One handle per scratch request, from the arena plan. */
  readonly scratchCount: number;
  readonly kernels?: KernelTable;
  /**
   * `plain`: a MicroInterpreter as an application builds it. `recording`: with TFLM's
   * RecordingMicroAllocator, whose larger objects shift every later alignment; its figures
   * are what TFLM's benchmark logs print.
   */
  readonly allocator?: 'plain' | 'recording';
}

/** Simulates the tail for a MicroInterpreter with the given kernels (reference by default). */
export function estimatePersistent(graph: Graph, options: PersistentOptions): PersistentEstimate {
  const { abi, scratchCount } = options;
  const kernels = options.kernels ?? TFLM_KERNELS;
  const z = ABI_SIZES[abi];
  const tail = new Tail();
  const word = z.pointer;
  if (options.allocator === 'recording') tail.alloc('allocator', z.recordingObjects, word);
  else for (const size of z.allocatorObjects) tail.alloc('allocator', size, word);
  tail.alloc('allocator', 2 * word, word); // MicroBuiltinDataAllocator
  tail.alloc('allocator', 2 * word * graph.subgraphs.length, word); // SubgraphAllocations

  for (const sg of graph.subgraphs) tail.alloc('TfLiteEvalTensor', z.evalTensor * sg.tensors.length, word, sg.tensors.length);
  for (const sg of graph.subgraphs) tail.alloc('NodeAndRegistration', z.nodeAndRegistration * sg.operators.length, word, sg.operators.length);

  const unverified = new Set<string>();
  const ops = graph.subgraphs.flatMap((subgraph) => subgraph.operators.map((op, opIndex) => ({ subgraph, op, opIndex, name: opName(graph, op) })));
  const facts = ops.map(({ name }) => {
    const f = kernels[name];
    if (!f?.verified) unverified.add(name);
    return f ?? UNKNOWN_KERNEL;
  });
  // Three passes, as the interpreter makes them: parse every op, Init every op, Prepare every op.
  facts.forEach((f, k) => {
    const params = builtinParamsLayout(ops[k]!.name, f.params, f.paramsAlign, abi);
    if (params.size > 0) tail.alloc('builtinParams', params.size, params.align);
  });
  facts.forEach((f) => f.opData && tail.alloc('opData', f.opData[abi], ARENA_ALIGNMENT));
  facts.forEach((f, k) => {
    for (const bytes of f.prepare?.({ graph, ...ops[k]!, abi }) ?? []) tail.alloc('prepareBuffers', bytes, ARENA_ALIGNMENT);
  });
  if (scratchCount > 0) tail.alloc('scratchHandles', word * scratchCount, word, scratchCount);
  for (const sg of graph.subgraphs) {
    for (const t of sg.tensors) if (t.isVariable) tail.alloc('variableBuffers', tflmTensorBytes(t), ARENA_ALIGNMENT);
  }

  const main = graph.subgraphs[0];
  if (main) {
    for (const list of [main.inputs, main.outputs]) {
      tail.alloc('ioTensors', word * list.length, ARENA_ALIGNMENT, 0);
      for (const ti of list) {
        const t = main.tensors[ti]!;
        tail.alloc('ioTensors', z.tfLiteTensor, word);
        const q = t.quantization;
        if (q && q.scale.length > 0 && q.zeroPoint.length > 0) {
          tail.alloc('ioTensors', z.affineQuantization, word, 0);
          tail.alloc('ioTensors', 4 + 4 * q.scale.length, 4, 0);
        }
      }
    }
  }

  const unverifiedCount = ops.filter(({ name }) => unverified.has(name)).length;
  return {
    abi,
    bytes: tail.used,
    breakdown: tail.breakdown(),
    errorBytes: unverifiedCount * UNVERIFIED_KERNEL_ERROR_BYTES,
    unverifiedOps: [...unverified].sort(),
  };
}
