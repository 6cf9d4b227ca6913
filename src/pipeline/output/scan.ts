/**
 * The structure of an lcnet output file, format by format, read as a stream: where its header or
 * opening bracket is, where each record stands (a CSV row, possibly over several lines, or a JSON
 * object on its line), and what an interrupted write left at the end. What a record means is
 * decoded by the callers with the record codec (codec.ts): `--resume` (existing-output.ts) and
 * `lcnet merge` (src/merge).
 *
 * Only the end of a file can be unfinished: lcnet appends whole records in single writes. So a
 * line without its newline is the last one, and it is passed on marked incomplete (JSON, JSON
 * Lines: the record may still be whole) or as a `tail` (CSV: a cut row cannot be told from a whole
 * one). Anything else out of place means the file is not lcnet output and is refused.
 */

import {closeSync, openSync, readSync} from 'node:fs';
import {beatHeldLocks} from '../../fs/lock-file.js';
import {csvHeader, csvHeaderLineLayout, type CsvLayout} from './codec.js';
import {parseCsv} from './csv.js';
import type {OutputFormat} from './record.js';

export class NotOurOutputError extends Error {}

export interface Line {
  text: string;
  /** byte offset of the line's first byte */
  start: number;
  /** byte offset just past the line's newline (or its last byte when it has none) */
  end: number;
  /** ended by a newline: written completely */
  complete: boolean;
}

const CHUNK = 8 * 1024 * 1024;

/**
 * The lines of a file, read in chunks into one buffer: the unfinished line at the end of a chunk
 * is moved to the front and the next chunk read after it, so no chunk is copied (a fresh buffer
 * per chunk cost a sixth of the time of reading back an output).
 */
export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.alloc(CHUNK);
    /** bytes at the front of `buf`: the line the last chunk left unfinished, from file offset `carryStart` */
    let carry = 0;
    let carryStart = 0;
    let position = 0;
    for (;;) {
      if (carry === buf.length) {
        // a line longer than the buffer
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const n = readSync(fd, buf, carry, buf.length - carry, position);
      if (n === 0) break;
      // reading back a large output keeps this thread busy for seconds: keep held locks alive
      beatHeldLocks();
      position += n;
      const end = carry + n;
      const data = buf.subarray(0, end);
      const base = carryStart;
      let from = 0;
      for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
        yield {text: data.toString('utf8', from, nl), start: base + from, end: base + nl + 1, complete: true};
        from = nl + 1;
      }
      buf.copy(buf, 0, from, end);
      carry = end - from;
      carryStart = base + from;
    }
    if (carry) yield {text: buf.toString('utf8', 0, carry), start: carryStart, end: carryStart + carry, complete: false};
  } finally {
    closeSync(fd);
  }
}

export type ScanItem =
  /**
   * CSV: the header line, with the layout it was written with (top-k, yes/no or attributes, see
   * codec.ts); JSON: the opening bracket (layout null)
   */
  | {kind: 'start'; layout: CsvLayout | null; end: number}
  /** JSON Lines: an empty line */
  | {kind: 'blank'; end: number}
  | {
      kind: 'record';
      /** the record's own text: a CSV row or a JSON object, without separator or newline */
      text: string;
      /** CSV: its fields (as many as the header has) */
      fields: string[] | null;
      /** the line the record starts on, 1-based */
      line: number;
      /** byte offset of that line's first byte: where the record can be read again (record-at.ts) */
      start: number;
      /** bytes of the file that hold everything up to this record and the record (what a resume keeps) */
      end: number;
      /** followed by its newline; only the last record of a file can lack it */
      complete: boolean;
    }
  /** JSON: the closing bracket */
  | {kind: 'close'}
  /** what is left after the last whole record or line: an interrupted write */
  | {kind: 'tail'; line: number};

/**
 * The items of an lcnet output file in file order. Throws NotOurOutputError, naming the file and
 * line, for anything an lcnet writer cannot have written.
 */
export function scanOutput(path: string, format: OutputFormat): Generator<ScanItem> {
  if (format === 'csv') return scanCsv(path);
  if (format === 'jsonl') return scanJsonLines(path);
  return scanJsonArray(path);
}

function* scanCsv(path: string): Generator<ScanItem> {
  let columns = 0;
  let pending = '';
  let pendingQuotes = 0;
  let pendingLine = 0;
  let pendingStart = 0;
  let lineNo = 0;
  for (const line of readLines(path)) {
    lineNo++;
    if (!line.complete) {
      yield {kind: 'tail', line: pending ? pendingLine : lineNo};
      return;
    }
    if (columns === 0) {
      // top-k, yes/no and attribute outputs each have their own columns
      const layout = csvHeaderLineLayout(line.text);
      if (layout === null) throw new NotOurOutputError(`${path} does not look like lcnet CSV output (its first line is not the lcnet header)`);
      columns = csvHeader(layout).length;
      yield {kind: 'start', layout, end: line.end};
      continue;
    }
    // a quoted field may hold newlines: a record ends where the quotes balance
    if (!pending) {
      pendingLine = lineNo;
      pendingStart = line.start;
    }
    pending += (pending ? '\n' : '') + line.text;
    for (const ch of line.text) if (ch === '"') pendingQuotes++;
    if (pendingQuotes % 2 === 1) continue;
    const text = pending;
    const row = parseCsv(text + '\n').rows[0];
    pending = '';
    pendingQuotes = 0;
    if (!row || row.length !== columns || !row[0]) throw new NotOurOutputError(`${path}: line ${pendingLine} is not an lcnet CSV record`);
    yield {kind: 'record', text, fields: row, line: pendingLine, start: pendingStart, end: line.end, complete: true};
  }
  if (pending) yield {kind: 'tail', line: pendingLine};
}

function* scanJsonLines(path: string): Generator<ScanItem> {
  let lineNo = 0;
  for (const line of readLines(path)) {
    lineNo++;
    const body = line.text.trim();
    if (body === '') {
      if (line.complete) yield {kind: 'blank', end: line.end};
      continue;
    }
    yield {kind: 'record', text: body, fields: null, line: lineNo, start: line.start, end: line.end, complete: line.complete};
  }
}

function* scanJsonArray(path: string): Generator<ScanItem> {
  let opened = false;
  let closed = false;
  let lineNo = 0;
  for (const line of readLines(path)) {
    lineNo++;
    const body = line.text.trim();
    if (body === '') continue;
    if (!opened || closed) {
      // an unfinished line outside the array (a cut-off opening bracket) holds no record
      if (!line.complete) {
        yield {kind: 'tail', line: lineNo};
        return;
      }
      if (closed) throw new NotOurOutputError(`${path}: line ${lineNo} follows the end of the JSON array`);
      if (body !== '[') throw new NotOurOutputError(`${path} does not look like lcnet JSON output (it does not start with '[')`);
      opened = true;
      yield {kind: 'start', layout: null, end: line.end};
      continue;
    }
    if (body === ']') {
      closed = true;
      yield {kind: 'close'};
      continue;
    }
    // keep the record, not its separator: the next one is written with ",\n" before it
    const end = line.start + Buffer.byteLength(line.text.replace(/,\s*$/, ''));
    yield {kind: 'record', text: body.replace(/,$/, ''), fields: null, line: lineNo, start: line.start, end, complete: line.complete};
  }
}
