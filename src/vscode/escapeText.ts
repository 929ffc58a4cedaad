/**
 * Model-controlled strings (op names, tensor names, metadata, and error messages that quote
 * them) at the boundary of each VS Code surface. Pure, without `vscode`, so the core tests
 * check them. A custom op named `[x](command:…)` must not become a clickable command in a
 * notification, and a backtick in a tensor name must not end a hover's code span and turn the
 * rest into Markdown (an image fetched from anywhere).
 */

/** Longest model string shown whole; converter names joined with ";" run to hundreds of characters. */
export const MAX_SHOWN_CHARS = 200;

function oneLine(s: string): string {
  // Control characters (newlines, escapes, bidi overrides) would reshape the message around the name.
  const flat = s.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ' ');
  return flat.length > MAX_SHOWN_CHARS ? `${flat.slice(0, MAX_SHOWN_CHARS - 1)}…` : flat;
}

/**
 * For notifications (showErrorMessage and friends): plain text, where VS Code still turns
 * `[label](target)` into a link (command:, https:, file:). Breaking the `](` pair keeps every
 * character readable and no link.
 */
export function notificationText(s: string): string {
  return oneLine(s).replace(/\]\s*\(/g, '] (');
}

/**
 * For Markdown (hovers), inside a line: every character that Markdown or VS Code's $(icon)
 * syntax reads, escaped. An underscore between letters or digits cannot start emphasis, so
 * DEPTHWISE_CONV_2D stays as it is; `-`, `.` and `+` only matter at the start of a line.
 */
export function markdownText(s: string): string {
  return oneLine(s)
    .replace(/[\\`*{}[\]()#!|~$:]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * A code span holding `s` verbatim: fenced with one backtick more than the longest run inside,
 * padded when it starts or ends with one, and with `|` escaped, which GFM tables split on even
 * inside code.
 */
export function markdownCode(s: string): string {
  const text = oneLine(s).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
