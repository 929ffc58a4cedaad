// Types for workspace.mjs, for the TypeScript tests that import it.
export declare const ROOT: string;
export declare const WORKSPACE_SETTINGS: Record<string, unknown>;
export declare function writeExampleModels(dir: string): string[];
export declare function writeWorkspaceSettings(dir: string, settings?: Record<string, unknown>, options?: { overwrite?: boolean }): string;
export declare function createTestWorkspace(options?: { settings?: Record<string, unknown>; parent?: string }): string;
export declare const FIRMWARE_MAIN: string;
export declare function writeFirmwareExample(dir: string, options?: { overwrite?: boolean }): string;
