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

/** Bytes read at first: most records are a few hundred bytes long. */
const FIRST_READ = 2048;

export class RecordsAt {
  private fd: number;
  private buf = Buffer.alloc(FIRST_READ);

  /** Opens `path` now: the records read later are those of the file as it is at this moment, even if it is replaced. */
  constructor(
    readonly path: string,
    readonly format: OutputFormat,
    /** CSV: the layout of its rows (JSON formats: unused) */
    public layout: LayoutLike,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** The record whose first line starts at byte `offset` (the file holds one there: Error otherwise). */
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
    let have = 0;
    let from = 0;
    let quotes = 0;
    for (;;) {
      if (have === this.buf.length) {
        const bigger = Buffer.alloc(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, have);
        this.buf = bigger;
      }
      const n = readSync(this.fd, this.buf, have, this.buf.length - have, offset + have);
      const end = have + n;
      // a CSV row goes on past a newline inside quotes
      for (let nl = this.buf.indexOf(10, from); nl >= 0 && nl < end; nl = this.buf.indexOf(10, from)) {
        if (this.format === 'csv') for (let i = from; i < nl; i++) if (this.buf[i] === 34) quotes++;
        if (quotes % 2 === 0) return this.buf.toString('utf8', 0, nl);
        from = nl + 1;
      }
      if (n === 0) return this.buf.toString('utf8', 0, end);
      have = end;
    }
  }
}
