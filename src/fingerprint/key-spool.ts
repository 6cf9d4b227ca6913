/**
 * Keys kept on disk rather than in memory: an append-only temporary file of strings, each
 * written once and read back by its offset only to confirm a fingerprint match (table.ts), which
 * is rare when keys are distinct. It is what lets a path list of 100 million lines be deduplicated
 * in a few tens of bytes of memory per path: the paths themselves cost their length in the
 * temporary folder instead (os.tmpdir(), or $TMPDIR).
 *
 * The file is unlinked as soon as it is open where the system allows it (POSIX), so nothing is
 * left behind however the process ends; elsewhere `close()` removes it.
 */

import {closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/** Bytes gathered before a write. */
const FLUSH = 256 * 1024;

export class KeySpool {
  private readonly dir: string;
  private readonly path: string;
  private fd: number;
  private unlinked = false;
  /** bytes written to the file */
  private flushed = 0;
  private pending = Buffer.alloc(FLUSH);
  private pendingBytes = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'lcnet-keys-'));
    this.path = join(this.dir, 'keys');
    this.fd = openSync(this.path, 'w+', 0o600);
    try {
      unlinkSync(this.path);
      rmSync(this.dir, {recursive: true, force: true});
      this.unlinked = true;
    } catch {
      // Windows: an open file cannot be unlinked; close() removes it
    }
  }

  /** Stores `key`; returns the offset to read it back with. */
  append(key: string): number {
    const length = Buffer.byteLength(key);
    if (this.pendingBytes + 4 + length > this.pending.length) this.flush();
    if (4 + length > this.pending.length) this.pending = Buffer.alloc(4 + length);
    const at = this.flushed + this.pendingBytes;
    this.pending.writeUInt32LE(length, this.pendingBytes);
    this.pending.write(key, this.pendingBytes + 4, 'utf8');
    this.pendingBytes += 4 + length;
    return at;
  }

  /** The key stored at `offset`. */
  read(offset: number): string {
    if (offset >= this.flushed) {
      const from = offset - this.flushed;
      const length = this.pending.readUInt32LE(from);
      return this.pending.toString('utf8', from + 4, from + 4 + length);
    }
    const head = Buffer.alloc(4);
    this.readFully(head, offset);
    const body = Buffer.alloc(head.readUInt32LE(0));
    this.readFully(body, offset + 4);
    return body.toString('utf8');
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    if (!this.unlinked) rmSync(this.dir, {recursive: true, force: true});
  }

  private readFully(buf: Buffer, position: number): void {
    for (let got = 0; got < buf.length; ) {
      const n = readSync(this.fd, buf, got, buf.length - got, position + got);
      if (n === 0) throw new Error('the key spool file ended early');
      got += n;
    }
  }

  private flush(): void {
    for (let done = 0; done < this.pendingBytes; ) done += writeSync(this.fd, this.pending, done, this.pendingBytes - done, this.flushed + done);
    this.flushed += this.pendingBytes;
    this.pendingBytes = 0;
  }
}
