/**
 * `tinyml-lens evaluate <model.tflite>… --data <dir|labels.csv>`: accuracy on labeled data, as a
 * readable report or the `--json` contract (docs/cli.md). Exit 0 when evaluated, 2 on bad input.
 */
import type { EvaluationReport, ModelEvaluation } from '../evaluate/metrics';
import { UNATTENDED } from '../jobs/context';
import { evaluateJob } from '../jobs/evaluate';
import { ROUNDINGS } from '../runtime/quant';
import { oneOf, threadsOption, UsageError } from './args';
import { EXIT_OK, type Command } from './command';

/** Confusion matrices wider than this are left to --json. */
const MAX_MATRIX_CLASSES = 12;
/** Changed samples listed per model in the text report. */
const MAX_CHANGED_LINES = 10;

const percent = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);

export const evaluateCommand: Command = async (args, io) => {
  if (args.positionals.length === 0) throw new UsageError('evaluate needs at least one model file');
  const data = args.options.get('data');
  if (data === undefined) throw new UsageError('evaluate needs --data <dir|labels.csv>');
  const threads = threadsOption(args);
  const report = await evaluateJob(
    {
      paths: args.positionals,
      data,
      rounding: oneOf(args, 'rounding', ROUNDINGS) ?? 'tflm',
      ...(args.options.has('labels') ? { labels: args.options.get('labels')! } : {}),
      ...(args.options.has('normalization') ? { normalization: args.options.get('normalization')! } : {}),
      ...(threads !== undefined ? { threads } : {}),
    },
    UNATTENDED,
  );
  if (args.flags.has('json')) io.out(JSON.stringify(report, null, 2));
  else for (const line of renderEvaluation(report)) io.out(line);
  return EXIT_OK;
};

/** The report as text lines: one block per model. */
export function renderEvaluation(report: EvaluationReport): string[] {
  const lines = [`${report.samples} sample(s)${report.classifier ? `, ${report.classes.length} classes` : ', outputs compared with the first model'}`];
  for (const [k, m] of report.models.entries()) {
    lines.push('', `${m.path}`);
    if (report.classifier) lines.push(...classifierBlock(report, m, k));
    else if (k === 0) lines.push('  the reference for the models after it');
    else
      for (const o of m.outputs)
        lines.push(
          `  output ${o.output}: mean |error| ${o.meanAbsError.toPrecision(4)}, max |error| ${o.maxAbsError.toPrecision(4)}, RMSE ${o.rmse.toPrecision(4)}, SQNR ${o.sqnrDb === null ? 'identical' : `${o.sqnrDb.toFixed(1)} dB`}`,
        );
  }
  return lines;
}

function classifierBlock(report: EvaluationReport, m: ModelEvaluation, k: number): string[] {
  const lines = [
    `  top-1 ${percent(m.top1)}${m.top5 !== null ? `, top-5 ${percent(m.top5)}` : ''}${k > 0 ? `, agrees with the first model on ${percent(m.agreementWithFirst)}` : ''}`,
  ];
  const width = Math.max(5, ...report.classes.map((c) => c.length));
  lines.push(`  per class: ${report.classes.map((c) => `${c} ${percent(m.perClass[c] ?? null)}`).join(', ')}`);
  if (report.classes.length <= MAX_MATRIX_CLASSES) {
    const cells = Math.max(4, ...m.confusion.flat().map((v) => String(v).length));
    lines.push(`  confusion (rows: label, columns: predicted):`);
    lines.push(`  ${''.padEnd(width)} ${report.classes.map((_, j) => String(j).padStart(cells)).join(' ')}`);
    m.confusion.forEach((row, i) => lines.push(`  ${report.classes[i]!.padEnd(width)} ${row.map((v) => String(v).padStart(cells)).join(' ')}  (${i})`));
  } else lines.push(`  confusion: ${report.classes.length}×${report.classes.length}, in --json`);
  if (k > 0 && m.changedCount > 0) {
    lines.push(`  ${m.changedCount} prediction(s) changed from the first model:`);
    for (const c of m.changed.slice(0, MAX_CHANGED_LINES)) lines.push(`    ${c.file}: ${c.first} → ${c.this}`);
    if (m.changedCount > MAX_CHANGED_LINES) lines.push(`    … ${m.changedCount - MAX_CHANGED_LINES} more in --json`);
  }
  return lines;
}
