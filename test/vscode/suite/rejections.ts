/**
 * Unhandled promise rejections in the extension host while the suite runs. VS Code only logs
 * them; a result posted to a closed panel ("Webview is disposed") is a bug all the same, so the
 * suite records them and fails on ours.
 */
export const rejections: string[] = [];

/** Rejections that are the extension's: a post to a panel that had closed. */
export const OURS = /Webview is disposed/;

process.on('unhandledRejection', (reason: unknown) => {
  rejections.push(reason instanceof Error ? `${reason.message}\n${reason.stack ?? ''}` : String(reason));
});

export const ourRejections = (): string[] => rejections.filter((r) => OURS.test(r));
