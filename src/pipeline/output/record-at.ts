/**
 * One record of an lcnet output read again from where it stands: the byte offset of its first
 * line, as the scanner gave it (scan.ts). The tables that keep fingerprints instead of paths
 * (src/fingerprint) read a record back to confirm that a fingerprint match is the same file, so
 * the output itself is where their keys are kept. A JSON or JSON Lines record is one line; a CSV
 * row ends where its quotes balance.
 */

import {closeSync, openSync, readSync} from 'node:fs';
import {fromCsvRow, fromJson, type LayoutLike} from './codec.js';
import {parseCsv} from './csv.js';
import type {OutputFormat, OutputRecord} from './record.js';

/**
 * Bytes read at a time. Lookups tend to come in file order (a resume walks the files in the order
 * it wrote them; a shard run again repeats its records in the same order), so one read serves
 * the records that follow: a read per record cost more than the rest of the lookup.
 */
const WINDOW = 16 * 1024;

export class RecordsAt {
  private fd: number;
  private buf = Buffer.alloc(WINDOW);
  /** the bytes of the file from `windowStart` held at the front of `buf`; `atEnd`: they reach the end of the file */
  private windowStart = 0;
  private windowBytes = 0;
  private atEnd = false;

  /** Opens `path` now: the records read later are those of the file as it is at this moment, even if it is replaced. */
  constructor(
    readonly path: string,
    readonly format: OutputFormat,
    /** CSV: the layout of its rows (JSON formats: unused) */
    public layout: LayoutLike,
  ) {
    this.fd = openSync(path, 'r');
  }

  /**
   * The record whose first line starts at byte `offset` (the file holds one there: Error
   * otherwise). Bytes before the end the file had when it was last read must not change: an
   * output is only appended to, or cut back after its last complete record.
   */
  read(offset: number): OutputRecord {
    const text = this.textAt(offset);
    const record = this.format === 'csv' ? fromCsvRow(parseCsv(text + '\n').rows[0] ?? [], this.layout) : fromJson(text.trim().replace(/,$/, ''));
    if (!record) throw new Error(`${this.path}: no lcnet record at byte ${offset}: the file changed while it was read`);
    return record;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /** The text from `offset` to the end of its record, without the newline. */
  private textAt(offset: number): string {
    if (offset < this.windowStart || offset >= this.windowStart + this.windowBytes) this.fill(offset);
    for (;;) {
      const from = offset - this.windowStart;
      const end = this.recordEnd(from);
      if (end >= 0) return this.buf.toString('utf8', from, end);
      if (this.atEnd) return this.buf.toString('utf8', from, this.windowBytes);
      // the record goes on past the window: read from its start, into a larger buffer if it fills one
      if (from === 0) this.buf = Buffer.alloc(this.buf.length * 2);
      this.fill(offset);
    }
  }

  /** Where the record starting at `from` in the window ends (its newline), or -1 when the window ends first. */
  private recordEnd(from: number): number {
    const data = this.buf.subarray(0, this.windowBytes);
    let quotes = 0;
    for (let at = from, nl = data.indexOf(10, at); nl >= 0; at = nl + 1, nl = data.indexOf(10, at)) {
      if (this.format !== 'csv') return nl;
      // a CSV row goes on past a newline inside quotes
      for (let i = at; i < nl; i++) if (data[i] === 34) quotes++;
      if (quotes % 2 === 0) return nl;
    }
    return -1;
  }

  private fill(offset: number): void {
    let n = 0;
    for (let got = -1; got !== 0 && n < this.buf.length; n += got) got = readSync(this.fd, this.buf, n, this.buf.length - n, offset + n);
    this.windowStart = offset;
    this.windowBytes = n;
    this.atEnd = n < this.buf.length;
  }
}
