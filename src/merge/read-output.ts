/**
 * Any lcnet output as a stream of records, whatever its format and top-k: JSON Lines, a JSON
 * array or CSV (format from the extension, else from the content), each record parsed back into
 * the object `lcnet classify` wrote. A file left unfinished by a crash (a cut-off last record, an
 * unclosed JSON array) is read up to its last complete record, and says so in `truncation`.
 * Anything else that is not lcnet output is refused with the file and line.
 */

import {closeSync, openSync, readSync} from 'node:fs';
import {FatalError} from '../errors.js';
import {csvHeaderLineLayout, fromCsvRow, fromJson, layoutOfRecord, type CsvLayout} from '../pipeline/output/codec.js';
import {formatFromPath, type OutputFormat, type OutputRecord} from '../pipeline/output/record.js';
import {RecordsAt} from '../pipeline/output/record-at.js';
import {NotOurOutputError, scanOutput} from '../pipeline/output/scan.js';
import {counted} from '../text/plural.js';

export interface ReadRecord {
  record: OutputRecord;
  /** the line it starts on, 1-based */
  line: number;
  /** the byte offset of that line: where `recordAt` reads it again */
  start: number;
}

/** The format of an lcnet output: from its extension, else from how it starts. */
export function detectFormat(path: string): OutputFormat {
  const byName = formatFromPath(path);
  if (byName) return byName;
  const head = readHead(path, 64 * 1024);
  const text = head.trimStart();
  if (text === '' || text.startsWith('{')) return 'jsonl';
  if (text.startsWith('[')) return 'json';
  if (csvHeaderLineLayout(head.split('\n')[0]!) !== null) return 'csv';
  throw new FatalError(`${path}: line 1 is not lcnet output (neither JSON Lines, a JSON array nor CSV with the lcnet header)`);
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * One lcnet output file, read as records (as often as needed: each `records()` reads it again),
 * or one record at a time from where it stands (`recordAt`).
 */
export class OutputReader {
  /** its top-k: the CSV header's, or the most predictions a JSON record has (0 before reading) */
  topk = 0;
  /** why the end of the file was left out (an interrupted write), or null */
  truncation: string | null = null;
  /** the CSV layout of its yes/no or attribute records (from the header or the first such record), null for top-k */
  layout: CsvLayout | null = null;
  /** CSV: the layout of its header, once read */
  private rowLayout: CsvLayout | null = null;
  private at: RecordsAt | null = null;

  constructor(
    readonly path: string,
    readonly format: OutputFormat,
  ) {}

  /** Its complete records in file order, at most `limit` of them. */
  *records(limit = Infinity): Generator<ReadRecord> {
    let count = 0;
    let cutAt: number | null = null;
    let started = false;
    let closed = false;
    let csvLayout: CsvLayout | null = null;
    try {
      for (const item of scanOutput(this.path, this.format)) {
        if (count >= limit) return;
        if (item.kind === 'start') {
          started = true;
          csvLayout = item.layout;
          this.rowLayout = item.layout;
          if (csvLayout && csvLayout.kind !== 'topk') this.layout ??= csvLayout;
          if (csvLayout?.kind === 'topk') this.topk = Math.max(this.topk, csvLayout.topk);
        } else if (item.kind === 'close') {
          closed = true;
        } else if (item.kind === 'tail') {
          cutAt = item.line;
        } else if (item.kind === 'record') {
          const record = item.fields ? (csvLayout ? fromCsvRow(item.fields, csvLayout) : null) : fromJson(item.text);
          if (!record) {
            // only the last line can be unfinished, and then it is not a record yet
            if (!item.complete) {
              cutAt = item.line;
              continue;
            }
            throw new NotOurOutputError(`${this.path}: line ${item.line} is not an lcnet record`);
          }
          if ('predictions' in record) this.topk = Math.max(this.topk, record.predictions.length);
          else if (!this.layout) this.layout = layoutOfRecord(record, 0);
          count++;
          yield {record, line: item.line, start: item.start};
        }
      }
    } catch (e) {
      if (e instanceof NotOurOutputError) throw new FatalError(e.message);
      const code = (e as NodeJS.ErrnoException).code;
      if (code) throw new FatalError(`cannot read ${this.path}: ${code}`);
      throw e;
    }
    const problems: string[] = [];
    if (this.format === 'csv' && !started) problems.push('it has no CSV header');
    if (this.format === 'json' && !closed) problems.push('its JSON array is not closed');
    if (cutAt !== null) problems.push(`its last record, at line ${cutAt}, is cut off`);
    this.truncation = problems.length ? `${this.path}: ${problems.join(' and ')} (an interrupted run?); read up to its last complete record (${counted(count, 'record')})` : null;
  }

  /** The record whose first line starts at byte `start`, as `records()` gave it (after `records()` has read the CSV header). */
  recordAt(start: number): OutputRecord {
    this.at ??= new RecordsAt(this.path, this.format, this.rowLayout ?? 0);
    return this.at.read(start);
  }

  /** Closes what `recordAt` opened. */
  close(): void {
    this.at?.close();
    this.at = null;
  }
}
