/**
 * An open-addressing table of fingerprints (fingerprint.ts): the one structure that remembers
 * millions of files in `--resume`, `lcnet merge`, path lists and `lcnet report`. It holds no
 * keys: entries are numbered 0, 1, 2... in the order they are added, each with its fingerprint,
 * and callers keep what they need per entry in their own typed columns (columns.ts), indexed by
 * that number, and say where the key itself can be read back (a record's byte offset in an
 * output, a path in a spool file) to confirm a match.
 *
 * Several entries may share a fingerprint (different keys that collide): `first` and `next` walk
 * every entry with a given fingerprint, and the caller confirms each against its key. So a
 * collision costs a confirmation, never a file.
 *
 * Memory: a slot is an Int32 (the entry number + 1, 0 when empty) in an array of a power of two
 * kept at most half full, so 8-16 bytes per entry, plus the fingerprints, 8 bytes per entry (a
 * third more before the column grows): 16-27 bytes per entry. Linear probing keeps a lookup to
 * about two slots on average at half load.
 */

import {ensureLength} from './columns.js';
import {fingerprintOf, fingerprintWidth} from './fingerprint.js';

/** Slots before the first growth (a power of two): small tables cost nothing, and growth is amortised. */
const INITIAL_SLOTS = 16;

export class FingerprintTable {
  /** entry + 1 per slot, 0: empty */
  private slots = new Int32Array(INITIAL_SLOTS);
  /** fingerprint per entry */
  private fingerprints = new Float64Array(INITIAL_SLOTS / 2);
  private count = 0;
  /** the walk of `first` / `next`: the fingerprint sought and the slot to look at next */
  private sought = 0;
  private at = 0;
  /** bits kept of each fingerprint (fingerprint.ts: narrowed by tests only) */
  readonly bits = fingerprintWidth();

  /** Entries added so far; they are numbered 0 to size - 1. */
  get size(): number {
    return this.count;
  }

  /** The fingerprint of `key`, as this table keeps it. */
  fingerprint(key: string): number {
    return fingerprintOf(key, this.bits);
  }

  fingerprintOfEntry(entry: number): number {
    return this.fingerprints[entry]!;
  }

  /** The first entry (in probe order) with fingerprint `fp`, or -1; `next()` gives the others. */
  first(fp: number): number {
    this.sought = fp;
    this.at = fp & (this.slots.length - 1);
    return this.next();
  }

  /** The next entry with the fingerprint `first` was given, or -1 when there is none. */
  next(): number {
    const mask = this.slots.length - 1;
    for (let i = this.at; ; i = (i + 1) & mask) {
      const held = this.slots[i]!;
      if (held === 0) {
        this.at = i;
        return -1;
      }
      if (this.fingerprints[held - 1] === this.sought) {
        this.at = (i + 1) & mask;
        return held - 1;
      }
    }
  }

  /**
   * A new entry with fingerprint `fp`, numbered `size` before the call. The caller has made sure
   * that its key is not in the table (an entry with the same fingerprint may be: another key).
   * Adding may move slots: a walk of `first`/`next` does not survive it.
   */
  add(fp: number): number {
    const entry = this.count++;
    if (entry === this.fingerprints.length) this.fingerprints = ensureLength(this.fingerprints, this.count);
    this.fingerprints[entry] = fp;
    if (this.count * 2 > this.slots.length) this.grow();
    else this.place(entry);
    return entry;
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let i = this.fingerprints[entry]! & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = entry + 1;
  }

  /** Doubles the slots and places every entry again. */
  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.count; e++) this.place(e);
  }
}
