/**
 * Every `tinymlLens.*` setting: as package.json declares it (a core test holds the two equal)
 * and as the extension reads it, raw values in, typed settings out. Nothing here touches VS
 * Code, so the core tests can check it; config.ts is the one module that asks VS Code for the
 * values and hands them to these readers.
 */
import { KERNEL_LIBRARIES, DEFAULT_KERNEL_LIBRARY, defaultKernelLibrary, parseKernelLibrary, type KernelLibraryId } from '../analysis/kernelLibrary';
import type { Rounding } from '../runtime/quant';
import { BOARDS } from '../targets/boards';
import { customTarget, DEFAULT_RESERVE_KB, findBoard, type Reserve } from '../targets/fit';
import type { Target } from '../targets/target';

export const SECTION = 'tinymlLens';

/** `resource` settings may differ per workspace folder, so they are read for a model's folder. */
export type SettingScope = 'resource' | 'window';

/** The part of a package.json `contributes.configuration` property the extension relies on. */
export interface SettingDeclaration {
  readonly type: 'string' | 'number' | readonly ['number', 'null'];
  readonly scope: SettingScope;
  readonly default: string | number | null;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
}

/** A common TinyML board, used when the user has chosen none; the panel names it. */
export const DEFAULT_TARGET = 'arduino-nano-33-ble-sense';
/** Written out rather than imported: runtime/quant.ts's ROUNDINGS would pull the runtime into the extension host (a test keeps them equal). */
const ROUNDINGS = ['tflm', 'tflite', 'xnnpack'] as const satisfies readonly Rounding[];
/** The names of runtime/inputs/image.ts's NORMALIZATIONS, which bring the image decoders along (a test keeps them equal). */
const NORMALIZATIONS = ['[0,1]', '[-1,1]', '[0,255]', 'imagenet'] as const;
export type NormalizationName = (typeof NORMALIZATIONS)[number];

export const SETTINGS = {
  target: { type: 'string', scope: 'resource', default: DEFAULT_TARGET, enum: [...BOARDS.map((b) => b.id), 'custom'] },
  sramBudgetKB: { type: ['number', 'null'], scope: 'resource', default: null, minimum: 1 },
  flashBudgetKB: { type: ['number', 'null'], scope: 'resource', default: null, minimum: 1 },
  reservedSramKB: { type: 'number', scope: 'resource', default: DEFAULT_RESERVE_KB.sram, minimum: 0 },
  reservedFlashKB: { type: 'number', scope: 'resource', default: DEFAULT_RESERVE_KB.flash, minimum: 0 },
  kernels: { type: 'string', scope: 'resource', default: DEFAULT_KERNEL_LIBRARY, enum: KERNEL_LIBRARIES },
  scanLimit: { type: 'number', scope: 'window', default: 200, minimum: 0 },
  rounding: { type: 'string', scope: 'resource', default: 'tflm', enum: ROUNDINGS },
  imageNormalization: { type: 'string', scope: 'resource', default: '[0,1]', enum: NORMALIZATIONS },
  compareSamples: { type: 'number', scope: 'resource', default: 8, minimum: 1, maximum: 1000 },
  latencyBudgetMs: { type: ['number', 'null'], scope: 'resource', default: null, minimum: 0 },
  optimizeTimeLimitSeconds: { type: 'number', scope: 'resource', default: 10, minimum: 1, maximum: 3600 },
} as const satisfies Readonly<Record<string, SettingDeclaration>>;

export type SettingKey = keyof typeof SETTINGS;

/** Where values come from: VS Code's configuration for one scope, or a test's record. */
export interface SettingsSource {
  /** The value in effect, as stored (unchecked); undefined when there is none. */
  value(key: SettingKey): unknown;
  /** Whether the user chose a value at some level rather than leaving the default. */
  isSet(key: SettingKey): boolean;
}

/** A setting holds a value the extension cannot use; the message names the setting and what it accepts. */
export class SettingError extends Error {
  override readonly name = 'SettingError';
}

type KeyWithDefault<T> = { [K in SettingKey]: (typeof SETTINGS)[K]['default'] extends T ? K : never }[SettingKey];

const raw = (source: SettingsSource, key: SettingKey): unknown => source.value(key) ?? SETTINGS[key].default;

/** Numbers fall back to their default: VS Code already flags a wrongly typed value in settings.json. */
function readNumber(source: SettingsSource, key: KeyWithDefault<number>): number {
  const v = raw(source, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : SETTINGS[key].default;
}

/** A budget the user may leave unset (null). */
function readOptionalNumber(source: SettingsSource, key: KeyWithDefault<null>): number | null {
  const v = raw(source, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A choice changes what is computed, so an unknown one is an error rather than a silent default. */
function readChoice<T extends string>(source: SettingsSource, key: SettingKey, allowed: readonly T[]): T {
  const v = raw(source, key);
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new SettingError(`${SECTION}.${key}: unknown value ${JSON.stringify(v)}; use ${allowed.join(', ')}`);
  return found;
}

// ---- per model (resource scope) ---------------------------------------------------------------

export interface ModelSettings {
  readonly target: Target;
  /** True when the target is the default because the user chose none. */
  readonly isDefaultTarget: boolean;
  readonly reserve: Reserve;
  readonly kernels: KernelLibraryId;
  /** Real-time budget for the latency estimate (ms); 0 when off. */
  readonly latencyBudgetMs: number;
}

const KB = 1024;

/** A board's budgets, overridden by the user's; an unknown board id means the default board. */
function readTarget(source: SettingsSource): Target {
  const id = raw(source, 'target');
  const sram = readOptionalNumber(source, 'sramBudgetKB');
  const flash = readOptionalNumber(source, 'flashBudgetKB');
  if (id === 'custom') return customTarget((sram ?? 256) * KB, (flash ?? 1024) * KB);
  const board = (typeof id === 'string' ? findBoard(id) : undefined) ?? findBoard(DEFAULT_TARGET);
  if (!board) throw new Error(`the default target ${DEFAULT_TARGET} is not in boards.ts`);
  if (sram === null && flash === null) return board;
  return {
    ...board,
    name: `${board.name} (custom budget)`,
    sramBytes: sram !== null ? sram * KB : board.sramBytes,
    flashBytes: flash !== null ? flash * KB : board.flashBytes,
  };
}

/** What the analysis of one model depends on: a change here re-analyzes it. */
export function readModelSettings(source: SettingsSource): ModelSettings {
  const kernels = parseKernelLibrary(raw(source, 'kernels'));
  if (!kernels.ok) throw new SettingError(`${SECTION}.kernels: ${kernels.error}`);
  const target = readTarget(source);
  return {
    target,
    isDefaultTarget: !source.isSet('target'),
    reserve: { sramBytes: readNumber(source, 'reservedSramKB') * KB, flashBytes: readNumber(source, 'reservedFlashKB') * KB },
    // Left unset, the library follows the board: CMSIS-NN on a Cortex-M, the reference kernels elsewhere.
    kernels: source.isSet('kernels') ? kernels.id : defaultKernelLibrary(target.board?.core),
    latencyBudgetMs: readOptionalNumber(source, 'latencyBudgetMs') ?? 0,
  };
}

// ---- running a model (resource scope) ---------------------------------------------------------

export interface RunSettings {
  readonly rounding: Rounding;
  readonly normalization: NormalizationName;
  /** Seeded random samples for a comparison without input files. */
  readonly samples: number;
}

/** What running, comparing and quantizing read; the analysis depends on none of it. */
export function readRunSettings(source: SettingsSource): RunSettings {
  return {
    rounding: readChoice(source, 'rounding', ROUNDINGS),
    normalization: readChoice(source, 'imageNormalization', NORMALIZATIONS),
    samples: readNumber(source, 'compareSamples'),
  };
}

// ---- optimizing a model's arena (resource scope) ----------------------------------------------

export interface OptimizeSettings {
  /** How long the arena search may run before it keeps the best plan found so far. */
  readonly timeLimitSeconds: number;
}

export function readOptimizeSettings(source: SettingsSource): OptimizeSettings {
  const { minimum, maximum } = SETTINGS.optimizeTimeLimitSeconds;
  return { timeLimitSeconds: Math.min(maximum, Math.max(minimum, readNumber(source, 'optimizeTimeLimitSeconds'))) };
}

// ---- the window -------------------------------------------------------------------------------

export interface WindowSettings {
  /** Models checked at activation; 0 turns the scan off. */
  readonly scanLimit: number;
}

export function readWindowSettings(source: SettingsSource): WindowSettings {
  return { scanLimit: readNumber(source, 'scanLimit') };
}
