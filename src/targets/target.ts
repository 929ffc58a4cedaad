/**
 * What a microcontroller offers a model. Boards come from `boards.ts` (datasheet facts);
 * a custom target is a budget alone.
 */
export type CoreKind =
  | 'cortex-m0plus'
  | 'cortex-m3'
  | 'cortex-m4'
  | 'cortex-m4f'
  | 'cortex-m7'
  | 'cortex-m33'
  | 'cortex-m55'
  | 'cortex-m85'
  | 'xtensa-lx6'
  | 'xtensa-lx7'
  | 'rv32imc'
  | 'rv32imac';

export interface PowerFacts {
  /** Core supply voltage the current figures are quoted at. */
  readonly volts: number;
  /** Run-mode current per MHz (µA/MHz), the usual datasheet figure, at `volts`. */
  readonly activeMicroAmpsPerMHz: number;
  /** Deepest sleep that keeps SRAM and an RTC alive (µA). */
  readonly sleepMicroAmps: number;
  /**
   * How the figures were obtained, as the board's notes tag them ("Power: …"): quoted from the
   * datasheet, derived from a datasheet current, an order-of-magnitude estimate, or a
   * placeholder with no meaningful silicon number (not to be used for energy).
   */
  readonly source?: PowerSource;
}

export type PowerSource = 'datasheet' | 'derived' | 'estimate' | 'placeholder';

export interface Board {
  readonly id: string;
  readonly name: string;
  readonly mcu: string;
  readonly core: CoreKind;
  readonly maxClockMHz: number;
  /** All on-chip SRAM usable by an application. */
  readonly sramBytes: number;
  /** Largest contiguous SRAM block: a tensor arena cannot span banks. */
  readonly contiguousSramBytes: number;
  /** On-chip flash (or, where noted, the board's execute-in-place flash). */
  readonly flashBytes: number;
  readonly power: PowerFacts;
  /** An NPU or DSP extension worth naming (Ethos-U55, Helium, PIE…). */
  readonly accelerator?: string;
  /** Where each fact comes from: datasheet or reference-manual titles. */
  readonly sources: readonly string[];
  readonly notes?: string;
}

/** The budget a fit verdict is computed against: a board, or a user's own numbers. */
export interface Target {
  readonly id: string;
  readonly name: string;
  readonly sramBytes: number;
  readonly flashBytes: number;
  readonly board?: Board;
}
