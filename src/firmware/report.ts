/**
 * What the firmware checker (check.ts) reports, as plain data without Node: the worker sends it
 * to the editor, and the protocol the panel shares names it.
 */
import type { FirmwareCode } from '../findings/firmwareMessages';
import type { ArenaBreakdown } from './export';

export type FirmwareSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface FirmwareFinding {
  readonly code: FirmwareCode;
  readonly severity: FirmwareSeverity;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly params: Readonly<Record<string, string | number>>;
}

export interface FirmwareModel {
  readonly symbol: string;
  readonly file: string;
  readonly line: number;
  readonly bytes: number;
  /** The workspace .tflite whose bytes it equals, or null. */
  readonly matches: string | null;
}

export interface FirmwareArena {
  readonly symbol: string;
  readonly file: string;
  readonly line: number;
  readonly bytes: number | null;
  readonly requiredBytes: number | null;
}

export interface FirmwareResolver {
  readonly file: string;
  readonly line: number;
  readonly capacity: number | null;
  readonly ops: readonly string[];
}

export interface FirmwareReport {
  readonly models: readonly FirmwareModel[];
  readonly arenas: readonly FirmwareArena[];
  readonly resolvers: readonly FirmwareResolver[];
  readonly findings: readonly FirmwareFinding[];
  /** What the scan left out (a file too big, a cap reached), in English. */
  readonly notes: readonly string[];
  /** For editors (hovers, quick fixes); not part of the `--json` contract. */
  readonly details: FirmwareDetails;
}

/** What a readable model needs and holds, for an editor's hover and the arena quick fix. */
export interface FirmwareModelFacts {
  readonly symbol: string;
  /** The arena the export would write: planned + persistent + AllocateTensors()'s margin. */
  readonly arena: ArenaBreakdown;
  readonly kernels: string;
  readonly bytes: number;
  readonly operators: number;
  readonly subgraphs: number;
  readonly macs: number;
  readonly kind: string;
  /** The builtins it uses, sorted. */
  readonly ops: readonly string[];
  /** The workspace .tflite whose bytes it equals (or that GetModel was resolved to), or null. */
  readonly matches: string | null;
}

export interface FirmwareDetails {
  readonly models: readonly FirmwareModelFacts[];
  /** For each entry of `arenas`, in order: the symbol of the model it was checked against, or null. */
  readonly arenaModels: readonly (string | null)[];
}
