/** What the caller of buildInt8Graph chooses. */
import type { KernelLibraryId } from '../../analysis/kernelLibrary';
import type { SymmetricWeights } from '../params';

export type IoType = 'int8' | 'float';

/** Activation type of the quantized layers: int8, or int16 with int8 weights (16x8). */
export type ActivationType = 'int8' | 'int16';

/**
 * One layer's numeric precision in a mixed model: int8 activations, int16 activations with
 * int8 weights (16x8), or float (the layer left as in the source).
 */
export type LayerPrecision = 'int8' | 'int16' | 'float';

export interface Int8GraphOptions {
  readonly io: IoType;
  /**
   * Default int8: the type of every quantized layer `precision` does not name. With int16 the
   * integer model I/O (io 'int8') is int16 too; in a mixed model an input takes the type of the
   * first integer layer that reads it, an output that of the layer that writes it.
   */
  readonly activations?: ActivationType;
  readonly perChannelFullyConnected: boolean;
  /**
   * The TFLM kernels the model is for (default the reference kernels). Where they refuse
   * per-channel weights for a layer's input type (CMSIS-NN's FULLY_CONNECTED with an int16
   * input: opSupport's 'per-tensor-weights'), that layer's weights are per tensor whatever
   * `perChannelFullyConnected` says.
   */
  readonly kernels?: KernelLibraryId;
  /** Layers (of the float graph) to leave in float, whatever `precision` says. */
  readonly keepFloat: ReadonlySet<number>;
  /**
   * Per-layer precision (float graph operator index in subgraph 0 → precision); a layer not
   * named takes `activations` (float when it is in `keepFloat`). QUANTIZE (int8↔int16,
   * float→integer) and DEQUANTIZE are inserted where a tensor changes form.
   */
  readonly precision?: ReadonlyMap<number, LayerPrecision>;
  /** Reuse the int8 weights of a hybrid source when they fit the int8 kernel. */
  readonly reuseInt8Weights: boolean;
  /**
   * Int8 weights already computed for the same source, by weight tensor and axis: graphs that
   * differ only in activation ranges (auto's candidates) quantize each weight tensor once.
   * Weights widened for their bias are never cached (they depend on the input scale).
   */
  readonly weightCache?: Map<string, SymmetricWeights>;
}
