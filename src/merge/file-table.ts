/**
 * What a merge remembers per file, the one thing that grows with the collection: a map from the
 * file to a slot, and per slot a few numbers in typed columns (where its chosen record stands, and
 * what the choice and the checks need), never the records themselves.
 */

import type {Standing} from './rules.js';

/** `position` of a file that is listed but has no record. */
export const NO_RECORD = -1;

export const FLAG = {
  /** the chosen record is an error */
  ERROR: 1,
  /** named by the --files list */
  LISTED: 2,
  /** the second pass has met the chosen record */
  KEPT_SEEN: 4,
} as const;

export class FileTable {
  private readonly slots = new Map<string, number>();
  private capacity = 1024;
  /** ordinal of the chosen record among all records of all inputs, or NO_RECORD */
  position = new Float64Array(this.capacity);
  /** modification time of the chosen record (ms, -Infinity when unknown) */
  mtime = new Float64Array(this.capacity);
  /** records read for the file */
  count = new Uint32Array(this.capacity);
  /** fewest predictions among its prediction records: how deep its records are compared */
  depth = new Uint32Array(this.capacity);
  /**
   * second pass: outcomeDigest of the chosen record once met (KEPT_SEEN); before that, of the
   * first left-out record met, of which `early` records are alike
   */
  digest = new Uint32Array(this.capacity);
  early = new Uint32Array(this.capacity);
  flags = new Uint8Array(this.capacity);

  get size(): number {
    return this.slots.size;
  }

  find(key: string): number | undefined {
    return this.slots.get(key);
  }

  /** A new slot for `key`, with no record yet. */
  add(key: string): number {
    const slot = this.slots.size;
    if (slot === this.capacity) this.grow();
    this.slots.set(key, slot);
    this.position[slot] = NO_RECORD;
    this.mtime[slot] = -Infinity;
    this.depth[slot] = 0xffffffff;
    return slot;
  }

  standing(slot: number): Standing {
    return {error: (this.flags[slot]! & FLAG.ERROR) !== 0, mtime: this.mtime[slot]!};
  }

  choose(slot: number, position: number, s: Standing): void {
    this.position[slot] = position;
    this.mtime[slot] = s.mtime;
    this.flags[slot] = s.error ? this.flags[slot]! | FLAG.ERROR : this.flags[slot]! & ~FLAG.ERROR;
  }

  /** Every file and its slot. */
  entries(): IterableIterator<[string, number]> {
    return this.slots.entries();
  }

  private grow(): void {
    this.capacity *= 2;
    const bigger = <T extends Float64Array | Uint32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.position = bigger(this.position);
    this.mtime = bigger(this.mtime);
    this.count = bigger(this.count);
    this.depth = bigger(this.depth);
    this.digest = bigger(this.digest);
    this.early = bigger(this.early);
    this.flags = bigger(this.flags);
  }
}
