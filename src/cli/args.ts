/** A small argv parser: `--name value`, `--name=value`, boolean `--flag`s, positionals. */
import { defaultKernelLibrary, parseKernelLibrary, type KernelLibraryId } from '../analysis/kernelLibrary';
import { LensError } from '../errors';

/** The command line is wrong: the CLI prints the message on one line, with where to find help, and exits 2. */
export class UsageError extends LensError {
  override readonly name = 'UsageError';
  declare readonly code: 'usage';
  constructor(message: string) {
    super('usage', message);
  }
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  /** Options that may repeat (`--input a --input b`), in order. */
  readonly repeated: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

/** Options that take no value, for a parse without a command's help: everything else named `--x` expects one. */
const FLAGS = new Set(['json', 'help', 'per-channel-fc', 'random-calibration', 'keep-float', 'force', 'reorder']);

/** What a command accepts (usage.ts's CommandHelp): options with a `value` take one, the others are flags. */
export interface ArgSpec {
  readonly options: readonly { readonly name: string; readonly value?: string }[];
}

/**
 * Parses `argv`. With a command's `spec`, an option it does not list is refused as unknown
 * (`--help` is always known); without one, any `--name` is accepted.
 */
export function parseArgs(argv: readonly string[], spec?: ArgSpec): ParsedArgs {
  const known = spec && new Map<string, boolean>([['help', false], ...spec.options.map((o): [string, boolean] => [o.name, o.value !== undefined])]);
  const isFlag = (name: string): boolean => (known ? known.get(name) === false : FLAGS.has(name));
  const positionals: string[] = [];
  const options = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (known && !known.has(name)) throw new UsageError(`unknown option --${name}`);
    if (isFlag(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
    repeated.set(name, [...(repeated.get(name) ?? []), value]);
  }
  return { positionals, options, repeated, flags };
}

/** The value of `--name` when it is one of `values`; undefined when absent. */
export function oneOf<T extends string>(args: ParsedArgs, name: string, values: readonly T[]): T | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw new UsageError(`--${name} is one of ${values.join(', ')}`);
  return v as T;
}

/**
 * `--kernels`, checked by the one parser every surface uses; when absent, what a TFLM build for
 * `core` links (CMSIS-NN on a Cortex-M, the reference kernels elsewhere or without a core).
 */
export function kernelsOption(args: ParsedArgs, core?: string): KernelLibraryId {
  const parsed = parseKernelLibrary(args.options.get('kernels') ?? defaultKernelLibrary(core));
  if (!parsed.ok) throw new UsageError(`--kernels: ${parsed.error}`);
  return parsed.id;
}

/** `--threads <N>` for batch work (1 to 64); undefined when absent, so the pool's default applies. */
export function threadsOption(args: ParsedArgs): number | undefined {
  const v = args.options.get('threads');
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads takes a whole number from 1 to 64, got "${v}"`);
  return n;
}
