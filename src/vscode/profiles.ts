/**
 * MicroProfiler logs from the user's own board: "Import MicroProfiler Log…" matches a log to a
 * model, fits the board's coefficients from it, and keeps the fitted target in the
 * workspace's state, so every other model in the workspace is estimated with it too.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { notifyText } from './notifyText';
import { boardTarget, CALIBRATION, calibrateFromProfile, matchProfile, parseProfilerLog, type EstimateTarget, type ProfileCalibration } from '../estimate';
import type { KernelLibraryId } from '../analysis/kernelLibrary';
import { formatMs } from '../estimate/format';
import type { AnalysisService, FittedTargets } from './analysisService';
import { notificationText } from './escapeText';

const KEY = 'tinymlLens.fittedTargets';

interface Stored {
  readonly target: EstimateTarget;
  readonly fromModel: string;
  readonly fromLog: string;
  readonly when: string;
}

export class ProfileStore implements FittedTargets {
  /** The latest calibration per model, for the panel's measured-next-to-estimated column. */
  readonly calibrations = new Map<string, ProfileCalibration>();

  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, Stored> {
    return this.state.get<Record<string, Stored>>(KEY, {});
  }

  get(boardId: string, kernels: KernelLibraryId): EstimateTarget | undefined {
    return this.all()[`${boardId}:${kernels}`]?.target;
  }

  describe(boardId: string, kernels: KernelLibraryId): Stored | undefined {
    return this.all()[`${boardId}:${kernels}`];
  }

  async save(key: string, stored: Stored): Promise<void> {
    await this.state.update(KEY, { ...this.all(), [key]: stored });
  }

  async clear(): Promise<void> {
    await this.state.update(KEY, {});
    this.calibrations.clear();
  }
}

export async function importProfileCommand(
  service: AnalysisService,
  store: ProfileStore,
  model: vscode.Uri,
  logFile?: vscode.Uri,
): Promise<ProfileCalibration | undefined> {
  const log =
    logFile ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        title: vscode.l10n.t('MicroProfiler log of {0} on your board', basename(model.fsPath)),
        filters: { [vscode.l10n.t('Logs')]: ['log', 'txt', 'csv'], [vscode.l10n.t('All files')]: ['*'] },
      })
    )?.[0];
  if (!log) return undefined;
  const result = await service.report(model);
  if (!result.ok) {
    void vscode.window.showErrorMessage(notificationText(result.error));
    return undefined;
  }
  const { analysis, estimate, settings } = result.report;
  const board = settings.target.board;
  if (!board || !estimate) {
    void vscode.window.showErrorMessage(notifyText('Choose a target board first: a profile calibrates a board.'));
    return undefined;
  }
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(log));
    const profile = parseProfilerLog(text);
    const calibration = calibrateFromProfile(analysis, boardTarget(CALIBRATION, board.id, settings.kernels), profile, matchProfile(analysis, profile));
    store.calibrations.set(model.toString(), calibration);
    await store.save(`${board.id}:${settings.kernels}`, {
      target: calibration.target,
      fromModel: vscode.workspace.asRelativePath(model),
      fromLog: vscode.workspace.asRelativePath(log),
      when: new Date().toISOString(),
    });
    service.invalidate();
    void vscode.window.showInformationMessage(
      notifyText(
        '{0} on {1}: measured {2}; the estimate was {3} and is now fitted to your board for every model in this workspace.',
        basename(model.fsPath),
        board.name,
        // toPrecision wrote "1.23e+3 ms" for a second or more.
        formatMs(calibration.measuredMs),
        formatMs(calibration.estimatedMs),
      ),
    );
    return calibration;
  } catch (e) {
    void vscode.window.showErrorMessage(notifyText('Could not use {0}: {1}', basename(log.fsPath), e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}
