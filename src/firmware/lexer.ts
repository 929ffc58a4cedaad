/**
 * A tolerant C/C++ tokenizer for the firmware checker: no preprocessor, no grammar. It walks the
 * text once (linear time), drops comments, reduces string and char literals to one token, and
 * gives each preprocessor line as one `directive` token. Unterminated comments and strings end
 * at the end of the text; any character it does not know is a one-character `punct`.
 */

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'directive';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based. */
  readonly line: number;
}

/** Punctuators longer than one character that the scanner cares about; the rest come one by one. */
const TWO_CHAR = new Set(['::', '->', '&&', '||', '<<', '>>', '==', '!=', '<=', '>=', '+=', '-=']);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Yields the tokens of `text` in order; a generator, so a huge file is never held as tokens. */
export function* tokenize(text: string): Generator<Token> {
  const n = text.length;
  let i = 0;
  let line = 1;
  let atLineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (text.charCodeAt(k) === 10) line++;
      i = stop;
      continue;
    }
    const startLine = line;
    if (c === 35 && atLineStart) {
      // A directive runs to the end of the line, across backslash continuations.
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 10) {
          if (text.charCodeAt(j - 1) === 92 || (text.charCodeAt(j - 1) === 13 && text.charCodeAt(j - 2) === 92)) {
            line++;
            j++;
            continue;
          }
          break;
        }
        if (d === 47 && text.charCodeAt(j + 1) === 47) break;
        if (d === 47 && text.charCodeAt(j + 1) === 42) break;
        j++;
      }
      const body = text.slice(i + 1, j);
      i = j;
      yield { kind: 'directive', text: body.replace(/\\\r?\n/g, ' ').trim(), line: startLine };
      continue;
    }
    atLineStart = false;
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          if (text.charCodeAt(j + 1) === 10) line++;
          j += 2;
          continue;
        }
        if (d === c) break;
        if (d === 10) break; // a string never spans lines: an unterminated one ends here
        j++;
      }
      const token: Token = { kind: 'string', text: text.slice(i + 1, Math.min(j, n)), line: startLine };
      i = j < n && text.charCodeAt(j) === c ? j + 1 : j;
      yield token;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      yield { kind: 'ident', text: text.slice(i, j), line };
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isIdentPart(d) || d === 46 || d === 39) j++;
        else if ((d === 43 || d === 45) && /[eEpP]/.test(text[j - 1]!) && !/^0[xX]/.test(text.slice(i, j))) j++;
        else break;
      }
      yield { kind: 'number', text: text.slice(i, j).replace(/'/g, ''), line };
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      yield { kind: 'punct', text: two, line };
      i += 2;
      continue;
    }
    yield { kind: 'punct', text: text[i]!, line };
    i++;
  }
}

/** The value of a C integer literal (hex, octal, binary, decimal; suffixes ignored), or undefined. */
export function integerLiteral(text: string): number | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlLzZ]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[1]!;
  if (/^0[bB]/.test(digits)) return Number.parseInt(digits.slice(2), 2);
  if (/^0[xX]/.test(digits)) return Number.parseInt(digits.slice(2), 16);
  if (digits.length > 1 && digits.startsWith('0')) return Number.parseInt(digits.slice(1), 8);
  return Number.parseInt(digits, 10);
}
