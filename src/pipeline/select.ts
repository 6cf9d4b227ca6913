/**
 * Which walked inputs a run takes: those of its shard, less those the caller skips (what
 * `--resume` already has). The same selection serves the run and the progress bar's count.
 */

import {inShard, type Shard} from './shard.js';
import {shardKey, type WalkEntry} from './walk.js';
import {isFound} from './no-inputs.js';

/** What a skip decision is shown of an input, before it is decoded. */
export interface InputFile {
  file: string;
  size: number | null;
  mtime: string | null;
}

export function inputFileOf(e: WalkEntry): InputFile {
  const size = e.kind === 'file' ? (e.size ?? null) : e.kind === 'bytes' ? e.bytes.byteLength : null;
  return {file: e.display, size, mtime: e.kind === 'file' ? (e.mtime ?? null) : null};
}

/**
 * The entries of `shard` that `skip` does not skip; `counts.inShard`, when given, counts the
 * files of the shard (skipped or not), so that a run can tell an empty part of its collection.
 */
export async function* selectEntries(
  entries: AsyncIterable<WalkEntry>,
  shard: Shard,
  skip?: (file: InputFile) => boolean,
  counts?: {inShard: number},
): AsyncGenerator<WalkEntry> {
  for await (const e of entries) {
    if (!inShard(shardKey(e), shard)) continue;
    if (counts && isFound(e)) counts.inShard++;
    if (skip?.(inputFileOf(e))) continue;
    yield e;
  }
}
