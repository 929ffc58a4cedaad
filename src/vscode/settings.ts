/**
 * The user's budget, read from settings for the folder a model lives in, so that each
 * workspace folder (through its .vscode/settings.json) can target its own board.
 */
import * as vscode from 'vscode';
import { customTarget, findBoard, type Reserve } from '../targets/fit';
import type { Target } from '../targets/target';

export const SECTION = 'tinymlLens';
/** A common TinyML board, used when the user has chosen none; the panel names it. */
export const DEFAULT_TARGET = 'arduino-nano-33-ble-sense';

export interface ModelSettings {
  readonly target: Target;
  /** True when the target is the default because the user chose none. */
  readonly isDefaultTarget: boolean;
  readonly reserve: Reserve;
  readonly kernels: string;
  /** Real-time budget for the latency estimate (ms); 0 when off. */
  readonly latencyBudgetMs: number;
}

const KB = 1024;

export function modelSettings(scope: vscode.Uri | undefined): ModelSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const id = c.get<string>('target', DEFAULT_TARGET);
  const inspected = c.inspect<string>('target');
  const chosen = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  const sram = c.get<number | null>('sramBudgetKB', null);
  const flash = c.get<number | null>('flashBudgetKB', null);
  const board = id === 'custom' ? undefined : findBoard(id) ?? findBoard(DEFAULT_TARGET)!;
  let target: Target;
  if (!board) {
    target = customTarget((sram ?? 256) * KB, (flash ?? 1024) * KB);
  } else if (sram !== null || flash !== null) {
    target = { ...board, name: `${board.name} (custom budget)`, sramBytes: sram !== null ? sram * KB : board.sramBytes, flashBytes: flash !== null ? flash * KB : board.flashBytes };
  } else {
    target = board;
  }
  return {
    target,
    isDefaultTarget: chosen === undefined,
    reserve: { sramBytes: c.get<number>('reservedSramKB', 16) * KB, flashBytes: c.get<number>('reservedFlashKB', 64) * KB },
    kernels: c.get<string>('kernels', 'reference'),
    latencyBudgetMs: c.get<number | null>('latencyBudgetMs', null) ?? 0,
  };
}

export function affectsModelSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
