/** `tinyml-lens compare`: a float model against its int8 twin, layer by layer and at the outputs. */
import { UNATTENDED } from '../jobs/context';
import { compareJob } from '../jobs/compare';
import { ROUNDINGS } from '../runtime/quant';
import { oneOf, threadsOption, UsageError } from './args';
import { EXIT_OK, type Command } from './command';

export const compareCommand: Command = async (args, io) => {
  const [floatPath, int8Path] = args.positionals;
  if (!floatPath || !int8Path) throw new UsageError('compare needs a float model and an int8 model');
  const inputs = args.repeated.get('input') ?? [];
  const samples = Number(args.options.get('samples') ?? '8');
  if (!Number.isInteger(samples) || samples < 1) throw new UsageError('--samples takes a positive whole number');
  const rounding = oneOf(args, 'rounding', ROUNDINGS) ?? 'tflm';
  const threads = threadsOption(args);
  const result = await compareJob(
    { floatPath, int8Path, samples: inputs.map((f) => [f]), randomSamples: samples, rounding, ...(threads !== undefined ? { threads } : {}) },
    UNATTENDED,
  );
  if (args.flags.has('json')) {
    io.out(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2));
    return EXIT_OK;
  }
  io.out(`${'layer'.padEnd(6)} ${'op'.padEnd(22)} ${'SQNR dB'.padStart(8)} ${'cosine'.padStart(8)} ${'max |err|'.padStart(10)}`);
  for (const l of result.layers)
    io.out(
      `${String(l.int8Layer).padEnd(6)} ${l.op.padEnd(22)} ${l.sqnrDb.toFixed(1).padStart(8)} ${l.cosine.toFixed(5).padStart(8)} ${l.maxAbsError.toPrecision(3).padStart(10)}`,
    );
  const a = result.agreement;
  io.out(
    `outputs over ${a.samples} ${result.random ? 'random ' : ''}sample(s): ${a.top1Agreement !== undefined ? `top-1 agreement ${(100 * a.top1Agreement).toFixed(1)}%, ` : ''}SQNR ${a.sqnrDb.toFixed(1)} dB, cosine ${a.cosine.toFixed(5)}, max |err| ${a.maxAbsError.toPrecision(3)}`,
  );
  return EXIT_OK;
};
