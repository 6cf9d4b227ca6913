/**
 * RFC 4180 CSV: quoting for writing, and a streaming-safe parser for reading back. Hand-written
 * on purpose: resume needs to know exactly where the last complete row ends (a quoted field may
 * hold newlines), which CSV libraries do not report.
 */

export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: (string | number)[]): string {
  return values.map(csvField).join(',') + '\n';
}

export interface ParsedCsv {
  rows: string[][];
  /** byte offset just after the last complete row (a row ended by a newline outside quotes) */
  completeBytes: number;
}

/** Parses CSV text; an unterminated last row (an interrupted write) is left out. */
export function parseCsv(text: string): ParsedCsv {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let completeChars = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      completeChars = i + 1;
    } else field += ch;
  }
  return {rows, completeBytes: Buffer.byteLength(text.slice(0, completeChars))};
}
