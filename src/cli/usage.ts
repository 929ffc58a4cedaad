/**
 * The CLI's help, one entry per command: what it does, its synopsis and each option with a
 * line of description. `tinyml-lens --help` prints the overview, `tinyml-lens <command> --help`
 * the command's page, and the parser takes each command's option names from here, so an option
 * the help does not describe is refused as unknown.
 */
export interface OptionHelp {
  readonly name: string;
  /** What goes after the option ("<KB>"); absent for a flag, which takes no value. */
  readonly value?: string;
  readonly description: string;
}

export interface CommandHelp {
  readonly name: string;
  readonly synopsis: string;
  readonly description: string;
  readonly options: readonly OptionHelp[];
}

const JSON_OPTION: OptionHelp = { name: 'json', description: 'print the result as JSON (a stable contract, see docs/cli.md)' };
const ROUNDING: OptionHelp = { name: 'rounding', value: 'tflm|tflite|xnnpack', description: 'the integer rounding of the runtime to imitate (default tflm)' };
const NORMALIZATION: OptionHelp = {
  name: 'normalization',
  value: '[0,1]|[-1,1]|[0,255]|imagenet',
  description: 'how image pixels become input values (default [0,1])',
};
const THREADS: OptionHelp = {
  name: 'threads',
  value: '<N>',
  description: 'threads the samples run on (default: the cores a batch repays, or $TINYML_LENS_THREADS)',
};
const KERNELS: OptionHelp = {
  name: 'kernels',
  value: 'reference|cmsis-nn',
  description: 'the TFLM kernel library the firmware links (default: cmsis-nn for a Cortex-M --target, reference otherwise)',
};

export const COMMANDS_HELP: readonly CommandHelp[] = [
  {
    name: 'analyze',
    synopsis: 'analyze <model.tflite> [--target <id> | --sram <KB> --flash <KB>] [options]',
    description:
      'The layer table, the TFLM tensor arena and, with a budget, whether the model fits. Exit 1 when it does not fit or TFLM refuses a layer. The reserve defaults to 16 KB SRAM and 64 KB flash, as in the editor.',
    options: [
      { name: 'target', value: '<id>', description: 'a board from `tinyml-lens targets`' },
      { name: 'sram', value: '<KB>', description: 'an SRAM budget of your own (flash is not checked unless --flash is given)' },
      { name: 'flash', value: '<KB>', description: 'a flash budget of your own (SRAM is not checked unless --sram is given)' },
      { name: 'reserve-sram', value: '<KB>', description: 'SRAM the application needs besides the arena (default 16)' },
      { name: 'reserve-flash', value: '<KB>', description: 'flash the application needs besides the model (default 64)' },
      KERNELS,
      { name: 'abi', value: 'arm32|i386|x86_64', description: 'the ABI the persistent part is sized for (default arm32)' },
      JSON_OPTION,
    ],
  },
  {
    name: 'run',
    synopsis: 'run <model.tflite> --input <file> [--input <file>…] [options]',
    description: "One inference with TFLM's arithmetic; each output written to output_<i>.bin (i: the output's position) with a summary.",
    options: [
      { name: 'input', value: '<file>', description: 'one per model input, in order: .npy, .bin, an image or a .wav' },
      ROUNDING,
      NORMALIZATION,
      { name: 'out-dir', value: '<dir>', description: 'where the outputs are written (default .)' },
      { name: 'repeat', value: '<n>', description: 'after one warm-up, time n more runs: median and minimum ms per invoke' },
      JSON_OPTION,
    ],
  },
  {
    name: 'compare',
    synopsis: 'compare <float.tflite> <int8.tflite> [--input <file>… | --samples N] [options]',
    description: 'Runs a float model and its int8 twin on the same inputs: SQNR, cosine and max |error| per layer and at the outputs.',
    options: [
      { name: 'input', value: '<file>', description: 'a sample file, one per run (repeat for more samples)' },
      { name: 'samples', value: '<N>', description: 'without --input: this many seeded random samples (default 8)' },
      ROUNDING,
      THREADS,
      JSON_OPTION,
    ],
  },
  {
    name: 'targets',
    synopsis: 'targets [--json]',
    description: 'The boards we know, with their SRAM, flash and core.',
    options: [JSON_OPTION],
  },
  {
    name: 'estimate',
    synopsis: 'estimate <model.tflite> (--target <id> [--mhz <MHz>] | --core <core> --mhz <MHz>) [options]',
    description: 'Latency and energy per inference, and the battery life of a duty-cycled device: estimates with their expected range, never measurements.',
    options: [
      { name: 'target', value: '<id>', description: 'a board from `tinyml-lens targets`' },
      { name: 'core', value: '<core>', description: 'a bare core instead of a board (needs --mhz)' },
      { name: 'mhz', value: '<MHz>', description: 'the clock (a board runs at its maximum by default)' },
      KERNELS,
      { name: 'volts', value: '<V>', description: 'the core supply voltage for the energy estimate' },
      { name: 'profile', value: '<micro_profiler.log>', description: "a TFLM MicroProfiler log to calibrate the board's coefficients" },
      { name: 'profile-model', value: '<model.tflite>', description: 'the model the profile was taken on (default: the model estimated)' },
      { name: 'ticks-per-ms', value: '<n>', description: "the profiler's ticks per millisecond, when the log does not say" },
      { name: 'scenario', value: 'camera-trap|doorbell', description: 'a duty cycle to estimate battery life for' },
      { name: 'per-hour', value: '<n>', description: "inferences per hour (overrides the scenario's)" },
      { name: 'battery-mah', value: '<mAh>', description: "battery capacity (overrides the scenario's)" },
      { name: 'battery-v', value: '<V>', description: "battery voltage (overrides the scenario's)" },
      JSON_OPTION,
    ],
  },
  {
    name: 'quantize',
    synopsis: 'quantize <float.tflite> --calibration <dir|glob> [options]',
    description: 'Post-training int8 quantization: writes <name>_int8.tflite and <name>_int8.report.json (never over existing files without --force).',
    options: [
      { name: 'calibration', value: '<dir|glob>', description: 'representative inputs (.npy, .bin, images, .wav)' },
      { name: 'random-calibration', description: 'calibrate on random data instead (the report says so)' },
      { name: 'out', value: '<file.tflite>', description: 'where the int8 model goes (the report beside it)' },
      { name: 'io', value: 'int8|float', description: "the int8 model's input and output type (default int8)" },
      { name: 'activations', value: 'int8|int16', description: 'int16: whole-model 16x8 (int16 activations, int8 weights), written as <name>_16x8.tflite' },
      { name: 'method', value: 'auto|minmax|percentile|mse', description: 'how ranges are chosen (default auto: each tried and measured)' },
      { name: 'percentile', value: '<P>', description: 'for --method percentile: the share of values kept' },
      { name: 'samples', value: '<N>', description: 'calibration samples to use (default 100)' },
      { name: 'held-out', value: '<N>', description: 'calibration samples withheld to measure the result (default 0; prefer --eval-data)' },
      { name: 'eval-data', value: '<dir|glob>', description: 'evaluation inputs the report is measured on (never calibrated on)' },
      {
        name: 'weight-rounding',
        value: 'auto|on|off',
        description: 'data-driven rounding of conv/FC weights (default on; auto: kept where it wins on data it did not fit)',
      },
      { name: 'bias-correction', value: 'auto|on|off', description: 'per-channel empirical bias correction (default off)' },
      NORMALIZATION,
      { name: 'per-channel-fc', description: 'FULLY_CONNECTED weights per channel' },
      { name: 'keep-float', description: 'leave ops the quantizer cannot handle in float' },
      { name: 'precision', value: '<layer>=int8|int16|float,…', description: 'per-layer precision by operator index, over --activations (a mixed model)' },
      { name: 'target-sqnr', value: '<dB>', description: 'search for the cheapest per-layer precision whose output SQNR reaches this' },
      { name: 'fit', value: '<board>', description: 'search for the most accurate per-layer precision that fits this board' },
      { name: 'target', value: '<board>', description: 'the board assignments are measured on: arena, latency, fit (default none)' },
      {
        ...KERNELS,
        description:
          "the TFLM kernel library the model is for: CMSIS-NN's int16 FULLY_CONNECTED layers get per-tensor weights (default: cmsis-nn for a Cortex-M --target or --fit, reference otherwise)",
      },
      ROUNDING,
      THREADS,
      { name: 'force', description: 'replace existing output files' },
      JSON_OPTION,
    ],
  },
  {
    name: 'optimize',
    synopsis: 'optimize <model.tflite> [--out <file>] [--reorder] [--time-limit <s>] [options]',
    description:
      "Shrinks the tensor arena without retraining: a better placement than TFLM's greedy planner, written into the model as OfflineMemoryAllocation metadata (and, with --reorder, an operator order with a lower peak). Writes <name>_opt.tflite beside the model when it saves bytes.",
    options: [
      { name: 'out', value: '<file.tflite>', description: 'where the optimized model goes (default <name>_opt.tflite)' },
      { name: 'reorder', description: 'also search operator orders with a lower peak (results never change)' },
      { name: 'time-limit', value: '<s>', description: 'stop the search here and keep the best plan found (default 10)' },
      { name: 'abi', value: 'arm32|i386|x86_64', description: 'the ABI the arena is sized for (default arm32)' },
      KERNELS,
      { name: 'force', description: 'replace an existing output file' },
      JSON_OPTION,
    ],
  },
  {
    name: 'export',
    synopsis: 'export <model.tflite> --out-dir <dir> [--name <symbol>] [options]',
    description:
      'Writes the C++ a TFLM firmware needs: <name>_model_data.cc/.h (the model, 16-byte aligned and const), <name>_op_resolver.h (exactly its ops, each Add checked) and <name>_arena.h (the tensor arena size), all or nothing and never over existing files without --force.',
    options: [
      { name: 'out-dir', value: '<dir>', description: 'where the files go (created if missing)' },
      { name: 'name', value: '<symbol>', description: 'the C symbol prefix (default: the model file name made an identifier)' },
      KERNELS,
      { name: 'target', value: '<id>', description: 'a board from `tinyml-lens targets` (chooses the CMSIS-NN code path)' },
      { name: 'abi', value: 'arm32|i386|x86_64', description: "the ABI the arena is sized for (default arm32, every board's; x86_64 for a host build)" },
      { name: 'force', description: 'replace existing files' },
      JSON_OPTION,
    ],
  },
  {
    name: 'evaluate',
    synopsis: 'evaluate <model.tflite>… --data <dir|labels.csv> [--labels <file>] [options]',
    description:
      'Accuracy of each model on labeled data (class folders or a CSV of file,label): top-1, top-5, per class, the confusion matrix, agreement with the first model and the samples whose prediction changed. Models that are not classifiers get error statistics against the first instead.',
    options: [
      { name: 'data', value: '<dir|file.csv>', description: 'a folder of class folders (the folder name is the class), or a CSV of file,label rows' },
      {
        name: 'labels',
        value: '<file>',
        description: "the class names, one per line in the model's output order (default: the model's own labels, else sorted names)",
      },
      ROUNDING,
      NORMALIZATION,
      THREADS,
      JSON_OPTION,
    ],
  },
  {
    name: 'check-firmware',
    synopsis: 'check-firmware <dir|files…> [--model <file.tflite>] [--kernels reference|cmsis-nn] [--abi arm32|i386|x86_64] [--json]',
    description:
      "Checks C/C++ firmware sources against their model: the arena size, the resolver's ops and N, the model array's alignment and const. Exit 1 on an error finding.",
    options: [
      { name: 'model', value: '<file.tflite>', description: 'the model the firmware runs, when its sources do not embed it' },
      KERNELS,
      { name: 'abi', value: 'arm32|i386|x86_64', description: 'the ABI the arena is sized for (default arm32)' },
      JSON_OPTION,
    ],
  },
  {
    name: 'examples',
    synopsis: 'examples <dir>',
    description: 'Writes the example models (DS-CNN keyword spotter, MobileNetV1 camera trap) into <dir>.',
    options: [],
  },
];

export const EXIT_CODES = 'Exit codes: 0 fits (or no budget given), 1 does not fit, 2 bad input, 3 a bug in tinyml-lens, 130 cancelled (Ctrl-C).';

/** The overview `tinyml-lens --help` prints: one line per command. */
export const USAGE = [
  'Usage: tinyml-lens <command> [options]   (tinyml-lens <command> --help for its options)',
  '',
  ...COMMANDS_HELP.map((c) => `  ${c.name.padEnd(9)} ${c.description.split('. ')[0]!.replace(/\.$/, '')}.`),
  '',
  EXIT_CODES,
].join('\n');

export function commandHelp(name: string): CommandHelp | undefined {
  return COMMANDS_HELP.find((c) => c.name === name);
}

/** The page `tinyml-lens <command> --help` prints. */
export function renderCommandHelp(c: CommandHelp): string {
  const opts = c.options.map((o) => [`--${o.name}${o.value ? ` ${o.value}` : ''}`, o.description] as const);
  const width = Math.max(0, ...opts.map(([left]) => left.length));
  return [
    `Usage: tinyml-lens ${c.synopsis}`,
    '',
    c.description,
    ...(opts.length > 0 ? ['', 'Options:', ...opts.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`)] : []),
    '',
    EXIT_CODES,
  ].join('\n');
}
