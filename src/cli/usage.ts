/** The CLI's usage text: every command with its options, printed on `--help` and after a usage error. */
export const USAGE = `Usage:
  tinyml-lens analyze <model.tflite> [--target <id> | --sram <KB> --flash <KB>]
                      [--reserve-sram <KB>] [--reserve-flash <KB>]
                      [--kernels reference|cmsis-nn] [--abi arm32|i386|x86_64] [--json]
  tinyml-lens run <model.tflite> --input <file> [--input <file>…] [--rounding tflm|tflite|xnnpack]
                  [--normalization [0,1]|[-1,1]|[0,255]|imagenet] [--out-dir <dir>] [--json]
  tinyml-lens compare <float.tflite> <int8.tflite> [--input <file>… | --samples N] [--rounding …] [--json]
  tinyml-lens targets [--json]
  tinyml-lens estimate <model.tflite> (--target <id> [--mhz <MHz>] | --core <core> --mhz <MHz>)
                       [--kernels reference|cmsis-nn] [--volts <V>]
                       [--profile <micro_profiler.log> [--profile-model <model.tflite>] [--ticks-per-ms <n>]]
                       [--scenario camera-trap|doorbell [--per-hour <n>] [--battery-mah <mAh>] [--battery-v <V>]]
                       [--json]
  tinyml-lens quantize <float.tflite> --calibration <dir|glob> [--out <file>] [--io int8|float]
                       [--method auto|minmax|percentile|mse] [--percentile P] [--samples N] [--held-out N]
                       [--normalization [0,1]|[-1,1]|[0,255]|imagenet] [--per-channel-fc] [--keep-float]
                       [--random-calibration] [--rounding tflm|tflite|xnnpack] [--force] [--json]
  tinyml-lens optimize <model.tflite> [--out <file>] [--reorder] [--time-limit <s>]
                       [--abi arm32|i386|x86_64] [--kernels reference|cmsis-nn] [--force] [--json]
  tinyml-lens examples <dir>      write the example models (DS-CNN, MobileNetV1) into <dir>

Exit codes: 0 fits (or no budget given), 1 does not fit, 2 bad input.`;
