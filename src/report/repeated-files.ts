/**
 * Which records name a file that an earlier record named already: a report over overlapping
 * outputs (a shard run twice, a part and the merge of it) would otherwise count such files once
 * per record without a word. Each file is kept as a 52-bit fingerprint of its key in the shared
 * fingerprint table (src/fingerprint/table.ts): 16 to 27 bytes per file, 16-27 MiB for a million
 * files. Unlike resume and merge, the report does not read records back to confirm a match: two
 * different files share a fingerprint with a probability of about n^2 / 2^53, one in nine
 * thousand for a million files (about one pair expected at 100 million): a report may then say
 * one record too many repeats, and nothing else changes.
 */

import {FingerprintTable} from '../fingerprint/table.js';
import {fileKey} from '../merge/rules.js';

export class RepeatedFiles {
  private readonly table = new FingerprintTable();

  /** Notes a record of `file`; true when an earlier record named the same file. */
  add(file: string): boolean {
    const fp = this.table.fingerprint(fileKey(file));
    if (this.table.first(fp) >= 0) return true;
    this.table.add(fp);
    return false;
  }
}
