/** What the caller of buildInt8Graph chooses. */
import type { SymmetricWeights } from '../params';

export type IoType = 'int8' | 'float';

export interface Int8GraphOptions {
  readonly io: IoType;
  readonly perChannelFullyConnected: boolean;
  /** Layers (of the float graph) to leave in float. */
  readonly keepFloat: ReadonlySet<number>;
  /** Reuse the int8 weights of a hybrid source when they fit the int8 kernel. */
  readonly reuseInt8Weights: boolean;
  /**
   * Int8 weights already computed for the same source, by weight tensor and axis: graphs that
   * differ only in activation ranges (auto's candidates) quantize each weight tensor once.
   * Weights widened for their bias are never cached (they depend on the input scale).
   */
  readonly weightCache?: Map<string, SymmetricWeights>;
}
