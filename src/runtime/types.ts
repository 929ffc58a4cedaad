/**
 * What the interpreter and its kernels share. A kernel's `prepare` runs once per model
 * (shapes, padding, quantized multipliers: everything that depends on the model alone) and
 * returns the per-inference `Eval`, plain loops over typed arrays with no allocation.
 */
import { LensError, type RuntimeErrorCode } from '../errors';
import type { DType } from '../model/dtype';
import type { Tensor } from '../model/graph';
import type { OpSite } from '../model/ops';
import type { Rounding } from './quant';
import type { WasmArena } from './wasm/simd';

export type TensorArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array;

export interface RuntimeTensor {
  /** Index in its subgraph. */
  readonly index: number;
  readonly info: Tensor;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TensorArray;
  /** Weights and other values stored in the model. */
  readonly constant: boolean;
}

/** An operator as a kernel's prepare sees it: where it stands, plus its live tensors. */
export interface KernelContext extends OpSite {
  /** By the operator's input slots; undefined where an optional input is absent (-1). */
  readonly inputs: readonly (RuntimeTensor | undefined)[];
  readonly outputs: readonly RuntimeTensor[];
  /** Requantization rule of int8 kernels (see quant.ts). */
  readonly rounding: Rounding;
  /**
   * The interpreter's WebAssembly SIMD memory and kernels, for the kernels that have a SIMD
   * path; undefined where the platform lacks WebAssembly SIMD or the interpreter was asked not
   * to use it (the kernels then run their JavaScript loops, with the same results).
   */
  readonly wasm?: WasmArena;
  /**
   * Reports values a kernel holds only between its own steps (an LSTM's cell state after each
   * time step), which `onLayer` sees only once, after the last step: what calibration needs to
   * cover the state's whole range. Calls through to the current invoke's `onState`; a no-op
   * otherwise.
   */
  readonly observeState?: (tensor: RuntimeTensor, values: TensorArray) => void;
}

export type Eval = () => void;

export interface Kernel {
  readonly prepare: (ctx: KernelContext) => Eval;
}

export type KernelRegistry = Readonly<Record<string, Kernel>>;

export type { RuntimeErrorCode } from '../errors';

export class RuntimeError extends LensError {
  override readonly name = 'RuntimeError';
  declare readonly code: RuntimeErrorCode;
  constructor(
    code: RuntimeErrorCode,
    message: string,
    /** The layer (operator index in subgraph 0) the error is about, if any. */
    readonly layer?: number,
  ) {
    super(code, message);
  }
}
