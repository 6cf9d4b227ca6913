/**
 * The --gaps file: listed files that have no record, in the form `lcnet classify -` reads back.
 * One path per line; but a path holding a newline (or ending in a carriage return, which a line
 * reader drops) cannot be a line, so the whole list is then NUL-separated, as `find -print0`
 * writes it. The lines written before that point are turned into NUL-separated entries in place
 * (one byte for one), and a list whose very first path needs it starts with a NUL, so that the
 * reader sees a NUL before any newline.
 */

import {closeSync, openSync, readSync, writeSync} from 'node:fs';
import {AtomicFile} from '../pipeline/output/atomic-file.js';

const FLUSH = 64 * 1024;

export class GapList {
  private readonly file: AtomicFile;
  private readonly fd: number;
  private pending = '';
  private written = 0;
  private nul = false;
  private closed = false;

  constructor(path: string) {
    this.file = new AtomicFile(path, 'merge');
    this.fd = openSync(this.file.temp, 'w+');
  }

  /** Whether the list is NUL-separated. */
  get nulSeparated(): boolean {
    return this.nul;
  }

  add(path: string): void {
    if (!this.nul && (path.includes('\n') || path.endsWith('\r'))) this.switchToNul();
    this.pending += path + (this.nul ? '\0' : '\n');
    if (this.pending.length >= FLUSH) this.flush();
  }

  /** Writes the list in its place. */
  commit(): void {
    this.flush();
    this.close();
    this.file.commit();
  }

  discard(): void {
    this.close();
    this.file.discard();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    const buf = Buffer.from(this.pending);
    this.pending = '';
    for (let at = 0; at < buf.length; ) at += writeSync(this.fd, buf, at, buf.length - at, this.written + at);
    this.written += buf.length;
  }

  private switchToNul(): void {
    this.flush();
    this.nul = true;
    if (this.written === 0) {
      this.pending = '\0';
      return;
    }
    const buf = Buffer.alloc(FLUSH);
    for (let at = 0; at < this.written; ) {
      const n = readSync(this.fd, buf, 0, Math.min(FLUSH, this.written - at), at);
      for (let i = 0; i < n; i++) if (buf[i] === 10) buf[i] = 0;
      writeSync(this.fd, buf, 0, n, at);
      at += n;
    }
  }
}
