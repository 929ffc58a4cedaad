/**
 * The one door to VS Code's settings: every read and write of `tinymlLens.*` goes through here
 * (configSchema.ts declares them and turns raw values into typed ones). Resource-scoped settings
 * are read for the model's workspace folder, so each folder, through its .vscode/settings.json,
 * can target its own board.
 */
import * as vscode from 'vscode';
import {
  readModelSettings,
  readOptimizeSettings,
  readRunSettings,
  readWindowSettings,
  SECTION,
  type ModelSettings,
  type OptimizeSettings,
  type RunSettings,
  type SettingsSource,
  type WindowSettings,
} from './configSchema';

export { SettingError, type ModelSettings, type OptimizeSettings, type RunSettings, type WindowSettings } from './configSchema';

function source(scope: vscode.Uri | undefined): SettingsSource {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    value: (key) => c.get<unknown>(key),
    isSet: (key) => {
      const i = c.inspect<unknown>(key);
      return (i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue) !== undefined;
    },
  };
}

/** What a model's analysis depends on, for the folder it lives in. Throws a SettingError on an unusable value. */
export function modelSettings(model: vscode.Uri | undefined): ModelSettings {
  return readModelSettings(source(model));
}

/** Running, comparing and quantizing a model, for the folder it lives in. Throws a SettingError on an unusable value. */
export function runSettings(model: vscode.Uri): RunSettings {
  return readRunSettings(source(model));
}

/** Optimizing a model's arena, for the folder it lives in. */
export function optimizeSettings(model: vscode.Uri): OptimizeSettings {
  return readOptimizeSettings(source(model));
}

export function windowSettings(): WindowSettings {
  return readWindowSettings(source(undefined));
}

/** Saves the chosen board in the workspace's settings, or the user's when no folder is open. */
export async function saveTarget(targetId: string, model?: vscode.Uri): Promise<void> {
  const where = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION, model).update('target', targetId, where);
}

/** Whether a settings change may change anything TinyML Lens shows. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
