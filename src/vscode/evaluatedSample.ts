/**
 * Which file a click on a changed sample in the panel may open. The panel is untrusted: it names
 * a sample by its path as the report gives it, and only a path the shown report lists is
 * resolved (against the data's folder, which the host kept), so no message can open another file.
 * No VS Code import: the core tests check it.
 */
import { isAbsolute, join } from 'node:path';
import type { EvaluateView } from '../shared/protocol';

/** The file to open, or undefined when the shown report does not list `file` among its changed samples. */
export function evaluatedSamplePath(view: EvaluateView | undefined, file: string): string | undefined {
  if (!view) return undefined;
  const listed = view.report.models.some((m) => m.changed.some((c) => c.file === file));
  if (!listed) return undefined;
  return isAbsolute(file) ? file : join(view.root, file);
}
