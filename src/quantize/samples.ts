/** Samples for calibration and evaluation: what the quantizer reads, wherever they come from. */
import type { Normalization } from '../runtime/inputs/image';
import type { InputTensorSpec } from '../runtime/inputs/loadInput';

/** One sample as files: per model input, a file and the sample's position inside it. */
export interface SampleRef {
  readonly parts: readonly { readonly file: string; readonly index: number; readonly of: number }[];
}

/**
 * Samples that are files, as plain data: what a pool thread needs to read and decode them itself
 * (calibrationFiles.ts fileSamples turns it back into a SampleSource).
 */
export interface SampleFiles {
  readonly refs: readonly SampleRef[];
  readonly inputs: readonly InputTensorSpec[];
  readonly normalization: Normalization;
}

/** Calibration or evaluation samples: raw input bytes, one array per model input. */
export interface SampleSource {
  readonly count: number;
  sample(index: number): Promise<readonly Uint8Array[]> | readonly Uint8Array[];
  /** What sample `index` is called in messages (a file name), if anything. */
  describe?(index: number): string;
  /** The same samples as files, when they are: threads then read them themselves. */
  readonly files?: SampleFiles;
}
