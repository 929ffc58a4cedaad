/**
 * CSV as RFC 4180 writes it: commas split fields, double quotes group them (a doubled quote is
 * one quote), and outside quotes CR LF, LF or CR ends a record. One tokenizer for the
 * calibration table and the labels files of `evaluate`.
 */

/** Every record, blank ones included; `breaks` false reads line breaks as ordinary characters. */
function records(text: string, breaks: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (breaks && (c === '\n' || c === '\r')) {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  rows.push(row);
  return rows;
}

/** The records of a CSV text, fields as written (not trimmed); records with only empty fields are dropped. */
export function parseCsv(text: string): string[][] {
  return records(text, true).filter((r) => r.some((f) => f !== ''));
}

/**
 * The fields of one line the caller has split off (so a quoted field cannot span lines, and a
 * lone CR is part of a field), as written; at least one field, even for an empty line.
 */
export function csvLineFields(line: string): string[] {
  return records(line, false)[0]!;
}
