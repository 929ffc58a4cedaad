// Types for setup.mjs, for the TypeScript tests that import it.
export declare const CODE_SERVER_VERSION: string;
export declare class SetupError extends Error {}
export declare function cacheRoot(): string;
export declare function codeServerDir(): string;
export declare function codeServerBin(dir?: string): string;
export declare function chromiumPath(): string;
export declare function ensureVsCode(options?: { quiet?: boolean }): { codeServer: string; chromium: string; dir: string };
export declare function ensureAptPackages(quiet: boolean, packages: readonly string[]): void;
