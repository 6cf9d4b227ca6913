/**
 * An exact set of strings in a few tens of bytes per string: fingerprints in memory
 * (table.ts), the strings themselves in a spool file (key-spool.ts), read back only when a
 * fingerprint matches. What deduplicates the files of a walk (a path list that names a file twice)
 * and the gaps of a merge's --files list. A key is never taken for another: a fingerprint match
 * is confirmed against the stored key.
 */

import {ensureLength} from './columns.js';
import {KeySpool} from './key-spool.js';
import {FingerprintTable} from './table.js';

export class SeenKeys {
  private readonly table = new FingerprintTable();
  /** where each entry's key stands in the spool */
  private spoolOffset = new Float64Array(16);
  private spool: KeySpool | null = null;

  get size(): number {
    return this.table.size;
  }

  /** Adds `key`; false when it was in the set already. */
  add(key: string): boolean {
    const fp = this.table.fingerprint(key);
    for (let e = this.table.first(fp); e >= 0; e = this.table.next()) if (this.spool!.read(this.spoolOffset[e]!) === key) return false;
    // the spool file is only made when a key is kept: a run of one file creates none
    this.spool ??= new KeySpool();
    const entry = this.table.add(fp);
    if (entry === this.spoolOffset.length) this.spoolOffset = ensureLength(this.spoolOffset, entry + 1);
    this.spoolOffset[entry] = this.spool.append(key);
    return true;
  }

  /** Removes the spool file (the set can no longer be used). */
  close(): void {
    this.spool?.close();
  }
}
