/**
 * What `--resume` knows of the files an output records, in bounded memory: per file the
 * fingerprint of its path (src/fingerprint/table.ts), the byte offset of its last record and
 * whether that record is an error: about 25-45 bytes per file, where a map of path strings cost
 * about 290. The path, size and mtime themselves stay in the output: a fingerprint match is
 * confirmed by reading the record at its offset (record-at.ts), so a file is skipped only when
 * its record names exactly its path, size and mtime, whatever fingerprints collide. That read
 * costs a few microseconds per file skipped, of the same order as the stat the walk makes of it.
 *
 * Read like a Map from each recorded file to the identityKey (size and mtime) of its last
 * record, in the order the files were first recorded. With `failedUndone`, files whose last
 * record is an error read as not recorded (`--retry-errors` classifies them again).
 */

import {ensureLength} from '../../fingerprint/columns.js';
import {FingerprintTable} from '../../fingerprint/table.js';
import {RecordsAt} from './record-at.js';
import {identityKey, type OutputRecord} from './record.js';

const ERROR = 1;

export class RecordedFiles {
  private table = new FingerprintTable();
  /** byte offset of each file's last record */
  private offset = new Float64Array(16);
  private flags = new Uint8Array(16);
  private errors = 0;
  private reader: RecordsAt | null;
  /** records followed by a later record of the same file */
  superseded = 0;
  /** files whose last record is an error read as not recorded */
  failedUndone = false;

  /** `records`: the output the offsets point into, opened before it is read (null: nothing recorded) */
  constructor(records: RecordsAt | null) {
    this.reader = records;
  }

  /** Notes the record of `file` at `offset` (records come in file order: the last one counts). */
  add(file: string, offset: number, error: boolean): void {
    const fp = this.table.fingerprint(file);
    let entry = this.find(file, fp);
    if (entry >= 0) {
      this.superseded++;
      if (this.flags[entry]! & ERROR) this.errors--;
    } else {
      entry = this.table.add(fp);
      if (entry === this.offset.length) {
        this.offset = ensureLength(this.offset, entry + 1);
        this.flags = ensureLength(this.flags, entry + 1);
      }
    }
    this.offset[entry] = offset;
    this.flags[entry] = error ? ERROR : 0;
    if (error) this.errors++;
  }

  /** Files recorded (less those whose last record is an error, with `failedUndone`). */
  get size(): number {
    return this.table.size - (this.failedUndone ? this.errors : 0);
  }

  /** Files whose last record is an error. */
  get failedCount(): number {
    return this.errors;
  }

  has(file: string): boolean {
    return this.get(file) !== undefined;
  }

  /** The identityKey of the last record of `file`, or undefined when it has none. */
  get(file: string): string | undefined {
    const entry = this.find(file, this.table.fingerprint(file));
    if (entry < 0 || (this.failedUndone && this.flags[entry]! & ERROR)) return undefined;
    const r = this.recordOf(entry);
    return identityKey(r.size, r.mtime);
  }

  /** Whether the record at `offset` is the last record of `file`: read from the offsets alone. */
  isLast(file: string, offset: number): boolean {
    const t = this.table;
    for (let e = t.first(t.fingerprint(file)); e >= 0; e = t.next()) if (this.offset[e] === offset) return true;
    return false;
  }

  /** The recorded files, in the order they were first recorded. */
  *keys(): IterableIterator<string> {
    for (let e = 0; e < this.table.size; e++) if (!(this.failedUndone && this.flags[e]! & ERROR)) yield this.recordOf(e).file;
  }

  /** The files whose last record is an error, in the order they were first recorded. */
  *failedFiles(): IterableIterator<string> {
    for (let e = 0; e < this.table.size; e++) if (this.flags[e]! & ERROR) yield this.recordOf(e).file;
  }

  /** Takes over what `other` holds (a reading of the output after it was rewritten); `other` is left empty. */
  adopt(other: RecordedFiles): void {
    this.release();
    this.table = other.table;
    this.offset = other.offset;
    this.flags = other.flags;
    this.errors = other.errors;
    this.superseded = other.superseded;
    this.reader = other.reader;
    other.reader = null;
    other.clear();
  }

  /** Forgets every file and closes the output (memory and file are freed; the set reads as empty). */
  release(): void {
    this.reader?.close();
    this.reader = null;
    this.clear();
  }

  private clear(): void {
    this.table = new FingerprintTable();
    this.offset = new Float64Array(16);
    this.flags = new Uint8Array(16);
    this.errors = 0;
    this.superseded = 0;
  }

  /** The entry of `file` (fingerprint `fp`), confirmed against its record, or -1. */
  private find(file: string, fp: number): number {
    const t = this.table;
    for (let e = t.first(fp); e >= 0; e = t.next()) if (this.recordOf(e).file === file) return e;
    return -1;
  }

  private recordOf(entry: number): OutputRecord {
    return this.reader!.read(this.offset[entry]!);
  }
}
