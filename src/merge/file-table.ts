/**
 * What a merge remembers per file, the one thing that grows with the collection: the
 * fingerprint of its key (src/fingerprint/table.ts) and a few numbers in typed columns (where its
 * chosen record stands, and what the choice and the checks need), never its path nor its
 * records: about 45-70 bytes per file during the first pass, 8 more in the second. A fingerprint
 * match is confirmed by reading the path back from the chosen record (positions.ts), so two
 * files are never taken for one, whatever fingerprints collide.
 */

import {ensureLength} from '../fingerprint/columns.js';
import {FingerprintTable} from '../fingerprint/table.js';
import type {Standing} from './rules.js';

export const FLAG = {
  /** the chosen record is an error */
  ERROR: 1,
  /** named by the --files list */
  LISTED: 2,
  /** the second pass has met the chosen record */
  KEPT_SEEN: 4,
  /** the file has more than one record */
  MANY: 8,
} as const;

/** `depth` of a file with no prediction record (deeper than any top-k) */
const NO_DEPTH = 0xffff;

export class FileTable {
  private readonly table = new FingerprintTable();
  /** position (positions.ts) of the chosen record */
  position = new Float64Array(16);
  /** modification time of the chosen record (ms, -Infinity when unknown) */
  mtime = new Float64Array(16);
  /** fewest predictions among its prediction records: how deep its records are compared */
  depth = new Uint16Array(16);
  flags = new Uint8Array(16);
  /**
   * second pass (made by `startSecondPass`): outcomeDigest of the chosen record once met
   * (KEPT_SEEN); before that, of the first left-out record met, of which `early` records are alike
   */
  digest = new Uint32Array(0);
  early = new Uint32Array(0);

  /** `keyAt(position)`: the key of the file of the record at `position` */
  constructor(private readonly keyAt: (position: number) => string) {}

  get size(): number {
    return this.table.size;
  }

  fingerprint(key: string): number {
    return this.table.fingerprint(key);
  }

  /** The entry of `key` (fingerprint `fp`), confirmed against its chosen record, or -1. */
  find(key: string, fp: number): number {
    const t = this.table;
    for (let e = t.first(fp); e >= 0; e = t.next()) if (this.keyAt(this.position[e]!) === key) return e;
    return -1;
  }

  /**
   * Second pass: the entry of the record of `key` (fingerprint `fp`) at `position`. Every record
   * got an entry in the first pass, so only a fingerprint shared by several entries needs a read.
   */
  locate(key: string, fp: number, position: number): number {
    const t = this.table;
    const only = t.first(fp);
    if (only < 0 || this.position[only] === position) return only;
    let shared = false;
    for (let e = t.next(); e >= 0; e = t.next()) {
      if (this.position[e] === position) return e;
      shared = true;
    }
    return shared ? this.find(key, fp) : only;
  }

  /** A new entry (fingerprint `fp`) whose chosen record is the one at `position`. */
  add(fp: number, position: number, s: Standing): number {
    const entry = this.table.add(fp);
    if (entry === this.position.length) {
      this.position = ensureLength(this.position, entry + 1);
      this.mtime = ensureLength(this.mtime, entry + 1);
      this.depth = ensureLength(this.depth, entry + 1);
      this.flags = ensureLength(this.flags, entry + 1);
    }
    this.depth[entry] = NO_DEPTH;
    this.flags[entry] = 0;
    this.choose(entry, position, s);
    return entry;
  }

  standing(entry: number): Standing {
    return {error: (this.flags[entry]! & FLAG.ERROR) !== 0, mtime: this.mtime[entry]!};
  }

  choose(entry: number, position: number, s: Standing): void {
    this.position[entry] = position;
    this.mtime[entry] = s.mtime;
    this.flags[entry] = s.error ? this.flags[entry]! | FLAG.ERROR : this.flags[entry]! & ~FLAG.ERROR;
  }

  /** Notes that a record of the file has `n` predictions. */
  deepen(entry: number, n: number): void {
    this.depth[entry] = Math.min(this.depth[entry]!, n, NO_DEPTH - 1);
  }

  /** The key of an entry (read from its chosen record). */
  keyOf(entry: number): string {
    return this.keyAt(this.position[entry]!);
  }

  /** The columns only the second pass uses, for the files the first pass found. */
  startSecondPass(): void {
    this.digest = new Uint32Array(this.size);
    this.early = new Uint32Array(this.size);
  }
}
