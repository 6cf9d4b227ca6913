/**
 * Where a record stands among all the inputs of a merge, as one number: the sizes of the inputs
 * before its own, plus its byte offset in its input. Positions grow in the order records are
 * read (input order, then file order), which is the order the rules break ties by, and each
 * names one record to read again: the file table keeps a position instead of a path and reads the
 * path back there to confirm a fingerprint match. A double holds positions exactly up to 8 PiB.
 */

import {statSync} from 'node:fs';
import {FatalError} from '../errors.js';
import type {OutputRecord} from '../pipeline/output/record.js';
import type {OutputReader} from './read-output.js';

export class Positions {
  /** position of each input's first byte */
  private readonly bases: number[] = [];
  private readonly sizes: number[] = [];

  constructor(private readonly readers: readonly OutputReader[]) {
    let base = 0;
    for (const r of readers) {
      const size = statSync(r.path).size;
      this.bases.push(base);
      this.sizes.push(size);
      base += size;
    }
  }

  /** The position of the record at byte `start` of input `input`. */
  of(input: number, start: number): number {
    // a record beyond the size measured would take the position of another input's record
    if (start >= this.sizes[input]!) throw new FatalError(`${this.readers[input]!.path} changed during the merge: it has grown`);
    return this.bases[input]! + start;
  }

  /** The record at `position`. */
  recordAt(position: number): OutputRecord {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return this.readers[lo]!.recordAt(position - this.bases[lo]!);
  }
}
